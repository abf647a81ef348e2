"""Backup and restore: a round trip on each engine gives back every record, checked row by row."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from meks.core import backup
from meks.core.testing.gates import require_postgres


def _damage(alias):
    """Lose and change records, as an operator's mistake or a failed migration would."""
    from meks.accounts.models import User
    from meks.territory.models import Settlement

    Settlement.objects.using(alias).filter(kind="village").delete()
    User.objects.using(alias).filter(username="office").update(first_name="Changed")


def _round_trip(tmp_path, alias):
    before = backup.fingerprint(alias=alias)
    target = tmp_path / "meks.backup"
    call_command("backup_db", str(target), "--database", alias)
    assert backup.verify(target, alias=alias) == []

    _damage(alias)
    problems = backup.verify(target, alias=alias)
    assert any("territory_settlement" in line for line in problems)
    assert any("accounts_user" in line and "same count, different content" in line for line in problems)
    with pytest.raises(CommandError, match="differs from the backup"):
        call_command("restore_db", str(target), "--verify-only", "--database", alias)

    call_command("restore_db", str(target), "--database", alias)
    assert backup.fingerprint(alias=alias) == before
    assert sum(item.rows for item in before.values()) > 500  # the demo accounts, territories and their history


def _manage(*args, database_file):
    """Run a management command as an operator would, against the SQLite file named."""
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{database_file}", "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=environment,
                          capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_sqlite_round_trip_restores_every_record(tmp_path):
    """The embedded database, a file, backed up and restored by the commands in separate processes."""
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite procedure; the PostgreSQL one is tested below")
    from meks.demo.builder import build_demo

    build_demo(portfolio=False)
    database = tmp_path / "meks.sqlite3"
    backup.backup(database)  # the suite's database lives in memory: give the platform a file of it
    before = backup.sqlite_file_fingerprint(database)
    target = tmp_path / "backups" / "meks.backup"

    made = _manage("backup_db", str(target), database_file=database)
    assert made.returncode == 0, made.stderr
    assert _manage("restore_db", str(target), "--verify-only", database_file=database).returncode == 0

    with sqlite3.connect(database) as damaged:
        damaged.execute("DELETE FROM territory_settlement WHERE kind = 'village'")
        damaged.execute("UPDATE accounts_user SET first_name = 'Changed' WHERE username = 'office'")
    damaged.close()
    problems = backup.compare(before, backup.sqlite_file_fingerprint(database))
    assert any(line.startswith("territory_settlement:") for line in problems)
    assert "accounts_user: 12 rows backed up, 12 now (same count, different content)" in problems
    checked = _manage("restore_db", str(target), "--verify-only", database_file=database)
    assert checked.returncode != 0 and "territory_settlement" in checked.stderr

    restored = _manage("restore_db", str(target), database_file=database)
    assert restored.returncode == 0, restored.stderr
    assert "matches the backup" in restored.stdout
    assert backup.sqlite_file_fingerprint(database) == before
    assert sum(item.rows for item in before.values()) > 500  # the demo accounts, territories and their history


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(tmp_path):
    require_postgres()
    from meks.demo.builder import build_demo

    build_demo(portfolio=False)
    _round_trip(tmp_path, "default")


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
