"""E-procurement: the contractor registry, tenders in lots, sealed bids, evaluation, awards and contracts.

Every record changes only through ``services.py``. A bid's price, declared local-content share and
documents are sealed (encrypted, see ``sealing.py``) until the tender's opening; the clear columns stay
empty until the opening service fills them.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from meks.accounts.models import Organization
from meks.core.models import DomainModel, TranslatedNameMixin
from meks.core.money import TengeField
from meks.core.validators import validate_bin
from meks.portfolio.models import ProgressReport, Project
from meks.territory.models import Region

from .choices import (
    AmendmentKind,
    AwardStatus,
    BidStatus,
    ComplaintStatus,
    ContractorDocumentKind,
    ContractorStatus,
    ContractStatus,
    LotStatus,
    RequirementKind,
    TenderMethod,
    TenderStatus,
    WorkCategory,
)

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
POSITIVE = [MinValueValidator(Decimal("0.01"))]
NON_NEGATIVE = [MinValueValidator(Decimal("0"))]
USER = settings.AUTH_USER_MODEL


def _title(instance: models.Model) -> str:
    from meks.core.i18n import localized

    return localized(instance, "title")


# --- the contractor registry -------------------------------------------------------------------------------


class Contractor(TranslatedNameMixin, DomainModel):
    """A company registered to bid: BIN, categories of work, experience; verified by the technical operator.

    ``organization`` is the platform organization whose users act for it (the contractor's own account);
    only a verified contractor that is not on the register of unreliable suppliers may bid.
    """

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[validate_bin])
    organization = models.OneToOneField(
        Organization, on_delete=models.PROTECT, null=True, blank=True, related_name="contractor",
        verbose_name=_("organization on the platform"),
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="contractors",
                               verbose_name=_("region of registration"))
    address = models.CharField(_("address"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    categories = models.JSONField(_("categories of work"), default=list, blank=True,
                                  help_text=_("Codes of the categories of work the contractor offers."))
    experience_years = models.PositiveSmallIntegerField(_("years of experience"), default=0)
    status = models.CharField(_("status"), max_length=20, choices=ContractorStatus.choices,
                              default=ContractorStatus.PENDING)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True, editable=False)
    status_reason = models.TextField(_("reason of the status"), blank=True)
    verified_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    registered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                      verbose_name=_("registered by"))

    class Meta:
        ordering = ["name_ru", "pk"]
        verbose_name = _("contractor")
        verbose_name_plural = _("contractors")
        indexes = [models.Index(fields=["status"], name="contractor_status")]


class ContractorLicence(DomainModel):
    """A licence of a contractor for a category of work."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="licences",
                                   verbose_name=_("contractor"))
    category = models.CharField(_("category of work"), max_length=30, choices=WorkCategory.choices)
    number = models.CharField(_("licence number"), max_length=60)
    issuer = models.CharField(_("issued by"), max_length=300, blank=True)
    issued_on = models.DateField(_("issued on"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: indefinite."))

    class Meta:
        ordering = ["contractor", "category"]
        verbose_name = _("licence")
        verbose_name_plural = _("licences")

    def __str__(self) -> str:
        return f"{self.number} ({self.get_category_display()})"


class ContractorExperience(DomainModel):
    """A contract the contractor completed: what, for whom, when and for how much."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="experience",
                                   verbose_name=_("contractor"))
    category = models.CharField(_("category of work"), max_length=30, choices=WorkCategory.choices)
    title = models.CharField(_("works"), max_length=500)
    customer = models.CharField(_("customer"), max_length=300)
    year = models.PositiveSmallIntegerField(_("year completed"),
                                            validators=[MinValueValidator(1990), MaxValueValidator(2100)])
    value = TengeField(_("value, tenge"), validators=POSITIVE)

    class Meta:
        ordering = ["contractor", "-year"]
        verbose_name = _("experience record")
        verbose_name_plural = _("experience records")

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"


class ContractorDocument(DomainModel):
    """A document attached to a contractor's registration."""

    contractor = models.ForeignKey(Contractor, on_delete=models.CASCADE, related_name="documents",
                                   verbose_name=_("contractor"))
    kind = models.CharField(_("kind"), max_length=30, choices=ContractorDocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    file = models.FileField(_("file"), upload_to="procurement/contractors/%Y/")

    class Meta:
        ordering = ["contractor", "kind", "pk"]
        verbose_name = _("contractor document")
        verbose_name_plural = _("contractor documents")

    def __str__(self) -> str:
        return self.title


class UnreliableSupplier(DomainModel):
    """An entry of the register of unreliable suppliers: a contractor on it may not bid while it is in force.

    In force from ``listed_from`` up to and including ``listed_until`` (empty: indefinitely), unless removed.
    """

    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="unreliable_entries",
                                   verbose_name=_("contractor"))
    reason = models.TextField(_("reason"))
    basis = models.CharField(_("basis (decision or court ruling)"), max_length=300, blank=True)
    listed_from = models.DateField(_("listed from"))
    listed_until = models.DateField(_("listed until"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removal_reason = models.TextField(_("reason of removal"), blank=True)
    listed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("listed by"))

    class Meta:
        ordering = ["-listed_from", "-pk"]
        verbose_name = _("unreliable supplier entry")
        verbose_name_plural = _("register of unreliable suppliers")

    def __str__(self) -> str:
        return f"{self.contractor_id} {self.listed_from}"


# --- tenders -----------------------------------------------------------------------------------------------


class Tender(DomainModel):
    """A tender for a confirmed project, in one or more lots, with its timeline; its status moves by lifecycle.

    ``ocid`` is its stable Open Contracting ID (prefix plus ``number``). ``publication_days`` is measured at
    publication: calendar days from the project's confirmation; a tender is late when it exceeds the
    configured target. While suspended by the review body, ``status_before_suspension`` keeps where it was.
    """

    number = models.CharField(_("number"), max_length=40, unique=True)
    ocid = models.CharField(_("Open Contracting ID"), max_length=80, unique=True)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tenders", verbose_name=_("project"))
    customer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tenders_as_customer",
                                 verbose_name=_("customer"), help_text=_("The project's owner organization."))
    title_ru = models.CharField(_("title (Russian)"), max_length=500)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("method"), max_length=20, choices=TenderMethod.choices, default=TenderMethod.OPEN)
    single_source_justification = models.TextField(_("justification of the single source"), blank=True)
    is_turnkey = models.BooleanField(_("turnkey (EPC)"), default=False)
    estimated_value = TengeField(_("estimated value, tenge"), validators=POSITIVE,
                                 help_text=_("The sum of the lots' estimated values."))
    evaluation_criteria = models.TextField(
        _("evaluation criteria"), blank=True,
        help_text=_("Lowest evaluated price among qualified bids, with the domestic-content preference."),
    )
    status = models.CharField(_("status"), max_length=20, choices=TenderStatus.choices, default=TenderStatus.DRAFT)
    status_before_suspension = models.CharField(_("status before suspension"), max_length=20,
                                                choices=TenderStatus.choices, blank=True, editable=False)
    status_changed_at = models.DateTimeField(_("status changed"), editable=False)
    status_reason = models.TextField(_("reason of the status"), blank=True,
                                     help_text=_("Why it was cancelled or declared unsuccessful."))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    clarification_deadline = models.DateTimeField(_("clarification questions until"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("bid deadline"), null=True, blank=True)
    opening_at = models.DateTimeField(_("opening scheduled"), null=True, blank=True)
    evaluation_deadline = models.DateTimeField(_("evaluation until"), null=True, blank=True)
    standstill_ends_at = models.DateTimeField(_("standstill ends"), null=True, blank=True)
    bids_opened_at = models.DateTimeField(_("bids opened"), null=True, blank=True)
    bids_opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                       verbose_name=_("bids opened by"))
    project_confirmed_at = models.DateTimeField(_("project confirmed"), null=True, blank=True, editable=False)
    publication_days = models.PositiveIntegerField(
        _("days from confirmation to publication"), null=True, blank=True, editable=False)
    retender_of = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="retendered_as", verbose_name=_("re-tender of"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("prepared by"))

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")
        indexes = [
            models.Index(fields=["status", "bid_deadline"], name="tender_status_deadline"),
            models.Index(fields=["project", "status"], name="tender_project_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(estimated_value__gt=0), name="tender_estimate_positive"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def title(self) -> str:
        """The title in the active language."""
        return _title(self)


class Lot(DomainModel):
    """A lot of a tender: its own estimate, category of work, bids and award."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="lots", verbose_name=_("tender"))
    number = models.PositiveSmallIntegerField(_("lot number"), validators=[MinValueValidator(1)])
    title_ru = models.CharField(_("title (Russian)"), max_length=500)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=500, blank=True)
    category = models.CharField(_("category of work"), max_length=30, choices=WorkCategory.choices)
    estimated_value = TengeField(_("estimated value, tenge"), validators=POSITIVE)
    status = models.CharField(_("status"), max_length=20, choices=LotStatus.choices, default=LotStatus.OPEN)

    class Meta:
        ordering = ["tender", "number"]
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        constraints = [
            models.UniqueConstraint(fields=["tender", "number"], name="lot_unique_number"),
            models.CheckConstraint(condition=models.Q(estimated_value__gt=0), name="lot_estimate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.tender_id}/{self.number}"

    @property
    def title(self) -> str:
        """The title in the active language."""
        return _title(self)


class QualificationRequirement(DomainModel):
    """A qualification requirement of a tender; each bid passes or fails it at evaluation."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="requirements",
                               verbose_name=_("tender"))
    order = models.PositiveSmallIntegerField(_("order"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=RequirementKind.choices)
    text = models.TextField(_("requirement"))

    class Meta:
        ordering = ["tender", "order", "pk"]
        verbose_name = _("qualification requirement")
        verbose_name_plural = _("qualification requirements")

    def __str__(self) -> str:
        return self.text[:80]


class TenderStatusChange(models.Model):
    """One lifecycle move of a tender: from, to, who, when and why. Append-only."""

    is_append_only_log = True

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="status_changes",
                               verbose_name=_("tender"))
    from_status = models.CharField(_("from"), max_length=20, choices=TenderStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=20, choices=TenderStatus.choices)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("by"))
    reason = models.TextField(_("reason"), blank=True)
    changed_at = models.DateTimeField(_("when"), db_index=True)

    class Meta:
        ordering = ["tender", "changed_at", "pk"]
        verbose_name = _("tender status change")
        verbose_name_plural = _("tender status changes")

    def __str__(self) -> str:
        return f"{self.tender_id}: {self.from_status} → {self.to_status}"


class Question(DomainModel):
    """A public clarification question on a tender and the customer's answer (the asker is not published)."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="questions", verbose_name=_("tender"))
    lot = models.ForeignKey(Lot, on_delete=models.CASCADE, null=True, blank=True, related_name="questions",
                            verbose_name=_("lot"))
    text = models.TextField(_("question"))
    asked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("asked by"))
    asked_at = models.DateTimeField(_("asked"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        ordering = ["tender", "asked_at", "pk"]
        verbose_name = _("clarification question")
        verbose_name_plural = _("clarification questions")

    def __str__(self) -> str:
        return self.text[:80]


class Complaint(DomainModel):
    """A complaint of a contractor to the review body; the body may suspend the tender, then decides."""

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="complaints", verbose_name=_("tender"))
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="complaints",
                                   verbose_name=_("complainant"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("complaint"))
    status = models.CharField(_("status"), max_length=20, choices=ComplaintStatus.choices,
                              default=ComplaintStatus.FILED)
    filed_at = models.DateTimeField(_("filed"))
    filed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                 verbose_name=_("filed by"))
    suspended_tender = models.BooleanField(_("tender suspended during review"), default=False)
    accepted_at = models.DateTimeField(_("taken for review"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decision_number = models.CharField(_("decision number"), max_length=60, blank=True)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["-filed_at", "-pk"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [models.Index(fields=["tender", "status"], name="complaint_tender_status")]

    def __str__(self) -> str:
        return self.subject


# --- bids --------------------------------------------------------------------------------------------------


class Bid(DomainModel):
    """A contractor's bid for a lot. Its content is sealed until the tender's opening.

    ``sealed_content`` is a Fernet token holding the price and the declared local-content share; ``price``
    and ``local_content_share`` stay NULL until the opening service decrypts them (after the bid deadline,
    recorded with ``opened_at`` / ``opened_by``). ``evaluated_price`` and ``rank`` come from the evaluation.
    """

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="bids", verbose_name=_("lot"))
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="bids",
                                   verbose_name=_("bidder"))
    status = models.CharField(_("status"), max_length=20, choices=BidStatus.choices, default=BidStatus.SUBMITTED)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    replaces = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="replaced_by", verbose_name=_("replaces"))
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    sealed_content = models.TextField(_("sealed content"), editable=False)
    seal_digest = models.CharField(_("seal fingerprint"), max_length=64, editable=False,
                                   help_text=_("SHA-256 of the sealed content, shown to the bidder as a receipt."))
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    opened_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("opened by"))
    price = TengeField(_("price, tenge"), null=True, blank=True, validators=POSITIVE)
    local_content_share = models.DecimalField(_("declared local-content share, %"), max_digits=5, decimal_places=2,
                                              null=True, blank=True, validators=PERCENT)
    preference_percent = models.DecimalField(_("domestic preference, %"), max_digits=5, decimal_places=2,
                                             null=True, blank=True, validators=PERCENT)
    evaluated_price = TengeField(_("evaluated price, tenge"), null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    disqualification_reason = models.TextField(_("reason of disqualification"), blank=True)

    class Meta:
        ordering = ["lot", "rank", "submitted_at", "pk"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        indexes = [
            models.Index(fields=["lot", "status"], name="bid_lot_status"),
            models.Index(fields=["contractor", "status"], name="bid_contractor_status"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__isnull=True) | models.Q(price__gt=0),
                                   name="bid_price_positive"),
            models.CheckConstraint(condition=models.Q(opened_at__isnull=False) | models.Q(price__isnull=True,
                                   local_content_share__isnull=True), name="bid_clear_only_when_opened"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.contractor_id} ({self.get_status_display()})"


class BidDocument(DomainModel):
    """A document of a bid, sealed like its price: the file holds ciphertext of the name and the content.

    ``name`` and ``file`` stay empty until the opening decrypts them.
    """

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="documents", verbose_name=_("bid"))
    sealed_file = models.FileField(_("sealed file"), upload_to="procurement/sealed/", editable=False)
    name = models.CharField(_("file name"), max_length=255, blank=True)
    file = models.FileField(_("file"), upload_to="procurement/bids/%Y/", blank=True)

    class Meta:
        ordering = ["bid", "pk"]
        verbose_name = _("bid document")
        verbose_name_plural = _("bid documents")

    def __str__(self) -> str:
        return self.name or str(_("sealed document"))


class QualificationCheck(DomainModel):
    """The evaluators' finding on one requirement for one opened bid: passed or failed, with a note."""

    bid = models.ForeignKey(Bid, on_delete=models.CASCADE, related_name="qualification_checks",
                            verbose_name=_("bid"))
    requirement = models.ForeignKey(QualificationRequirement, on_delete=models.CASCADE, related_name="checks",
                                    verbose_name=_("requirement"))
    passed = models.BooleanField(_("passed"))
    note = models.TextField(_("note"), blank=True)
    checked_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("checked by"))

    class Meta:
        ordering = ["bid", "requirement__order"]
        verbose_name = _("qualification check")
        verbose_name_plural = _("qualification checks")
        constraints = [models.UniqueConstraint(fields=["bid", "requirement"], name="qualification_unique_check")]

    def __str__(self) -> str:
        return f"{self.bid_id}/{self.requirement_id}: {self.passed}"


