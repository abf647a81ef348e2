"""A task of the fault tests: slow enough to be killed in the middle, idempotent, and leaving traces on disk."""

from __future__ import annotations

import os
import time
from pathlib import Path

from celery import shared_task


@shared_task(name="tests.faults.tasks.complete_once")
def complete_once(folder: str, seconds: float) -> bool:
    """Record the start, work for ``seconds``, then complete at most once (False when already completed).

    Completion is an exclusive file creation, so a redelivered run after a completed one changes nothing.
    """
    traces = Path(folder)
    with open(traces / "started", "a") as started:
        started.write(f"{os.getpid()}\n")
    time.sleep(seconds)
    try:
        with open(traces / "completed", "x") as completed:
            completed.write(f"{os.getpid()}\n")
    except FileExistsError:
        return False
    return True
