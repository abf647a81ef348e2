"""Writes of water and heat metering: the register, buildings, meters and the ingestion of readings.

Who may write: the project office and the technical operator keep the register of meter types; a utility
registers buildings and meters it serves (the technical operator and the project office any); readings are
submitted by a utility (for its own meters; collection systems post with a utility user's token) or by the
technical operator (for any meter). A refusal raises ``ServiceError`` and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization
from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ServiceError

from .choices import BatchMode, BatchSource, BatchStatus, MeterRole
from .ingest import Ingester
from .models import Building, Meter, MeterType, ReadingBatch
from .parsers import PARSERS, HashingReader

REGISTER_KEEPERS = (Role.PROJECT_OFFICE, Role.TECHNICAL_OPERATOR)
OPERATORS = (Role.PROJECT_OFFICE, Role.TECHNICAL_OPERATOR)


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


# --- register ---------------------------------------------------------------------------------------------


def meter_type_create(*, actor: Any, reason: str = "", **fields: Any) -> MeterType:
    """Enter a meter type in the register (project office, technical operator)."""
    if not scope_of(actor).has_role(*REGISTER_KEEPERS) and actor is not None:
        raise _forbidden(_("Only the project office and the technical operator keep the register of meter types."))
    producer = fields.get("manufacturer")
    if producer is not None and producer.kind != OrganizationKind.MANUFACTURER:
        raise ServiceError(_("The domestic producer must be an organization of kind manufacturer."), code="invalid")
    meter_type = MeterType(**fields)
    if producer is not None:
        meter_type.is_domestic = True
    return audited_create(meter_type, actor=actor, reason=reason)


def meter_type_withdraw(*, actor: Any, meter_type: MeterType, version: int, reason: str = "") -> MeterType:
    """Mark a type withdrawn from the register; its installed meters get the "type withdrawn" flag."""
    if not scope_of(actor).has_role(*REGISTER_KEEPERS) and actor is not None:
        raise _forbidden(_("Only the project office and the technical operator keep the register of meter types."))
    meter_type.status = "withdrawn"
    return versioned_save(meter_type, actor=actor, update_fields=["status"], expected_version=version, reason=reason)


# --- buildings and meters ---------------------------------------------------------------------------------


def _may_manage(actor: Any, utility: Organization) -> bool:
    if actor is None:
        return True
    scope = scope_of(actor)
    if scope.has_role(*OPERATORS):
        return True
    return scope.has_role(Role.UTILITY) and scope.organization_id == utility.pk


def building_create(*, actor: Any, utility: Organization, reason: str = "", **fields: Any) -> Building:
    """Register a building served by ``utility`` (that utility, the technical operator, the project office)."""
    if utility.kind != OrganizationKind.UTILITY:
        raise ServiceError(_("A building must be served by an organization of kind utility."), code="invalid")
    if not _may_manage(actor, utility):
        raise _forbidden(_("You may register buildings only of your own utility."))
    return audited_create(Building(utility=utility, **fields), actor=actor, reason=reason)


def meter_create(*, actor: Any, building: Building, meter_type: MeterType, serial: str, role: str,
                 installed_on: dt.date, last_verified_on: dt.date | None = None, reason: str = "",
                 **fields: Any) -> Meter:
    """Register an installed meter; its next verification is the last one plus the type's interval."""
    if not _may_manage(actor, building.utility):
        raise _forbidden(_("You may register meters only in buildings of your own utility."))
    if role == MeterRole.FLAT and not fields.get("flat_number"):
        raise ServiceError({"flat_number": _("A flat meter must name its flat.")}, code="invalid")
    verified = last_verified_on or installed_on
    meter = Meter(
        building=building, meter_type=meter_type, serial=serial.strip(), role=role, installed_on=installed_on,
        last_verified_on=verified,
        next_verification_on=add_years(verified, meter_type.verification_interval_years), **fields,
    )
    return audited_create(meter, actor=actor, reason=reason)


