"""Reads of territories, already limited to what the user may see.

A user sees the regions their roles cover (all of them for a national role) and those regions'
districts and settlements; anything else answers 404, the same as a missing record.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.i18n import localized_field_name

from .models import District, Region, Settlement

#: Roles that may edit a settlement's attributes, within the regions they cover.
SETTLEMENT_EDITORS = (Role.PROJECT_OFFICE, Role.AKIMAT)


def region_list(*, user: Any) -> QuerySet[Region]:
    """Regions the user's roles cover, with their settlement counts."""
    scope = scope_of(user)
    return (
        Region.objects.filter(scope.region_filter("pk"))
        .annotate(
            settlement_count=Count("settlements", distinct=True),
            monotown_count=Count("settlements", filter=Q(settlements__is_monotown=True), distinct=True),
        )
        .order_by("kato")
    )


def region_choices(*, user: Any) -> list[tuple[str, str]]:
    """(KATO, name in the active language) of the visible regions, for filter lists; one light query."""
    column = localized_field_name("name")
    rows = Region.objects.filter(scope_of(user).region_filter("pk")).order_by("kato").values_list("kato", column, "name_ru")
    return [(kato, name or fallback) for kato, name, fallback in rows]


def region_get(*, user: Any, kato: str) -> Region:
    """One visible region by its KATO code, or 404."""
    return get_visible_or_404(region_list(user=user), kato=kato)


def district_list(*, user: Any, region: Region | None = None) -> QuerySet[District]:
    """Districts of the visible regions."""
    queryset = District.objects.filter(scope_of(user).region_filter("region_id")).select_related("region")
    if region is not None:
        queryset = queryset.filter(region=region)
    return queryset


def settlement_list(
    *,
    user: Any,
    region: str | None = None,
    kind: str | None = None,
    monotown: bool | None = None,
    search: str | None = None,
    ordering: str | None = None,
) -> QuerySet[Settlement]:
    """Settlements of the visible regions, filtered by region KATO, kind, monotown flag and text."""
    queryset = Settlement.objects.filter(scope_of(user).region_filter("region_id")).select_related(
        "region", "district"
    )
    if region:
        queryset = queryset.filter(region__kato=region)
    if kind:
        queryset = queryset.filter(kind=kind)
    if monotown is not None:
        queryset = queryset.filter(is_monotown=monotown)
    if search:
        term = search.strip()
        queryset = queryset.filter(
            Q(name_ru__icontains=term) | Q(name_kk__icontains=term) | Q(name_en__icontains=term)
            | Q(kato__startswith=term)
        )
    allowed = {"kato", "name", "population", "kind", "region"}
    key = (ordering or "kato").lstrip("-")
    if key in allowed:
        column = {"name": localized_field_name("name"), "region": "region__kato"}.get(key, key)
        prefix = "-" if (ordering or "").startswith("-") else ""
        queryset = queryset.order_by(f"{prefix}{column}", "kato")
    return queryset


def settlement_get(*, user: Any, pk: int) -> Settlement:
    """One visible settlement, or 404."""
    return get_visible_or_404(settlement_list(user=user), pk=pk)


def settlement_can_edit(*, user: Any, settlement: Settlement) -> bool:
    """The project office may edit any settlement, an akimat those of its region."""
    return scope_of(user).covers_region(settlement.region_id, *SETTLEMENT_EDITORS)
