"""Fixtures of the procurement tests: a ready confirmed project, verified bidders, tenders moved through the services.

Dates are laid out in the past (publication 60 days ago, bid deadline 40 days ago …) so that every step,
including the portfolio milestones that refuse future actual dates, happens through the real services.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from unittest import mock

import pytest
from django.utils import timezone

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.services import organization_create, role_assign, user_create
from meks.core.access import Role
from meks.demo.identifiers import demo_bin
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Direction
from meks.procurement import services
from meks.territory.models import Region

TO_CONFIRMED = [("submit", "office"), ("start_document_check", "techoperator"), ("pass_document_check", "techoperator"),
                ("pass_technical_review", "ministry"), ("confirm", "office")]
READY = dict.fromkeys(("ready_design", "ready_expertise", "ready_land", "ready_akimat_decision", "ready_financing",
                       "ready_tender_documents"), True)
NOW = timezone.now().replace(microsecond=0)
PUBLISHED = NOW - dt.timedelta(days=60)
CLARIFICATIONS = NOW - dt.timedelta(days=45)
DEADLINE = NOW - dt.timedelta(days=40)
OPENING = DEADLINE + dt.timedelta(hours=1)
BIDDING = NOW - dt.timedelta(days=50)
OPENED = NOW - dt.timedelta(days=39)
AWARDED = NOW - dt.timedelta(days=35)
SIGNED = NOW - dt.timedelta(days=10)


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Sealed and opened files go to a temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def users(demo):
    """The demo users plus two more contractors' users (``bidder2``, ``bidder3``) and an unregistered one."""
    created = dict(demo)
    rng = random.Random(11)
    for username in ("bidder2", "bidder3", "bidder4"):
        organization = organization_create(actor=None, kind=OrganizationKind.CONTRACTOR,
                                           name_ru=f"ТОО {username}", bin=demo_bin(rng))
        user = user_create(actor=None, username=username, password="x-Strong-Pass-1", organization=organization,
                           first_name="Test", last_name=username, check_password=False)
        role_assign(actor=None, user=user, role=Role.CONTRACTOR)
        created[username] = user
    return created


@pytest.fixture
def contractors(users):
    """Verified contractors of ``contractor``, ``bidder2`` and ``bidder3`` (``bidder4`` stays unregistered)."""
    made = {}
    for username in ("contractor", "bidder2", "bidder3"):
        user = users[username]
        contractor = services.contractor_register(
            actor=user, bin=user.organization.bin, name_ru=user.organization.name_ru,
            categories=["heat_networks"], experience_years=8)
        made[username] = services.contractor_verify(actor=users["techoperator"], contractor=contractor)
    return made


@pytest.fixture
def make_project(users):
    """A ready confirmed project in Karaganda region owned by the demo utility, with its standard schedule."""
    counter = {"n": 0}
    direction = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)

    def make(*, region="35", cost="10000000000", confirmed_days_ago=None, **extra):
        counter["n"] += 1
        region_obj = Region.objects.get(kato=region)
        owner = users["utility"].organization if region == "35" else Organization.objects.get(kind="akimat", region=region_obj)
        project = portfolio_services.project_create(
            actor=users["office"], code=f"P-{region}-{counter['n']:03d}", title_ru=f"Проект {counter['n']}",
            direction=direction, project_type="replacement", region=region_obj, owner=owner,
            responsible=users["utility"], cost_estimate=Decimal(cost), planned_start=dt.date(2025, 1, 1),
            planned_end=dt.date(2028, 12, 31), **READY, **extra,
        )
        # The status log is append-only, so the confirmation is made at its date rather than re-dated.
        moment = NOW - dt.timedelta(days=confirmed_days_ago or 0)
        with mock.patch("django.utils.timezone.now", return_value=moment):
            for action, username in TO_CONFIRMED:
                portfolio_services.project_transition(actor=users[username], project=project, action=action,
                                                      reason="test")
        project.refresh_from_db()
        return project

    return make


def customer_user(users, project):
    """The demo user acting for the project's customer: the utility in Karaganda, the akimat in Mangystau."""
    return users["utility"] if project.region.kato == "35" else users["akimat.mangystau"]


LOT = {"title_ru": "Реконструкция тепловых сетей", "category": "heat_networks", "estimated_value": "1000000000"}


@pytest.fixture
def make_tender(users, make_project):
    """A draft tender (one lot unless told) with two qualification requirements and a timeline in the past."""

    def make(*, project=None, lots=(LOT,), method="open", **extra):
        project = project or make_project(confirmed_days_ago=extra.pop("confirmed_days_ago", 70))
        timeline = {"clarification_deadline": CLARIFICATIONS, "bid_deadline": DEADLINE, "opening_at": OPENING}
        timeline.update(extra)
        return services.tender_create(
            actor=customer_user(users, project), project=project, title_ru="Тендер на реконструкцию", lots=list(lots),
            requirements=[{"kind": "licence", "text": "Лицензия"}, {"kind": "experience", "text": "Опыт 5 лет"}],
            method=method, at=PUBLISHED - dt.timedelta(days=1), **timeline,
        )

    return make


@pytest.fixture
def published_tender(users, make_tender):
    """A tender published 60 days ago, its bid deadline 40 days ago (bids are submitted ``at=BIDDING``)."""

    def make(**kwargs):
        tender = make_tender(**kwargs)
        return services.tender_publish(actor=customer_user(users, tender.project), tender=tender, at=PUBLISHED)

    return make


def submit(users, tender, username, price, share, *, lot=None, documents=()):
    """Submit a bid as the named contractor user, at the bidding time."""
    lot = lot or tender.lots.get(number=1)
    return services.bid_submit(actor=users[username], tender=tender, lot=lot, price=price,
                               local_content_share=share, documents=documents, at=BIDDING)


def evaluate_all(users, tender, *, failing=()):
    """Open, start the evaluation and record every requirement (bids of ``failing`` contractors fail)."""
    tender = services.tender_open_bids(actor=users["utility"], tender=tender, at=OPENED)
    tender = services.tender_start_evaluation(actor=users["utility"], tender=tender, at=OPENED)
    for lot in tender.lots.all():
        for bid in lot.bids.filter(status="opened"):
            fails = bid.contractor.organization.members.filter(username__in=failing).exists()
            for requirement in tender.requirements.all():
                services.qualification_record(actor=users["utility"], bid=bid, requirement=requirement,
                                              passed=not fails, note="нет лицензии" if fails else "")
        services.lot_evaluate(actor=users["utility"], lot=lot)
    return tender
