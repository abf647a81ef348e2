"""The demo portfolio: the programme, its targets and 309 projects that make the dashboard tell the texts.

The figures are not typed anywhere: the records make them true. 309 projects worth 974 bn tenge in total;
145 in selection, 130 at contractor determination, 34 in implementation; 22 sewerage and treatment plant
projects of which 16 are ready and 6 under refinement; Almaty city, Karaganda region and Almaty region lead
the readiness rating, Mangystau and Ulytau trail it. Each region has a delivery quality from 0 to 1 that
drives how far its projects have gone, how complete their readiness is, how punctual their tenders and
milestones are and how their spending tracks their progress. Dates are laid out around the day of the
build, so the picture stays current.

Bulk inserts (with history rows) keep the build fast; the lifecycle moves are recorded as status changes
as if each had been made through the services.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.accounts.services import organization_create, role_assign, user_create
from meks.core.access import Role
from meks.portfolio.choices import MILESTONE_ORDER, BaselineStatus, MilestoneKind, ProjectStatus, TargetMetric
from meks.portfolio.models import (
    Baseline,
    Direction,
    Milestone,
    NationalProject,
    ProgressReport,
    Project,
    StatusChange,
    Target,
)
from meks.portfolio.rating import rating_snapshot_take
from meks.portfolio.readiness import READINESS_FIELDS
from meks.portfolio.services import STANDARD_SCHEDULE
from meks.territory.models import Region, Settlement

from .identifiers import demo_bin
from .reference import DEMO_REASON

TOTAL_PROJECTS = 309
TOTAL_COST = Decimal("974000000000")
IN_IMPLEMENTATION = 34
AT_CONTRACTOR_DETERMINATION = 130
SELECTION_SPLIT = {  # 145 in selection
    ProjectStatus.SUBMITTED: 30,
    ProjectStatus.DOCUMENT_CHECK: 40,
    ProjectStatus.TECHNICAL_REVIEW: 40,
    ProjectStatus.COMMISSION_DECISION: 35,
}
SEWERAGE_READY = 16
SEWERAGE_UNDER_REFINEMENT = 6

#: Delivery quality of the regions the texts name; the others draw theirs between 0.35 and 0.7.
REGION_QUALITY = {"75": 0.96, "35": 0.91, "19": 0.87, "47": 0.12, "62": 0.08}

DIRECTIONS = [
    ("heat", 1, "Теплоснабжение", "Жылумен жабдықтау", "Heat supply"),
    ("power", 2, "Электроснабжение и генерация", "Электрмен жабдықтау және генерация", "Power supply and generation"),
    ("water", 3, "Водоснабжение", "Сумен жабдықтау", "Water supply"),
    ("sewerage", 4, "Водоотведение и очистные сооружения", "Су бұру және тазарту құрылыстары",
     "Sewerage and treatment plants"),
    ("other", 5, "Прочие объекты", "Басқа нысандар", "Other facilities"),
]

#: Title patterns per direction (Russian, Kazakh, English), ``{place}`` being the settlement.
TITLES = {
    "heat": [("Реконструкция магистральных тепловых сетей, {place}", "{place}: магистральдық жылу желілерін реконструкциялау",
              "Reconstruction of heat mains, {place}"),
             ("Модернизация котельной и распределительных тепловых сетей, {place}",
              "{place}: қазандық пен тарату жылу желілерін жаңғырту", "Modernization of the boiler house and heat networks, {place}")],
    "power": [("Реконструкция распределительных электрических сетей 0,4–10 кВ, {place}",
               "{place}: 0,4–10 кВ тарату электр желілерін реконструкциялау", "Reconstruction of 0.4–10 kV distribution networks, {place}"),
              ("Модернизация подстанции 110/10 кВ, {place}", "{place}: 110/10 кВ қосалқы станциясын жаңғырту",
               "Modernization of the 110/10 kV substation, {place}")],
    "water": [("Реконструкция сетей водоснабжения, {place}", "{place}: сумен жабдықтау желілерін реконструкциялау",
               "Reconstruction of water supply networks, {place}"),
              ("Строительство водовода и насосной станции, {place}", "{place}: су құбыры мен сорғы станциясын салу",
               "Construction of a water main and pumping station, {place}")],
    "sewerage": [("Реконструкция канализационных очистных сооружений, {place}",
                  "{place}: кәріз тазарту құрылыстарын реконструкциялау", "Reconstruction of the sewage treatment plant, {place}")],
    "other": [("Модернизация газораспределительной системы, {place}", "{place}: газ тарату жүйесін жаңғырту",
               "Modernization of the gas distribution system, {place}")],
}
DIRECTION_SHARES = {"heat": 0.38, "power": 0.27, "water": 0.22, "other": 0.13}

FIRST_NAMES = ["Асель", "Ержан", "Гульнара", "Мурат", "Айдос", "Сауле", "Канат", "Алия", "Дамир", "Жанна",
               "Нурлан", "Лаура", "Бекзат", "Динара", "Руслан", "Индира", "Талгат", "Мадина", "Серик", "Камила"]
LAST_NAMES = ["Ахметов", "Сулейменова", "Жумабаев", "Искакова", "Омаров", "Тулегенова", "Байжанов", "Кенжебаева",
              "Абенов", "Мухамедиева", "Садыков", "Ермекова", "Калиев", "Нуртазина", "Бекмуханов", "Дюсенова",
              "Сейтказиев", "Амангельдиева", "Рахимов", "Утепова"]


def _round_tenge(value: Decimal) -> Decimal:
    return value.quantize(Decimal("1000"), rounding=ROUND_HALF_UP)


def _allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    """Split ``total`` into whole parts proportional to ``weights`` (largest remainders)."""
    whole = sum(weights.values())
    raw = {key: total * weight / whole for key, weight in weights.items()}
    parts = {key: int(value) for key, value in raw.items()}
    for key in sorted(raw, key=lambda k: raw[k] - parts[k], reverse=True)[: total - sum(parts.values())]:
        parts[key] += 1
    return parts


def build_programme() -> dict[str, Direction]:
    """The national project, its directions and its targets (five-year and 2025, some by direction).

    The 2025 targets by direction split the national 8,500 km: a DEMO ASSUMPTION.
    """
    national = NationalProject.objects.create(
        code="MEKS", start_year=2025, end_year=2029,
        name_ru="Модернизация энергетического и коммунального секторов",
        name_kk="Энергетика және коммуналдық секторларды жаңғырту",
        name_en="Modernization of the Energy and Utility Sectors",
    )
    directions = {
        code: Direction.objects.create(code=code, order=order, name_ru=ru, name_kk=kk, name_en=en)
        for code, order, ru, kk, en in DIRECTIONS
    }
    targets = [
        (None, TargetMetric.INVESTMENT, None, Decimal("13000000000000")),
        (None, TargetMetric.NETWORK_KM, None, Decimal("86000")),
        (None, TargetMetric.CAPACITY_MW, None, Decimal("7300")),
        (None, TargetMetric.WEAR_PERCENT, None, Decimal("40")),
        (None, TargetMetric.NETWORK_KM, 2025, Decimal("8500")),
        (None, TargetMetric.EQUIPMENT_UNITS, 2025, Decimal("42000")),
        ("heat", TargetMetric.NETWORK_KM, 2025, Decimal("3100")),
        ("power", TargetMetric.NETWORK_KM, 2025, Decimal("3300")),
        ("water", TargetMetric.NETWORK_KM, 2025, Decimal("1400")),
        ("sewerage", TargetMetric.NETWORK_KM, 2025, Decimal("700")),
    ]
    for direction, metric, year, value in targets:
        Target.objects.create(national_project=national, direction=directions[direction] if direction else None,
                              metric=metric, year=year, value=value)
    return directions


def build_owners(rng: random.Random) -> dict[str, dict[str, object]]:
    """Per region: the akimat, a utility and an official answerable for each (the demo accounts where they exist)."""
    owners: dict[str, dict[str, object]] = {}
    demo_utility = Organization.objects.get(kind=OrganizationKind.UTILITY, region__kato="35")
    named = {"35": User.objects.get(username="akimat.karaganda"), "47": User.objects.get(username="akimat.mangystau")}
    for region in Region.objects.order_by("kato"):
        akimat = Organization.objects.get(kind=OrganizationKind.AKIMAT, region=region)
        if region.kato == "35":
            utility = demo_utility
            utility_official = User.objects.get(username="utility")
        else:
            utility = organization_create(
                actor=None, kind=OrganizationKind.UTILITY, region=region,
                name_ru=f"ТОО «Энергосервис {region.centre_ru}» (демонстрационное)",
                name_kk=f"«{region.centre_kk or region.centre_ru} Энергосервис» ЖШС (демонстрациялық)",
                name_en=f"Energoservice {region.centre_en} LLP (demonstration)",
                bin=demo_bin(rng), reason=DEMO_REASON,
            )
            utility_official = _official(rng, utility, f"official.{region.kato}.utility", Role.UTILITY, region)
        akimat_official = named.get(region.kato) or _official(rng, akimat, f"official.{region.kato}.akimat", Role.AKIMAT, region)
        owners[region.kato] = {"akimat": akimat, "utility": utility, "akimat_official": akimat_official,
                               "utility_official": utility_official}
    return owners


def _official(rng: random.Random, organization: Organization, username: str, role: str, region: Region) -> User:
    first = rng.choice(FIRST_NAMES)
    last = rng.choice(LAST_NAMES)
    if first.endswith(("а", "я")) and not last.endswith("а"):
        last += "а"
    elif not first.endswith(("а", "я")) and last.endswith("а"):
        last = last[:-1]
    user = user_create(
        actor=None, username=username, password=None, organization=organization, first_name=first, last_name=last,
        position=("Ответственный за проекты МЭКС", "МЭКС жобаларына жауапты", "Officer responsible for MEKS projects"),
    )
    role_assign(actor=None, user=user, role=role, regions=[region], reason=DEMO_REASON)
    return user


def _statuses(rng: random.Random, projects: list[dict], quality: dict[str, float]) -> None:
    """Give the best-delivered regions' projects the furthest stages, as many of each as the texts say."""
    ranked = sorted(projects, key=lambda p: quality[p["region"].kato] + rng.gauss(0, 0.18), reverse=True)
    pool = [ProjectStatus.IMPLEMENTATION] * IN_IMPLEMENTATION + [ProjectStatus.CONTRACTOR_DETERMINATION] * AT_CONTRACTOR_DETERMINATION
    for status, count in SELECTION_SPLIT.items():
        pool += [status] * count
    for project, status in zip(ranked, pool, strict=True):
        project["status"] = status


