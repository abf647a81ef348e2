"""Organizations, users and the roles they hold."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from meks.core.access import NATIONAL_ROLES, REGIONAL_ROLES, Role, Scope
from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.validators import validate_bin
from meks.territory.models import Region

from .choices import REGIONAL_KINDS, Language, OrganizationKind


class Organization(TranslatedNameMixin, DomainModel):
    """A body, company or bank that works on the platform; an akimat is tied to its region."""

    kind = models.CharField(_("kind"), max_length=30, choices=OrganizationKind.choices)
    bin = models.CharField(
        _("BIN"), max_length=12, unique=True, null=True, blank=True, validators=[validate_bin],
        help_text=_("Business identification number: 12 digits with a control digit."),
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="organizations",
        verbose_name=_("region"), help_text=_("The region the organization belongs to; empty for national bodies."),
    )
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_ru"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        indexes = [models.Index(fields=["kind", "region"], name="organization_kind_region")]

    def clean(self) -> None:
        """An akimat must name its region."""
        from django.core.exceptions import ValidationError

        if self.kind in REGIONAL_KINDS and not self.region_id:
            raise ValidationError({"region": _("An akimat must be tied to its region.")})


class User(AbstractUser):
    """A person who signs in: belongs to an organization, holds roles, has a preferred language."""

    middle_name = models.CharField(_("patronymic"), max_length=150, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="members",
        verbose_name=_("organization"),
    )
    position_ru = models.CharField(_("position (Russian)"), max_length=200, blank=True)
    position_kk = models.CharField(_("position (Kazakh)"), max_length=200, blank=True)
    position_en = models.CharField(_("position (English)"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("interface language"), max_length=5, choices=Language.choices, default=Language.RU)
    is_organization_head = models.BooleanField(
        _("head of the organization"), default=False,
        help_text=_("Approves answers and extensions and is told of overdue work of the organization."),
    )

    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        ordering = ["last_name", "first_name", "username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        """Surname, first name and patronymic, as written in Kazakhstan's documents."""
        full = " ".join(part for part in (self.last_name, self.first_name, self.middle_name) if part)
        return full or self.username

    @property
    def position(self) -> str:
        """The position in the active language, Russian where a translation is missing."""
        from meks.core.i18n import localized

        return localized(self, "position")

    def compute_scope(self) -> Scope:
        """Roles held and the regions each covers (``None`` for a role held nationally)."""
        role_regions: dict[str, frozenset[int] | None] = {}
        for assignment in self.role_assignments.prefetch_related("regions"):
            region_ids = frozenset(region.pk for region in assignment.regions.all())
            if assignment.role in REGIONAL_ROLES:
                # A regional role without regions covers nothing: deny by default.
                role_regions[assignment.role] = region_ids
            else:
                role_regions[assignment.role] = region_ids or None
        return Scope(user_id=self.pk, organization_id=self.organization_id, role_regions=role_regions)


class RoleAssignment(DomainModel):
    """A role held by a user, nationally (no regions) or for the regions named."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments", verbose_name=_("user"))
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    regions = models.ManyToManyField(
        Region, blank=True, related_name="role_assignments", verbose_name=_("regions"),
        help_text=_("Leave empty for a role held for the whole country."),
    )

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="role_assignment_unique_role")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


__all__ = ["NATIONAL_ROLES", "Organization", "RoleAssignment", "User"]
