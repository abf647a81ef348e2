"""The translation catalogues are complete, compiled, and hold every string the code marks."""

import shutil

import pytest
from django.core.management import call_command

from meks.core.management.commands.check_messages import CHECKED_LANGUAGES, catalogue_problems, extraction_problems
from meks.core.testing.gates import unavailable


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_catalogue_has_no_untranslated_fuzzy_or_uncompiled_entry(language):
    assert catalogue_problems(language) == []


@pytest.mark.parametrize("language", CHECKED_LANGUAGES)
def test_every_marked_string_is_in_the_catalogue(language):
    if not shutil.which("xgettext"):
        unavailable("needs GNU gettext's xgettext (apt-get install gettext)")
    assert extraction_problems(language) == []


def test_a_fuzzy_entry_is_reported(tmp_path, settings):
    import polib

    (tmp_path / "kk" / "LC_MESSAGES").mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "kk"}
    catalogue.append(polib.POEntry(msgid="Regions", msgstr="Өңірлер", flags=["fuzzy"]))
    catalogue.append(polib.POEntry(msgid="Home", msgstr=""))
    catalogue.save(str(tmp_path / "kk" / "LC_MESSAGES" / "django.po"))
    catalogue.save_as_mofile(str(tmp_path / "kk" / "LC_MESSAGES" / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path]
    assert catalogue_problems("kk") == ["kk: untranslated: 'Home'", "kk: fuzzy: 'Regions'"]
    with pytest.raises(Exception, match="catalogue problem"):
        call_command("check_messages", "--no-extract")
