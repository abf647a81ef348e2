"""One demo data set for the whole security matrix: built once per module inside a transaction that is
rolled back at the end, so every test of the module shares it and the rest of the suite never sees it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from . import samples
from .matrix import ACCOUNTS, ANONYMOUS


@dataclass
class MatrixDemo:
    """The full demo data set, a signed-in client per demo account, the filled sample sets."""

    users: dict[str, Any]
    clients: dict[str, Client]
    samples: dict[str, dict[str, dict[str, Any]]]
    build_seconds: float

    def client(self, principal: str) -> Client:
        return self.clients[principal]

    def fresh_client(self, principal: str, **options: Any) -> Client:
        """A new client for requests that may end the session (log-out) or need CSRF checks."""
        client = Client(raise_request_exception=False, **options)
        if principal != ANONYMOUS:
            client.force_login(self.users[principal])
        return client


SAMPLE_SETS = [name for name, value in vars(samples).items() if callable(value) and not name.startswith("_")
               and getattr(value, "__module__", "") == samples.__name__ and name != "first"]


@pytest.fixture(scope="module")
def matrix_demo(django_db_setup, django_db_blocker):
    from meks.accounts.models import User
    from meks.demo.builder import build_demo

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            started = time.perf_counter()
            build_demo()
            build_seconds = time.perf_counter() - started
            users = {user.username: user for user in User.objects.filter(username__in=ACCOUNTS)}
            clients = {ANONYMOUS: Client(raise_request_exception=False)}
            for username in ACCOUNTS:
                clients[username] = Client(raise_request_exception=False)
                clients[username].force_login(users[username])
            filled = {name: getattr(samples, name)() for name in SAMPLE_SETS}
            yield MatrixDemo(users=users, clients=clients, samples=filled, build_seconds=build_seconds)
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
