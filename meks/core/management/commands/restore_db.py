"""Restore the database from a backup made by ``backup_db`` and check it record for record."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from meks.core import backup


class Command(BaseCommand):
    help = "Replace the database's contents by a backup, then compare every table with the backup's manifest."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file written by backup_db")
        parser.add_argument("--database", default="default")
        parser.add_argument("--verify-only", action="store_true", help="only compare the database with the manifest")

    def handle(self, *args, **options):
        path, alias = Path(options["path"]), options["database"]
        try:
            if not options["verify_only"]:
                backup.restore(path, alias=alias)
            problems = backup.verify(path, alias=alias)
        except backup.BackupError as error:
            raise CommandError(str(error)) from error
        if problems:
            raise CommandError("The database differs from the backup:\n" + "\n".join(problems))
        self.stdout.write(self.style.SUCCESS("The database matches the backup, table by table and row by row."))
