"""Backup and restore of the platform's database, and the fingerprint that proves a round trip lost nothing.

Two engines, one procedure:

- **SQLite** (the embedded default): SQLite's online backup API copies the live database page by page into a
  new file, consistent even while the platform serves; restoring copies it back the same way.
- **PostgreSQL** (production): ``pg_dump --format=custom``, and for the restore ``pg_restore`` to SQL run by
  ``psql`` in one transaction that first empties the schema: the tools PostgreSQL itself ships, run against
  the connection settings Django uses.

Next to every backup a manifest (``<file>.manifest.json``) records, per table, the number of rows and a
SHA-256 of every row in primary-key order. ``verify`` recomputes the fingerprint of the live database and
compares it table by table, so a restore is checked record for record, not just by counts.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import connections, transaction

MANIFEST_SUFFIX = ".manifest.json"


class BackupError(Exception):
    """The backup or restore could not be done; the message says why."""


@dataclass(frozen=True)
class TableFingerprint:
    """How many rows one table holds and a digest of all of them in primary-key order."""

    rows: int
    digest: str


def _tables(alias: str) -> list[str]:
    """Every table of the database, Django's own and the platform's, sorted by name."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    return sorted(name for name in names if not name.startswith("sqlite_"))


def _primary_key_columns(alias: str, table: str) -> list[str]:
    """The columns that order a table's rows deterministically (its primary key, else every column)."""
    connection = connections[alias]
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
        description = connection.introspection.get_table_description(cursor, table)
    for constraint in constraints.values():
        if constraint.get("primary_key"):
            return list(constraint["columns"])
    return [column.name for column in description]