# --- awards and contracts ----------------------------------------------------------------------------------


class Award(DomainModel):
    """The award of a lot to its best-ranked qualified bid; if the winner declines, the next one gets a new award."""

    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="awards", verbose_name=_("lot"))
    bid = models.OneToOneField(Bid, on_delete=models.PROTECT, related_name="award", verbose_name=_("bid"))
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="awards",
                                   verbose_name=_("winner"))
    value = TengeField(_("value, tenge"), validators=POSITIVE)
    status = models.CharField(_("status"), max_length=20, choices=AwardStatus.choices, default=AwardStatus.PENDING)
    awarded_at = models.DateTimeField(_("awarded"))
    awarded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("awarded by"))
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    decline_reason = models.TextField(_("reason the winner declined"), blank=True)

    class Meta:
        ordering = ["lot", "awarded_at", "pk"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        constraints = [
            models.UniqueConstraint(fields=["lot"], condition=models.Q(status__in=["pending", "signed"]),
                                    name="award_one_live_per_lot"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id}: {self.contractor_id}"


class Contract(DomainModel):
    """The contract signed on an award: customer (the project's owner), contractor, value, period, local content.

    ``value`` and ``end_date`` are the current ones (after amendments); ``signed_value`` and
    ``signed_end_date`` keep what was signed.
    """

    number = models.CharField(_("number"), max_length=60, unique=True)
    award = models.OneToOneField(Award, on_delete=models.PROTECT, related_name="contract", verbose_name=_("award"))
    tender = models.ForeignKey(Tender, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("tender"))
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("lot"))
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contracts",
                                verbose_name=_("project"))
    customer = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="contracts_as_customer",
                                 verbose_name=_("customer"))
    contractor = models.ForeignKey(Contractor, on_delete=models.PROTECT, related_name="contracts",
                                   verbose_name=_("contractor"))
    signed_value = TengeField(_("value signed, tenge"), validators=POSITIVE)
    value = TengeField(_("current value, tenge"), validators=POSITIVE)
    start_date = models.DateField(_("start"))
    signed_end_date = models.DateField(_("end signed"))
    end_date = models.DateField(_("current end"))
    local_content_share = models.DecimalField(_("committed local-content share, %"), max_digits=5, decimal_places=2,
                                              validators=PERCENT)
    signed_at = models.DateTimeField(_("signed"))
    signed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("recorded by"))
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices,
                              default=ContractStatus.ACTIVE)

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [models.Index(fields=["project", "status"], name="contract_project_status")]
        constraints = [
            models.CheckConstraint(condition=models.Q(value__gt=0), name="contract_value_positive"),
            models.CheckConstraint(condition=models.Q(end_date__gte=models.F("start_date")),
                                   name="contract_end_after_start"),
        ]

    def __str__(self) -> str:
        return self.number


