"""Writes of territories. Each service validates, checks the actor's right, saves and audits."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ServiceError

from .models import Settlement
from .selectors import settlement_can_edit

#: The attributes of a settlement that may be edited after it is created.
SETTLEMENT_EDITABLE_FIELDS = (
    "name_ru",
    "name_kk",
    "name_en",
    "kind",
    "population",
    "is_monotown",
    "main_industry_ru",
    "main_industry_kk",
    "main_industry_en",
    "village_specialization",
)


def settlement_create(*, actor: Any, reason: str = "", **fields: Any) -> Settlement:
    """Register a settlement (demo data and reference loads; akimats use the back office)."""
    settlement = Settlement(**fields)
    with transaction.atomic():
        return audited_create(settlement, actor=actor, reason=reason)


def settlement_update(
    *, actor: Any, settlement: Settlement, expected_version: int, reason: str = "", **changes: Any
) -> Settlement:
    """Change a settlement's attributes; refused for a user who may not edit it or a stale version."""
    if not settlement_can_edit(user=actor, settlement=settlement):
        raise ServiceError(_("You may not edit settlements of this region."), code="forbidden")
    unknown = set(changes) - set(SETTLEMENT_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    changed = [name for name, value in changes.items() if getattr(settlement, name) != value]
    if not changed:
        return settlement
    for name in changed:
        setattr(settlement, name, changes[name])
    settlement.full_clean()
    return versioned_save(
        settlement, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason
    )
