"""Receivers of Django's authentication signals."""

from django.utils import timezone


def record_last_login(sender, user, **kwargs) -> None:
    """Stamp the log-in time without creating a history entry (axes keeps the log-in record)."""
    now = timezone.now()
    type(user).objects.filter(pk=user.pk).update(last_login=now)
    user.last_login = now
