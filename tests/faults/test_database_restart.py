"""Fault: the database restarts while the platform serves (PostgreSQL).

What a restart looks like to the web process is its connections being closed under it; the test does
exactly that with ``pg_terminate_backend`` on the sessions of a gunicorn running the production settings
with persistent connections (``CONN_MAX_AGE``) and health checks. The shared server itself is not touched.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from meks.core.testing.gates import require_postgres

from .conftest import APPLICATION_NAME, gunicorn

pytestmark = pytest.mark.postgres


@pytest.fixture
def admin_connections():
    """A function giving connections of the test's own, outside Django, in autocommit (closed at the end)."""
    import psycopg
    from django.db import connection

    opened = []

    def connect():
        db = connection.settings_dict
        opened.append(psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"],
                                      password=db["PASSWORD"] or None, dbname=db["NAME"], autocommit=True))
        return opened[-1]

    yield connect
    for admin in opened:
        admin.close()


def _terminate_platform_sessions(admin) -> int:
    rows = admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = %s",
                         [APPLICATION_NAME]).fetchall()
    return sum(1 for (terminated,) in rows if terminated)


def _register(server, token: str, text: str) -> tuple[int, str]:
    body = json.dumps({"channel": "phone", "category": "fault", "region": "35", "text": text,
                       "applicant_name": "Ерлан Сулейменов", "applicant_phone": "+7 701 123 45 67"}).encode()
    return server.request("/api/v1/appeals/items/", data=body, headers={
        "Authorization": f"Token {token}", "Content-Type": "application/json", "Accept-Language": "en"})


def _appeals_with(text: str) -> int:
    from meks.appeals.models import Appeal

    return Appeal.objects.filter(text=text).count()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_connections_killed_between_requests_are_replaced_and_nothing_confirmed_is_lost(appeal_desk,
                                                                                        admin_connections):
    require_postgres()
    admin = admin_connections()
    with gunicorn(DATABASE_CONN_MAX_AGE="60") as server:
        status, body = _register(server, appeal_desk["token"], "Before the restart")
        assert status == 201, body
        number = json.loads(body)["number"]
        # The persistent connection of the worker is there, and is killed.
        assert _terminate_platform_sessions(admin) == 1
        # The health check finds the connection dead and opens a new one: the next requests just work.
        status, body = server.request("/portal/", headers={"Accept-Language": "en"})
        assert status == 200 and "Traceback" not in body
        status, body = _register(server, appeal_desk["token"], "After the restart")
        assert status == 201, body
        for _round in range(3):  # again and again, as a restart that takes several goes
            assert _terminate_platform_sessions(admin) == 1
            assert server.request("/healthz")[0] == 200
    from meks.appeals.models import Appeal

    assert Appeal.objects.get(text="Before the restart").number == number
    assert _appeals_with("After the restart") == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_in_flight_when_its_connection_dies_is_refused_cleanly_and_kept_out(appeal_desk, admin_connections):
    require_postgres()
    admin, blocker = admin_connections(), admin_connections()
    answers: list[tuple[int, str]] = []
    with gunicorn(DATABASE_CONN_MAX_AGE="60") as server:
        # Hold the appeals table so that the registration stops inside its transaction, then kill it there.
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE appeals_appeal IN EXCLUSIVE MODE")
        in_flight = threading.Thread(target=lambda: answers.append(
            _register(server, appeal_desk["token"], "In flight")))
        in_flight.start()
        deadline = time.monotonic() + 30
        while not admin.execute("SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
                                "AND wait_event_type = 'Lock'", [APPLICATION_NAME]).fetchone()[0]:
            assert time.monotonic() < deadline, "the registration never waited for the table"
            time.sleep(0.05)
        assert _terminate_platform_sessions(admin) == 1
        blocker.execute("ROLLBACK")
        in_flight.join(30)
        [(status, body)] = answers
        # A clear, translated refusal, with a hint when to try again; never a traceback.
        assert status == 503, body
        assert json.loads(body) == {"detail": "The service is temporarily unavailable. Nothing was saved from "
                                              "this request; please try again in a minute."}
        assert _appeals_with("In flight") == 0
        # The user tries again, and it works.
        status, body = _register(server, appeal_desk["token"], "In flight")
        assert status == 201, body
    assert _appeals_with("In flight") == 1
