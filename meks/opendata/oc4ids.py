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

Records are built from plain rows (``values()``), never from model instances: ``record_chunks`` reads the
projects in chunks and fetches each chunk's financing plans and approved applications in one query each, so
the whole portfolio's package costs three queries per chunk and holds one chunk in memory at a time.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal
from functools import lru_cache
from itertools import islice
from typing import Any

from django.db.models import Max, Prefetch, QuerySet
from django.utils import timezone

from meks.finance.choices import APPROVED_STATUSES, LenderKind
from meks.finance.models import FinancingApplication, FinancingPlan
from meks.portfolio.choices import OC4IDS_STATUS
from meks.portfolio.models import Project

OC4IDS_VERSION = "0.9"
ID_PREFIX = "oc4ids-meks-"
CURRENCY = "KZT"
#: Projects per chunk of ``record_chunks`` (one round of related-row queries per chunk).
CHUNK_SIZE = 2000
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

#: What a record needs of a project's row and the rows it points to.
PROJECT_VALUES = (
    "pk", "code", "title_ru", "description", "status", "project_type", "cost_estimate", "planned_start",
    "planned_end", "updated_at", "settlement_id", "region__kato", "region__name_ru", "settlement__kato",
    "settlement__name_ru", "owner_id", "owner__kind", "owner__bin", "owner__name_ru", "direction__code",
)
PLAN_VALUES = (
    "pk", "project_id", "year", "amount", "source_id", "source__name_ru", "budget_line_id",
    "budget_line__administrator_code", "budget_line__programme_code", "budget_line__subprogramme_code",
    "budget_line__administrator_id", "budget_line__administrator__bin", "budget_line__administrator__name_ru",
)
APPLICATION_VALUES = (
    "project_id", "number", "channel_id", "channel__name_ru", "channel__lender_kind", "channel__rate_subsidised",
    "lender_id", "lender__bin", "lender__name_ru", "rate", "term_months", "decision__body", "decision__number",
    "decision__date", "decision__round", "decision__amount_approved",
)


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
    """Projects with their financing plans and approved applications prefetched (for their change stamps)."""
    queryset = queryset if queryset is not None else Project.objects.all()
    return queryset.select_related("region", "settlement", "owner", "direction").prefetch_related(
        Prefetch("financing_plans", queryset=_plans_queryset(), to_attr="published_plans"),
        Prefetch("financing_applications", queryset=_approved_queryset(), to_attr="approved_applications"),
    )


def _related_rows(project_ids: Sequence[int]) -> tuple[dict[int, list[tuple]], dict[int, list[tuple]]]:
    """The financing plans and approved applications of ``project_ids``, grouped by project (two queries)."""
    plans: dict[int, list[tuple]] = defaultdict(list)
    for row in (FinancingPlan.objects.filter(project_id__in=project_ids).order_by("year", "source__order", "pk")
                .values_list(*PLAN_VALUES)):
        plans[row[1]].append(row)
    applications: dict[int, list[tuple]] = defaultdict(list)
    for row in (FinancingApplication.objects.filter(project_id__in=project_ids, status__in=APPROVED_STATUSES)
                .order_by("pk").values_list(*APPLICATION_VALUES)):
        applications[row[0]].append(row)
    return plans, applications


def record_chunks(projects: QuerySet[Project], *,
                  chunk_size: int = CHUNK_SIZE) -> Iterator[Iterator[dict[str, Any]]]:
    """The records of ``projects`` (in the queryset's order), ``chunk_size`` at a time (two queries a chunk).

    Each chunk is itself an iterator that builds its records one at a time, so a consumer that encodes each
    record as it comes (the streamed feed) lets it die young instead of holding the chunk's records.
    """
    rows = projects.select_related(None).prefetch_related(None).values_list(*PROJECT_VALUES).iterator(
        chunk_size=chunk_size)
    # records are dated in the platform's zone whatever zone a request activated; looked up once because
    # timezone.localtime() asks a thread-local for the active zone on every call
    zone = timezone.get_default_timezone()
    while chunk := list(islice(rows, chunk_size)):
        plans, applications = _related_rows([row[0] for row in chunk])
        yield (_record(row, plans.get(row[0], ()), applications.get(row[0], ()), zone) for row in chunk)


