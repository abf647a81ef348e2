"""Water and heat metering: the register of meter types, buildings, meters, reading batches and readings.

Meter types, buildings, meters and batches are domain records with a history. Readings and rejected rows
are high-volume immutable rows: they are append-only logs, audited through the batch that brought them.
On PostgreSQL the readings table is partitioned by month of ``taken_at`` (see ``partitions.py``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel
from meks.territory.models import Settlement

from .choices import BatchMode, BatchSource, BatchStatus, Interface, Medium, MeterRole, ReadingKind, TypeStatus


class MeterType(DomainModel):
    """A meter type entered in the state register of measuring instruments (ISO 4064 / OIML R49 figures)."""

    approval_number = models.CharField(_("type-approval number"), max_length=50, unique=True)
    approved_on = models.DateField(_("approved on"))
    valid_until = models.DateField(_("approval valid until"), null=True, blank=True)
    name = models.CharField(_("type designation"), max_length=200)
    manufacturer_name = models.CharField(_("manufacturer"), max_length=255)
    manufacturer = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="meter_types",
        verbose_name=_("domestic producer"), help_text=_("The producer's organization on the platform, if any."),
    )
    is_domestic = models.BooleanField(_("domestic"), default=False)
    medium = models.CharField(_("medium"), max_length=20, choices=Medium.choices)
    nominal_diameter = models.PositiveSmallIntegerField(_("nominal diameter DN, mm"))
    q3 = models.DecimalField(_("permanent flow rate Q3, m³/h"), max_digits=8, decimal_places=2, null=True, blank=True)
    r_ratio = models.PositiveIntegerField(_("ratio R (Q3/Q1)"), null=True, blank=True)
    accuracy_class = models.CharField(_("accuracy class"), max_length=10)
    verification_interval_years = models.PositiveSmallIntegerField(
        _("verification interval, years"), validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    interface = models.CharField(_("remote-reading interface"), max_length=10, choices=Interface.choices)
    status = models.CharField(_("status"), max_length=10, choices=TypeStatus.choices, default=TypeStatus.APPROVED)

    class Meta:
        ordering = ["manufacturer_name", "name"]
        verbose_name = _("meter type")
        verbose_name_plural = _("meter types")

    def __str__(self) -> str:
        return f"{self.name} ({self.approval_number})"

    def is_approved_on(self, day: dt.date) -> bool:
        """True when the type is approved and its approval has not expired on ``day``."""
        return self.status == TypeStatus.APPROVED and (self.valid_until is None or self.valid_until >= day)


class Building(DomainModel):
    """A residential building served by a utility; residents and flats set the norm of consumption."""

    address = models.CharField(_("address"), max_length=300)
    settlement = models.ForeignKey(
        Settlement, on_delete=models.PROTECT, related_name="metered_buildings", verbose_name=_("settlement")
    )
    utility = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="metered_buildings", verbose_name=_("utility")
    )
    flats = models.PositiveIntegerField(_("flats"), validators=[MinValueValidator(1)])
    residents = models.PositiveIntegerField(_("residents"))
    norm_litres_per_person_day = models.PositiveIntegerField(
        _("norm, litres per person per day"), default=250,
        help_text=_("Cold plus hot water consumption norm set by the akimat."),
    )

    class Meta:
        ordering = ["settlement", "address"]
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        indexes = [models.Index(fields=["utility"], name="metering_building_utility")]

    def __str__(self) -> str:
        return self.address


class Meter(DomainModel):
    """An installed meter: a building input, a common-areas or a flat meter, with its verification dates."""

    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="meters", verbose_name=_("building"))
    role = models.CharField(_("role"), max_length=10, choices=MeterRole.choices)
    meter_type = models.ForeignKey(MeterType, on_delete=models.PROTECT, related_name="meters", verbose_name=_("type"))
    serial = models.CharField(_("serial number"), max_length=50, unique=True,
                              help_text=_("Readings name the meter by this number."))
    account = models.CharField(_("account number"), max_length=30, blank=True)
    flat_number = models.CharField(_("flat"), max_length=10, blank=True)
    installed_on = models.DateField(_("installed on"))
    seal_number = models.CharField(_("seal number"), max_length=30, blank=True)
    last_verified_on = models.DateField(_("last verification"))
    next_verification_on = models.DateField(_("next verification"), editable=False)
    register_digits = models.PositiveSmallIntegerField(
        _("register digits"), default=5, validators=[MinValueValidator(3), MaxValueValidator(9)],
        help_text=_("Whole digits of the register: it rolls over to zero after 10^digits."),
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    replaced_by = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaces", verbose_name=_("replaced by")
    )

    class Meta:
        ordering = ["building", "role", "flat_number", "serial"]
        verbose_name = _("meter")
        verbose_name_plural = _("meters")
        indexes = [models.Index(fields=["building", "role"], name="metering_meter_building_role")]

    def __str__(self) -> str:
        return self.serial

    @property
    def register_max(self) -> Decimal:
        """The value at which the register rolls over to zero."""
        return Decimal(10) ** self.register_digits

    @property
    def medium(self) -> str:
        return self.meter_type.medium


class ReadingBatch(DomainModel):
    """One submission of readings (a file, an API call, an MQTT message), with its counts; the audited record."""

    source = models.CharField(_("source"), max_length=12, choices=BatchSource.choices)
    mode = models.CharField(_("mode"), max_length=15, choices=BatchMode.choices, default=BatchMode.ACCEPT_GOOD)
    status = models.CharField(_("status"), max_length=20, choices=BatchStatus.choices, default=BatchStatus.PROCESSING)
    content_hash = models.CharField(_("content hash"), max_length=64, db_index=True, blank=True,
                                    help_text=_("SHA-256 of the content: the same file twice is recognised."))
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="reading_batches",
        verbose_name=_("submitted by"),
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="reading_batches",
        verbose_name=_("utility"),
    )
    received = models.PositiveIntegerField(_("rows received"), default=0)
    accepted = models.PositiveIntegerField(_("readings accepted"), default=0)
    estimated = models.PositiveIntegerField(_("estimates added"), default=0)
    duplicates = models.PositiveIntegerField(_("duplicates"), default=0)
    conflicts = models.PositiveIntegerField(_("conflicts"), default=0)
    rejected = models.PositiveIntegerField(_("rejected"), default=0)
    flagged = models.PositiveIntegerField(_("flagged"), default=0)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("reading batch")
        verbose_name_plural = _("reading batches")

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_source_display()} {self.filename}".strip()


class Reading(models.Model):
    """One register value of a meter at a moment, unique per meter and moment, traced to its batch."""

    is_append_only_log = True

    pk = models.CompositePrimaryKey("meter", "taken_at")
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="readings", verbose_name=_("meter"))
    taken_at = models.DateTimeField(_("taken at"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3)
    kind = models.CharField(_("kind"), max_length=10, choices=ReadingKind.choices, default=ReadingKind.MEASURED)
    flags = models.CharField(_("flags"), max_length=100, blank=True,
                             help_text=_("Space-separated warning codes."))
    batch = models.ForeignKey(ReadingBatch, on_delete=models.PROTECT, related_name="readings",
                              verbose_name=_("batch"), db_constraint=False)

    class Meta:
        ordering = ["meter", "taken_at"]
        verbose_name = _("reading")
        verbose_name_plural = _("readings")
        indexes = [models.Index(fields=["batch"], name="metering_reading_batch")]

    def __str__(self) -> str:
        return f"{self.meter_id} {self.taken_at:%Y-%m-%d %H:%M} {self.value}"

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()


class RejectedReading(models.Model):
    """A row of a batch that was not accepted (or clashes with a stored reading), with its reasons."""

    is_append_only_log = True

    batch = models.ForeignKey(ReadingBatch, on_delete=models.PROTECT, related_name="rejected_rows",
                              verbose_name=_("batch"))
    position = models.PositiveIntegerField(_("position"), help_text=_("Line or row number in the batch, from 1."))
    raw = models.TextField(_("raw text"))
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, null=True, blank=True, related_name="rejected_rows",
                              verbose_name=_("meter"))
    taken_at = models.DateTimeField(_("taken at"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=3, null=True, blank=True)
    reasons = models.CharField(_("reason codes"), max_length=200)
    messages = models.TextField(_("reasons"))

    class Meta:
        ordering = ["batch", "position"]
        verbose_name = _("rejected reading")
        verbose_name_plural = _("rejected readings")
        indexes = [models.Index(fields=["meter", "taken_at"], name="metering_rejected_meter_time")]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.position} {self.reasons}"
