"""The home page on the full demo: every demo role gets its page with its figure tiles (200, never a 500).

The producers' offtake tile once failed on PostgreSQL (an annotation used only inside an aggregate's condition);
this test visits the page as each role on the whole demo data set, so such a fault shows on either database.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from meks.accounts.models import User

DEMO_ROLES = ["office", "ministry", "techoperator", "akimat.karaganda", "akimat.mangystau", "utility", "baiterek",
              "bank", "khc", "contractor", "manufacturer", "operator"]
#: Roles with the procurement overseers' tiles (tenders open, late to publish).
OVERSEERS = ["office", "ministry", "techoperator", "akimat.karaganda", "akimat.mangystau", "utility"]


@pytest.fixture
def full_demo(db):
    """The whole demo data set, as ``load_demo`` builds it."""
    from meks.demo.builder import build_demo

    build_demo()
    return {user.username: user for user in User.objects.filter(username__in=DEMO_ROLES)}


def test_the_home_page_answers_every_demo_role(full_demo):
    assert sorted(full_demo) == sorted(DEMO_ROLES)
    late = reverse("procurement:tender_list") + "?late=1"
    behind = reverse("producers:contract_list") + "?behind=1"
    pages = {}
    for username, user in full_demo.items():
        client = Client()
        client.force_login(user)
        response = client.get("/")
        assert response.status_code == 200, (username, response.status_code)
        pages[username] = response.content.decode()
    assert Client().get("/").status_code < 500
    # The figures were computed, not skipped: the late-to-publish tile for the overseers, and the offtake
    # contracts behind plan (the tile that failed) for the roles that hold offtake contracts.
    assert all(late in pages[username] for username in OVERSEERS)
    assert any(behind in page for page in pages.values())