def table_fingerprint(table: str, *, alias: str = "default") -> TableFingerprint:
    """Count and digest one table's rows; values are rendered with ``repr`` of their Python form."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    order = ", ".join(quote(column) for column in _primary_key_columns(alias, table))
    digest = hashlib.sha256()
    rows = 0
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {order}")  # names come from introspection
        while batch := cursor.fetchmany(2000):
            for row in batch:
                digest.update(repr(tuple(_normalise(value) for value in row)).encode())
                rows += 1
    return TableFingerprint(rows=rows, digest=digest.hexdigest())


def _normalise(value):
    """Render values the same whichever driver read them (memoryview from PostgreSQL, bytes from SQLite)."""
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def fingerprint(*, alias: str = "default", tables: Iterable[str] | None = None) -> dict[str, TableFingerprint]:
    """The fingerprint of every table (or of the named ones) of the live database.

    On SQLite the live database is first copied with the online backup API and the copy is read with a plain
    ``sqlite3`` connection, so that the values are hashed exactly as the manifest of a backup file hashes them
    (Django's SQLite connection converts dates and decimals on reading; a plain one does not).
    """
    if connections[alias].vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            copy = Path(folder) / "live.sqlite3"
            _sqlite_copy(_raw_sqlite(alias), copy)
            prints = sqlite_file_fingerprint(copy)
        return {table: prints[table] for table in tables} if tables else prints
    return {table: table_fingerprint(table, alias=alias) for table in (tables or _tables(alias))}


def _sqlite_copy(source: sqlite3.Connection, path: Path) -> None:
    target = sqlite3.connect(path)
    try:
        _sqlite_backup(source, target)
    finally:
        target.close()


#: How long a backup or restore waits for another connection's lock before giving up (seconds).
SQLITE_LOCK_WAIT = 60.0


def _sqlite_backup(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy ``source`` into ``target`` with SQLite's backup API, giving up if a lock is held too long.

    The API retries for ever while another connection holds a lock; the progress callback, called after every
    step, ends the wait with a clear error instead.
    """
    deadline = time.monotonic() + SQLITE_LOCK_WAIT

    def progress(status: int, remaining: int, total: int) -> None:
        if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() > deadline:
            raise BackupError(f"another connection kept the database locked for {SQLITE_LOCK_WAIT:.0f} s; "
                              "stop the web server and workers, then try again")

    source.backup(target, pages=256, progress=progress)


def sqlite_file_fingerprint(path: Path) -> dict[str, TableFingerprint]:
    """The fingerprint of every table of an SQLite database file, read with a plain connection."""
    database = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = sorted(
            name for (name,) in database.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if not name.startswith("sqlite_")
        )
        prints = {}
        for table in tables:
            columns = database.execute(f'PRAGMA table_info("{table}")').fetchall()
            keys = [column[1] for column in sorted(columns, key=lambda column: column[5]) if column[5]]
            order = ", ".join(f'"{name}"' for name in (keys or [column[1] for column in columns]))
            digest = hashlib.sha256()
            rows = 0
            for row in database.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(repr(row).encode())
                rows += 1
            prints[table] = TableFingerprint(rows=rows, digest=digest.hexdigest())
        return prints
    finally:
        database.close()


def write_manifest(path: Path, prints: dict[str, TableFingerprint], *, vendor: str) -> Path:
    """Write the manifest beside the backup file and return its path."""
    manifest = Path(f"{path}{MANIFEST_SUFFIX}")
    manifest.write_text(json.dumps({
        "created": datetime.now(UTC).isoformat(),
        "vendor": vendor,
        "tables": {table: {"rows": item.rows, "sha256": item.digest} for table, item in prints.items()},
    }, indent=1, sort_keys=True), encoding="utf-8")
    return manifest


def read_manifest(path: Path) -> dict[str, TableFingerprint]:
    """The fingerprints a backup's manifest recorded."""
    manifest = Path(f"{path}{MANIFEST_SUFFIX}")
    if not manifest.exists():
        raise BackupError(f"no manifest {manifest.name} beside the backup")
    data = json.loads(manifest.read_text(encoding="utf-8"))
    return {table: TableFingerprint(rows=item["rows"], digest=item["sha256"]) for table, item in data["tables"].items()}


def compare(expected: dict[str, TableFingerprint], actual: dict[str, TableFingerprint]) -> list[str]:
    """The differences between two fingerprints, one line per table (empty when they are the same)."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"{table}: missing after restore")
        elif table not in expected:
            problems.append(f"{table}: not in the backup")
        elif expected[table] != actual[table]:
            problems.append(
                f"{table}: {expected[table].rows} rows backed up, {actual[table].rows} now"
                + ("" if expected[table].rows != actual[table].rows else " (same count, different content)")
            )
    return problems


def _raw_sqlite(alias: str) -> sqlite3.Connection:
    connection = connections[alias]
    connection.ensure_connection()
    return connection.connection


def backup(path: Path, *, alias: str = "default") -> Path:
    """Back the database up to ``path`` and write its manifest; returns the manifest's path.

    The manifest describes exactly what was copied: on SQLite it is computed from the backup file itself, on
    PostgreSQL inside one repeatable-read transaction whose snapshot ``pg_dump --snapshot`` shares, so nobody
    has to stop writing while the backup runs.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        if path.exists():
            path.unlink()
        _sqlite_copy(_raw_sqlite(alias), path)
        prints = sqlite_file_fingerprint(path)
    elif vendor == "postgresql":
        with transaction.atomic(using=alias), connections[alias].cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            prints = fingerprint(alias=alias)
            _run(["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(path),
                  *_pg_args(alias)], alias)
    else:
        raise BackupError(f"no backup procedure for the {vendor} engine")
    return write_manifest(path, prints, vendor=vendor)


def restore(path: Path, *, alias: str = "default") -> None:
    """Replace the database's contents by the backup at ``path``."""
    path = Path(path)
    if not path.exists():
        raise BackupError(f"no backup file {path.name}")
    vendor = connections[alias].vendor
    if vendor == "sqlite":
        source = sqlite3.connect(path)
        try:
            _sqlite_backup(source, _raw_sqlite(alias))
        finally:
            source.close()
    elif vendor == "postgresql":
        connections[alias].close()  # the restore drops every table; our own idle session must not hold them
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "restore.sql"
            _run(["pg_restore", "--no-owner", "--file", str(script), str(path)], alias)
            # One transaction: the schema is emptied and rebuilt from the dump, or, on any error, left as it was.
            # (pg_restore --clean cannot drop the constraints a partitioned table's partitions inherit.)
            _run(["psql", "--no-psqlrc", "--quiet", "--single-transaction", "--set", "ON_ERROR_STOP=1",
                  "--command", "DROP SCHEMA public CASCADE", "--command", "CREATE SCHEMA public",
                  "--file", str(script), *_pg_args(alias)], alias)
    else:
        raise BackupError(f"no restore procedure for the {vendor} engine")


def verify(path: Path, *, alias: str = "default") -> list[str]:
    """Compare the live database with a backup's manifest; returns the differences (empty: identical)."""
    return compare(read_manifest(Path(path)), fingerprint(alias=alias))


def _pg_args(alias: str, *, database_flag: str = "--dbname") -> list[str]:
    settings = connections[alias].settings_dict
    args = [database_flag, settings["NAME"]]
    if settings.get("HOST"):
        args += ["--host", settings["HOST"]]
    if settings.get("PORT"):
        args += ["--port", str(settings["PORT"])]
    if settings.get("USER"):
        args += ["--username", settings["USER"]]
    return args


def _run(command: list[str], alias: str) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (PostgreSQL client tools are needed)")
    environment = dict(os.environ)
    password = connections[alias].settings_dict.get("PASSWORD")
    if password:
        environment["PGPASSWORD"] = password  # never on the command line, where other users could read it
    result = subprocess.run(command, capture_output=True, text=True, env=environment, check=False)  # noqa: S603 (fixed argv, no shell)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")