def build_portfolio(*, rng: random.Random | None = None, anchor: dt.date | None = None) -> None:
    """Build the programme and the 309 demo projects with their schedules, readiness and progress."""
    rng = rng or random.Random(20260315)
    anchor = anchor or timezone.localdate()
    directions = build_programme()
    owners = build_owners(rng)
    regions = list(Region.objects.order_by("kato"))
    quality = {region.kato: REGION_QUALITY.get(region.kato, rng.uniform(0.35, 0.7)) for region in regions}
    counts = _allocate(TOTAL_PROJECTS, {r.kato: 6 + (r.population or 500000) / 100000 for r in regions})
    settlements: dict[int, list[Settlement]] = {}
    for settlement in Settlement.objects.order_by("kato"):
        settlements.setdefault(settlement.region_id, []).append(settlement)

    drafts: list[dict] = []
    for region in regions:
        for _number in range(counts[region.kato]):
            drafts.append({"region": region})
    _statuses(rng, drafts, quality)

    # Sewerage and treatment plants: 16 ready among the projects past selection, 6 under refinement in it.
    advanced = [p for p in drafts if p["status"] in {ProjectStatus.IMPLEMENTATION, ProjectStatus.CONTRACTOR_DETERMINATION}]
    in_selection = [p for p in drafts if p["status"] in SELECTION_SPLIT]
    for project in rng.sample(advanced, SEWERAGE_READY):
        project["direction"] = "sewerage"
    refining = rng.sample(in_selection, SEWERAGE_UNDER_REFINEMENT)
    for project in refining:
        project["direction"] = "sewerage"
        project["force_incomplete"] = True
    rest = [p for p in drafts if "direction" not in p]
    shares = _allocate(len(rest), DIRECTION_SHARES)
    pool = [code for code, count in shares.items() for _ in range(count)]
    rng.shuffle(pool)
    for project, code in zip(rest, pool, strict=True):
        project["direction"] = code

    weights = [rng.lognormvariate(0, 0.8) * (3 if p["direction"] == "power" else 1) for p in drafts]
    scale = TOTAL_COST / Decimal(str(sum(weights)))
    costs = [_round_tenge(Decimal(str(weight)) * scale) for weight in weights]
    costs[-1] += TOTAL_COST - sum(costs)

    sequence: dict[str, int] = {}
    project_rows: list[Project] = []
    plans: list[dict] = []
    for draft, cost in zip(drafts, costs, strict=True):
        region = draft["region"]
        q = quality[region.kato]
        sequence[region.kato] = sequence.get(region.kato, 0) + 1
        place = rng.choice(settlements.get(region.pk) or [None])
        owner_side = owners[region.kato]
        by_akimat = draft["direction"] in {"water", "sewerage"} and rng.random() < 0.5
        owner = owner_side["akimat"] if by_akimat else owner_side["utility"]
        responsible = owner_side["akimat_official"] if by_akimat else owner_side["utility_official"]
        ru, kk, en = rng.choice(TITLES[draft["direction"]])
        name = place.name_ru if place else region.centre_ru
        status = draft["status"]
        if status in SELECTION_SPLIT:
            ready = {field: rng.random() < 0.25 + 0.65 * q for field in READINESS_FIELDS}
            if draft.get("force_incomplete") and all(ready.values()):
                ready[rng.choice(READINESS_FIELDS)] = False
        else:
            ready = dict.fromkeys(READINESS_FIELDS, True)
        km = Decimal(str(round(rng.uniform(3, 45), 1)))
        direction = draft["direction"]
        project_rows.append(Project(
            code=f"MEKS-{region.kato}-{sequence[region.kato]:03d}",
            title_ru=ru.format(place=name), title_kk=kk.format(place=place.name_kk if place else region.centre_kk),
            title_en=en.format(place=place.name_en if place else region.centre_en),
            direction=directions[direction], project_type=rng.choice(["rehabilitation", "replacement", "construction", "expansion"]),
            region=region, settlement=place, owner=owner, responsible=responsible, status=status,
            cost_estimate=cost,
            planned_km_heat=km if direction == "heat" else 0, planned_km_power=km * 2 if direction == "power" else 0,
            planned_km_water=km if direction == "water" else 0, planned_km_sewer=km / 3 if direction == "sewerage" else 0,
            planned_mw=Decimal(rng.choice([0, 0, 0, 50, 120, 300])) if direction == "power" else 0,
            planned_equipment_units=rng.randint(20, 900), people_served=rng.randint(5000, 250000),
            wear_before=Decimal(str(round(rng.uniform(48, 82), 1))), wear_after=Decimal(str(round(rng.uniform(25, 40), 1))),
            **ready,
        ))
        plans.append({"q": q, "status": status, "ready": ready})

    _lay_out_schedules(rng, anchor, project_rows, plans)
    for row, plan in zip(project_rows, plans, strict=True):
        plan["path"] = _status_path(None, plan["status"], row.planned_start, anchor)
        row.status_changed_at = plan["path"][-1].changed_at if plan["path"] else None
    created = bulk_create_with_history(project_rows, Project, batch_size=500, default_change_reason=DEMO_REASON)
    saved = {p.code: p for p in Project.objects.filter(code__in=[p.code for p in created])}
    milestones, baselines, changes, reports = [], [], [], []
    for row, plan in zip(project_rows, plans, strict=True):
        project = saved[row.code]
        for kind, dates in plan["milestones"].items():
            milestones.append(Milestone(project=project, kind=kind, order=MILESTONE_ORDER[kind], responsible_id=project.responsible_id, **dates))
        baselines.append(Baseline(project=project, number=1, status=BaselineStatus.APPROVED, reason=DEMO_REASON,
                                  dates={kind: d["baseline_date"].isoformat() for kind, d in plan["milestones"].items()},
                                  decided_at=timezone.make_aware(dt.datetime.combine(row.planned_start, dt.time(9)))))
        for change in plan["path"]:
            change.project = project
        changes += plan["path"]
        reports += _progress(rng, project, plan, anchor)
    bulk_create_with_history(milestones, Milestone, batch_size=1000, default_change_reason=DEMO_REASON)
    bulk_create_with_history(baselines, Baseline, batch_size=500, default_change_reason=DEMO_REASON)
    StatusChange.objects.bulk_create(changes, batch_size=1000)
    bulk_create_with_history(reports, ProgressReport, batch_size=1000, default_change_reason=DEMO_REASON)
    # Last month's rating, so the dashboard shows what changed since.
    rating_snapshot_take(period=(anchor.replace(day=1) - dt.timedelta(days=1)).replace(day=1))