def _number(amount: Decimal) -> int | float:
    """A JSON number for an amount in tenge (whole tenge as an integer)."""
    return int(amount) if amount == amount.to_integral_value() else float(amount)


def _value(amount: Decimal) -> dict[str, Any]:
    return {"amount": _number(amount), "currency": CURRENCY}


@lru_cache(maxsize=4096)
def _datetime(day: dt.date) -> str:
    """Midnight of ``day`` in the platform's zone (Asia/Almaty), ISO 8601."""
    # the same few hundred dates recur across a whole portfolio: each is localized once
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone()).isoformat()


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def _party_id(pk: int, bin_: str) -> str:
    return f"KZ-BIN-{bin_}" if bin_ else f"meks-org-{pk}"


class Parties:
    """The record's parties, each organization once with the union of its roles."""

    def __init__(self) -> None:
        self.entries: dict[str, dict[str, Any]] = {}

    def add(self, pk: int, bin_: str, name: str, *roles: str) -> dict[str, str]:
        """Add the organization (its key, BIN and Russian name) with ``roles``; return its reference."""
        party_id = _party_id(pk, bin_)
        entry = self.entries.get(party_id)
        if entry is None:
            entry = {"id": party_id, "name": name, "roles": []}
            if bin_:
                entry["identifier"] = {"scheme": "KZ-BIN", "id": bin_, "legalName": name}
            self.entries[party_id] = entry
        for role in roles:
            if role not in entry["roles"]:
                entry["roles"].append(role)
        return {"id": party_id, "name": name}

    def as_list(self) -> list[dict[str, Any]]:
        return list(self.entries.values())


def _location(kind: str, kato: str, name: str) -> dict[str, Any]:
    return {"id": f"{kind}-{kato}", "description": name, "gazetteer": {"scheme": "KATO", "identifiers": [kato]}}


def _breakdowns(plans: Iterable[tuple], parties: Parties,
                lenders: dict[int, tuple[int, str, str]]) -> list[dict[str, Any]]:
    entries = []
    for (pk, _project, year, amount, source_id, source_name, line_id, administrator_code, programme_code,
         subprogramme_code, administrator_id, administrator_bin, administrator_name) in plans:
        entry: dict[str, Any] = {
            "id": f"plan-{pk}",
            "description": f"{source_name}, {year}",
            "amount": _value(amount),
            "period": {"startDate": _datetime(dt.date(year, 1, 1)), "endDate": _datetime(dt.date(year, 12, 31))},
        }
        source = None
        if line_id is not None:
            codes = "-".join(part for part in (administrator_code, programme_code, subprogramme_code) if part)
            entry["description"] += f"; бюджетная программа {codes}"
            if administrator_id is not None:
                source = (administrator_id, administrator_bin, administrator_name)
        source = source or lenders.get(source_id)
        if source is not None:
            entry["sourceParty"] = parties.add(*source, "funder", "sourceParty")
        entries.append(entry)
    if not entries:
        return []
    return [{"id": "by-year-and-source", "description": "Финансирование по годам и источникам",
             "budgetBreakdown": entries}]


def _finance(applications: Iterable[tuple], parties: Parties) -> list[dict[str, Any]]:
    entries = []
    for (_project, number, _channel, channel_name, lender_kind, rate_subsidised, lender_id, lender_bin,
         lender_name, rate, term_months, body, decision_number, decided_on, decision_round,
         amount_approved) in applications:
        arrangement, party_type = FINANCE_TYPE.get(lender_kind, (None, "other"))
        entry: dict[str, Any] = {
            "id": number,
            "title": channel_name,
            "description": f"{body}: решение № {decision_number} от {decided_on:%d.%m.%Y}, "
                           f"раунд финансирования {decision_round}",
            "value": _value(amount_approved),
            "financingPartyType": party_type,
            "source": channel_name,
            "concessional": rate_subsidised,
        }
        if arrangement:
            entry["type"] = arrangement
            entry["assetClass"] = ["debt"]
        if lender_id:
            entry["financingParty"] = parties.add(lender_id, lender_bin, lender_name, "funder")
        if rate is not None:
            entry["interestRate"] = {"margin": float(rate / 100), "fixed": True}
        if term_months:
            ends_on = _add_months(decided_on, term_months)
            entry["period"] = {"startDate": _datetime(decided_on), "endDate": _datetime(ends_on),
                               "durationInDays": (ends_on - decided_on).days}
        entries.append(entry)
    return entries


