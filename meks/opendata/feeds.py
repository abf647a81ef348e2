"""The public open-data feeds: what is published, and the streams that write it.

What is published: every project from its confirmation on (``PUBLIC_STATUSES``: confirmed, contractor
determination, implementation, commissioned, suspended; the public portal publishes the same), the 20 regions with their rating and wear zone, and the approved
financing applications of the published projects. Organizations only: never the officials named on a
project, an application or a decision.

The whole portfolio's OC4IDS package is written as a stream: the package's head (``uri``,
``publishedDate``, ``version``, ``publisher``), then the records, a chunk at a time (``CHUNK_SIZE``
projects per chunk, read as plain rows with their related rows fetched per chunk, so the number of queries
grows by a constant per chunk and memory holds one chunk at a time), then the tail. The CSV files stream
in the same way, row by row, UTF-8 with a byte order mark so spreadsheet programs read them as UTF-8.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meks.finance.choices import APPROVED_STATUSES
from meks.finance.models import FinancingApplication, FinancingPlan
from meks.portfolio.choices import PUBLIC_STAGES, PUBLIC_STATUSES, ProjectStatus  # noqa: F401  (PUBLIC_STAGES: re-exported)
from meks.portfolio.models import Project
from meks.portfolio.rating import compute_rating
from meks.territory.models import Region

from . import ocds
from .oc4ids import OC4IDS_VERSION, PUBLISHER, publication_queryset, record_chunks

#: Applications, drafts, projects under selection, rejected and cancelled ones are not published.
PRIVATE_STATUSES = tuple(status for status in ProjectStatus if status not in PUBLIC_STATUSES)
#: Projects per chunk of the streamed package and CSV (one round of related-row queries per chunk).
CHUNK_SIZE = 2000
BOM = "\ufeff"


def public_projects() -> QuerySet[Project]:
    """The published projects, in code order."""
    return Project.objects.filter(status__in=PUBLIC_STATUSES).order_by("code")


def public_project(code: str) -> Project | None:
    """The published project with ``code``, ready for its record (``None`` when absent or not published)."""
    return publication_queryset(public_projects().filter(code=code)).first()


@dataclass(frozen=True)
class FeedState:
    """What identifies a version of the published data: the latest change and the number of rows."""

    latest: dt.datetime | None
    count: int

    @property
    def etag(self) -> str:
        stamp = self.latest.timestamp() if self.latest else 0
        return f'"{self.count}-{stamp:.6f}"'


def portfolio_state() -> FeedState:
    """The latest change among the published projects, their financing plans and approved applications."""
    projects = public_projects().order_by().aggregate(latest=Max("updated_at"), count=Count("pk"))
    latest = [projects["latest"]]
    latest.append(FinancingPlan.objects.filter(project__status__in=PUBLIC_STATUSES).order_by()
                  .aggregate(latest=Max("updated_at"))["latest"])
    latest.append(_approved_applications().order_by().aggregate(latest=Max("updated_at"))["latest"])
    present = [stamp for stamp in latest if stamp is not None]
    return FeedState(latest=max(present) if present else None, count=projects["count"])


def project_state(project: Project) -> FeedState:
    """The latest change of one project's record."""
    stamps = [project.updated_at]
    stamps += [plan.updated_at for plan in getattr(project, "published_plans", [])]
    stamps += [application.updated_at for application in getattr(project, "approved_applications", [])]
    return FeedState(latest=max(stamps), count=1)


# --- OC4IDS -------------------------------------------------------------------------------------------------


def package_head(*, uri: str, published: dt.datetime | None) -> dict[str, Any]:
    """The package's fields other than ``projects`` (``published`` defaults to now)."""
    return {
        "uri": uri,
        "publishedDate": timezone.localtime(published or timezone.now()).isoformat(),
        "version": OC4IDS_VERSION,
        "publisher": dict(PUBLISHER),
    }


