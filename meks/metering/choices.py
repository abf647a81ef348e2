"""Choices of water and heat metering: media, interfaces, roles of meters, batch sources and reading flags."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Medium(models.TextChoices):
    """What a meter measures."""

    COLD_WATER = "cold_water", _("Cold water")
    HOT_WATER = "hot_water", _("Hot water")
    HEAT = "heat", _("Heat")


#: The unit of each medium's register (cubic metres of water, gigacalories of heat).
UNIT_OF_MEDIUM = {Medium.COLD_WATER: "m³", Medium.HOT_WATER: "m³", Medium.HEAT: "Gcal"}


class Interface(models.TextChoices):
    """How a meter is read remotely."""

    PULSE = "pulse", _("Pulse output")
    MBUS = "mbus", _("M-Bus")
    LORAWAN = "lorawan", _("LoRaWAN")
    NBIOT = "nbiot", _("NB-IoT")


class TypeStatus(models.TextChoices):
    """The status of a meter type in the state register of measuring instruments."""

    APPROVED = "approved", _("Approved")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class MeterRole(models.TextChoices):
    """Where a meter stands in a building."""

    INPUT = "input", _("Building input (common-house) meter")
    COMMON = "common", _("Common areas meter")
    FLAT = "flat", _("Flat meter")


class BatchSource(models.TextChoices):
    """How a batch of readings arrived."""

    API_JSON = "api_json", _("API, JSON")
    API_NDJSON = "api_ndjson", _("API, NDJSON")
    CSV = "csv", _("CSV file")
    XLSX = "xlsx", _("XLSX file")
    MQTT = "mqtt", _("MQTT")


class BatchMode(models.TextChoices):
    """What to do with the good rows of a batch that has bad ones."""

    ACCEPT_GOOD = "accept_good", _("Accept the good rows")
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")


class BatchStatus(models.TextChoices):
    """The outcome of a batch."""

    PROCESSING = "processing", _("Processing")
    DONE = "done", _("Done")
    DONE_WITH_ERRORS = "done_with_errors", _("Done, some rows rejected")
    REFUSED = "refused", _("Refused (all or nothing)")


class ReadingKind(models.TextChoices):
    """A reading taken from the meter or one estimated to fill a gap."""

    MEASURED = "measured", _("Measured")
    ESTIMATED = "estimated", _("Estimated")


class ReadingFlag(models.TextChoices):
    """Warnings on an accepted reading (a reading may carry several)."""

    ROLLOVER = "rollover", _("Register rollover")
    SUSPICIOUS_HIGH = "suspicious_high", _("Implausibly high consumption against the norm")
    STUCK = "stuck", _("Stuck meter: no change while the building consumes")
    AFTER_GAP = "after_gap", _("First reading after a gap (the gap is filled with estimates)")


class RejectReason(models.TextChoices):
    """Why a row was not accepted as a reading."""

    GARBAGE = "garbage", _("The row cannot be read")
    UNKNOWN_METER = "unknown_meter", _("Unknown meter")
    OTHER_UTILITY = "other_utility", _("The meter belongs to another utility")
    FUTURE = "future", _("The time is in the future")
    BEFORE_INSTALLATION = "before_installation", _("The time is before the meter was installed")
    AFTER_REMOVAL = "after_removal", _("The time is after the meter was removed")
    DECREASE = "decrease", _("The value is lower than the previous reading")
    CONFLICT = "conflict", _("A different value was already received for this meter and time")


#: Reasons that are not errors of the row but a clash with what is stored (kept visible, counted apart).
CONFLICT_REASONS = frozenset({RejectReason.CONFLICT})
