"""Writes of organizations, users and roles: validated, checked against the actor's rights, audited."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext as _

from meks.core.access import REGIONAL_ROLES, Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ServiceError
from meks.territory.models import Region

from .choices import Language
from .models import Organization, RoleAssignment, User
from .selectors import organization_editable_fields

ORGANIZATION_EDITABLE_FIELDS = ("name_ru", "name_kk", "name_en", "kind", "bin", "region", "address", "phone", "email", "is_active")


def _require_project_office(actor: Any) -> None:
    if actor is not None and not scope_of(actor).has_role(Role.PROJECT_OFFICE):
        raise ServiceError(_("Only the project office may do this."), code="forbidden")


def organization_create(*, actor: Any, reason: str = "", **fields: Any) -> Organization:
    """Register an organization; only the project office (or the system, with no actor) may."""
    _require_project_office(actor)
    with transaction.atomic():
        return audited_create(Organization(**fields), actor=actor, reason=reason)


def organization_update(
    *, actor: Any, organization: Organization, expected_version: int, reason: str = "", **changes: Any
) -> Organization:
    """Change an organization's details within the fields the actor may edit."""
    allowed = organization_editable_fields(user=actor, organization=organization)
    if not allowed:
        raise ServiceError(_("You may not edit this organization."), code="forbidden")
    refused = set(changes) - set(allowed)
    if refused:
        raise ServiceError(_("You may not change these fields: %(fields)s.") % {"fields": ", ".join(sorted(refused))}, code="forbidden")
    changed = [name for name, value in changes.items() if getattr(organization, name) != value]
    if not changed:
        return organization
    for name in changed:
        setattr(organization, name, changes[name])
    organization.full_clean()
    return versioned_save(
        organization, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason
    )


def user_create(
    *,
    actor: Any,
    username: str,
    password: str | None,
    organization: Organization | None,
    first_name: str = "",
    last_name: str = "",
    middle_name: str = "",
    position: tuple[str, str, str] = ("", "", ""),
    email: str = "",
    language: str = Language.RU,
    is_staff: bool = False,
    is_superuser: bool = False,
    check_password: bool = True,
) -> User:
    """Create a user; the password must pass the password policy unless ``check_password`` is off.

    ``position`` holds the job title in Russian, Kazakh and English. With no password the account cannot
    log in (an official named on records who has not been given access yet).

    ``check_password`` is off only for the demo accounts, whose well-known password is their point.
    """
    _require_project_office(actor)
    user = User(
        username=username, organization=organization, first_name=first_name, last_name=last_name,
        middle_name=middle_name, position_ru=position[0], position_kk=position[1], position_en=position[2],
        email=email, language=language,
        is_staff=is_staff, is_superuser=is_superuser,
    )
    if password is None:
        user.set_unusable_password()
    else:
        if check_password:
            validate_password(password, user)
        user.set_password(password)
    with transaction.atomic():
        user.full_clean(exclude=["password"])
        user.save()
    return user


def role_assign(*, actor: Any, user: User, role: str, regions: Iterable[Region] = (), reason: str = "") -> RoleAssignment:
    """Give ``user`` a role, nationally or for the regions named; an akimat role needs its regions."""
    _require_project_office(actor)
    regions = list(regions)
    if role in REGIONAL_ROLES and not regions:
        raise ServiceError(_("This role must be limited to one or more regions."), code="regions_required")
    with transaction.atomic():
        assignment = audited_create(RoleAssignment(user=user, role=role), actor=actor, reason=reason)
        if regions:
            assignment.regions.set(regions)
    user.__dict__.pop("_meks_scope", None)
    return assignment


def user_set_language(*, user: User, language: str) -> User:
    """Remember the interface language the user chose."""
    if language not in Language.values:
        raise ServiceError(_("Unknown language."), code="invalid_language")
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