def _lay_out_schedules(rng: random.Random, anchor: dt.date, rows: list[Project], plans: list[dict]) -> None:
    """Baseline, forecast and actual dates of each project's milestones, set by its stage and region quality."""
    for row, plan in zip(rows, plans, strict=True):
        q, status = plan["q"], plan["status"]
        span = rng.randint(600, 1000)
        if status in SELECTION_SPLIT:
            elapsed = rng.uniform(0.0, 0.12)
        elif status == ProjectStatus.CONTRACTOR_DETERMINATION:
            elapsed = rng.uniform(0.21, 0.27) + (1 - q) * rng.uniform(0, 0.12)
        else:
            elapsed = rng.uniform(0.45, 0.7)
        start = anchor - dt.timedelta(days=int(span * elapsed))
        row.planned_start, row.planned_end = start, start + dt.timedelta(days=span)
        delay_scale = (1 - q) * 120
        milestones = {}
        for kind, share in STANDARD_SCHEDULE.items():
            baseline = start + dt.timedelta(days=int(span * share))
            dates = {"baseline_date": baseline, "forecast_date": None, "actual_date": None}
            done = _is_done(kind, status, plan["ready"])
            slip = int(rng.uniform(0, delay_scale) if rng.random() > q else rng.uniform(-10, 3))
            if done:
                dates["actual_date"] = min(baseline + dt.timedelta(days=slip), anchor)
            elif baseline <= anchor + dt.timedelta(days=60) and slip > 0:
                dates["forecast_date"] = max(baseline + dt.timedelta(days=slip), anchor + dt.timedelta(days=7))
            milestones[kind] = dates
        plan["milestones"] = milestones


