"""A deterministic portfolio of any size, for benchmarks and query-count tests.

``build_scaled_portfolio(projects=20000)`` adds, on top of the demo accounts, territories and organizations,
``projects`` projects spread over the 20 regions, each with the seven standard milestones (one per
``MilestoneKind``: the model allows no more, so ``milestones_per_project`` is capped at 7) and
``reports_per_project`` monthly cumulative progress reports ending last month.

This is benchmark data: rows go in with plain ``bulk_create`` in batches of 5,000, WITHOUT history rows,
status changes or baselines, so the records have no audit trail. Never load it into a database people use.

The same seed and sizes give the same records (dates are laid out around the day of the build, as in the
demo portfolio, so the mix of lags stays current). A second call adds more projects after the first ones (their
codes continue the numbering), so a test can grow the portfolio from 10 to 1,000 projects.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.accounts.services import organization_create, user_create
from meks.portfolio.choices import MILESTONE_ORDER, MilestoneKind, ProjectStatus
from meks.portfolio.models import Direction, Milestone, NationalProject, ProgressReport, Project
from meks.portfolio.readiness import READINESS_FIELDS
from meks.portfolio.services import STANDARD_SCHEDULE
from meks.territory.models import Region, Settlement

from .identifiers import demo_bin
from .portfolio import DIRECTION_SHARES, REGION_QUALITY, TITLES
from .reference import DEMO_REASON

BATCH_SIZE = 5000
CODE_PREFIX = "SCALE-"
S = ProjectStatus
#: How the scaled projects are spread over the statuses: most in selection, contractor determination and
#: implementation, as in the real portfolio.
STATUS_WEIGHTS = {
    S.DRAFT: 3, S.RETURNED: 2,
    S.SUBMITTED: 7, S.DOCUMENT_CHECK: 8, S.TECHNICAL_REVIEW: 8, S.COMMISSION_DECISION: 6,
    S.CONFIRMED: 6, S.CONTRACTOR_DETERMINATION: 24, S.IMPLEMENTATION: 27, S.COMMISSIONED: 4,
    S.SUSPENDED: 2, S.REJECTED: 2, S.CANCELLED: 1,
}
#: How far along its schedule (share of the span elapsed by today) a project of each status is.
ELAPSED = {
    S.DRAFT: (-0.08, 0.02), S.RETURNED: (-0.05, 0.05),
    S.SUBMITTED: (0.0, 0.1), S.DOCUMENT_CHECK: (0.0, 0.12), S.TECHNICAL_REVIEW: (0.02, 0.14),
    S.COMMISSION_DECISION: (0.04, 0.16), S.CONFIRMED: (0.1, 0.2), S.CONTRACTOR_DETERMINATION: (0.18, 0.33),
    S.IMPLEMENTATION: (0.36, 0.95), S.COMMISSIONED: (1.0, 1.25), S.SUSPENDED: (0.3, 0.6),
    S.REJECTED: (0.0, 0.15), S.CANCELLED: (0.0, 0.3),
}
SELECTION = {S.DRAFT, S.RETURNED, S.SUBMITTED, S.DOCUMENT_CHECK, S.TECHNICAL_REVIEW, S.COMMISSION_DECISION,
             S.REJECTED, S.CANCELLED}
#: The milestones a project of each status has certainly reached (design and expertise follow readiness).
REACHED = {
    S.CONTRACTOR_DETERMINATION: {MilestoneKind.DESIGN, MilestoneKind.EXPERTISE, MilestoneKind.TENDER_PUBLISHED},
    S.IMPLEMENTATION: {MilestoneKind.DESIGN, MilestoneKind.EXPERTISE, MilestoneKind.TENDER_PUBLISHED,
                       MilestoneKind.CONTRACT_SIGNED, MilestoneKind.WORKS_STARTED},
    S.SUSPENDED: {MilestoneKind.DESIGN, MilestoneKind.EXPERTISE, MilestoneKind.TENDER_PUBLISHED,
                  MilestoneKind.CONTRACT_SIGNED, MilestoneKind.WORKS_STARTED},
    S.COMMISSIONED: set(MilestoneKind.values),
}
PROJECT_TYPES = ["rehabilitation", "replacement", "construction", "expansion"]


def _ensure_reference() -> None:
    """The demo accounts, territories and organizations, and the programme's directions and targets."""
    from .builder import build_demo, demo_is_loaded
    from .portfolio import build_programme

    if not demo_is_loaded():
        build_demo(portfolio=False)
    if not Direction.objects.exists() and not NationalProject.objects.exists():
        build_programme()