class ContractAmendment(DomainModel):
    """A change of a contract's value, duration or scope; flagged when the cumulative increase passes the limit.

    ``cumulative_increase_percent`` is the contract's value increase over the signed value, all amendments
    up to this one included; ``over_limit`` is whether it exceeds the configured limit.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="amendments",
                                 verbose_name=_("contract"))
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=20, choices=AmendmentKind.choices)
    value_change = TengeField(_("change of value, tenge"), default=0)
    new_end_date = models.DateField(_("new end"), null=True, blank=True)
    scope_change = models.TextField(_("change of scope"), blank=True)
    reason = models.TextField(_("reason"))
    signed_on = models.DateField(_("signed on"))
    cumulative_increase_percent = models.DecimalField(_("cumulative value increase, %"), max_digits=7,
                                                      decimal_places=2, default=0, editable=False)
    over_limit = models.BooleanField(_("above the amendment limit"), default=False, editable=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")
        constraints = [models.UniqueConstraint(fields=["contract", "number"], name="amendment_unique_number")]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"


class ContractPayment(DomainModel):
    """A payment under a contract, naming the progress report it pays for.

    Refused when the contract's cumulative payments would exceed its value times the physical completion
    that report shows; ``progress_cap`` keeps that ceiling as it stood.
    """

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments",
                                 verbose_name=_("contract"))
    number = models.PositiveSmallIntegerField(_("number"))
    amount = TengeField(_("amount, tenge"), validators=POSITIVE)
    paid_on = models.DateField(_("paid on"))
    progress_report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="contract_payments",
                                        verbose_name=_("progress report paid for"))
    cumulative_paid = TengeField(_("paid in total with this payment, tenge"), editable=False)
    progress_cap = TengeField(_("ceiling by progress, tenge"), editable=False)
    recorded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("recorded by"))

    class Meta:
        ordering = ["contract", "number"]
        verbose_name = _("contract payment")
        verbose_name_plural = _("contract payments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "number"], name="contract_payment_unique_number"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="contract_payment_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number}"
