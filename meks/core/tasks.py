"""Celery tasks of the shared kernel."""

from celery import shared_task

from . import jobs


@shared_task(name="meks.core.tasks.run_periodic_jobs")
def run_periodic_jobs(frequency: str) -> dict[str, str]:
    """Run every periodic job of ``frequency``; the result maps job names to their outcome."""
    return {name: repr(result) for name, result in jobs.run_jobs(frequency=frequency).items()}
