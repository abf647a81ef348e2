"""Database expressions the domains share, written once for SQLite and PostgreSQL."""

from __future__ import annotations

from django.db import models


class DaysBetween(models.Func):
    """Whole days from ``start`` to ``end`` (``end - start``) for two date expressions, as an integer."""

    output_field = models.IntegerField()

    def __init__(self, end, start, **extra):
        super().__init__(end, start, **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS INTEGER)", arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="((%(expressions)s))", arg_joiner=")::date - (", **extra_context
        )


def serialize_writers(name: str) -> None:
    """Make the writers named ``name`` take turns until the current transaction ends.

    For numbering that reads the highest number and adds one: two transactions running at once would both
    read the same highest number. On PostgreSQL a transaction-level advisory lock makes the second wait for
    the first to commit; SQLite needs nothing, as its write transactions already run one at a time
    (``transaction_mode`` IMMEDIATE). Must be called inside ``transaction.atomic``.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [name])
