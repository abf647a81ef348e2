"""Gates for tests that need a real service.

Under CI a missing service fails the test; elsewhere it skips with the reason shown.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_PATH = os.environ.get("MEKS_CHROMIUM", "/usr/bin/chromium")


def in_ci() -> bool:
    """True when the CI environment variable is set (as CI runs do)."""
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def unavailable(reason: str) -> None:
    """Fail under CI, skip elsewhere, always saying why."""
    if in_ci():
        pytest.fail(f"required service unavailable under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def require_postgres() -> None:
    """The test database must be PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        unavailable("needs PostgreSQL: run with DATABASE_URL=postgres://... (the CI run does)")


def require_chromium() -> str:
    """The system Chromium must be installed; returns its path."""
    path = CHROMIUM_PATH if os.path.exists(CHROMIUM_PATH) else shutil.which("chromium")
    if not path:
        unavailable(f"needs Chromium at {CHROMIUM_PATH} (apt-get install chromium)")
    return path


def require_redis(url: str | None = None) -> str:
    """A Redis server must answer at ``url`` (``MEKS_TEST_REDIS_URL``, database 15 by default); returns the URL.

    CI runs the SQLite and PostgreSQL suites side by side, each with a Redis database of its own.
    """
    import redis

    url = url or os.environ.get("MEKS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.RedisError as error:
        unavailable(f"needs Redis at {url}: {error}")
    return url
