"""The audit trail: every change to a domain record, who made it, when, and its old and new values.

Each ``DomainModel`` keeps a history table (django-simple-history). Services save through
``versioned_save`` or ``audited_create``, which record the actor and the reason explicitly; edits made in
the back-office admin are attributed to the signed-in user by the history middleware. History tables are
append-only: a database trigger refuses any UPDATE of a history row, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import connection, models, transaction
from django.utils.formats import localize
from django.utils.translation import gettext as _

from .errors import ConcurrentEditError


@dataclass(frozen=True)
class FieldChange:
    """One field's old and new value, already formatted for display."""

    field: str
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change of a record."""

    when: datetime
    actor: Any
    kind: str
    reason: str
    version: int | None
    changes: list[FieldChange] = field(default_factory=list)


_KINDS = {"+": "created", "~": "changed", "-": "deleted"}
_HIDDEN_FIELDS = {"updated_at", "created_at", "version"}


def _stamp(instance: models.Model, actor: Any, reason: str) -> None:
    instance._history_user = actor if getattr(actor, "is_authenticated", False) else None
    instance._change_reason = reason


def audited_create(instance: models.Model, *, actor: Any, reason: str = "") -> models.Model:
    """Validate and insert a new record, recording the actor and the reason in its history."""
    instance.full_clean()
    _stamp(instance, actor, reason)
    instance.save(force_insert=True)
    return instance


def versioned_save(
    instance: models.Model,
    *,
    actor: Any,
    update_fields: Sequence[str],
    expected_version: int | None = None,
    reason: str = "",
) -> models.Model:
    """Save the named fields of ``instance`` if nobody changed it since ``expected_version``.

    The row is locked for the rest of the transaction; when its version has moved on, nothing is saved
    and ``ConcurrentEditError`` says who changed which fields meanwhile.
    """
    model = type(instance)
    with transaction.atomic():
        current = model._default_manager.select_for_update().get(pk=instance.pk)
        if expected_version is not None and current.version != expected_version:
            raise ConcurrentEditError(_describe_intervening_changes(current, expected_version))
        instance.full_clean(exclude=[f.name for f in model._meta.fields if f.name not in update_fields])
        instance.version = current.version + 1
        _stamp(instance, actor, reason)
        instance.save(update_fields=[*update_fields, "version", "updated_at"])
    return instance


def _describe_intervening_changes(current: models.Model, expected_version: int) -> str:
    newer = [
        entry
        for entry in history_entries(current)
        if entry.version is not None and entry.version > expected_version
    ]
    if not newer:
        return _("This record was changed by someone else after you opened it. Reload it and try again.")
    parts = []
    for entry in newer:
        who = entry.actor.get_full_name() if entry.actor else _("system")
        fields = ", ".join(str(change.label) for change in entry.changes) or "—"
        parts.append(
            _("%(who)s at %(when)s changed: %(fields)s")
            % {"who": who, "when": localize(entry.when.astimezone()), "fields": fields}
        )
    return _("This record was changed by someone else after you opened it. Your changes were not saved. %(changes)s") % {
        "changes": "; ".join(parts)
    }


def _display(model: type[models.Model], name: str, value: Any) -> str:
    try:
        model_field = model._meta.get_field(name)
    except Exception:  # a field that no longer exists on the model
        return "" if value is None else str(value)
    if value is None or value == "":
        return "—"
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.ForeignKey):
        related = model_field.related_model._default_manager.filter(pk=value).first()
        return str(related) if related is not None else f"#{value}"
    if isinstance(model_field, models.BooleanField):
        return _("yes") if value else _("no")
    return str(localize(value))


def history_entries(instance: models.Model, limit: int | None = None) -> list[HistoryEntry]:
    """The record's changes, newest first, each with its author, time, reason and field changes."""
    model = type(instance)
    records = list(instance.history.select_related("history_user").order_by("-history_date", "-history_id"))
    if limit is not None:
        records = records[: limit + 1]
    entries: list[HistoryEntry] = []
    for index, record in enumerate(records[: limit or None]):
        previous = records[index + 1] if index + 1 < len(records) else None
        changes: list[FieldChange] = []
        if previous is not None and record.history_type == "~":
            delta = record.diff_against(previous)
            for change in delta.changes:
                if change.field in _HIDDEN_FIELDS:
                    continue
                label = model._meta.get_field(change.field).verbose_name
                changes.append(
                    FieldChange(change.field, str(label), _display(model, change.field, change.old),
                                _display(model, change.field, change.new))
                )
        elif record.history_type == "+":
            for model_field in model._meta.concrete_fields:
                if model_field.name in _HIDDEN_FIELDS or model_field.primary_key:
                    continue
                value = getattr(record, model_field.attname, None)
                if value in (None, ""):
                    continue
                changes.append(
                    FieldChange(model_field.name, str(model_field.verbose_name), "",
                                _display(model, model_field.name, value))
                )
        entries.append(
            HistoryEntry(
                when=record.history_date,
                actor=record.history_user,
                kind=_KINDS.get(record.history_type, record.history_type),
                reason=record.history_change_reason or "",
                version=getattr(record, "version", None),
                changes=changes,
            )
        )
    return entries


def history_tables() -> Iterable[str]:
    """The database tables that hold history rows."""
    from django.apps import apps

    for model in apps.get_models():
        if hasattr(model, "instance_type") and hasattr(model, "history_id"):
            yield model._meta.db_table


def append_only_tables() -> Iterable[str]:
    """The history tables and the tables of the append-only logs (``is_append_only_log`` models)."""
    from django.apps import apps

    yield from history_tables()
    for model in apps.get_models():
        if getattr(model, "is_append_only_log", False):
            yield model._meta.db_table


def install_append_only_guards(sender: Any = None, using: str = "default", **kwargs: Any) -> None:
    """Create, idempotently, a trigger on each append-only table that refuses UPDATE of a row.

    Deleting history is not offered anywhere in the platform; the guard on UPDATE makes sure no code
    path rewrites what was recorded, in the history tables and in the append-only logs alike.
    """
    from django.db import connections

    conn = connections[using] if using else connection
    existing = set(conn.introspection.table_names())
    with conn.cursor() as cursor:
        for table in append_only_tables():
            if table not in existing:
                continue
            trigger = f"{table}_append_only"
            if conn.vendor == "sqlite":
                cursor.execute(
                    f'CREATE TRIGGER IF NOT EXISTS "{trigger}" BEFORE UPDATE ON "{table}" '
                    "BEGIN SELECT RAISE(ABORT, 'history is append-only'); END"
                )
            elif conn.vendor == "postgresql":
                cursor.execute(
                    "CREATE OR REPLACE FUNCTION meks_history_append_only() RETURNS trigger AS $$ "
                    "BEGIN RAISE EXCEPTION 'history is append-only'; END; $$ LANGUAGE plpgsql"
                )
                cursor.execute(
                    f'CREATE OR REPLACE TRIGGER "{trigger}" BEFORE UPDATE ON "{table}" '
                    "FOR EACH ROW EXECUTE FUNCTION meks_history_append_only()"
                )
