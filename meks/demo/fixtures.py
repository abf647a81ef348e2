"""pytest fixtures: the demo accounts (one per role) built through the real services."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo(db):
    """The demo accounts, organizations and territories (no portfolio); returns username -> user."""
    from meks.accounts.models import User
    from meks.demo.builder import build_demo

    build_demo(portfolio=False)
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def portfolio_demo(demo):
    """The whole demo data set, the 309-project portfolio included; returns username -> user."""
    from meks.demo.builder import build_demo_portfolio

    build_demo_portfolio()
    return demo


@pytest.fixture
def indicators_demo(demo):
    """Accounts, territories and the demo indicators (monotowns, wear zoning, tax plans, villages)."""
    from meks.demo.builder import build_demo_indicators

    build_demo_indicators()
    return demo


@pytest.fixture
def finance_demo(portfolio_demo):
    """The portfolio and the demo financing on top of it (indicators too: financing sorts by priority)."""
    from meks.demo.builder import build_demo_finance, build_demo_indicators

    build_demo_indicators()
    build_demo_finance()
    return portfolio_demo


@pytest.fixture
def metering_demo(demo):
    """Accounts, territories and the demo metering (types, buildings, meters, a year of readings)."""
    from meks.demo.builder import build_demo_metering

    build_demo_metering()
    return demo


@pytest.fixture
def client_for(client, demo):
    """A function giving a test client signed in as the named demo account."""
    from django.test import Client

    def make(username: str) -> Client:
        signed_in = Client()
        signed_in.force_login(demo[username])
        return signed_in

    return make


@pytest.fixture
def producers_demo(demo):
    """Accounts, territories and the demo domestic producers, products and offtake contracts."""
    from meks.demo.builder import build_demo_producers

    build_demo_producers()
    return demo


@pytest.fixture
def procurement_demo(finance_demo):
    """The portfolio, financing, producers and the demo procurement on top of them."""
    from meks.demo.builder import build_demo_procurement, build_demo_producers

    build_demo_producers()
    build_demo_procurement()
    return finance_demo
