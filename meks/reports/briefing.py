"""The project office's briefing ("справка к заседанию проектного офиса") as of a date: PDF and XLSX.

One set of figures, collected for the user who asks for it and the date chosen, feeds both documents: the
pipeline funnel, targets against achievement, the region rating and its change, the late projects with
their responsible officials, the financing status, the procurement delays, the overdue assignments and the
appeal statistics.

Every figure is computed as of the briefing's date from dated records, so that a briefing for a past date
reads the same tomorrow:

* a project's stage is the last status change made by that date, its estimate the one its history holds
  for that date;
* a milestone counts as done only if its actual date falls on or before the briefing's date; forecasts,
  which are today's estimates, are left out;
* achievement comes from the progress reports of months closed before the date's month;
* the rating is the monthly snapshot of the date's month (for the current month, computed live);
* financing counts stage changes, decisions and payments dated on or before the date;
* assignment deadlines count as met on the date of their accepted report; appeals by their registration,
  answer and closing dates.

Who may ask: the project office, the ministry and the technical operator (the whole country) and an akimat
(its own region); the briefing reads only what the asker's scope covers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Greatest, TruncMonth
from django.http import FileResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from meks.accounts.models import Organization
from meks.appeals.models import Appeal, Category
from meks.assignments.models import Assignment, Deadline
from meks.assignments.reports import font_faces
from meks.assignments.selectors import met_by, open_on, visible_assignment_ids
from meks.core.access import Role, scope_of
from meks.core.db import DaysBetween
from meks.core.home import Tile
from meks.core.xlsx import Sheet, workbook_response
from meks.finance.choices import APPROVED_STATUSES, PIPELINE_ORDER, ApplicationStatus, LenderKind
from meks.finance.models import FinancingApplication, FinancingDecision, StageChange, Tranche
from meks.portfolio.achievement import targets_against_achievement
from meks.portfolio.choices import STAGE_OF_STATUS, MilestoneKind, ProjectStatus, Stage
from meks.portfolio.models import Milestone, Project, RatingSnapshot, StatusChange
from meks.portfolio.rating import compute_rating
from meks.portfolio.selectors import portfolio_totals
from meks.territory.models import Region

#: Who may produce the briefing; an akimat gets its own region's.
BRIEFING_ROLES = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.AKIMAT)
#: The languages the briefing is written in.
LANGUAGES = (("ru", "Русский"), ("kk", "Қазақша"), ("en", "English"))
#: How many rows the PDF lists in the long tables (the worst first); the totals always count every row.
LIST_LIMIT = 30
MILLION = Decimal("1000000")
ZERO = Value(Decimal("0"), output_field=DecimalField(max_digits=20, decimal_places=2))
#: Statuses in which a project is no longer open: its lag no longer matters to the meeting.
CLOSED_STATUSES = (ProjectStatus.COMMISSIONED, ProjectStatus.CANCELLED, ProjectStatus.REJECTED, ProjectStatus.DRAFT)
#: The lender groups of approvals, as the programme reports them.
LENDER_GROUPS = (
    ("banks", gettext_lazy("Development Bank and banks"), (LenderKind.DEVELOPMENT_BANK, LenderKind.BANK)),
    ("khc", gettext_lazy("Housing company (bond buyback)"), (LenderKind.HOUSING_COMPANY,)),
    ("other", gettext_lazy("Budget and other"), (LenderKind.BUDGET, LenderKind.NONE)),
)


# --- who may, and what they see -------------------------------------------------------------------------------


def is_briefing_reader(user: Any) -> bool:
    """True for the project office, the ministry, the technical operator and an akimat."""
    return scope_of(user).has_role(*BRIEFING_ROLES)


def region_scope(user: Any, lookup: str) -> Q:
    """Rows whose region (reached by ``lookup``) the user's briefing roles cover: all, or an akimat's own."""
    return scope_of(user).region_filter(lookup, *BRIEFING_ROLES)


def covered_regions(user: Any) -> list[Region] | None:
    """The regions the user's briefing covers; ``None`` for the whole country."""
    regions = scope_of(user).regions_for(*BRIEFING_ROLES)
    return None if regions is None else list(Region.objects.filter(pk__in=regions).order_by("kato"))


