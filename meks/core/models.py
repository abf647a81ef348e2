"""The base of every domain record: timestamps, a version for optimistic locking and a full history."""

from django.conf import settings
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


class Notification(models.Model):
    """A message to one user inside the platform (reminders, escalations), shown until read.

    ``key`` makes sending idempotent: a periodic job that runs twice sends each message once.
    """

    audit_exempt = "delivery records, not domain data"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                             verbose_name=_("user"))
    key = models.CharField(_("key"), max_length=200)
    text = models.TextField(_("text"))
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("sent by e-mail"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_unique_key")]

    def __str__(self) -> str:
        return self.text[:80]


class OutboxMessage(models.Model):
    """A background task recorded in the same transaction as the write that needs it, until the broker has it.

    Sending to the broker happens after the commit; when the broker is down the row stays pending and the
    next delivery run sends it, so a task is never lost between a committed write and the broker.
    """

    audit_exempt = "delivery records, not domain data"

    task = models.CharField(_("task"), max_length=200)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent to the broker"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("outgoing task")
        verbose_name_plural = _("outgoing tasks")
        indexes = [models.Index(fields=["sent_at"], name="outbox_sent_at")]

    def __str__(self) -> str:
        return f"{self.task} #{self.pk}"
