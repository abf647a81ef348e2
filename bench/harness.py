"""Set up Django for benchmarks on a throw-away database and report ratios.

The database server is the one DATABASE_URL names (SQLite by default); the benchmark data go into a fresh
test database there, which is dropped at the end, so the working database is never touched.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable


def setup_django() -> None:
    """Configure Django with the test settings (which honour DATABASE_URL)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()


def best_time(function: Callable[[], object], repeat: int = 7) -> float:
    """The median wall time of ``function`` over ``repeat`` runs after one warm-up run."""
    function()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def report(name: str, value: float, floor: float, what: str, over: str) -> None:
    """Print one result line: ``<name>: ratio <value> (<what> over <what>)``."""
    print(f"{name}: ratio {value / floor:.2f} ({what} over {over})", flush=True)
