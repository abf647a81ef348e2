"""Fixtures of the API tests: clients that authenticate with an API token, and a clean throttle cache."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _clean_throttle_cache():
    """Throttle counters live in the cache: each test starts with none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def token_client_for(demo):
    """A function giving an API client that sends the named demo account's token (and asks for English)."""
    from rest_framework.authtoken.models import Token

    def make(username: str) -> APIClient:
        token, _ = Token.objects.get_or_create(user=demo[username])
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make
