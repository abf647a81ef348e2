"""Reads of the contact centre, scoped to the user; overdue and statistics computed from the records.

The contact centre and the project office see every appeal; any other user the appeals that are with
their organization. Personal data is a separate question (``personal_data.py``). Overdue: an appeal not
yet answered whose due date has passed.
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.db import DaysBetween

from .choices import OPEN_STATUSES, AppealStatus, Channel
from .models import Appeal, Category


def appeal_visibility(user: Any) -> Q:
    """The filter of the appeals ``user`` may see."""
    scope = scope_of(user)
    if scope.is_empty:
        return Q(pk__in=[])
    if scope.has_role(Role.CONTACT_CENTRE, Role.PROJECT_OFFICE):
        return Q()
    return Q(organization_id=scope.organization_id or 0) | Q(executor_id=getattr(user, "pk", 0))


@dataclass(frozen=True)
class AppealFilters:
    status: str | None = None
    category: str | None = None
    region: str | None = None
    channel: str | None = None
    overdue: bool | None = None
    mine: bool = False
    search: str | None = None

    @classmethod
    def from_query(cls, params: Any) -> AppealFilters:
        return cls(
            status=params.get("status") if params.get("status") in AppealStatus.values else None,
            category=params.get("category") or None, region=params.get("region") or None,
            channel=params.get("channel") if params.get("channel") in Channel.values else None,
            overdue={"1": True, "0": False}.get(params.get("overdue", "")),
            mine=params.get("mine") == "1", search=(params.get("q") or "").strip() or None,
        )


def appeal_list(*, user: Any, filters: AppealFilters | None = None, on: dt.date | None = None) -> QuerySet[Appeal]:
    """Visible appeals, newest first, filtered; ``is_overdue`` computed as of ``on``."""
    on = on or timezone.localdate()
    filters = filters or AppealFilters()
    queryset = Appeal.objects.filter(appeal_visibility(user)).select_related(
        "category", "region", "organization", "executor", "project")
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.category:
        queryset = queryset.filter(category__code=filters.category)
    if filters.region:
        queryset = queryset.filter(region__kato=filters.region)
    if filters.channel:
        queryset = queryset.filter(channel=filters.channel)
    overdue = Q(status__in=OPEN_STATUSES, due_date__lt=on)
    if filters.overdue is not None:
        queryset = queryset.filter(overdue) if filters.overdue else queryset.exclude(overdue)
    if filters.mine:
        queryset = queryset.filter(executor_id=getattr(user, "pk", 0))
    if filters.search:
        term = filters.search
        queryset = queryset.filter(Q(number__icontains=term) | Q(text__icontains=term))
    return queryset.order_by("-received_at", "-pk")


def appeal_get(*, user: Any, pk: int) -> Appeal:
    return get_visible_or_404(appeal_list(user=user), pk=pk)


def is_overdue(appeal: Appeal, on: dt.date | None = None) -> bool:
    """Not yet answered and past its due date."""
    return appeal.status in OPEN_STATUSES and appeal.due_date < (on or timezone.localdate())


def appeal_track(*, number: str, access_code: str) -> Appeal | None:
    """The appeal with this number when the access code matches (compared in constant time), else None."""
    appeal = Appeal.objects.filter(number=(number or "").strip()).select_related("category", "organization").first()
    if appeal is None or not hmac.compare_digest(appeal.access_code, (access_code or "").strip().upper()):
        return None
    return appeal


def applicant_history(*, phone: str = "", iin: str = "") -> QuerySet[Appeal]:
    """Earlier appeals of the same applicant (by phone or IIN), for the operator's intake form."""
    query = Q(pk__in=[])
    if phone:
        query |= Q(applicant_phone=phone)
    if iin:
        query |= Q(applicant_iin=iin)
    return Appeal.objects.filter(query).select_related("category").order_by("-received_at")[:10]


def _share(part: int, whole: int) -> Decimal | None:
    return None if not whole else (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def appeal_statistics(*, user: Any, on: dt.date | None = None, since: dt.date | None = None) -> dict[str, Any]:
    """The statistics page's figures, in a constant number of queries.

    Counts by category, region, channel and status; share answered on time; average handling days;
    appeals per month; the projects with most appeals.
    """
    on = on or timezone.localdate()
    appeals = Appeal.objects.filter(appeal_visibility(user))
    if since:
        appeals = appeals.filter(registered_on__gte=since)
    totals = appeals.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=Q(answered_on__isnull=False)),
        on_time=Count("pk", filter=Q(answered_on__isnull=False, answered_on__lte=F("due_date"))),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_date__lt=on)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        average_days=Avg(DaysBetween(F("answered_on"), F("registered_on")), filter=Q(answered_on__isnull=False)),
        average_rating=Avg("rating"),
    )

    def grouped(field: str, label_field: str | None = None) -> list[dict[str, Any]]:
        values = [field] + ([label_field] if label_field else [])
        return list(appeals.order_by().values(*values).annotate(count=Count("pk")).order_by("-count", field))

    categories = {c.code: c.name for c in Category.objects.all()}
    by_category = [{"code": row["category__code"], "name": categories.get(row["category__code"], ""), "count": row["count"]}
                   for row in grouped("category__code")]
    statuses = dict(AppealStatus.choices)
    channels = dict(Channel.choices)
    return {
        "on": on,
        **totals,
        "average_days": None if totals["average_days"] is None else Decimal(str(totals["average_days"])).quantize(Decimal("0.1")),
        "average_rating": None if totals["average_rating"] is None else Decimal(str(totals["average_rating"])).quantize(Decimal("0.01")),
        "on_time_share": _share(totals["on_time"], totals["answered"]),
        "by_category": by_category,
        "by_region": [{"kato": r["region__kato"], "name": r["region__name_ru"], "count": r["count"]}
                      for r in grouped("region__kato", "region__name_ru")],
        "by_channel": [{"channel": r["channel"], "label": channels[r["channel"]], "count": r["count"]} for r in grouped("channel")],
        "by_status": [{"status": r["status"], "label": statuses[r["status"]], "count": r["count"]} for r in grouped("status")],
        "by_month": list(appeals.annotate(month=TruncMonth("registered_on")).order_by("month").values("month")
                         .annotate(count=Count("pk"), answered=Count("pk", filter=Q(answered_on__isnull=False)))),
        "top_projects": list(appeals.filter(project__isnull=False).order_by().values("project", "project__code",
                                                                                    "project__title_ru")
                             .annotate(count=Count("pk")).order_by("-count", "project__code")[:10]),
    }


