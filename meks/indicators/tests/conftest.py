"""Fixtures of the indicators tests."""

import pytest


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English (pages render in each user's own language)."""
    from django.utils import translation

    with translation.override("en"):
        yield
