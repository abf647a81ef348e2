"""Ingest a CSV or XLSX file of meter readings, as a user, and print the batch report."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from meks.core.errors import ServiceError
from meks.metering.choices import BatchMode
from meks.metering.selectors import batch_reason_counts
from meks.metering.services import readings_upload


class Command(BaseCommand):
    help = "Ingest a CSV or XLSX file of readings (columns meter, taken_at, value, in any order)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="User name the readings are submitted as.")
        parser.add_argument("--all-or-nothing", action="store_true", help="Refuse the whole file if a row is bad.")

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"no such file: {path}")
        try:
            actor = get_user_model().objects.get(username=options["user"], is_active=True)
        except get_user_model().DoesNotExist as error:
            raise CommandError(f"no active user {options['user']!r}") from error
        mode = BatchMode.ALL_OR_NOTHING if options["all_or_nothing"] else BatchMode.ACCEPT_GOOD
        with path.open("rb") as file:
            try:
                result = readings_upload(actor=actor, file=file, mode=mode, filename=path.name)
            except ServiceError as error:
                raise CommandError(" ".join(error.messages)) from error
        batch = result.batch
        if result.repeated:
            self.stdout.write(f"the same file was already ingested as batch {batch.pk}: nothing changed")
            return
        self.stdout.write(
            f"batch {batch.pk} {batch.status}: received {batch.received}, accepted {batch.accepted}, "
            f"estimated {batch.estimated}, duplicates {batch.duplicates}, conflicts {batch.conflicts}, "
            f"rejected {batch.rejected}, flagged {batch.flagged}"
        )
        for code, count in sorted(batch_reason_counts(batch=batch).items()):
            self.stdout.write(f"  {code}: {count}")
