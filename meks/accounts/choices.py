"""Choices of the accounts domain."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrganizationKind(models.TextChoices):
    """The kinds of organization that work on the platform."""

    PROJECT_OFFICE = "project_office", _("Project office")
    MINISTRY = "ministry", _("Ministry")
    TECHNICAL_OPERATOR = "technical_operator", _("Technical operator")
    AKIMAT = "akimat", _("Akimat")
    UTILITY = "utility", _("Natural monopoly (utility)")
    FINANCIAL_OPERATOR = "financial_operator", _("Financial operator")
    DEVELOPMENT_BANK = "development_bank", _("Development bank")
    BANK = "bank", _("Second-tier bank")
    HOUSING_COMPANY = "housing_company", _("Housing company (KHC)")
    CONTRACTOR = "contractor", _("Contractor")
    MANUFACTURER = "manufacturer", _("Manufacturer")
    CONTACT_CENTRE = "contact_centre", _("Contact centre")


#: Kinds that must be tied to a region.
REGIONAL_KINDS = frozenset({OrganizationKind.AKIMAT})
#: National bodies whose card every signed-in user may open.
PUBLIC_BODY_KINDS = frozenset(
    {
        OrganizationKind.PROJECT_OFFICE,
        OrganizationKind.MINISTRY,
        OrganizationKind.TECHNICAL_OPERATOR,
        OrganizationKind.FINANCIAL_OPERATOR,
        OrganizationKind.DEVELOPMENT_BANK,
        OrganizationKind.HOUSING_COMPANY,
        OrganizationKind.CONTACT_CENTRE,
    }
)


class Language(models.TextChoices):
    """The interface languages."""

    RU = "ru", "Русский"
    KK = "kk", "Қазақша"
    EN = "en", "English"