def stream_project_package(projects: QuerySet[Project], *, uri: str, published: dt.datetime | None,
                           chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """The OC4IDS project package of ``projects`` as pieces of JSON text: head, one piece per chunk, tail.

    One encoder serves the whole stream. Each record is encoded as soon as it is built and only its text
    is kept until the chunk is written: a record's dicts die young, so the garbage collector never has to
    walk a chunk's worth of them (building the chunk's records first and encoding them together is about
    twice as slow).
    """
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    head = encoder.encode({**package_head(uri=uri, published=published), "projects": []})
    assert head.endswith("[]}")
    yield head[:-2]
    separator = ""
    for records in record_chunks(projects, chunk_size=chunk_size):
        yield separator + ",".join(map(encoder.encode, records))
        separator = ","
    yield "]}"


def stream_release_package(tenders: QuerySet, *, uri: str) -> Iterator[str]:
    """The OCDS release package of ``tenders`` (an ``ocds.publication_queryset``) as pieces of JSON text."""
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))
    head = encoder.encode({**ocds.package_head(uri=uri), "releases": []})
    yield head[:-2]
    separator = ""
    for release in ocds.release_chunks(tenders):
        yield separator + encoder.encode(release)
        separator = ","
    yield "]}"


# --- CSV ----------------------------------------------------------------------------------------------------


class _Line:
    """A file-like object whose ``write`` returns what it is given (for ``csv.writer`` in a stream)."""

    def write(self, value: str) -> str:
        return value


@dataclass(frozen=True)
class Column:
    name: str
    description: Any


def _csv(columns: list[Column], rows: Iterator[list[Any]]) -> Iterator[str]:
    writer = csv.writer(_Line(), lineterminator="\r\n")
    yield BOM + writer.writerow([column.name for column in columns])
    for row in rows:
        yield writer.writerow(["" if value is None else value for value in row])


def _amount(value: Decimal | None) -> str:
    return "" if value is None else f"{value:f}"


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


PROJECT_COLUMNS = [
    Column("code", _("Project code in the national project's register")),
    Column("oc4ids_id", _("Identifier of the project's OC4IDS record")),
    Column("title_ru", _("Title in Russian")),
    Column("title_kk", _("Title in Kazakh (may be empty)")),
    Column("title_en", _("Title in English (may be empty)")),
    Column("direction", _("Direction: heat, power, water or sewerage")),
    Column("type", _("Project type (OC4IDS projectType code)")),
    Column("status", _("Status in the project's lifecycle")),
    Column("region_kato", _("KATO code of the region")),
    Column("region", _("Region (in Russian)")),
    Column("settlement_kato", _("KATO code of the settlement (may be empty)")),
    Column("settlement", _("Settlement (in Russian, may be empty)")),
    Column("owner", _("Owner organization")),
    Column("owner_bin", _("Owner's business identification number (may be empty)")),
    Column("cost_estimate_kzt", _("Cost estimate, tenge")),
    Column("km_heat", _("Heat networks, km")),
    Column("km_power", _("Power networks, km")),
    Column("km_water", _("Water networks, km")),
    Column("km_sewer", _("Sewer networks, km")),
    Column("mw", _("Generating capacity, MW")),
    Column("equipment_units", _("Equipment, units")),
    Column("people_served", _("People served")),
    Column("planned_start", _("Planned start (YYYY-MM-DD)")),
    Column("planned_end", _("Planned completion (YYYY-MM-DD)")),
    Column("updated", _("Last change of the project (ISO 8601)")),
]


