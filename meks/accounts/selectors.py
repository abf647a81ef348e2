"""Reads of organizations and users, limited to what the user may see.

Every signed-in user sees the national public bodies and their own organization; beyond that, an
organization tied to a region is visible to those whose roles cover that region, and an organization
with no region to national roles only.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from meks.core.access import NATIONAL_ROLES, Role, Scope, get_visible_or_404, scope_of
from meks.core.i18n import localized_field_name

from .choices import PUBLIC_BODY_KINDS
from .models import Organization, User

#: Fields of its own organization that any member may keep up to date.
OWN_ORGANIZATION_FIELDS = ("address", "phone", "email")


def _organization_filter(scope: Scope) -> Q:
    if scope.is_empty:
        return Q(pk__in=[])
    visible = Q(region__isnull=True, kind__in=PUBLIC_BODY_KINDS)
    if scope.organization_id:
        visible |= Q(pk=scope.organization_id)
    regions = scope.regions_for()
    if regions is None:
        return Q()
    visible |= Q(region_id__in=sorted(regions))
    return visible


def organization_list(
    *, user: Any, kind: str | None = None, region: str | None = None, search: str | None = None
) -> QuerySet[Organization]:
    """Organizations the user may see, filtered by kind, region KATO and text (name or BIN)."""
    queryset = (
        Organization.objects.filter(_organization_filter(scope_of(user)))
        .select_related("region")
        .annotate(member_count=Count("members", distinct=True))
    )
    if kind:
        queryset = queryset.filter(kind=kind)
    if region:
        queryset = queryset.filter(region__kato=region)
    if search:
        term = search.strip()
        queryset = queryset.filter(
            Q(name_ru__icontains=term) | Q(name_kk__icontains=term) | Q(name_en__icontains=term)
            | Q(bin__startswith=term)
        )
    return queryset.order_by(localized_field_name("name"), "pk")


def organization_choices(*, user: Any, kinds: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """(id, name in the active language) of visible organizations, optionally of some kinds; one light query."""
    column = localized_field_name("name")
    queryset = Organization.objects.filter(_organization_filter(scope_of(user)))
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    rows = queryset.order_by(column, "pk").values_list("pk", column, "name_ru")
    return [(pk, name or fallback) for pk, name, fallback in rows]


def organization_get(*, user: Any, pk: int) -> Organization:
    """One visible organization, or 404."""
    return get_visible_or_404(organization_list(user=user), pk=pk)


def organization_editable_fields(*, user: Any, organization: Organization) -> tuple[str, ...]:
    """The fields ``user`` may change: all for the project office, contacts for its own members."""
    from .services import ORGANIZATION_EDITABLE_FIELDS

    scope = scope_of(user)
    if scope.has_role(Role.PROJECT_OFFICE):
        return ORGANIZATION_EDITABLE_FIELDS
    if not scope.is_empty and scope.organization_id == organization.pk:
        return OWN_ORGANIZATION_FIELDS
    return ()


def organization_members(*, user: Any, organization: Organization) -> QuerySet[User]:
    """Active members of an organization the user may see, with their roles."""
    organization_get(user=user, pk=organization.pk)
    return organization.members.filter(is_active=True).prefetch_related("role_assignments").order_by(
        "last_name", "first_name"
    )


def user_is_national(*, user: Any) -> bool:
    """True for a user holding a national role (project office, ministry, technical operator)."""
    return scope_of(user).has_role(*NATIONAL_ROLES)
