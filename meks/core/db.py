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
