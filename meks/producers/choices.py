"""Choices of domestic producers: registration statuses, units of measure, contract kinds, flags."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ProducerStatus(models.TextChoices):
    """Where a producer's registration is (see ``lifecycle.py`` for the moves between them)."""

    PENDING = "pending", _("Awaiting verification")
    VERIFIED = "verified", _("Verified")
    SUSPENDED = "suspended", _("Suspended")


class Unit(models.TextChoices):
    """Units in which products are listed and materials are counted."""

    PIECE = "piece", _("piece")
    SET = "set", _("set")
    METRE = "metre", _("metre")
    KILOMETRE = "km", _("kilometre")
    TONNE = "tonne", _("tonne")
    CUBIC_METRE = "m3", _("cubic metre")


class ContractKind(models.TextChoices):
    """The two kinds of contract the national project signs with domestic producers."""

    OFFTAKE = "offtake", _("Offtake contract")
    LONG_TERM = "long_term", _("Long-term supply contract")


class CertificateState(models.TextChoices):
    """Whether a product holds a certificate of origin valid today."""

    VALID = "valid", _("Valid certificate of origin")
    EXPIRED = "expired", _("Certificate of origin expired")
    NONE = "none", _("No certificate of origin")


#: Statuses whose producers anyone, anonymous included, may see in the register and the catalogue.
PUBLIC_STATUSES = (ProducerStatus.VERIFIED,)
#: Days before expiry from which a certificate is shown as "expiring".
DEFAULT_CERTIFICATE_WARNING_DAYS = 90
#: Share of the volume due to date below which a contract is behind plan (0.9: more than 10 % short).
DEFAULT_OFFTAKE_TOLERANCE = Decimal("0.9")


def certificate_warning_days() -> int:
    """Days before expiry from which a certificate counts as expiring (``PRODUCERS_CERTIFICATE_WARNING_DAYS``)."""
    return int(getattr(settings, "PRODUCERS_CERTIFICATE_WARNING_DAYS", DEFAULT_CERTIFICATE_WARNING_DAYS))


def offtake_tolerance() -> Decimal:
    """Share of the volume due that must be delivered not to be behind plan (``PRODUCERS_OFFTAKE_TOLERANCE``)."""
    return Decimal(str(getattr(settings, "PRODUCERS_OFFTAKE_TOLERANCE", DEFAULT_OFFTAKE_TOLERANCE)))
