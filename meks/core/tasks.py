"""Celery tasks of the shared kernel."""

from celery import shared_task

from . import jobs


@shared_task(name="meks.core.tasks.run_periodic_jobs")
def run_periodic_jobs(frequency: str) -> dict[str, str]:
    """Run every periodic job of ``frequency``; the result maps job names to their outcome."""
    return {name: repr(result) for name, result in jobs.run_jobs(frequency=frequency).items()}


@shared_task(name="meks.core.tasks.send_notification_email")
def send_notification_email(notification_id: int, subject: str) -> bool:
    """E-mail one notification (idempotent: a second delivery sends nothing)."""
    from .notifications import notification_email_send

    return notification_email_send(notification_id=notification_id, subject=subject)
