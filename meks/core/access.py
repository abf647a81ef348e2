"""Access primitives shared by every domain: roles and the scope of what a user may see.

Deny by default: an anonymous user, or one with no role, has an empty scope and selectors return nothing.
A role is held nationally or for a set of regions; the scope keeps that per role, so that the region an
akimat role covers is not mixed up with the region a utility works in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Model, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of DESIGN.md's "Users" table."""

    PROJECT_OFFICE = "project_office", _("Project office")
    MINISTRY = "ministry", _("Ministry")
    TECHNICAL_OPERATOR = "technical_operator", _("Technical operator")
    AKIMAT = "akimat", _("Akimat")
    UTILITY = "utility", _("Natural monopoly")
    FINANCIAL_OPERATOR = "financial_operator", _("Financial operator")
    BANK = "bank", _("Bank")
    HOUSING_COMPANY = "housing_company", _("Housing company")
    CONTRACTOR = "contractor", _("Contractor")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    CONTACT_CENTRE = "contact_centre", _("Contact-centre operator")


#: Roles that see every region's records of the kinds they handle.
NATIONAL_ROLES = frozenset({Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR})
#: Roles that must be held for named regions.
REGIONAL_ROLES = frozenset({Role.AKIMAT})


@dataclass(frozen=True)
class Scope:
    """What one user may see: per role, ``None`` for all regions or the ids of the regions covered."""

    user_id: int | None = None
    organization_id: int | None = None
    role_regions: dict[str, frozenset[int] | None] = field(default_factory=dict)

    @classmethod
    def nothing(cls) -> Scope:
        """The scope of an anonymous user or of one without roles."""
        return cls()

    @property
    def roles(self) -> frozenset[str]:
        """The roles held."""
        return frozenset(self.role_regions)

    @property
    def is_empty(self) -> bool:
        """True when the user may see nothing at all."""
        return not self.role_regions

    def has_role(self, *roles: str) -> bool:
        """True when any of ``roles`` is held."""
        return any(role in self.role_regions for role in roles)

    def regions_for(self, *roles: str) -> frozenset[int] | None:
        """Regions covered by any of ``roles``: ``None`` means all of them, an empty set none."""
        covered: set[int] = set()
        for role in roles or tuple(self.role_regions):
            if role not in self.role_regions:
                continue
            regions = self.role_regions[role]
            if regions is None:
                return None
            covered |= regions
        return frozenset(covered)

    @property
    def is_national(self) -> bool:
        """True when some role covers every region."""
        return not self.is_empty and self.regions_for() is None

    def covers_region(self, region_id: int | None, *roles: str) -> bool:
        """True when ``region_id`` is among the regions that ``roles`` (all roles by default) cover."""
        if self.is_empty or (roles and not self.has_role(*roles)):
            return False
        regions = self.regions_for(*roles)
        return regions is None or region_id in regions

    def region_filter(self, lookup: str, *roles: str) -> Q:
        """A filter keeping rows whose region (reached by ``lookup``) the scope covers."""
        if self.is_empty or (roles and not self.has_role(*roles)):
            return Q(pk__in=[])
        regions = self.regions_for(*roles)
        if regions is None:
            return Q()
        return Q(**{f"{lookup}__in": sorted(regions)})


def scope_of(user: Any) -> Scope:
    """The scope of ``user``; computed once per request and cached on the user object."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope.nothing()
    cached = getattr(user, "_meks_scope", None)
    if cached is None:
        cached = user.compute_scope()
        user._meks_scope = cached
    return cached


def get_visible_or_404(queryset: QuerySet, **lookup: Any) -> Model:
    """One record from an already scoped queryset; missing and not allowed both answer 404."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as error:
        raise Http404 from error


def ids(objects: Iterable[Model]) -> frozenset[int]:
    """The primary keys of ``objects``."""
    return frozenset(obj.pk for obj in objects)
