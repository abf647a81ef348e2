"""Fixtures of the portfolio tests: directions and projects built through the services."""

import datetime as dt
from decimal import Decimal

import pytest

from meks.accounts.models import Organization
from meks.portfolio import services
from meks.portfolio.models import Direction
from meks.territory.models import Region

TODAY = dt.date(2026, 11, 21)


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English (pages render in each user's own language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def directions(db):
    return {code: Direction.objects.create(code=code, name_ru=code, order=order)
            for order, code in enumerate(["heat", "power", "water", "sewerage"], start=1)}


@pytest.fixture
def make_project(demo, directions):
    """Register a project in Karaganda (or the region given) through the service, as the project office."""
    counter = {"n": 0}

    def make(*, region="35", direction="heat", cost="1000000000", start=None, end=None, actor="office", **extra):
        counter["n"] += 1
        region_obj = Region.objects.get(kato=region)
        owner = Organization.objects.filter(kind__in=["utility", "akimat"], region=region_obj).order_by("kind").last()
        return services.project_create(
            actor=demo[actor], code=f"T-{region}-{counter['n']:03d}", title_ru=f"Проект {counter['n']}",
            direction=directions[direction], project_type="replacement", region=region_obj, owner=owner,
            responsible=demo["utility"] if region == "35" else demo["akimat.mangystau"], cost_estimate=Decimal(cost),
            planned_start=start, planned_end=end, **extra,
        )

    return make


def move(project, users, *steps):
    """Apply lifecycle actions in order, each by the named demo user."""
    for action, username in steps:
        services.project_transition(actor=users[username], project=project, action=action, reason="test")
    project.refresh_from_db()
    return project


TO_CONFIRMED = [("submit", "office"), ("start_document_check", "techoperator"), ("pass_document_check", "techoperator"),
                ("pass_technical_review", "ministry"), ("confirm", "office")]