def _region_owners(rng: random.Random, regions: list[Region]) -> dict[int, list[tuple[int, int, bool]]]:
    """Per region: (owner id, responsible user id, is akimat) for its akimat and utilities, created as needed."""
    organizations: dict[int, list[Organization]] = {}
    for organization in Organization.objects.filter(
        kind__in=[OrganizationKind.AKIMAT, OrganizationKind.UTILITY], region__in=regions, is_active=True
    ).order_by("kind", "pk"):
        organizations.setdefault(organization.region_id, []).append(organization)
    for region in regions:
        present = organizations.setdefault(region.pk, [])
        if not any(org.kind == OrganizationKind.UTILITY for org in present):
            present.append(organization_create(
                actor=None, kind=OrganizationKind.UTILITY, region=region,
                name_ru=f"ТОО «Теплоэнергосети {region.centre_ru}» (нагрузочные данные)",
                name_kk=f"«{region.centre_kk or region.centre_ru} Жылуэнергожелілері» ЖШС (жүктеме деректері)",
                name_en=f"{region.centre_en} Heat and Power Networks LLP (load data)",
                bin=demo_bin(rng), reason=DEMO_REASON,
            ))
    first_user: dict[int, int] = {}
    for user_id, organization_id in (
        User.objects.filter(is_active=True, organization_id__in=[o.pk for orgs in organizations.values() for o in orgs])
        .order_by("pk").values_list("pk", "organization_id")
    ):
        first_user.setdefault(organization_id, user_id)
    owners: dict[int, list[tuple[int, int, bool]]] = {}
    for region in regions:
        for organization in organizations[region.pk]:
            if organization.pk not in first_user:
                user = user_create(actor=None, username=f"scale.{region.kato}.{organization.kind}.{organization.pk}",
                                   password=None, organization=organization, first_name="Ответственный",
                                   last_name=f"Исполнитель {region.kato}")
                first_user[organization.pk] = user.pk
            owners.setdefault(region.pk, []).append(
                (organization.pk, first_user[organization.pk], organization.kind == OrganizationKind.AKIMAT))
    return owners


def _months_back(today: dt.date, count: int) -> list[dt.date]:
    """The first days of the ``count`` months before this one, oldest first."""
    months = []
    month = today.replace(day=1)
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        months.append(month)
    return months[::-1]


