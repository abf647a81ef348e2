"""OC4IDS 0.9.4 records of the portfolio's projects, with their budget breakdown and financing.

``project_record(project)`` builds one project's record; ``project_package(projects, uri=...)`` wraps
records in a project package. Both are pure functions of the database's state: they check no user's
rights. What is published is the caller's choice (a public feed publishes the projects it decides are
public). A record holds no personal data: organizations only, never the officials named on a project.

What a record holds:

- ``id``: ``oc4ids-meks-<project code>``; ``title``/``description`` in Russian (``language`` "ru");
- ``status`` from ``meks.portfolio.choices.OC4IDS_STATUS``, ``type`` (the project type codes are
  OC4IDS's), ``sector`` from the direction (heat and power: ``energy``; water and sewerage:
  ``waterAndWaste``);
- ``locations``: the region (and the settlement, when named) with their KATO codes as gazetteer entries;
- ``period``: the planned start and completion;
- ``budget.amount``: the cost estimate in KZT; ``budget.budgetBreakdowns``: one breakdown "by year and
  source" with an entry per financing plan (year, source channel, amount, the budget line's codes and
  the funding organization, when known); ``budget.finance``: one entry per approved financing application
  (amount approved, lender, channel type, concessional when the rate is subsidised, rate, term);
- ``parties``: the owner (``buyer``; an akimat owner is also the ``publicAuthority``), every lender
  (``funder``) and budget administrator named as a source (``funder``, ``sourceParty``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from meks.accounts.models import Organization
from meks.finance.choices import APPROVED_STATUSES, LenderKind
from meks.finance.models import FinancingApplication, FinancingPlan
from meks.portfolio.choices import OC4IDS_STATUS
from meks.portfolio.models import Project

OC4IDS_VERSION = "0.9"
ID_PREFIX = "oc4ids-meks-"
CURRENCY = "KZT"
#: The OC4IDS sector of each direction of the national project (directions not listed give none).
SECTOR_OF_DIRECTION = {"heat": "energy", "power": "energy", "water": "waterAndWaste", "sewerage": "waterAndWaste"}
#: The OC4IDS financing arrangement type and financing party type of each lender kind.
FINANCE_TYPE = {
    LenderKind.DEVELOPMENT_BANK: ("loan", "institutional"),
    LenderKind.BANK: ("loan", "institutional"),
    LenderKind.HOUSING_COMPANY: ("bond", "institutional"),
    LenderKind.BUDGET: ("grant", "other"),
    LenderKind.NONE: (None, "other"),
}
PUBLISHER = {"name": "Проектный офис национального проекта «Модернизация энергетического и коммунального секторов»"}


def project_ocid(project: Project) -> str:
    """The project's OC4IDS identifier."""
    return f"{ID_PREFIX}{project.code}"


def _plans_queryset() -> QuerySet:
    return FinancingPlan.objects.select_related("source", "budget_line__administrator").order_by(
        "year", "source__order", "pk")


def _approved_queryset() -> QuerySet:
    return FinancingApplication.objects.filter(status__in=APPROVED_STATUSES).select_related(
        "channel", "lender", "decision").order_by("pk")


def publication_queryset(queryset: QuerySet | None = None) -> QuerySet:
    """Projects with everything their records need fetched in a constant number of queries."""
    queryset = queryset if queryset is not None else Project.objects.all()
    return queryset.select_related("region", "settlement", "owner", "direction").prefetch_related(
        Prefetch("financing_plans", queryset=_plans_queryset(), to_attr="published_plans"),
        Prefetch("financing_applications", queryset=_approved_queryset(), to_attr="approved_applications"),
    )


def attach_publication_related(projects: list[Project]) -> list[Project]:
    """Fetch what the records of ``projects`` need beyond their own row, in two queries, and attach it.

    The same as ``publication_queryset``'s prefetches, for a batch of projects already fetched with
    ``select_related("region", "settlement", "owner", "direction")`` (a chunk of a streamed export).
    """
    ids = [project.pk for project in projects]
    plans: dict[int, list[FinancingPlan]] = {pk: [] for pk in ids}
    for plan in _plans_queryset().filter(project_id__in=ids):
        plans[plan.project_id].append(plan)
    approved: dict[int, list[FinancingApplication]] = {pk: [] for pk in ids}
    for application in _approved_queryset().filter(project_id__in=ids):
        approved[application.project_id].append(application)
    for project in projects:
        project.published_plans = plans[project.pk]
        project.approved_applications = approved[project.pk]
    return projects


def _number(amount: Decimal) -> int | float:
    """A JSON number for an amount in tenge (whole tenge as an integer)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _value(amount: Decimal) -> dict[str, Any]:
    return {"amount": _number(amount), "currency": CURRENCY}


def _datetime(day: dt.date) -> str:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min)).isoformat()


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _party_id(organization: Organization) -> str:
    return f"KZ-BIN-{organization.bin}" if organization.bin else f"meks-org-{organization.pk}"


class _Parties:
    """The record's parties, each organization once with the union of its roles."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def add(self, organization: Organization, *roles: str) -> dict[str, str]:
        party_id = _party_id(organization)
        entry = self.entries.get(party_id)
        if entry is None:
            entry = {"id": party_id, "name": organization.name_ru, "roles": []}
            if organization.bin:
                entry["identifier"] = {"scheme": "KZ-BIN", "id": organization.bin, "legalName": organization.name_ru}
            self.entries[party_id] = entry
        for role in roles:
            if role not in entry["roles"]:
                entry["roles"].append(role)
        return {"id": party_id, "name": organization.name_ru}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.entries.values())


