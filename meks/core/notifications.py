"""Sending notifications: in the platform and, when the user has an address, by e-mail (after commit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone


def notify(*, user: Any, key: str, subject: str, text: str, url: str = "") -> bool:
    """Send a message once per (user, key); returns True when it was new."""
    from .models import Notification
    from .outbox import task_enqueue

    with transaction.atomic():
        notification, created = Notification.objects.get_or_create(user=user, key=key,
                                                                   defaults={"text": text, "url": url})
        if created and getattr(user, "email", ""):
            # Through the outbox: the e-mail is sent after the commit, and later if the broker is down.
            task_enqueue(task="meks.core.tasks.send_notification_email",
                         kwargs={"notification_id": notification.pk, "subject": str(subject)})
    return created


def notification_email_send(*, notification_id: int, subject: str) -> bool:
    """E-mail a notification to its user once; False when it was already sent, is gone or has no address.

    The row is locked while the message goes out and marked sent in the same transaction, so a task that
    is delivered twice (a worker lost mid-task, an outbox message sent again) sends one e-mail.
    """
    from .models import Notification

    with transaction.atomic():
        notification = (Notification.objects.select_for_update().select_related("user")
                        .filter(pk=notification_id, emailed_at__isnull=True).first())
        if notification is None or not notification.user.email:
            return False
        send_mail(subject, f"{notification.text}\n\n{notification.url}".strip(), settings.DEFAULT_FROM_EMAIL,
                  [notification.user.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return True
