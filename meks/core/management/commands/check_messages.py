"""Check the translation catalogues.

Every marked string is extracted, translated in ru and kk, none fuzzy, and the compiled .mo files are up
to date with their .po sources.

It runs ``makemessages`` to see what the code marks today, compares with the committed catalogues and
puts the committed files back, so it changes nothing on disk.
"""

from __future__ import annotations

from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

CHECKED_LANGUAGES = ("ru", "kk")
IGNORED = [".venv/*", ".tools/*", "var/*", "node_modules/*", "test-artifacts/*"]


def catalogue_paths(language: str) -> tuple[Path, Path]:
    """The .po and .mo files of the project's catalogue for ``language``."""
    base = Path(settings.LOCALE_PATHS[0]) / language / "LC_MESSAGES"
    return base / "django.po", base / "django.mo"


def catalogue_problems(language: str) -> list[str]:
    """Untranslated, fuzzy and uncompiled entries of one committed catalogue."""
    po_path, mo_path = catalogue_paths(language)
    if not po_path.exists():
        return [f"{language}: {po_path} is missing"]
    catalogue = polib.pofile(str(po_path))
    problems = [f"{language}: untranslated: {entry.msgid!r}" for entry in catalogue.untranslated_entries()]
    problems += [f"{language}: fuzzy: {entry.msgid!r}" for entry in catalogue.fuzzy_entries()]
    if not mo_path.exists():
        problems.append(f"{language}: {mo_path} is missing (run compilemessages)")
    else:
        compiled = {(entry.msgctxt, entry.msgid): entry for entry in polib.mofile(str(mo_path))}
        for entry in catalogue.translated_entries():
            found = compiled.get((entry.msgctxt, entry.msgid))
            if found is None or found.msgstr != entry.msgstr or found.msgstr_plural != {
                int(key): value for key, value in entry.msgstr_plural.items()
            }:
                problems.append(f"{language}: not compiled: {entry.msgid!r} (run compilemessages)")
    return problems


def extraction_problems(language: str) -> list[str]:
    """Strings the code marks today that the committed catalogue lacks."""
    po_path, _mo_path = catalogue_paths(language)
    committed_text = po_path.read_text(encoding="utf-8") if po_path.exists() else None
    committed = polib.pofile(committed_text) if committed_text else polib.POFile()
    try:
        call_command("makemessages", locale=[language], ignore_patterns=IGNORED, no_obsolete=True, verbosity=0)
        extracted = polib.pofile(str(po_path))
    finally:
        if committed_text is None:
            po_path.unlink(missing_ok=True)
        else:
            po_path.write_text(committed_text, encoding="utf-8")
    known = {(entry.msgctxt, entry.msgid) for entry in committed if not entry.obsolete}
    return [
        f"{language}: not in the catalogue: {entry.msgid!r} ({entry.occurrences[0][0] if entry.occurrences else '?'})"
        for entry in extracted
        if (entry.msgctxt, entry.msgid) not in known
    ]


class Command(BaseCommand):
    help = "Fail when a catalogue misses a marked string, has an untranslated or fuzzy entry, or is not compiled."

    def add_arguments(self, parser):
        parser.add_argument("--no-extract", action="store_true", help="skip the makemessages comparison")

    def handle(self, *args, **options):
        problems: list[str] = []
        for language in CHECKED_LANGUAGES:
            if not options["no_extract"]:
                problems += extraction_problems(language)
            problems += catalogue_problems(language)
        for problem in problems:
            self.stderr.write(problem)
        if problems:
            raise CommandError(f"{len(problems)} catalogue problem(s)")
        self.stdout.write(self.style.SUCCESS("Catalogues complete and compiled: " + ", ".join(CHECKED_LANGUAGES)))
