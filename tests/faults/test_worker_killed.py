"""Fault: the worker running a task is killed with SIGKILL in the middle of it.

With late acknowledgement (``task_acks_late``) the message stays unacknowledged while the task runs; with
``task_reject_on_worker_lost`` a pool process that dies hands it back to the queue, and a worker that dies
whole leaves it unacknowledged on the broker, which hands it out again after the visibility timeout. In
both cases another process runs the task to the end, once.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from meks.core.testing.gates import require_redis

from .conftest import FAULT_REDIS, celery_broker, celery_worker

TASK = "tests.faults.tasks.complete_once"


def _lines(path: Path) -> list[str]:
    return path.read_text().split() if path.exists() else []


def _wait_for(condition, what: str, timeout: float = 45.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.fixture
def queue():
    import redis

    connection = redis.Redis.from_url(require_redis(FAULT_REDIS))
    connection.flushdb()
    yield connection
    connection.flushdb()


def test_the_settings_acknowledge_late_and_reject_on_a_lost_worker(settings):
    from config.celery import app

    assert settings.CELERY_TASK_ACKS_LATE is True and settings.CELERY_TASK_REJECT_ON_WORKER_LOST is True
    assert app.conf.task_acks_late is True and app.conf.task_reject_on_worker_lost is True


def test_a_task_whose_pool_process_is_killed_is_run_again_and_completes_once(queue, tmp_path):
    started, completed = tmp_path / "started", tmp_path / "completed"
    with celery_worker("first") as worker, celery_broker(FAULT_REDIS):
        from config.celery import app

        app.send_task(TASK, kwargs={"folder": str(tmp_path), "seconds": 2})
        _wait_for(lambda: len(_lines(started)) == 1, "the task to start")
        killed = int(_lines(started)[0])
        assert killed != worker.pid  # the pool process running the task, not the worker's parent
        os.kill(killed, signal.SIGKILL)
        _wait_for(completed.exists, "the task to complete after the kill")
        time.sleep(1.0)  # room for a wrongful third run to show
    runs = _lines(started)
    assert len(runs) == 2 and runs[0] == str(killed) and runs[1] != str(killed)
    assert _lines(completed) == [runs[1]]
    assert queue.llen("celery") == 0 and queue.hlen("unacked") == 0


def _parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_a_task_whose_whole_worker_is_killed_is_run_by_the_other_worker_and_completes_once(queue, tmp_path):
    started, completed = tmp_path / "started", tmp_path / "completed"
    visibility = {"CELERY_VISIBILITY_TIMEOUT": "3"}
    with (celery_broker(FAULT_REDIS), celery_worker("first", **visibility) as first,
          celery_worker("second", **visibility) as second):
        from config.celery import app

        app.send_task(TASK, kwargs={"folder": str(tmp_path), "seconds": 2})
        _wait_for(lambda: len(_lines(started)) == 1, "the task to start")
        holder = {first.pid: first, second.pid: second}[_parent_of(int(_lines(started)[0]))]
        os.killpg(holder.pid, signal.SIGKILL)  # the worker and its pool process, as when a machine dies
        holder.wait()
        assert not completed.exists()
        assert queue.hlen("unacked") == 1  # acknowledged late: the broker still holds the message
        survivor = second if holder is first else first
        _wait_for(completed.exists, "the other worker to complete the task")
        time.sleep(1.0)
        runs = _lines(started)
        assert len(runs) == 2 and _parent_of(int(runs[1])) == survivor.pid
    assert _lines(completed) == [runs[1]]
    assert queue.llen("celery") == 0 and queue.hlen("unacked") == 0
