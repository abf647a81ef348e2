"""Fixtures of the reports' tests: the demo data the briefing reads, built once per test module."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="module")
def briefing_demo(django_db_setup, django_db_blocker):
    """Accounts, portfolio, indicators, financing, appeals and assignments of the demo, built through the services.

    Built once for the module inside a transaction that is rolled back at its end; each test runs in a savepoint
    within it (the ``db`` fixture), so what one test changes the next does not see. Returns username -> user.
    """
    from django.core.cache import cache
    from django.db import transaction

    from meks.accounts.models import User
    from meks.demo import builder

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            builder.build_demo(portfolio=False)
            builder.build_demo_portfolio()
            builder.build_demo_indicators()
            builder.build_demo_finance()
            builder.build_demo_appeals()
            builder.build_demo_assignments()
            yield {user.username: user for user in User.objects.all()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            cache.clear()
