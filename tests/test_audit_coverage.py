"""Every model that holds domain data keeps a complete, append-only history of its changes.

- each platform model has a history, is itself an append-only log, or is exempt for a stated reason;
- each history records every concrete field of its model, plus who changed it, when and why;
- history tables and append-only logs refuse an UPDATE of a recorded row, on SQLite and PostgreSQL;
- a change made through a page leaves a history row naming the signed-in user.
"""

import pytest
from django.apps import apps
from django.db import DatabaseError, connection, transaction

from meks.core.audit import append_only_tables, history_tables

#: Models allowed to hold data without a history, with the reason. Kept short on purpose: a new entry
#: needs a reason a reviewer accepts. (Models may also say ``audit_exempt = "reason"`` themselves.)
EXEMPT: dict[str, str] = {}

#: Fields a history leaves out of its copy of the model, each for a reason: a password hash must not be
#: copied into a table nobody may ever clean, and the time of the last log-in is not a change of the account
#: (it would add a history row at every log-in).
UNTRACKED_FIELDS: dict[str, set[str]] = {"accounts.User": {"password", "last_login"}}


def platform_models():
    return [model for model in apps.get_models()
            if model.__module__.startswith("meks.") and not model._meta.auto_created
            and not model.__name__.startswith("Historical")]


def test_every_platform_model_has_a_history():
    missing = []
    for model in platform_models():
        if hasattr(model, "history") or getattr(model, "is_append_only_log", False) or model._meta.label in EXEMPT:
            continue
        if not getattr(model, "audit_exempt", ""):
            missing.append(model._meta.label)
    assert missing == []


def test_exemptions_give_a_reason_and_stay_few():
    reasons = {model._meta.label: model.audit_exempt for model in platform_models()
               if getattr(model, "audit_exempt", "")}
    reasons |= EXEMPT
    assert all(len(reason) > 10 for reason in reasons.values()), reasons
    assert len(reasons) <= 3, reasons


def test_every_history_tracks_every_field_of_its_model():
    incomplete = {}
    checked = 0
    for model in platform_models():
        if not hasattr(model, "history"):
            continue
        history = model.history.model
        tracked = {field.attname for field in history._meta.concrete_fields}
        expected = {field.attname for field in model._meta.concrete_fields} - UNTRACKED_FIELDS.get(model._meta.label, set())
        missing = expected - tracked
        if missing:
            incomplete[model._meta.label] = sorted(missing)
        assert {"history_id", "history_date", "history_type", "history_user_id", "history_change_reason"} <= tracked, \
            model._meta.label
        checked += 1
    assert incomplete == {}
    assert checked > 50


def _triggers() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        return {row[0] for row in cursor.fetchall()}


def test_every_history_table_and_append_only_log_is_guarded(db):
    tables = set(append_only_tables())
    assert set(history_tables()) < tables  # the logs come on top of the histories
    logs = {model._meta.db_table for model in apps.get_models() if getattr(model, "is_append_only_log", False)}
    assert logs <= tables and len(logs) >= 8
    unguarded = sorted(table for table in tables if f"{table}_append_only" not in _triggers())
    assert unguarded == []


def test_an_update_of_an_append_only_log_row_is_refused(db):
    from datetime import date
    from decimal import Decimal

    from meks.portfolio.models import RatingSnapshot
    from meks.territory.models import Region

    # Appending is what a log is for; rewriting what it recorded is not.
    row = RatingSnapshot.objects.create(period=date(2026, 1, 1), region=Region.objects.get(kato="35"), rank=1,
                                        index=Decimal("87.50"), components={})
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        RatingSnapshot.objects.filter(pk=row.pk).update(rank=20)
    row.refresh_from_db()
    assert row.rank == 1


def test_a_change_made_through_a_page_is_recorded_with_its_actor(client_for, demo):
    from meks.territory.models import Settlement
    from tests.security.forms import form_data

    town = Settlement.objects.get(name_en="Temirtau")
    client = client_for("akimat.karaganda")
    data = form_data(client.get(f"/territory/settlements/{town.pk}/edit/").content.decode())
    data.update(population=str(town.population + 1000), reason="census of 2026")
    response = client.post(f"/territory/settlements/{town.pk}/edit/", data)
    body = response.content.decode()
    assert response.status_code == 302, (data, [line for line in body.splitlines() if "error" in line][:10])
    latest = Settlement.history.filter(id=town.pk).order_by("-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == demo["akimat.karaganda"]
    assert latest.history_change_reason == "census of 2026"
    assert latest.population == town.population + 1000
