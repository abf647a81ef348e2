"""Fault: the Celery broker is down when a write that schedules a task commits.

The write must succeed and be kept, and the task must wait in the outbox until the broker is back, then
reach it exactly as it was scheduled: nothing is silently lost.
"""

from __future__ import annotations

import json
import time

import pytest
from django.core import mail

from meks.core.testing.gates import require_redis

from .conftest import FAULT_REDIS, celery_broker

#: Nothing listens on port 1 of the loopback: every connection is refused at once.
UNREACHABLE_BROKER = "redis://127.0.0.1:1/9"


@pytest.fixture
def recipient(transactional_db):
    from meks.accounts.models import User

    return User.objects.create_user(username="fault.recipient", email="recipient@meks.gov.kz", password=None,
                                    first_name="Айгерим", last_name="Ахметова")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_that_notifies_succeeds_while_the_broker_is_down_and_its_task_is_sent_later(recipient):
    import redis
    from django.db import transaction

    from meks.core.models import Notification, OutboxMessage
    from meks.core.notifications import notify
    from meks.core.outbox import outbox_deliver

    queue = redis.Redis.from_url(require_redis(FAULT_REDIS))
    queue.flushdb()
    with celery_broker(UNREACHABLE_BROKER):
        started = time.monotonic()
        with transaction.atomic():  # the caller's transaction, committed for real below
            created = notify(user=recipient, key="fault:1", subject="Напоминание", text="Срок через 3 дня", url="/a/1/")
        elapsed = time.monotonic() - started
    assert created is True
    assert elapsed < 5, "a broker that is down must not hold the user's request"
    # The write is kept, and so is its task, with the failed attempt recorded.
    notification = Notification.objects.get(user=recipient, key="fault:1")
    message = OutboxMessage.objects.get()
    assert (message.task, message.kwargs) == (
        "meks.core.tasks.send_notification_email", {"notification_id": notification.pk, "subject": "Напоминание"})
    assert message.sent_at is None and message.attempts == 1
    assert "OperationalError" in message.last_error or "Connection" in message.last_error
    assert queue.llen("celery") == 0
    assert notification.emailed_at is None and mail.outbox == []

    # Still down at the next delivery run: still kept, one more attempt counted.
    with celery_broker(UNREACHABLE_BROKER):
        assert outbox_deliver() == 0
    message.refresh_from_db()
    assert (message.sent_at, message.attempts) == (None, 2)

    # The broker is back: the next run hands the task over, once.
    with celery_broker(FAULT_REDIS):
        assert outbox_deliver() == 1
        assert outbox_deliver() == 0
    message.refresh_from_db()
    assert message.sent_at is not None and message.attempts == 3 and message.last_error == ""
    assert queue.llen("celery") == 1
    envelope = json.loads(queue.lindex("celery", 0))
    assert envelope["headers"]["task"] == "meks.core.tasks.send_notification_email"
    assert envelope["headers"]["id"] == f"outbox-{message.pk}"
    queue.flushdb()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_rolled_back_write_schedules_nothing(recipient):
    from django.db import transaction

    from meks.core.models import Notification, OutboxMessage
    from meks.core.notifications import notify

    with pytest.raises(RuntimeError), transaction.atomic():
        notify(user=recipient, key="fault:2", subject="s", text="t")
        raise RuntimeError("the caller's write fails after notifying")
    assert not Notification.objects.exists()
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_the_task_runs_in_process_once_and_is_idempotent(recipient):
    from django.db import transaction

    from meks.core.models import Notification, OutboxMessage
    from meks.core.notifications import notification_email_send, notify

    with transaction.atomic():
        notify(user=recipient, key="fault:3", subject="Напоминание", text="Срок завтра", url="/a/3/")
    notification = Notification.objects.get(key="fault:3")
    assert notification.emailed_at is not None
    assert [(m.subject, m.to, m.body) for m in mail.outbox] == [
        ("Напоминание", ["recipient@meks.gov.kz"], "Срок завтра\n\n/a/3/")]
    assert OutboxMessage.objects.get().sent_at is not None
    # Delivered a second time (a redelivery), it sends nothing.
    assert notification_email_send(notification_id=notification.pk, subject="Напоминание") is False
    assert len(mail.outbox) == 1
