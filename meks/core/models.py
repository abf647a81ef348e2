"""The base of every domain record: timestamps, a version for optimistic locking and a full history."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class DomainModel(models.Model):
    """A record people edit: every change is kept in its history, with who made it, when and why.

    ``version`` goes up by one on every saved change; a service refuses a change made against an older
    version (see ``meks.core.audit.versioned_save``), so concurrent edits never overwrite each other.
    """

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True


class TranslatedNameMixin(models.Model):
    """Names in Russian, Kazakh and English; ``name`` gives the one for the active language."""

    name_ru = models.CharField(_("name (Russian)"), max_length=255)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=255, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=255, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Russian where a translation is missing."""
        from .i18n import localized

        return localized(self, "name")
