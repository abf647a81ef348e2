"""Fixtures of the financing tests: confirmed projects, a second bank, and applications moved through the services."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.accounts.services import organization_create, role_assign, user_create
from meks.core.access import Role
from meks.demo.identifiers import demo_bin
from meks.finance import services
from meks.finance.models import FinancingChannel
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Direction
from meks.territory.models import Region

TO_CONFIRMED = [("submit", "office"), ("start_document_check", "techoperator"), ("pass_document_check", "techoperator"),
                ("pass_technical_review", "ministry"), ("confirm", "office")]
TO_ROUTED = [("submit", "utility"), ("take_for_conclusion", "techoperator"),
             ("pass_to_financial_review", "techoperator")]


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def users(demo):
    """The demo users plus ``bank2`` (a second bank's lender) and ``dbk`` (the development bank's)."""
    created = dict(demo)
    for username, kind, name in (("bank2", OrganizationKind.BANK, "Второй банк"),
                                 ("dbk", OrganizationKind.DEVELOPMENT_BANK, None)):
        organization = Organization.objects.filter(kind=kind).first() if name is None else organization_create(
            actor=None, kind=kind, name_ru=name, bin=demo_bin(random.Random(7)))
        user = user_create(actor=None, username=username, password="x-Strong-Pass-1", organization=organization,
                           first_name="Test", last_name=username, check_password=False)
        role_assign(actor=None, user=user, role=Role.BANK)
        created[username] = user
    return created


@pytest.fixture
def make_project(users):
    """A confirmed project (in Karaganda region unless told), owned by the demo utility there."""
    counter = {"n": 0}
    direction = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)

    def make(*, region="35", cost="10000000000", status_steps=TO_CONFIRMED, **extra):
        counter["n"] += 1
        region_obj = Region.objects.get(kato=region)
        owner = Organization.objects.filter(kind__in=["utility", "akimat"], region=region_obj).order_by("kind").last()
        project = portfolio_services.project_create(
            actor=users["office"], code=f"F-{region}-{counter['n']:03d}", title_ru=f"Проект {counter['n']}",
            direction=direction, project_type="replacement", region=region_obj, owner=owner,
            responsible=users["utility"] if region == "35" else users["akimat.mangystau"],
            cost_estimate=Decimal(cost), **extra,
        )
        for action, username in status_steps:
            portfolio_services.project_transition(actor=users[username], project=project, action=action, reason="test")
        project.refresh_from_db()
        return project

    return make


READY = dict.fromkeys(("ready_design", "ready_expertise", "ready_land", "ready_akimat_decision", "ready_financing", "ready_tender_documents"), True)


@pytest.fixture
def make_project_in_implementation(users, make_project):
    """A ready project taken through contractor determination into implementation (progress can be reported)."""

    def make(**extra):
        project = make_project(planned_start=dt.date(2025, 1, 1), planned_end=dt.date(2027, 12, 31), **READY, **extra)
        portfolio_services.project_transition(actor=users["office"], project=project, action="start_procurement")
        milestone = project.milestones.get(kind="contract_signed")
        portfolio_services.milestone_update(actor=users["office"], milestone=milestone,
                                            expected_version=milestone.version, actual_date=dt.date(2025, 6, 1))
        portfolio_services.project_transition(actor=users["office"], project=project, action="start_implementation")
        project.refresh_from_db()
        return project

    return make


def channel(code: str) -> FinancingChannel:
    return FinancingChannel.objects.get(code=code)


@pytest.fixture
def make_application(users, make_project):
    """An application moved through the named steps (default: to the financial operator's review)."""

    def make(*, project=None, channel_code="bank_loan", amount="1000000000", steps=TO_ROUTED, **extra):
        project = project or make_project()
        application = services.application_create(
            actor=users["utility"] if project.region.kato == "35" else users["akimat.mangystau"],
            project=project, channel=channel(channel_code), amount_requested=amount, term_months=120,
            rate=Decimal("5.00"), **extra,
        )
        for action, username in steps:
            application = services.application_transition(actor=users[username], application=application,
                                                          action=action)
        return application

    return make


def approve(users, application, *, lender="bank", amount=None, round_number=2, reviewer=None, reason=""):
    """Route the application to ``lender``'s organization and approve it there."""
    lender_org = users[lender].organization
    application = services.application_transition(actor=users["baiterek"], application=application, action="route",
                                                  lender=lender_org)
    return services.decision_record(
        actor=users[reviewer or lender], application=application, expected_version=application.version,
        body="Кредитный комитет", number="KK-1", date=dt.date(2026, 11, 1),
        amount_approved=amount or application.amount_requested, round=round_number, amount_reason=reason,
    )
