"""Fixtures of the portal tests: a fresh cache for every test (pages are cached whole)."""

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()