def _is_done(kind: str, status: str, ready: dict[str, bool]) -> bool:
    if kind == MilestoneKind.DESIGN:
        return ready["ready_design"]
    if kind == MilestoneKind.EXPERTISE:
        return ready["ready_expertise"]
    if kind == MilestoneKind.TENDER_PUBLISHED:
        return status in {ProjectStatus.CONTRACTOR_DETERMINATION, ProjectStatus.IMPLEMENTATION}
    if kind in {MilestoneKind.CONTRACT_SIGNED, MilestoneKind.WORKS_STARTED}:
        return status == ProjectStatus.IMPLEMENTATION
    return False


PATH = [ProjectStatus.DRAFT, ProjectStatus.SUBMITTED, ProjectStatus.DOCUMENT_CHECK, ProjectStatus.TECHNICAL_REVIEW,
        ProjectStatus.COMMISSION_DECISION, ProjectStatus.CONFIRMED, ProjectStatus.CONTRACTOR_DETERMINATION,
        ProjectStatus.IMPLEMENTATION]


def _status_path(project: Project | None, status: str, start: dt.date, anchor: dt.date) -> list[StatusChange]:
    steps = PATH[: PATH.index(status) + 1]
    first = min(start, anchor) - dt.timedelta(days=20 * len(steps))
    return [
        StatusChange(project=project, from_status=source, to_status=target, reason=DEMO_REASON,
                     changed_at=timezone.make_aware(dt.datetime.combine(first + dt.timedelta(days=20 * number), dt.time(11))))
        for number, (source, target) in enumerate(itertools.pairwise(steps), start=1)
    ]


