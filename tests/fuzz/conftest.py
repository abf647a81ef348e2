"""Fixtures of the fuzz tests: the whole demo data set built once per module, rolled back afterwards.

Building the demo takes tens of seconds, so the API fuzz module builds it once inside an outer transaction
that is rolled back when the module ends: nothing it writes reaches the other tests. Each test then runs
inside a savepoint of its own (pytest-django's ``db``), and each generated request in one more, so the
fuzzer's writes never leak from one example to the next either.
"""

from __future__ import annotations

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction


@pytest.fixture(scope="module")
def fuzz_demo(django_db_setup, django_db_blocker):
    """The whole demo data set in an outer transaction of the module; returns username -> user."""
    from meks.accounts.models import User
    from meks.demo.builder import build_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            build_demo()
            yield {user.username: user for user in User.objects.all()}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def share_test_connection() -> None:
    """Stop the WSGI handler from closing the test's connection at each request's start and end.

    Django's test client reconnects these handlers after each of its own requests, so a test that mixes
    it with direct WSGI requests calls this again after using it.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)


@pytest.fixture(scope="module")
def in_process_wsgi():
    """Let requests sent straight to the WSGI application share the test's connection and transaction.

    Django's WSGI handler closes "old" database connections when a request starts and ends; inside a test
    transaction that would close the connection the test holds. Django's own test client disconnects the
    same handlers for the same reason.
    """
    share_test_connection()
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