def cutoff(on: dt.date) -> dt.datetime:
    """The first moment after the briefing's date in Almaty: records made before it count."""
    return timezone.make_aware(dt.datetime.combine(on + dt.timedelta(days=1), dt.time.min))


# --- the portfolio as of a date -------------------------------------------------------------------------------


def project_status_on(on: dt.date) -> Any:
    """A project's status on ``on``: the last change made by then; ``None`` before it was registered."""
    before = cutoff(on)
    last = StatusChange.objects.filter(project=OuterRef("pk"), changed_at__lt=before).order_by("-changed_at", "-pk")
    first = StatusChange.objects.filter(project=OuterRef("pk")).order_by("changed_at", "pk")
    return Coalesce(
        Subquery(last.values("to_status")[:1]),
        Case(When(created_at__lt=before, then=Coalesce(Subquery(first.values("from_status")[:1]), F("status")))),
        output_field=CharField(),
    )


def project_estimate_on(on: dt.date) -> Any:
    """A project's cost estimate as its history holds it on ``on``.

    A project registered with an earlier date than its first history entry (an import) has the estimate it was
    first recorded with; one without history, its current estimate.
    """
    history = Project.history.model.objects.filter(id=OuterRef("pk"))
    return Coalesce(
        Subquery(history.filter(history_date__lt=cutoff(on)).order_by("-history_date", "-history_id")
                 .values("cost_estimate")[:1]),
        Subquery(history.order_by("history_date", "history_id").values("cost_estimate")[:1]),
        F("cost_estimate"),
    )


def milestone_lag_on(on: dt.date) -> Any:
    """A milestone's lag in days on ``on``: done by then, its actual date; otherwise ``on``; minus its baseline."""
    effective = Case(When(actual_date__lte=on, then=F("actual_date")), default=Value(on))
    return Greatest(DaysBetween(effective, F("baseline_date")), Value(0), output_field=IntegerField())


def projects_on(user: Any, on: dt.date) -> QuerySet[Project]:
    """The projects in the user's scope registered by ``on``, with ``status_on`` and ``estimate_on``."""
    return (Project.objects.filter(region_scope(user, "region_id"))
            .annotate(status_on=project_status_on(on), estimate_on=project_estimate_on(on))
            .filter(status_on__isnull=False))


def funnel_on(user: Any, on: dt.date) -> list[dict[str, Any]]:
    """Count and sum of estimates per stage of the funnel on ``on``; one query."""
    by_stage = {stage: {"count": 0, "total": Decimal("0")} for stage in Stage.values}
    for row in (projects_on(user, on).order_by().values("status_on")
                .annotate(count=Count("pk"), total=Sum("estimate_on"))):
        stage = by_stage[STAGE_OF_STATUS[row["status_on"]]]
        stage["count"] += row["count"]
        stage["total"] += Decimal(row["total"] or 0)
    return [{"stage": stage, "label": label, **by_stage[stage]} for stage, label in Stage.choices]


@dataclass(frozen=True)
class LateRow:
    """A late project with the milestone furthest behind and the official answerable for it."""

    code: str
    title: str
    region: str
    milestone: str
    baseline: dt.date
    done_on: dt.date | None
    days: int
    official: str
    position: str
    organization: str


def _official(person: Any) -> tuple[str, str, str]:
    """Name, position (in the active language) and organization of an official."""
    return (person.get_full_name() or person.get_username(), person.position,
            person.organization.name if person.organization_id else "")