def meters_register(*, actor: Any, meters: list[Meter], reason: str = "") -> list[Meter]:
    """Register many installed meters at once (a utility's register import).

    Each is validated, then all are inserted in bulk with one history row each; next verifications are
    computed as in ``meter_create``.
    """
    from simple_history.utils import bulk_create_with_history

    for meter in meters:
        if not _may_manage(actor, meter.building.utility):
            raise _forbidden(_("You may register meters only in buildings of your own utility."))
        meter.last_verified_on = meter.last_verified_on or meter.installed_on
        meter.next_verification_on = add_years(meter.last_verified_on, meter.meter_type.verification_interval_years)
        meter.full_clean(exclude=["building", "meter_type", "replaced_by"], validate_unique=False)
    serials = [meter.serial for meter in meters]
    if len(set(serials)) != len(serials) or Meter.objects.filter(serial__in=serials).exists():
        raise ServiceError(_("Serial numbers must be unique."), code="invalid")
    with transaction.atomic():
        return bulk_create_with_history(meters, Meter, batch_size=500, default_change_reason=reason,
                                        default_user=actor if getattr(actor, "is_authenticated", False) else None)


def meter_verify(*, actor: Any, meter: Meter, verified_on: dt.date, version: int, reason: str = "") -> Meter:
    """Record a verification: the next one moves by the type's interval."""
    if not _may_manage(actor, meter.building.utility):
        raise _forbidden(_("You may record verifications only of your own utility's meters."))
    meter.last_verified_on = verified_on
    meter.next_verification_on = add_years(verified_on, meter.meter_type.verification_interval_years)
    return versioned_save(meter, actor=actor, update_fields=["last_verified_on", "next_verification_on"],
                          expected_version=version, reason=reason)


def meter_replace(*, actor: Any, meter: Meter, replaced_on: dt.date, serial: str, meter_type: MeterType | None = None,
                  version: int, reason: str = "", **fields: Any) -> Meter:
    """Remove ``meter`` on ``replaced_on`` and install a new one in its place (same building, role, flat, account).

    The new meter's readings start from its own register, so its first value lower than the old meter's last
    is not a decrease.
    """
    if not _may_manage(actor, meter.building.utility):
        raise _forbidden(_("You may replace only your own utility's meters."))
    if meter.removed_on is not None:
        raise ServiceError(_("The meter was already removed."), code="invalid")
    with transaction.atomic():
        new = meter_create(
            actor=actor, building=meter.building, meter_type=meter_type or meter.meter_type, serial=serial,
            role=meter.role, installed_on=replaced_on, flat_number=meter.flat_number, account=meter.account,
            register_digits=fields.pop("register_digits", meter.register_digits), reason=reason, **fields,
        )
        meter.removed_on = replaced_on
        meter.replaced_by = new
        versioned_save(meter, actor=actor, update_fields=["removed_on", "replaced_by"], expected_version=version,
                       reason=reason)
    return new


# --- readings ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IngestResult:
    """The batch that holds the readings, and whether it is an earlier batch of the same content."""

    batch: ReadingBatch
    repeated: bool = False


def submitter_organization(actor: Any, on_behalf_of: Organization | None = None) -> int | None:
    """The utility whose meters ``actor`` may submit readings for; ``None`` for any meter; refuses others.

    The system (no actor) and the operators may submit on behalf of a named utility: the rows are then
    checked against that utility's meters.
    """
    if on_behalf_of is not None and on_behalf_of.kind != OrganizationKind.UTILITY:
        raise ServiceError(_("Readings are submitted on behalf of a utility."), code="invalid")
    if actor is None:
        return on_behalf_of.pk if on_behalf_of else None
    scope = scope_of(actor)
    if scope.has_role(*OPERATORS):
        return on_behalf_of.pk if on_behalf_of else None
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        if on_behalf_of is not None and on_behalf_of.pk != scope.organization_id:
            raise _forbidden(_("You may submit readings only for your own utility."))
        return scope.organization_id
    raise _forbidden(_("Only a utility or the technical operator may submit meter readings."))


def _earlier_batch(organization_id: int | None, content_hash: str) -> ReadingBatch | None:
    return (ReadingBatch.objects.filter(organization_id=organization_id, content_hash=content_hash,
                                        status__in=[BatchStatus.DONE, BatchStatus.DONE_WITH_ERRORS])
            .order_by("pk").first())


