"""Background work through a real broker: a Celery worker on Redis runs the periodic-jobs task."""

import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.contrib.sessions.models import Session
from django.utils import timezone

from config.celery import app
from meks.core.tasks import run_periodic_jobs
from meks.core.testing.gates import require_redis


def forget_connections():
    """Drop what the app caches from its earlier configuration: the result backend (per thread), the
    broker connection pool and the producer pool, so that the next use connects to the new broker."""
    app._local.__dict__.pop("backend", None)
    if app._pool is not None:
        app._pool.force_close_all()
        app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def redis_celery():
    url = require_redis()
    previous = {key: app.conf[key] for key in ("broker_url", "result_backend", "task_always_eager")}
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    forget_connections()
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            yield app
    finally:
        app.conf.update(previous)
        forget_connections()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_periodic_jobs_run_on_a_worker_through_redis(redis_celery):
    Session.objects.create(session_key="r" * 32, session_data="", expire_date=timezone.now() - timezone.timedelta(days=1))
    result = run_periodic_jobs.delay("daily")
    assert type(result.backend).__name__ == "RedisBackend"  # not run eagerly in-process
    # Poll the stored result rather than wait on Redis pub/sub, whose listener an earlier eager run in the
    # same process may have left without a subscription.
    deadline = time.monotonic() + 30
    meta = result.backend.get_task_meta(result.id)
    while meta["status"] not in {"SUCCESS", "FAILURE"} and time.monotonic() < deadline:
        time.sleep(0.1)
        meta = result.backend.get_task_meta(result.id)
    assert meta["status"] == "SUCCESS"
    assert meta["result"]["core.clear_expired_sessions"] == "1"
    assert not Session.objects.exists()