def _progress(rng: random.Random, project: Project, plan: dict, anchor: dt.date) -> list[ProgressReport]:
    """Monthly cumulative reports since works started, for projects in implementation."""
    if plan["status"] != ProjectStatus.IMPLEMENTATION:
        return []
    started = plan["milestones"][MilestoneKind.WORKS_STARTED]["actual_date"]
    finish = plan["milestones"][MilestoneKind.COMMISSIONED]["baseline_date"]
    q = plan["q"]
    reports = []
    month = started.replace(day=1)
    last = anchor.replace(day=1) - dt.timedelta(days=1)
    while month <= last:
        month_end = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
        share = min(Decimal(max((month_end - started).days, 0)) / Decimal(max((finish - started).days, 1)), Decimal(1))
        completion = (share * Decimal(str(0.55 + 0.45 * q)) * 100).quantize(Decimal("0.1"))
        spent_share = min(completion / 100 * Decimal(str(1 + (1 - q) * 0.6)), Decimal("1"))
        reports.append(ProgressReport(
            project=project, period=month, completion_percent=completion,
            km_heat=(project.planned_km_heat * completion / 100).quantize(Decimal("0.01")),
            km_power=(project.planned_km_power * completion / 100).quantize(Decimal("0.01")),
            km_water=(project.planned_km_water * completion / 100).quantize(Decimal("0.01")),
            km_sewer=(project.planned_km_sewer * completion / 100).quantize(Decimal("0.01")),
            equipment_installed=int(project.planned_equipment_units * completion / 100),
            mw_commissioned=Decimal(0), spent=_round_tenge(project.cost_estimate * spent_share),
            submitted_by_id=project.responsible_id,
        ))
        month = month_end + dt.timedelta(days=1)
    return reports
