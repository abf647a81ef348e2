"""The task outbox: background tasks scheduled by a write survive a broker that is down.

A service calls ``task_enqueue`` inside its transaction. The task is stored as an ``OutboxMessage`` row with
the write itself, so both are committed or neither is; after the commit the message is handed to Celery.
When the broker cannot be reached the user's request still succeeds and the message stays pending; the
``core.deliver_outbox`` job (every minute under Celery beat; ``run_jobs --frequency minutely`` by hand) sends it later.

Delivery is at least once: a message whose send succeeded but whose ``sent_at`` could not be saved is sent
again, so tasks sent this way must be idempotent. Each is sent with the task id ``outbox-<pk>``.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import current_app
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from .jobs import periodic_job
from .models import OutboxMessage

logger = logging.getLogger(__name__)

#: Messages sent by one delivery run at most; the rest wait for the next run.
DELIVERY_BATCH = 500


def task_enqueue(*, task: str, kwargs: dict[str, Any] | None = None) -> OutboxMessage:
    """Schedule the Celery task named ``task`` to run after the current transaction commits.

    The arguments must be JSON values. Nothing is sent if the transaction rolls back.
    """
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs or {})
    # robust: a broker failure after the commit must not turn the user's committed write into an error page.
    transaction.on_commit(lambda: outbox_deliver(ids=[message.pk]), robust=True)
    return message


def _publish(message: OutboxMessage) -> None:
    task_id = f"outbox-{message.pk}"
    if current_app.conf.task_always_eager:
        # No broker configured: the task runs here and now, as every task does in that set-up.
        autodiscover_modules("tasks")
        current_app.tasks[message.task].apply_async(kwargs=message.kwargs, task_id=task_id)
        return
    # No publish retries: a broker that is down is retried by the next delivery run, not while a user waits.
    current_app.send_task(message.task, kwargs=message.kwargs, task_id=task_id, retry=False)


def outbox_deliver(*, ids: list[int] | None = None, limit: int = DELIVERY_BATCH) -> int:
    """Send pending messages to the broker, oldest first; returns how many were sent.

    The first failed send stops the run (the broker is most likely down for the rest too); that message
    keeps its place with its attempt counted and the error recorded. Rows are locked with SKIP LOCKED, so
    two delivery runs at once never send the same message twice.
    """
    pending = OutboxMessage.objects.filter(sent_at__isnull=True).order_by("pk")
    if ids is not None:
        pending = pending.filter(pk__in=ids)
    sent = 0
    with transaction.atomic():
        for message in pending.select_for_update(skip_locked=True)[:limit]:
            message.attempts += 1
            try:
                _publish(message)
            except Exception as error:  # any broker or task failure leaves the message pending
                logger.warning("task %s (outbox %s) not sent, kept for the next run: %s", message.task, message.pk, error)
                message.last_error = f"{type(error).__name__}: {error}"[:2000]
                message.save(update_fields=["attempts", "last_error"])
                break
            message.sent_at = timezone.now()
            message.last_error = ""
            message.save(update_fields=["attempts", "sent_at", "last_error"])
            sent += 1
    return sent


@periodic_job("minutely", name="core.deliver_outbox")
def deliver_outbox() -> int:
    """Send the background tasks that could not reach the broker when their write committed."""
    return outbox_deliver()
