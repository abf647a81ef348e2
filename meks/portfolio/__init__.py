"""The project portfolio: programme, targets, projects, lifecycle, readiness, schedules, progress, ratings."""
