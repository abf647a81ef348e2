"""Back the database up (SQLite online backup or pg_dump) with a manifest that proves the round trip."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meks.core import backup


class Command(BaseCommand):
    help = "Back up the database to a file, with a per-table manifest of row counts and digests beside it."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file to write (its manifest goes beside it)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        try:
            manifest = backup.backup(Path(options["path"]), alias=options["database"])
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Backed up to {options['path']}; manifest {manifest.name}"))
