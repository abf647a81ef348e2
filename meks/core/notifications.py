"""Sending notifications: in the platform and, when the user has an address, by e-mail (after commit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction


def notify(*, user: Any, key: str, subject: str, text: str, url: str = "") -> bool:
    """Send a message once per (user, key); returns True when it was new."""
    from .models import Notification

    _notification, created = Notification.objects.get_or_create(user=user, key=key, defaults={"text": text, "url": url})
    if created and getattr(user, "email", ""):
        transaction.on_commit(lambda: send_mail(subject, f"{text}\n\n{url}".strip(), settings.DEFAULT_FROM_EMAIL,
                                                [user.email], fail_silently=True))
    return created