def _override(rng: random.Random) -> dict[str, str]:
    """A few projects have their delivery confidence set by the project office."""
    if rng.random() < 0.004:
        return {"confidence_override": "red", "confidence_override_reason": "Нагрузочные данные: риск срыва"}
    return {"confidence_override": "", "confidence_override_reason": ""}


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def build_scaled_portfolio(*, projects: int, milestones_per_project: int = 10, reports_per_project: int = 12,
                           seed: int = 7) -> dict[str, int]:
    """Bulk-create ``projects`` projects with milestones and monthly reports; returns the counts created.

    ``milestones_per_project`` is capped at the seven milestone kinds (one milestone per kind and project).
    """
    _ensure_reference()
    today = timezone.localdate()
    now = timezone.now()
    kinds = list(STANDARD_SCHEDULE)[: max(0, min(milestones_per_project, len(MilestoneKind.values)))]
    months = _months_back(today, reports_per_project)
    regions = list(Region.objects.order_by("kato"))
    base = random.Random(seed)
    quality = {region.pk: REGION_QUALITY.get(region.kato, base.uniform(0.35, 0.7)) for region in regions}
    region_weights = [6 + (region.population or 500000) / 100000 for region in regions]
    directions = {direction.code: direction.pk for direction in Direction.objects.all()}
    direction_codes = [code for code in DIRECTION_SHARES if code in directions] + (
        ["sewerage"] if "sewerage" in directions else [])
    direction_weights = [DIRECTION_SHARES.get(code, 0.08) for code in direction_codes]
    if not direction_codes:  # directions of another naming: spread evenly
        direction_codes, direction_weights = list(directions), [1.0] * len(directions)
    settlements: dict[int, list[Settlement]] = {}
    for settlement in Settlement.objects.order_by("kato"):
        settlements.setdefault(settlement.region_id, []).append(settlement)

    with transaction.atomic():
        owners = _region_owners(base, regions)
        offset = Project.objects.filter(code__startswith=CODE_PREFIX).count()
        rng = random.Random(seed * 1_000_003 + offset)
        statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=projects)
        placed = rng.choices(regions, weights=region_weights, k=projects)
        project_rows: list[Project] = []
        plans: list[tuple[float, float, dict[str, dict[str, Any]]]] = []
        for number, (region, status) in enumerate(zip(placed, statuses, strict=True), start=offset + 1):
            q = quality[region.pk]
            code = rng.choices(direction_codes, weights=direction_weights)[0]
            place = rng.choice(settlements.get(region.pk) or [None])
            candidates = owners[region.pk]
            by_akimat = rng.random() < (0.5 if code in {"water", "sewerage"} else 0.1)
            pool = [owner for owner in candidates if owner[2] == by_akimat] or candidates
            owner_id, responsible_id, _is_akimat = pool[rng.randrange(len(pool))]
            if status in SELECTION or status == S.CONFIRMED:
                chance = 0.85 if status == S.CONFIRMED else 0.25 + 0.65 * q
                ready = {field: rng.random() < chance for field in READINESS_FIELDS}
            else:
                ready = {field: rng.random() < 0.985 for field in READINESS_FIELDS}
            span = rng.randint(600, 1100)
            low, high = ELAPSED[status]
            elapsed = rng.uniform(low, high)
            start = today - dt.timedelta(days=int(span * elapsed))
            ru, kk, en = rng.choice(TITLES.get(code, TITLES["other"]))
            km = round(rng.uniform(3, 45), 1)
            cost = round(math.exp(rng.gauss(21.6, 0.9)), -3)
            project_rows.append(Project(
                code=f"{CODE_PREFIX}{region.kato}-{number:06d}",
                title_ru=ru.format(place=place.name_ru if place else region.centre_ru),
                title_kk=kk.format(place=(place.name_kk if place else region.centre_kk) or region.centre_ru),
                title_en=en.format(place=(place.name_en if place else region.centre_en) or region.centre_ru),
                direction_id=directions[code], project_type=PROJECT_TYPES[rng.randrange(4)], region_id=region.pk,
                settlement_id=place.pk if place else None, owner_id=owner_id, responsible_id=responsible_id,
                status=status, status_before_suspension=S.IMPLEMENTATION if status == S.SUSPENDED else "",
                status_changed_at=now - dt.timedelta(days=rng.randint(3, 200), hours=rng.randint(0, 23)),
                cost_estimate=_money(max(cost, 1_000_000)),
                planned_km_heat=_money(km if code == "heat" else 0), planned_km_power=_money(km * 2 if code == "power" else 0),
                planned_km_water=_money(km if code == "water" else 0),
                planned_km_sewer=_money(km / 3 if code == "sewerage" else 0),
                planned_mw=_money(rng.choice([0, 0, 0, 50, 120, 300]) if code == "power" else 0),
                planned_equipment_units=rng.randint(20, 900), people_served=rng.randint(5000, 250000),
                wear_before=_money(rng.uniform(48, 82)), wear_after=_money(rng.uniform(25, 40)),
                planned_start=start, planned_end=start + dt.timedelta(days=span),
                **_override(rng),
                **ready,
            ))
            # The schedule: baseline dates by the standard shares, actual dates of the milestones reached,
            # forecasts for the late ones; slips larger and more frequent in the weaker regions.
            reached = set(REACHED.get(status, ()))
            if ready["ready_design"]:
                reached.add(MilestoneKind.DESIGN)
            if ready["ready_expertise"]:
                reached.add(MilestoneKind.EXPERTISE)
            if status in {S.IMPLEMENTATION, S.COMMISSIONED} and elapsed > 0.7:
                reached.add(MilestoneKind.WORKS_HALF)
            dates = {}
            for kind in kinds:
                baseline = start + dt.timedelta(days=int(span * STANDARD_SCHEDULE[kind]))
                slip = int(rng.uniform(0, (1 - q) * 160) if rng.random() > q else rng.uniform(-12, 4))
                actual = forecast = None
                if kind in reached:
                    actual = min(baseline + dt.timedelta(days=slip), today)
                elif baseline <= today + dt.timedelta(days=60) and slip > 0:
                    forecast = max(baseline + dt.timedelta(days=slip), today + dt.timedelta(days=7))
                dates[kind] = {"baseline_date": baseline, "forecast_date": forecast, "actual_date": actual}
            if status in {S.IMPLEMENTATION, S.SUSPENDED}:
                progress = min(max((elapsed - 0.35) / 0.65, 0.02), 1.0) * (0.55 + 0.45 * q)
            elif status == S.COMMISSIONED:
                progress = 1.0
            else:
                progress = 0.0
            plans.append((progress, q, dates))

        created = Project.objects.bulk_create(project_rows, batch_size=BATCH_SIZE)
        if any(project.pk is None for project in created):  # a backend that returns no keys
            keys = dict(Project.objects.filter(code__in=[p.code for p in created]).values_list("code", "pk"))
            for project in created:
                project.pk = project.id = keys[project.code]
        del project_rows

        milestone_count = 0
        milestones: list[Milestone] = []
        for project, (_progress, _q, dates) in zip(created, plans, strict=True):
            for kind, values in dates.items():
                milestones.append(Milestone(project_id=project.pk, kind=kind, order=MILESTONE_ORDER[kind],
                                            responsible_id=project.responsible_id, **values))
            if len(milestones) >= BATCH_SIZE:
                Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)
                milestone_count += len(milestones)
                milestones = []
        if milestones:
            Milestone.objects.bulk_create(milestones, batch_size=BATCH_SIZE)
            milestone_count += len(milestones)

        report_count = 0
        reports: list[ProgressReport] = []
        steps = len(months)
        for project, (progress, q, _dates) in zip(created, plans, strict=True):
            overspend = 1 + (1 - q) * rng.uniform(0, 0.9)
            cost = float(project.cost_estimate)
            planned = (float(project.planned_km_heat), float(project.planned_km_power),
                       float(project.planned_km_water), float(project.planned_km_sewer))
            for index, month in enumerate(months, start=1):
                share = progress * index / steps
                spent_share = min(share * overspend + 0.02 * index / steps, 1.0)
                reports.append(ProgressReport(
                    project_id=project.pk, period=month, completion_percent=_money(share * 100),
                    km_heat=_money(planned[0] * share), km_power=_money(planned[1] * share),
                    km_water=_money(planned[2] * share), km_sewer=_money(planned[3] * share),
                    equipment_installed=int(project.planned_equipment_units * share),
                    mw_commissioned=_money(float(project.planned_mw) * share if progress >= 1.0 else 0),
                    spent=_money(round(cost * spent_share, -3)), submitted_by_id=project.responsible_id,
                ))
            if len(reports) >= BATCH_SIZE:
                ProgressReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
                report_count += len(reports)
                reports = []
        if reports:
            ProgressReport.objects.bulk_create(reports, batch_size=BATCH_SIZE)
            report_count += len(reports)
    return {"projects": len(created), "milestones": milestone_count, "reports": report_count}
