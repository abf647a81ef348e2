"""Backup and restore: a round trip on each engine gives back every record, checked row by row."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from meks.core import backup
from meks.core.testing.gates import require_postgres


def _damage():
    """Lose and change records, as an operator's mistake or a failed migration would."""
    from meks.accounts.models import User
    from meks.territory.models import Settlement

    Settlement.objects.filter(kind="village").delete()
    User.objects.filter(username="office").update(first_name="Changed")


def _round_trip(tmp_path, build):
    build()
    before = backup.fingerprint()
    target = tmp_path / "meks.backup"
    call_command("backup_db", str(target))
    assert backup.verify(target) == []

    _damage()
    problems = backup.verify(target)
    assert any("territory_settlement" in line for line in problems)
    assert any("accounts_user" in line and "same count, different content" in line for line in problems)
    with pytest.raises(CommandError, match="differs from the backup"):
        call_command("restore_db", str(target), "--verify-only")

    call_command("restore_db", str(target))
    assert backup.fingerprint() == before
    assert sum(item.rows for item in before.values()) > 500  # the demo accounts, territories and their history


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_round_trip_restores_every_record(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite procedure; the PostgreSQL one is tested below")
    from meks.demo.builder import build_demo

    _round_trip(tmp_path, lambda: build_demo(portfolio=False))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(tmp_path):
    require_postgres()
    from meks.demo.builder import build_demo

    _round_trip(tmp_path, lambda: build_demo(portfolio=False))


@pytest.mark.django_db
def test_restore_refuses_a_missing_backup_or_manifest(tmp_path):
    with pytest.raises(CommandError, match="no backup file"):
        call_command("restore_db", str(tmp_path / "none.backup"))
    (tmp_path / "lonely.backup").write_bytes(b"")
    with pytest.raises(CommandError, match="no manifest"):
        call_command("restore_db", str(tmp_path / "lonely.backup"), "--verify-only")


def test_compare_names_each_kind_of_difference():
    same = backup.TableFingerprint(rows=2, digest="a")
    problems = backup.compare(
        {"kept": same, "lost": same, "changed": same},
        {"kept": same, "added": same, "changed": backup.TableFingerprint(rows=2, digest="b")},
    )
    assert problems == [
        "added: not in the backup",
        "changed: 2 rows backed up, 2 now (same count, different content)",
        "lost: missing after restore",
    ]