def _locations(project: Project) -> list[dict[str, Any]]:
    region = project.region
    locations = [{
        "id": f"region-{region.kato}", "description": region.name_ru,
        "gazetteer": {"scheme": "KATO", "identifiers": [region.kato]},
    }]
    if project.settlement_id:
        settlement = project.settlement
        locations.append({
            "id": f"settlement-{settlement.kato}", "description": settlement.name_ru,
            "gazetteer": {"scheme": "KATO", "identifiers": [settlement.kato]},
        })
    return locations


def _applications(project: Project) -> list[FinancingApplication]:
    approved = getattr(project, "approved_applications", None)
    if approved is None:
        approved = list(project.financing_applications.filter(status__in=APPROVED_STATUSES)
                        .select_related("channel", "lender", "decision").order_by("pk"))
    return approved


def _plans(project: Project) -> list[FinancingPlan]:
    plans = getattr(project, "published_plans", None)
    if plans is None:
        plans = list(project.financing_plans.select_related("source", "budget_line__administrator")
                     .order_by("year", "source__order", "pk"))
    return plans


def _breakdowns(project: Project, parties: _Parties, lenders: dict[int, Organization]) -> list[dict[str, Any]]:
    entries = []
    for plan in _plans(project):
        entry: dict[str, Any] = {
            "id": f"plan-{plan.pk}",
            "description": f"{plan.source.name_ru}, {plan.year}",
            "amount": _value(plan.amount),
            "period": {"startDate": _datetime(dt.date(plan.year, 1, 1)), "endDate": _datetime(dt.date(plan.year, 12, 31))},
        }
        line = plan.budget_line
        if line is not None:
            codes = "-".join(part for part in (line.administrator_code, line.programme_code, line.subprogramme_code)
                             if part)
            entry["description"] += f"; бюджетная программа {codes}"
        source = (line.administrator if line is not None else None) or lenders.get(plan.source_id)
        if source is not None:
            entry["sourceParty"] = parties.add(source, "funder", "sourceParty")
        entries.append(entry)
    if not entries:
        return []
    return [{"id": "by-year-and-source", "description": "Финансирование по годам и источникам",
             "budgetBreakdown": entries}]


def _finance(applications: list[FinancingApplication], parties: _Parties) -> list[dict[str, Any]]:
    entries = []
    for application in applications:
        decision = application.decision
        channel = application.channel
        arrangement, party_type = FINANCE_TYPE.get(channel.lender_kind, (None, "other"))
        entry: dict[str, Any] = {
            "id": application.number,
            "title": channel.name_ru,
            "description": f"{decision.body}: решение № {decision.number} от {decision.date:%d.%m.%Y}, "
                           f"раунд финансирования {decision.round}",
            "value": _value(decision.amount_approved),
            "financingPartyType": party_type,
            "source": channel.name_ru,
            "concessional": channel.rate_subsidised,
        }
        if arrangement:
            entry["type"] = arrangement
            entry["assetClass"] = ["debt"]
        if application.lender_id:
            entry["financingParty"] = parties.add(application.lender, "funder")
        if application.rate is not None:
            entry["interestRate"] = {"margin": float(application.rate / 100), "fixed": True}
        if application.term_months:
            entry["period"] = {"startDate": _datetime(decision.date),
                               "endDate": _datetime(_add_months(decision.date, application.term_months)),
                               "durationInDays": (_add_months(decision.date, application.term_months) - decision.date).days}
        entries.append(entry)
    return entries


def project_record(project: Project) -> dict[str, Any]:
    """The OC4IDS 0.9.4 record of ``project`` with its budget breakdown and financing (see the module)."""
    parties = _Parties()
    owner_roles = ("buyer", "publicAuthority") if project.owner.kind == "akimat" else ("buyer",)
    owner = parties.add(project.owner, *owner_roles)
    applications = _applications(project)
    lenders = {application.channel_id: application.lender for application in applications if application.lender_id}
    record: dict[str, Any] = {
        "id": project_ocid(project),
        "updated": timezone.localtime(project.updated_at).isoformat(),
        "language": "ru",
        "title": project.title_ru,
        "status": OC4IDS_STATUS[project.status],
        "type": project.project_type,
        "locations": _locations(project),
        "budget": {"amount": _value(project.cost_estimate)},
    }
    if project.description:
        record["description"] = project.description
    if project.owner.kind == "akimat":
        record["publicAuthority"] = owner
    sector = SECTOR_OF_DIRECTION.get(project.direction.code)
    if sector:
        record["sector"] = [sector]
    if project.planned_start or project.planned_end:
        period = {}
        if project.planned_start:
            period["startDate"] = _datetime(project.planned_start)
        if project.planned_end:
            period["endDate"] = _datetime(project.planned_end)
        record["period"] = period
    breakdowns = _breakdowns(project, parties, lenders)
    if breakdowns:
        record["budget"]["budgetBreakdowns"] = breakdowns
    finance = _finance(applications, parties)
    if finance:
        record["budget"]["finance"] = finance
    record["parties"] = parties.as_list()
    return record


def project_package(projects: Iterable[Project], *, uri: str, published: dt.datetime | None = None,
                    publisher: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OC4IDS project package of the records of ``projects`` (pass ``publication_queryset(...)``).

    ``published`` defaults to the latest change among the projects (or now when there are none), so the
    same data gives the same package.
    """
    projects = list(projects)
    records = [project_record(project) for project in projects]
    if published is None:
        published = max((project.updated_at for project in projects), default=timezone.now())
    return {
        "uri": uri,
        "publishedDate": timezone.localtime(published).isoformat(),
        "version": OC4IDS_VERSION,
        "publisher": dict(publisher or PUBLISHER),
        "projects": records,
    }