def readings_ingest(*, actor: Any, source: str, stream: IO[bytes], mode: str = BatchMode.ACCEPT_GOOD,
                    filename: str = "", content_hash: str | None = None, now: dt.datetime | None = None,
                    chunk_size: int | None = None, on_behalf_of: Organization | None = None) -> IngestResult:
    """Validate and store the readings in ``stream`` (a binary stream in the format of ``source``).

    Rows are streamed through the parser of ``source`` into the ingester, chunk by chunk. The content's
    SHA-256 is computed on the way (or given by the caller who hashed a file first): content identical to
    an earlier completed batch of the same utility changes nothing and that earlier batch is returned with
    ``repeated``. In ``all_or_nothing`` mode a single bad row refuses the whole batch (its rows are still
    listed with their reasons). A bad header or body refuses the batch with ``ServiceError`` and nothing
    is written.
    """
    if source not in BatchSource.values:
        raise ServiceError(_("Unknown source of readings."), code="invalid")
    if mode not in BatchMode.values:
        raise ServiceError(_("Unknown mode."), code="invalid")
    organization_id = submitter_organization(actor, on_behalf_of)
    batch_organization = organization_id
    if organization_id is None and actor is not None:
        batch_organization = getattr(actor, "organization_id", None)
    if content_hash:
        earlier = _earlier_batch(batch_organization, content_hash)
        if earlier is not None:
            return IngestResult(earlier, repeated=True)
    if source == BatchSource.XLSX and not content_hash:
        sha = hashlib.sha256()
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha.update(chunk)
        stream.seek(0)
        content_hash = sha.hexdigest()
        earlier = _earlier_batch(batch_organization, content_hash)
        if earlier is not None:
            return IngestResult(earlier, repeated=True)
    hashing = HashingReader(stream)
    reader = stream if source == BatchSource.XLSX else io.BufferedReader(hashing, 1 << 16)
    with transaction.atomic():
        start = transaction.savepoint()
        batch = audited_create(
            ReadingBatch(source=source, mode=mode, filename=filename[:255], content_hash=content_hash or "",
                         submitted_by=actor if getattr(actor, "is_authenticated", False) else None,
                         organization_id=batch_organization),
            actor=actor, reason=_("Readings received"),
        )
        ingester = Ingester(batch, organization_id=organization_id, now=now,
                            **({"chunk_size": chunk_size} if chunk_size else {}))
        counts = ingester.run(PARSERS[source](reader))
        digest = content_hash or hashing.hexdigest()
        if not content_hash:
            earlier = _earlier_batch(batch_organization, digest)
            if earlier is not None:
                transaction.savepoint_rollback(start)
                return IngestResult(earlier, repeated=True)
        for name, value in counts.items():
            setattr(batch, name, value)
        batch.content_hash = digest
        if ingester.failed:
            batch.status = BatchStatus.REFUSED
        elif counts["rejected"] or counts["conflicts"]:
            batch.status = BatchStatus.DONE_WITH_ERRORS
        else:
            batch.status = BatchStatus.DONE
        batch.finished_at = timezone.now()
        versioned_save(batch, actor=actor, update_fields=[*counts, "content_hash", "status", "finished_at"],
                       reason=_("Readings processed"))
    return IngestResult(batch)


def file_source(filename: str) -> str:
    """The source of an uploaded file by its extension (CSV or XLSX); refuses other files."""
    suffix = Path(filename).suffix.lower()
    if suffix in (".csv", ".txt"):
        return BatchSource.CSV
    if suffix == ".xlsx":
        return BatchSource.XLSX
    raise ServiceError(_("Upload a CSV or XLSX file."), code="invalid")


def readings_upload(*, actor: Any, file: Any, mode: str = BatchMode.ACCEPT_GOOD, filename: str | None = None,
                    now: dt.datetime | None = None, on_behalf_of: Organization | None = None) -> IngestResult:
    """Ingest an uploaded CSV or XLSX file (a Django ``UploadedFile`` or any seekable binary file).

    The file is hashed first, so the same file uploaded again is recognised before it is read.
    """
    name = filename or getattr(file, "name", "") or ""
    source = file_source(name)
    submitter_organization(actor, on_behalf_of)
    sha = hashlib.sha256()
    chunks = file.chunks() if hasattr(file, "chunks") else iter(lambda: file.read(1 << 20), b"")
    for chunk in chunks:
        sha.update(chunk)
    file.seek(0)
    return readings_ingest(actor=actor, source=source, stream=file, mode=mode, filename=Path(name).name,
                           content_hash=sha.hexdigest(), now=now, on_behalf_of=on_behalf_of)
