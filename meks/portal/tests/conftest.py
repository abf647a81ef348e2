"""Fixtures of the portal tests: a fresh cache for every test (pages are cached whole)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


from meks.procurement.tests.conftest import (  # noqa: E402, F401  (fixtures used by test_tenders)
    contractors,
    make_project,
    make_tender,
    media_in_tmp,
    published_tender,
    users,
)