def late_projects_on(user: Any, on: dt.date) -> tuple[int, list[LateRow], list[dict[str, Any]]]:
    """Open projects behind their schedule on ``on``: how many, the worst with their officials, by region."""
    worst = (Milestone.objects.filter(project=OuterRef("pk")).annotate(lag=milestone_lag_on(on))
             .order_by("-lag").values("lag")[:1])
    late = (projects_on(user, on).exclude(status_on__in=CLOSED_STATUSES)
            .annotate(lag_days=Coalesce(Subquery(worst, output_field=IntegerField()), Value(0)))
            .filter(lag_days__gt=0))
    total = late.count()
    by_region = list(late.order_by().values("region_id").annotate(count=Count("pk")).order_by("-count", "region_id"))
    chosen = list(late.select_related("region").order_by("-lag_days", "code")[:LIST_LIMIT])
    milestones: dict[int, Milestone] = {}
    for milestone in (Milestone.objects.filter(project__in=[project.pk for project in chosen])
                      .select_related("responsible__organization").annotate(lag=milestone_lag_on(on))
                      .order_by("project", "-lag", "order")):
        milestones.setdefault(milestone.project_id, milestone)
    rows = []
    for project in chosen:
        milestone = milestones[project.pk]
        official, position, organization = _official(milestone.responsible)
        rows.append(LateRow(
            code=project.code, title=project.title, region=project.region.name, milestone=milestone.get_kind_display(),
            baseline=milestone.baseline_date,
            done_on=milestone.actual_date if milestone.actual_date and milestone.actual_date <= on else None,
            days=project.lag_days, official=official, position=position, organization=organization,
        ))
    return total, rows, _with_region_names(by_region)