def project_rows(chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """``projects.csv``: one row per published project (see ``PROJECT_COLUMNS``)."""
    projects = public_projects().select_related("region", "settlement", "owner", "direction")

    def rows() -> Iterator[list[Any]]:
        for p in projects.iterator(chunk_size=chunk_size):
            yield [
                p.code, f"oc4ids-meks-{p.code}", p.title_ru, p.title_kk, p.title_en, p.direction.code,
                p.project_type, p.status, p.region.kato, p.region.name_ru,
                p.settlement.kato if p.settlement_id else "", p.settlement.name_ru if p.settlement_id else "",
                p.owner.name_ru, p.owner.bin, _amount(p.cost_estimate), _amount(p.planned_km_heat),
                _amount(p.planned_km_power), _amount(p.planned_km_water), _amount(p.planned_km_sewer),
                _amount(p.planned_mw), p.planned_equipment_units, p.people_served, _date(p.planned_start),
                _date(p.planned_end), timezone.localtime(p.updated_at).isoformat(),
            ]

    return _csv(PROJECT_COLUMNS, rows())


REGION_COLUMNS = [
    Column("kato", _("KATO code of the region")),
    Column("name_ru", _("Name in Russian")),
    Column("name_kk", _("Name in Kazakh")),
    Column("name_en", _("Name in English")),
    Column("rating_rank", _("Place in the region readiness rating (1 is best)")),
    Column("rating_index", _("Readiness rating index, 0 to 100")),
    Column("rating_projects", _("Projects in the pipeline counted by the rating")),
    Column("wear_zone", _("Wear zone of the utility networks: green, yellow or red (empty without figures)")),
    Column("wear_percent", _("Average wear of the utility networks, % (empty without figures)")),
    Column("published_projects", _("Published projects in the region")),
    Column("published_cost_kzt", _("Cost estimate of the published projects, tenge")),
]


def region_rows(on: dt.date | None = None) -> Iterator[str]:
    """``regions.csv``: the 20 regions with their rating (as of ``on``, today by default) and wear zone."""
    from meks.indicators.selectors import wear_zoning

    scores = {score.region.pk: score for score in compute_rating(on=on)}
    zones = {row.region.pk: row for row in wear_zoning(user=None)}
    totals = _region_totals()

    def rows() -> Iterator[list[Any]]:
        for region in Region.objects.order_by("kato"):
            score = scores.get(region.pk)
            zone = zones.get(region.pk)
            yield [
                region.kato, region.name_ru, region.name_kk, region.name_en,
                score.rank if score else "", _amount(score.index) if score else "",
                score.projects if score else "", (zone.zone or "") if zone else "",
                _amount(zone.wear) if zone and zone.wear is not None else "",
                *totals.get(region.pk, (0, "0")),
            ]

    return _csv(REGION_COLUMNS, rows())


def _region_totals() -> dict[int, tuple[int, str]]:
    """Per region, the number and the summed cost estimate of its published projects (one query)."""
    return {row["region"]: (row["count"], _amount(row["cost"])) for row in
            public_projects().order_by().values("region").annotate(count=Count("pk"), cost=Sum("cost_estimate"))}


FINANCING_COLUMNS = [
    Column("application", _("Financing application number")),
    Column("project_code", _("Code of the financed project")),
    Column("project_title_ru", _("Title of the project in Russian")),
    Column("region_kato", _("KATO code of the project's region")),
    Column("applicant", _("Applicant organization")),
    Column("channel_code", _("Financing channel code")),
    Column("channel", _("Financing channel (in Russian)")),
    Column("lender", _("Lending organization (empty for budget funding)")),
    Column("status", _("Status of the application (approved or later)")),
    Column("round", _("Financing round of the decision")),
    Column("decision_body", _("Body that took the decision")),
    Column("decision_number", _("Decision number")),
    Column("decision_date", _("Decision date (YYYY-MM-DD)")),
    Column("amount_approved_kzt", _("Amount approved, tenge")),
    Column("term_months", _("Term, months (may be empty)")),
    Column("rate_percent", _("Interest rate, % a year (may be empty)")),
]


def _approved_applications() -> QuerySet[FinancingApplication]:
    return FinancingApplication.objects.filter(status__in=APPROVED_STATUSES, project__status__in=PUBLIC_STATUSES)


def financing_rows(chunk_size: int = CHUNK_SIZE) -> Iterator[str]:
    """``financing.csv``: one row per approved financing application of a published project."""
    applications = (_approved_applications().select_related("project__region", "applicant", "channel", "lender",
                                                            "decision").order_by("number"))

    def rows() -> Iterator[list[Any]]:
        for a in applications.iterator(chunk_size=chunk_size):
            decision = a.decision
            yield [
                a.number, a.project.code, a.project.title_ru, a.project.region.kato, a.applicant.name_ru,
                a.channel.code, a.channel.name_ru, a.lender.name_ru if a.lender_id else "", a.status,
                decision.round, decision.body, decision.number, _date(decision.date),
                _amount(decision.amount_approved), a.term_months or "", _amount(a.rate),
            ]

    return _csv(FINANCING_COLUMNS, rows())
