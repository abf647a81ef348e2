"""Periodic jobs: one registry used both by Celery beat and by the ``run_jobs`` management command.

A domain registers a job with ``@periodic_job("daily")``; beat runs each frequency's jobs through
``meks.core.tasks.run_periodic_jobs``, and ``manage.py run_jobs`` runs them by hand or from cron.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

logger = logging.getLogger(__name__)

FREQUENCIES = ("minutely", "hourly", "daily", "weekly")


@dataclass(frozen=True)
class PeriodicJob:
    """A named job and how often it runs."""

    name: str
    frequency: str
    function: Callable[[], object]
    description: str


_REGISTRY: dict[str, PeriodicJob] = {}


def periodic_job(frequency: str, name: str | None = None) -> Callable[[Callable[[], object]], Callable[[], object]]:
    """Register the decorated function as a periodic job of ``frequency`` (``minutely``, ``hourly``, ``daily`` or ``weekly``)."""
    if frequency not in FREQUENCIES:
        raise ValueError(f"unknown frequency {frequency!r}")

    def register(function: Callable[[], object]) -> Callable[[], object]:
        job_name = name or f"{function.__module__}.{function.__name__}"
        _REGISTRY[job_name] = PeriodicJob(job_name, frequency, function, (function.__doc__ or "").strip())
        return function

    return register


def registered_jobs(frequency: str | None = None) -> list[PeriodicJob]:
    """The registered jobs, optionally of one frequency, in name order."""
    return sorted(
        (job for job in _REGISTRY.values() if frequency is None or job.frequency == frequency),
        key=lambda job: job.name,
    )


def run_jobs(*, frequency: str | None = None, names: list[str] | None = None) -> dict[str, object]:
    """Run the chosen jobs; one failing job is logged and does not stop the others."""
    results: dict[str, object] = {}
    for job in registered_jobs(frequency):
        if names and job.name not in names:
            continue
        try:
            results[job.name] = job.function()
        except Exception as error:  # a job's failure must not stop the rest of the run
            logger.exception("periodic job %s failed", job.name)
            results[job.name] = error
    return results


@periodic_job("daily", name="core.clear_expired_sessions")
def clear_expired_sessions() -> int:
    """Delete expired sessions."""
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
