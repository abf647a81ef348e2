"""Helpers of the fault tests: the platform under gunicorn with the production settings, and data to write."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import string
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
#: A Redis database of the fault tests' own; only this one is ever flushed.
# A Redis database of the fault tests' own (CI gives each of its two side-by-side suites another one).
FAULT_REDIS = os.environ.get("MEKS_FAULT_REDIS_URL", "redis://127.0.0.1:6379/9")
#: The name the platform's database sessions carry, so that the test can find and kill exactly those.
APPLICATION_NAME = "meks-fault-web"


def free_port() -> int:
    """A TCP port on the loopback nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url(application_name: str = APPLICATION_NAME) -> str:
    """The URL of the test database (the one pytest created), tagged with ``application_name``."""
    from django.db import connection

    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            f"?application_name={application_name}")


def production_environment(**extra: str) -> dict[str, str]:
    """The environment of a production deployment on the loopback, plain HTTP behind no proxy."""
    alphabet = string.ascii_letters + string.digits
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.faults.settings_production",
        "DJANGO_SECRET_KEY": "".join(secrets.choice(alphabet) for _ in range(64)),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url(),
        "MEKS_LOG_LEVEL": "WARNING",
        "CELERY_BROKER_URL": "",
        "PYTHONPATH": str(ROOT),
    }
    environment.update(extra)
    return environment


@dataclass
class Server:
    """A running gunicorn and how to reach it."""

    url: str
    process: subprocess.Popen

    def request(self, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> tuple[int, str]:
        """One HTTP request; the status and the body, whatever the status."""
        request = urllib.request.Request(self.url + path, data=data, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@contextmanager
def gunicorn(**environment: str) -> Iterator[Server]:
    """The platform under gunicorn (one sync worker) with the production settings, on a port of its own."""
    port = free_port()
    process = subprocess.Popen(
        [str(GUNICORN), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--timeout", "60"],
        cwd=ROOT, env=production_environment(**environment), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        start_new_session=True,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                pytest.fail(f"gunicorn did not start: {process.stderr.read().decode()[-3000:]}")
            try:
                if server.request("/healthz", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("gunicorn did not answer /healthz within 30 s")
            time.sleep(0.2)
        yield server
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.fixture
def appeal_desk(db):
    """Demo accounts, one appeal category routed to the region's akimat, and the operator's API token."""
    from rest_framework.authtoken.models import Token

    from meks.appeals.models import Category, RoutingRule
    from meks.demo.builder import build_demo

    build_demo(portfolio=False)
    from meks.accounts.models import User

    category = Category.objects.create(code="fault", name_ru="Сбой", name_kk="Ақау", name_en="Fault", order=1)
    RoutingRule.objects.create(category=category, to_region_akimat=True)
    operator = User.objects.get(username="operator")
    operator.language = "en"
    operator.save(update_fields=["language"])
    token = Token.objects.create(user=operator)
    return {"category": category.code, "token": token.key, "operator": operator}


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point the platform's Celery application at the broker ``url`` (tasks no longer run in-process)."""
    from config.celery import app

    saved = {"broker_url": app.conf.broker_url, "task_always_eager": app.conf.task_always_eager}

    def forget_connections() -> None:
        # The application keeps its broker connection pools; new ones follow the new URL (kombu keeps one
        # pool per URL, so the old ones are left open for the next use of that URL).
        app._pool = None
        app.amqp._producer_pool = None

    forget_connections()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield
    finally:
        forget_connections()
        app.conf.broker_url, app.conf.task_always_eager = saved["broker_url"], saved["task_always_eager"]


@contextmanager
def celery_worker(name: str, **environment: str) -> Iterator[subprocess.Popen]:
    """A real Celery worker (one prefork child, one message at a time) on the fault tests' Redis database.

    It runs with the production settings and also loads the fault tests' own tasks.
    """
    process = subprocess.Popen(
        [str(GUNICORN.with_name("celery")), "-A", "config", "worker", "--include", "tests.faults.tasks",
         "--concurrency", "1", "--prefetch-multiplier", "1", "--pool", "prefork", "--hostname", f"{name}@fault",
         "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel", "WARNING"],
        cwd=ROOT, env=production_environment(CELERY_BROKER_URL=FAULT_REDIS, **environment),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