def _with_region_names(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    regions = {region.pk: region for region in Region.objects.filter(pk__in=[row["region_id"] for row in rows])}
    return [{**row, "region": regions[row["region_id"]].name} for row in rows]


def procurement_delays_on(user: Any, on: dt.date) -> dict[str, Any]:
    """Projects at contractor determination whose tender was due by ``on``: not yet published, or published late.

    Read from the ``tender_published`` milestone of the schedule, with days late and the official answerable.
    """
    tenders = (Milestone.objects.filter(kind=MilestoneKind.TENDER_PUBLISHED, baseline_date__lt=on)
               .filter(project__in=projects_on(user, on).filter(status_on=ProjectStatus.CONTRACTOR_DETERMINATION)
                       .values("pk"))
               .annotate(lag=milestone_lag_on(on),
                         published=ExpressionWrapper(Q(actual_date__lte=on), output_field=BooleanField()))
               .filter(lag__gt=0))
    totals = tenders.aggregate(unpublished=Count("pk", filter=~Q(actual_date__lte=on)),
                               late_published=Count("pk", filter=Q(actual_date__lte=on)))
    by_region = list(tenders.filter(~Q(actual_date__lte=on)).order_by().values(region_id=F("project__region_id"))
                     .annotate(count=Count("pk"), days=Avg("lag")).order_by("-count", "region_id"))
    rows = []
    for milestone in (tenders.select_related("project__region", "responsible__organization")
                      .order_by("published", "-lag", "project__code")[:LIST_LIMIT]):
        official, position, organization = _official(milestone.responsible)
        rows.append(LateRow(
            code=milestone.project.code, title=milestone.project.title, region=milestone.project.region.name,
            milestone=milestone.get_kind_display(), baseline=milestone.baseline_date,
            done_on=milestone.actual_date if milestone.published else None, days=milestone.lag, official=official,
            position=position, organization=organization,
        ))
    for row in by_region:
        row["days"] = Decimal(str(row["days"] or 0)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    return {**totals, "rows": rows, "by_region": _with_region_names(by_region)}


# --- the rating -----------------------------------------------------------------------------------------------


def rating_on(user: Any, on: dt.date) -> dict[str, Any]:
    """The region rating in force on ``on`` and its change since the month before.

    A month's rating is its snapshot (taken daily until the month closes); for the current month before its
    first snapshot, the rating is computed live. An akimat sees its own region's row with its national rank.
    """
    month = on.replace(day=1)
    period = RatingSnapshot.objects.filter(period__lte=month).order_by("-period").values_list("period", flat=True).first()
    current = timezone.localdate().replace(day=1)
    scope = scope_of(user)
    rows: list[dict[str, Any]] = []
    if period != month and month == current:
        source = "live"
        for score in compute_rating(on=on):
            rows.append({"region_id": score.region.pk, "region": score.region.name, "rank": score.rank,
                         "index": score.index, "previous_rank": score.previous_rank,
                         "index_change": score.index_change, "rank_change": score.rank_change})
    elif period is not None:
        source = "snapshot"
        before = (RatingSnapshot.objects.filter(period__lt=period).order_by("-period")
                  .values_list("period", flat=True).first())
        previous = {row.region_id: row for row in RatingSnapshot.objects.filter(period=before)} if before else {}
        for snapshot in RatingSnapshot.objects.filter(period=period).select_related("region").order_by("rank"):
            earlier = previous.get(snapshot.region_id)
            rows.append({"region_id": snapshot.region_id, "region": snapshot.region.name, "rank": snapshot.rank,
                         "index": snapshot.index, "previous_rank": earlier.rank if earlier else None,
                         "index_change": snapshot.index - earlier.index if earlier else None,
                         "rank_change": earlier.rank - snapshot.rank if earlier else None})
    else:
        source = "none"
    rows = [row for row in rows if scope.covers_region(row["region_id"], *BRIEFING_ROLES)]
    return {"source": source, "period": period, "rows": rows,
            "has_previous": any(row["previous_rank"] is not None for row in rows)}


# --- financing, assignments, appeals -------------------------------------------------------------------------


def financing_on(user: Any, on: dt.date) -> dict[str, Any]:
    """Applications by their stage on ``on``, approvals by lender group, and payments, as of ``on``."""
    last = (StageChange.objects.filter(application=OuterRef("pk"), changed_at__lt=cutoff(on))
            .order_by("-changed_at", "-pk").values("to_status")[:1])
    applications = (FinancingApplication.objects.filter(region_scope(user, "project__region_id"))
                    .annotate(status_on=Subquery(last)).filter(status_on__isnull=False))
    by_status = {row["status_on"]: row for row in applications.order_by().values("status_on")
                 .annotate(count=Count("pk"), amount=Coalesce(Sum("amount_requested"), ZERO))}
    pipeline = [{"status": status, "label": ApplicationStatus(status).label,
                 "count": by_status.get(status, {}).get("count", 0),
                 "amount": by_status.get(status, {}).get("amount", Decimal("0"))}
                for status in [*PIPELINE_ORDER, ApplicationStatus.RETURNED, ApplicationStatus.REJECTED,
                               ApplicationStatus.WITHDRAWN]]
    decisions = FinancingDecision.objects.filter(application__in=applications.filter(status_on__in=APPROVED_STATUSES).values("pk"),
                                                 date__lte=on)
    groups = {row["application__channel__lender_kind"]: row for row in decisions.order_by()
              .values("application__channel__lender_kind")
              .annotate(count=Count("pk"), amount=Sum("amount_approved"))}
    approvals = [{"group": key, "label": label,
                  "count": sum(groups.get(kind, {}).get("count", 0) for kind in kinds),
                  "amount": sum((groups.get(kind, {}).get("amount") or Decimal("0") for kind in kinds), Decimal("0"))}
                 for key, label, kinds in LENDER_GROUPS]
    paid = Tranche.objects.filter(application__in=applications.values("pk"), paid_on__lte=on).aggregate(
        total=Coalesce(Sum("paid_amount"), ZERO))["total"]
    return {
        "applications": sum(row["count"] for row in pipeline),
        "requested": sum((row["amount"] for row in pipeline), Decimal("0")),
        "approved_count": sum(row["count"] for row in approvals),
        "approved_amount": sum((row["amount"] for row in approvals), Decimal("0")),
        "paid_amount": paid, "pipeline": pipeline, "approvals": approvals,
    }


def _assignment_scope(user: Any) -> Q:
    """All assignments for the whole country; an akimat's own and those about its region."""
    regions = scope_of(user).regions_for(*BRIEFING_ROLES)
    if regions is None:
        return Q()
    return Q(pk__in=visible_assignment_ids(user)) | Q(pk__in=Assignment.objects.filter(regions__in=regions).values("pk"))


def assignments_on(user: Any, on: dt.date) -> dict[str, Any]:
    """Deadlines due by ``on``: met on time, met late, overdue; and the overdue ones with their executors."""
    deadlines = Deadline.objects.filter(assignment__in=Assignment.objects.filter(_assignment_scope(user)).values("pk"),
                                        due_date__lt=on)
    overdue = deadlines.filter(open_on(on))
    totals = deadlines.aggregate(
        due=Count("pk"), overdue=Count("pk", filter=open_on(on)),
        met_on_time=Count("pk", filter=met_by(on) & Q(fulfilled_on__lte=F("due_date"))),
        met_late=Count("pk", filter=met_by(on) & Q(fulfilled_on__gt=F("due_date"))),
    )
    counts = list(overdue.order_by().values(executor=F("assignment__lead_executor"))
                  .annotate(count=Count("pk")).order_by("-count", "executor"))
    executors = {organization.pk: organization for organization in
                 Organization.objects.filter(pk__in=[row["executor"] for row in counts])}
    by_executor = [{"name": executors[row["executor"]].name, "count": row["count"]} for row in counts]
    rows = [
        {"label": _("Protocol %(protocol)s, item %(item)s") % {
            "protocol": deadline.assignment.meeting.protocol_number or "—", "item": deadline.assignment.item_number},
         "text": deadline.assignment.text, "meeting": deadline.assignment.meeting,
         "executor": deadline.assignment.lead_executor.name,
         "official": deadline.assignment.lead_official.get_full_name(), "due_date": deadline.due_date,
         "days": (on - deadline.due_date).days}
        for deadline in overdue.select_related("assignment__meeting", "assignment__lead_executor",
                                               "assignment__lead_official").order_by("due_date", "pk")[:LIST_LIMIT]
    ]
    return {**totals, "rows": rows, "by_executor": by_executor}


def _share(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def appeals_on(user: Any, on: dt.date) -> dict[str, Any]:
    """Appeals registered by ``on``: answered, on time, open and overdue on that date; by category and month."""
    appeals = Appeal.objects.filter(region_scope(user, "region_id"), registered_on__lte=on)
    answered = Q(answered_on__lte=on)
    still_open = ~answered & ~Q(closed_on__lte=on)
    totals = appeals.aggregate(
        total=Count("pk"), answered=Count("pk", filter=answered),
        on_time=Count("pk", filter=answered & Q(answered_on__lte=F("due_date"))),
        open=Count("pk", filter=still_open), overdue=Count("pk", filter=still_open & Q(due_date__lt=on)),
        average_days=Avg(DaysBetween(F("answered_on"), F("registered_on")), filter=answered),
    )
    names = {category.pk: category.name for category in Category.objects.all()}
    by_category = [{"name": names[row["category_id"]], "count": row["count"], "overdue": row["overdue"]}
                   for row in appeals.order_by().values("category_id")
                   .annotate(count=Count("pk"), overdue=Count("pk", filter=still_open & Q(due_date__lt=on)))
                   .order_by("-count", "category_id")]
    since = (on.replace(day=1) - dt.timedelta(days=335)).replace(day=1)
    by_month = list(appeals.filter(registered_on__gte=since).annotate(month=TruncMonth("registered_on"))
                    .order_by("month").values("month").annotate(count=Count("pk")))
    average = totals.pop("average_days")
    return {**totals, "on_time_share": _share(totals["on_time"], totals["answered"]),
            "average_days": None if average is None else Decimal(str(average)).quantize(Decimal("0.1")),
            "by_category": by_category, "by_month": by_month}


# --- the whole briefing --------------------------------------------------------------------------------------


@dataclass
class Briefing:
    """Everything the briefing shows, read in the language active when it was collected."""

    on: dt.date
    language: str
    generated_at: dt.datetime
    prepared_for: str
    regions: list[Region] | None
    funnel: list[dict[str, Any]]
    targets: list[dict[str, Any]]
    rating: dict[str, Any]
    late_total: int
    late: list[LateRow]
    late_by_region: list[dict[str, Any]]
    procurement: dict[str, Any]
    finance: dict[str, Any]
    assignments: dict[str, Any]
    appeals: dict[str, Any]
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("Briefing for the meeting of the project office")

    @property
    def coverage(self) -> str:
        """"The whole country", or the names of the regions covered."""
        if self.regions is None:
            return _("The whole country")
        return ", ".join(region.name for region in self.regions)

    @property
    def funnel_total(self) -> dict[str, Any]:
        return portfolio_totals(self.funnel)


def collect(*, user: Any, on: dt.date) -> Briefing:
    """Read the briefing's figures for ``user`` as of ``on``, in the active language."""
    late_total, late, late_by_region = late_projects_on(user, on)
    return Briefing(
        on=on, language=(translation.get_language() or "ru")[:2], generated_at=timezone.localtime(),
        prepared_for=user.get_full_name() or user.get_username(), regions=covered_regions(user),
        funnel=funnel_on(user, on), targets=targets_against_achievement(user=user, on=on),
        rating=rating_on(user, on), late_total=late_total, late=late, late_by_region=late_by_region,
        procurement=procurement_delays_on(user, on), finance=financing_on(user, on),
        assignments=assignments_on(user, on), appeals=appeals_on(user, on), notes=notes(),
    )


def notes() -> list[str]:
    """What the reader should know about how the figures were obtained."""
    return [
        _("Every figure is computed as of the briefing's date from dated records: status changes, milestone "
          "dates, progress reports, rating snapshots, financing decisions and payments, assignment reports and "
          "appeal dates. A briefing for a past date reads the same when it is produced again."),
        _("A milestone counts as done only if its actual date falls on or before the briefing's date; forecasts are "
          "not used. A project's lag is the largest lag of its milestones."),
        _("Achievement against targets comes from the progress reports of months closed before the briefing's "
          "month."),
        _("Records entered later with an earlier date (a late progress report, a payment recorded after the fact) "
          "and changed baseline dates, regions or responsible officials are read as they stand when the briefing is "
          "produced."),
    ]


# --- charts: horizontal bars drawn as SVG on the server --------------------------------------------------------

#: A chart beside a table (half the page), and one across the page.
CHART_WIDTH = 480
LABEL_WIDTH = 170
WIDE = {"width": 960, "label_width": 340}
BAR_HEIGHT = 16
BAR_GAP = 5


def bar_chart(rows: list[tuple[Any, Any, str]], *, title: Any, maximum: Decimal | int | None = None,
              width: int = CHART_WIDTH, label_width: int = LABEL_WIDTH, alarm: bool = False) -> dict[str, Any]:
    """A horizontal bar chart: ``rows`` of (label, value, text shown after the bar); sized for the template."""
    largest = Decimal(str(maximum if maximum is not None else max((value or 0 for _l, value, _t in rows), default=0)))
    room = width - label_width - 80
    bars = []
    for index, (label, value, text) in enumerate(rows):
        share = min(Decimal(str(value or 0)) / largest, Decimal(1)) if largest else Decimal(0)
        length = int(room * share)
        top = index * (BAR_HEIGHT + BAR_GAP)
        bars.append({"label": str(label), "text": text, "y": top, "text_y": top + BAR_HEIGHT - 4,
                     "length": max(length, 2) if value else 0, "value_x": label_width + max(length, 2) + 4})
    return {"title": str(title), "bars": bars, "width": width, "label_width": label_width, "alarm": alarm,
            "bar_height": BAR_HEIGHT, "bar_x": label_width, "label_x": label_width - 6, "track": room,
            "label_chars": label_width // 5,
            "height": max(len(bars) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)}


def millions(value: Decimal | None) -> Decimal:
    """Tenge as million tenge, one decimal (how the PDF shows money)."""
    return (Decimal(value or 0) / MILLION).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _number(value: Any, digits: int = 0) -> str:
    return number_format(value, digits, use_l10n=True, force_grouping=True)


def charts(briefing: Briefing) -> dict[str, dict[str, Any]]:
    """The briefing's charts, from the figures collected."""
    finance = briefing.finance
    return {
        "funnel": bar_chart([(row["label"], row["total"], f"{row['count']} · {_number(millions(row['total']), 1)}")
                             for row in briefing.funnel], title=_("Pipeline funnel, million tenge")),
        "rating": bar_chart([(f"{row['rank']}. {row['region']}", row["index"], _number(row["index"], 2))
                             for row in briefing.rating["rows"]], title=_("Readiness index"), maximum=100),
        "late": bar_chart([(row["region"], row["count"], str(row["count"])) for row in briefing.late_by_region],
                          title=_("Late projects by region"), alarm=True, **WIDE),
        "procurement": bar_chart([(row["region"], row["count"], str(row["count"]))
                                  for row in briefing.procurement["by_region"]],
                                 title=_("Tenders not published by their planned date, by region"), alarm=True,
                                 **WIDE),
        "financing": bar_chart([(row["label"], row["amount"], f"{row['count']} · {_number(millions(row['amount']), 1)}")
                                for row in finance["approvals"]]
                               + [(_("Paid"), finance["paid_amount"], _number(millions(finance["paid_amount"]), 1))],
                               title=_("Approved and paid, million tenge")),
        "assignments": bar_chart([(row["name"], row["count"], str(row["count"]))
                                  for row in briefing.assignments["by_executor"][:12]],
                                 title=_("Overdue deadlines by lead executor"), alarm=True, **WIDE),
        "appeals": bar_chart([(date_format(row["month"], "YEAR_MONTH_FORMAT"), row["count"], str(row["count"]))
                              for row in briefing.appeals["by_month"]], title=_("Appeals registered by month")),
    }


# --- the documents -------------------------------------------------------------------------------------------


def render_html(briefing: Briefing) -> str:
    """The briefing's HTML for WeasyPrint."""
    return render_to_string("reports/briefing_pdf.html", {
        "b": briefing, "font_faces": font_faces(), "language": briefing.language, "charts": charts(briefing),
        "ondate": date_format(briefing.on, "DATE_FORMAT"),
        "funnel": [{**row, "millions": millions(row["total"])} for row in briefing.funnel],
        "targets": [{**row, "bar": int(min(row["percent"] or 0, 100) * 150 / 100)} for row in briefing.targets],
        "portfolio_millions": millions(briefing.funnel_total["total"]),
        "approvals": [{**row, "millions": millions(row["amount"])} for row in briefing.finance["approvals"]],
        "finance_pipeline": [{**row, "millions": millions(row["amount"])} for row in briefing.finance["pipeline"]],
        "finance_requested": millions(briefing.finance["requested"]),
        "finance_approved": millions(briefing.finance["approved_amount"]),
        "finance_paid": millions(briefing.finance["paid_amount"]),
    })


def write_pdf(briefing: Briefing) -> bytes:
    """The briefing as a PDF; needs WeasyPrint and the system's Pango."""
    from weasyprint import HTML  # imported here: loading Pango is slow and may fail where it is not installed

    return HTML(string=render_html(briefing)).write_pdf()


def briefing_pdf(*, user: Any, on: dt.date, language: str) -> bytes:
    """The PDF briefing for ``user`` as of ``on``, in ``language``."""
    with translation.override(language):
        return write_pdf(collect(user=user, on=on))


def sheets(briefing: Briefing) -> list[Sheet]:
    """The workbook's sheets: a cover, then one per section, with the PDF's figures in full (tenge, not millions)."""
    finance, assignments, appeals = briefing.finance, briefing.assignments, briefing.appeals
    procurement = briefing.procurement
    cover = [(_("Briefing"), briefing.title), (_("As of"), briefing.on), (_("Covers"), briefing.coverage),
             (_("Prepared for"), briefing.prepared_for), (_("Generated"), briefing.generated_at),
             *((_("Note"), note) for note in briefing.notes)]
    late_columns = [("code", _("Code"), 18), ("title", _("Project"), 50), ("region", _("Region"), 24),
                    ("milestone", _("Milestone"), 28), ("baseline", _("Baseline date"), 14),
                    ("done_on", _("Done on"), 14), ("days", _("Days late"), 10),
                    ("official", _("Responsible official"), 28), ("position", _("Position"), 28),
                    ("organization", _("Organization"), 32)]
    return [
        Sheet(_("Briefing"), [("item", _("Item"), 24), ("value", _("Value"), 90)],
              [{"item": item, "value": value} for item, value in cover]),
        Sheet(_("Pipeline funnel"), [("label", _("Stage"), 32), ("count", _("Projects"), 12),
                                     ("total", _("Estimate, tenge"), 22)], briefing.funnel),
        Sheet(_("Targets"), [("metric_label", _("Indicator"), 36), ("year", _("Year"), 8),
                             ("direction_name", _("Direction"), 28), ("target", _("Target"), 16),
                             ("achieved", _("Achieved"), 16), ("percent", _("Percent"), 10)], briefing.targets),
        Sheet(_("Region rating"), [("rank", _("Rank"), 8), ("region", _("Region"), 30), ("index", _("Index"), 10),
                                   ("previous_rank", _("Previous rank"), 14), ("rank_change", _("Change in rank"), 14),
                                   ("index_change", _("Change in index"), 14)], briefing.rating["rows"]),
        Sheet(_("Late projects"), late_columns, [row.__dict__ for row in briefing.late]),
        Sheet(_("Procurement delays"), late_columns, [row.__dict__ for row in procurement["rows"]]),
        Sheet(_("Financing"), [("label", _("Indicator"), 40), ("count", _("Count"), 12), ("amount", _("Amount, tenge"), 22)],
              [{"label": _("Applications, in total"), "count": finance["applications"], "amount": finance["requested"]},
               {"label": _("Approved, in total"), "count": finance["approved_count"], "amount": finance["approved_amount"]},
               *({"label": row["label"], "count": row["count"], "amount": row["amount"]} for row in finance["approvals"]),
               {"label": _("Paid, in total"), "count": None, "amount": finance["paid_amount"]},
               *({"label": row["label"], "count": row["count"], "amount": row["amount"]} for row in finance["pipeline"])]),
        Sheet(_("Overdue assignments"), [("label", _("Assignment"), 24), ("text", _("Text"), 60),
                                         ("executor", _("Lead executor"), 32), ("official", _("Responsible official"), 28),
                                         ("due_date", _("Due date"), 14), ("days", _("Days overdue"), 12)],
              assignments["rows"]),
        Sheet(_("Appeals"), [("label", _("Indicator"), 40), ("value", _("Value"), 14), ("overdue", _("Overdue"), 14)],
              [{"label": label, "value": value} for label, value in (
                  (_("Registered"), appeals["total"]), (_("Answered"), appeals["answered"]),
                  (_("Answered on time"), appeals["on_time"]), (_("Open"), appeals["open"]),
                  (_("Overdue"), appeals["overdue"]), (_("Answered on time, %"), appeals["on_time_share"]),
                  (_("Average handling, days"), appeals["average_days"]),
              )] + [{"label": row["name"], "value": row["count"], "overdue": row["overdue"]}
                    for row in appeals["by_category"]]),
        Sheet(_("Key figures"), [("label", _("Indicator"), 48), ("value", _("Value"), 14)],
              [{"label": label, "value": value} for label, value in (
                  (_("Projects in the portfolio"), briefing.funnel_total["count"]),
                  (_("Portfolio estimate, tenge"), briefing.funnel_total["total"]),
                  (_("Late projects"), briefing.late_total),
                  (_("Tenders not published by their planned date"), procurement["unpublished"]),
                  (_("Tenders published late"), procurement["late_published"]),
                  (_("Deadlines due by this date"), assignments["due"]),
                  (_("Overdue, not yet met"), assignments["overdue"]),
                  (_("Met on time"), assignments["met_on_time"]), (_("Met late"), assignments["met_late"]),
              )]),
    ]


def briefing_xlsx(*, user: Any, on: dt.date, language: str) -> FileResponse:
    """The XLSX briefing for ``user`` as of ``on``, in ``language``, as a download."""
    with translation.override(language):
        return workbook_response(sheets(collect(user=user, on=on)), name="briefing")


def filename(on: dt.date, extension: str) -> str:
    """The download's name: ``meks-briefing-<date>.<extension>``."""
    return f"meks-briefing-{on:%Y-%m-%d}.{extension}"


def briefing_tiles(user: Any) -> list[Tile]:
    """The home page's way to the briefing, for those who may produce it."""
    if not is_briefing_reader(user):
        return []
    return [Tile(_("Project office briefing"), date_format(timezone.localdate(), "SHORT_DATE_FORMAT"),
                 reverse("reports:briefing"), note=_("PDF and Excel, as of any date"))]
