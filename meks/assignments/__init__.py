"""Control of assignments: meetings, assignments with executors and deadlines, reports, extensions, discipline."""
