"""Regions, districts and settlements, keyed by their KATO codes."""

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.validators import validate_settlement_kato

from .choices import RegionKind, SettlementKind, VillageSpecialization


class Region(TranslatedNameMixin, DomainModel):
    """One of the 17 regions or 3 cities of republican significance (reference data)."""

    kato = models.CharField(
        _("KATO code"), max_length=2, unique=True, validators=[RegexValidator(r"^\d{2}$")]
    )
    iso_code = models.CharField(_("ISO 3166-2 code"), max_length=6, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=RegionKind.choices)
    centre_ru = models.CharField(_("administrative centre (Russian)"), max_length=100)
    centre_kk = models.CharField(_("administrative centre (Kazakh)"), max_length=100, blank=True)
    centre_en = models.CharField(_("administrative centre (English)"), max_length=100, blank=True)
    population = models.PositiveIntegerField(_("population, 1 Jan 2023"), null=True, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=8, decimal_places=5, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=8, decimal_places=5, null=True, blank=True)

    class Meta:
        ordering = ["kato"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    @property
    def centre(self) -> str:
        """The administrative centre's name in the active language."""
        from meks.core.i18n import localized

        return localized(self, "centre")


class District(TranslatedNameMixin, DomainModel):
    """A district (audan) or a city district within a region."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="districts", verbose_name=_("region"))
    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[validate_settlement_kato])

    class Meta:
        ordering = ["kato"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")


class Settlement(TranslatedNameMixin, DomainModel):
    """A city, town or village with its 9-digit KATO code."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="settlements", verbose_name=_("region")
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="settlements", null=True, blank=True,
        verbose_name=_("district"),
    )
    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[validate_settlement_kato])
    kind = models.CharField(_("kind"), max_length=10, choices=SettlementKind.choices)
    population = models.PositiveIntegerField(
        _("population"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    is_regional_centre = models.BooleanField(_("regional centre"), default=False)
    is_monotown = models.BooleanField(_("monotown"), default=False)
    main_industry_ru = models.CharField(_("main industry (Russian)"), max_length=200, blank=True)
    main_industry_kk = models.CharField(_("main industry (Kazakh)"), max_length=200, blank=True)
    main_industry_en = models.CharField(_("main industry (English)"), max_length=200, blank=True)
    village_specialization = models.CharField(
        _("village specialization"), max_length=20, choices=VillageSpecialization.choices, blank=True
    )

    class Meta:
        ordering = ["region__kato", "kato"]
        verbose_name = _("settlement")
        verbose_name_plural = _("settlements")
        indexes = [models.Index(fields=["region", "kind"], name="settlement_region_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(village_specialization="") | models.Q(kind="village"),
                name="settlement_specialization_only_for_villages",
                violation_error_message=_("Only a village has a specialization."),
            )
        ]

    @property
    def main_industry(self) -> str:
        """The industry a monotown depends on, in the active language."""
        from meks.core.i18n import localized

        return localized(self, "main_industry")

    def clean(self) -> None:
        """A settlement's KATO code starts with its region's code, and its district is in its region."""
        from django.core.exceptions import ValidationError

        errors = {}
        if self.region_id and self.kato and not self.kato.startswith(self.region.kato):
            errors["kato"] = _("A settlement's KATO code starts with its region's code (%(code)s).") % {
                "code": self.region.kato
            }
        if self.district_id and self.region_id and self.district.region_id != self.region_id:
            errors["district"] = _("The district belongs to another region.")
        if self.village_specialization and self.kind != SettlementKind.VILLAGE:
            errors["village_specialization"] = _("Only a village has a specialization.")
        if errors:
            raise ValidationError(errors)
