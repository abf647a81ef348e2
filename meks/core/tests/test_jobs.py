from io import StringIO

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from meks.core import jobs
from meks.core.tasks import run_periodic_jobs


@pytest.fixture
def expired_session(db):
    return Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - timezone.timedelta(days=1))


def test_command_runs_the_daily_jobs(expired_session):
    out = StringIO()
    call_command("run_jobs", "--frequency", "daily", stdout=out)
    assert "core.clear_expired_sessions: 1" in out.getvalue()
    assert not Session.objects.exists()


def test_celery_task_runs_in_process_without_a_broker(expired_session):
    result = run_periodic_jobs.delay("daily").get()
    assert result["core.clear_expired_sessions"] == "1"
    assert not Session.objects.exists()


def test_a_failing_job_does_not_stop_the_others(db):
    calls = []

    @jobs.periodic_job("hourly", name="test.failing")
    def failing():
        raise RuntimeError("boom")

    @jobs.periodic_job("hourly", name="test.working")
    def working():
        calls.append(1)
        return "done"

    try:
        results = jobs.run_jobs(frequency="hourly")
        assert isinstance(results["test.failing"], RuntimeError)
        assert results["test.working"] == "done"
        assert calls == [1]
    finally:
        jobs._REGISTRY.pop("test.failing")
        jobs._REGISTRY.pop("test.working")


def test_beat_schedule_points_at_the_registry_task(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert tasks == {"meks.core.tasks.run_periodic_jobs"}