def _record(project: tuple, plans: Iterable[tuple], applications: Sequence[tuple],
            zone: dt.tzinfo) -> dict[str, Any]:
    """The record of one project's row (``PROJECT_VALUES``) with its plans' and approved applications' rows."""
    (_pk, code, title, description, status, project_type, cost_estimate, planned_start, planned_end, updated_at,
     settlement_id, region_kato, region_name, settlement_kato, settlement_name, owner_id, owner_kind, owner_bin,
     owner_name, direction_code) = project
    parties = Parties()
    akimat = owner_kind == "akimat"
    owner = parties.add(owner_id, owner_bin, owner_name, *(("buyer", "publicAuthority") if akimat else ("buyer",)))
    # the lender of each channel the project is financed through (row: project, number, channel, ...)
    lenders = {row[2]: (row[6], row[7], row[8]) for row in applications if row[6]}
    locations = [_location("region", region_kato, region_name)]
    if settlement_id:
        locations.append(_location("settlement", settlement_kato, settlement_name))
    record: dict[str, Any] = {
        "id": ID_PREFIX + code,
        "updated": updated_at.astimezone(zone).isoformat(),
        "language": "ru",
        "title": title,
        "status": OC4IDS_STATUS[status],
        "type": project_type,
        "locations": locations,
        "budget": {"amount": _value(cost_estimate)},
    }
    if description:
        record["description"] = description
    if akimat:
        record["publicAuthority"] = owner
    sector = SECTOR_OF_DIRECTION.get(direction_code)
    if sector:
        record["sector"] = [sector]
    if planned_start or planned_end:
        period = {}
        if planned_start:
            period["startDate"] = _datetime(planned_start)
        if planned_end:
            period["endDate"] = _datetime(planned_end)
        record["period"] = period
    breakdowns = _breakdowns(plans, parties, lenders)
    if breakdowns:
        record["budget"]["budgetBreakdowns"] = breakdowns
    finance = _finance(applications, parties)
    if finance:
        record["budget"]["finance"] = finance
    record["parties"] = parties.as_list()
    return record


def project_record(project: Project) -> dict[str, Any]:
    """The OC4IDS 0.9.4 record of ``project`` with its budget breakdown and financing (see the module)."""
    return next(next(record_chunks(Project.objects.filter(pk=project.pk))))


def project_package(projects: QuerySet[Project] | Iterable[Project], *, uri: str,
                    published: dt.datetime | None = None, publisher: dict[str, Any] | None = None) -> dict[str, Any]:
    """An OC4IDS project package of the records of ``projects`` (a queryset, or projects in the order given).

    ``published`` defaults to the latest change among the projects (or now when there are none), so the
    same data gives the same package.
    """
    if isinstance(projects, QuerySet):
        queryset = projects
        order = None
    else:
        order = {project.pk: index for index, project in enumerate(projects)}
        queryset = Project.objects.filter(pk__in=order).order_by("pk")
    if published is None:
        published = queryset.order_by().aggregate(latest=Max("updated_at"))["latest"] or timezone.now()
    records = [record for chunk in record_chunks(queryset) for record in chunk]
    if order is not None:
        position = {ID_PREFIX + code: order[pk] for pk, code in queryset.values_list("pk", "code")}
        records.sort(key=lambda record: position[record["id"]])
    return {
        "uri": uri,
        "publishedDate": timezone.localtime(published).isoformat(),
        "version": OC4IDS_VERSION,
        "publisher": dict(publisher or PUBLISHER),
        "projects": records,
    }
