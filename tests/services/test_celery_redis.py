"""Background work through a real broker: a Celery worker on Redis runs the periodic-jobs task."""

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from meks.core.tasks import run_periodic_jobs
from meks.core.testing.gates import require_redis


@pytest.fixture
def redis_celery():
    url = require_redis()
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.update(previous)


@pytest.mark.django_db(transaction=True)
def test_periodic_jobs_run_on_a_worker_through_redis(redis_celery):
    Session.objects.create(session_key="r" * 32, session_data="", expire_date=timezone.now() - timezone.timedelta(days=1))
    result = run_periodic_jobs.delay("daily")
    assert type(result.backend).__name__ == "RedisBackend"  # not run eagerly in-process
    assert result.get(timeout=30) == {"core.clear_expired_sessions": "1"}
    assert not Session.objects.exists()
