"""Writes of e-procurement: each service checks the actor's right, validates, saves and records history.

Each runs in one transaction; a refusal raises ``ServiceError`` (``TransitionError``, ``ConcurrentEditError``,
``SealedError``) with a translated message and changes nothing.

``actor=None`` is the system (the periodic job opening bids at the deadline, the demo build): rights are not
checked, the rest is. ``at`` (where offered) is when the act happened, for records entered after the fact;
it defaults to now.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.accounts.models import Organization
from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.errors import ConcurrentEditError, ServiceError, TransitionError
from meks.core.money import to_tenge
from meks.core.validators import business_identification_number_problem
from meks.core.workdays import add_working_days
from meks.portfolio import services as portfolio_services
from meks.portfolio.choices import MilestoneKind, ProjectStatus
from meks.portfolio.models import ProgressReport, Project, StatusChange
from meks.portfolio.selectors import project_is_owner_side

from .choices import (
    LIVE_BID_STATUSES,
    OPEN_COMPLAINT_STATUSES,
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
    amendment_limit_percent,
    minimum_bids,
    ocid_prefix,
    standstill_working_days,
)
from .evaluation import rank_bids
from .lifecycle import (
    CONTRACTOR_TRANSITIONS_BY_ACTION,
    CUSTOMER,
    REGISTRY_ROLES,
    REVIEW_BODY,
    REVIEW_ROLES,
    TRANSITIONS_BY_ACTION,
    Transition,
)
from .models import (
    Award,
    Bid,
    BidDocument,
    Complaint,
    Contract,
    ContractAmendment,
    Contractor,
    ContractorDocument,
    ContractorExperience,
    ContractorLicence,
    ContractPayment,
    Lot,
    QualificationCheck,
    QualificationRequirement,
    Question,
    Tender,
    TenderStatusChange,
    UnreliableSupplier,
)
from .sealing import BidContent, seal_bid, seal_digest, seal_document, unseal_bid, unseal_document

logger = logging.getLogger(__name__)
T = TenderStatus
HUNDRED = Decimal("100")
CONTRACTOR_EDITABLE_FIELDS = ("name_ru", "name_kk", "name_en", "region", "address", "email", "phone", "categories",
                              "experience_years")
TENDER_EDITABLE_FIELDS = ("title_ru", "title_kk", "title_en", "description", "method", "single_source_justification",
                          "is_turnkey", "evaluation_criteria", "clarification_deadline", "bid_deadline", "opening_at",
                          "evaluation_deadline")


# --- small helpers -----------------------------------------------------------------------------------------


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def _user_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _now(at: dt.datetime | None) -> dt.datetime:
    return at or timezone.now()


def _positive(value: Any, field: str) -> Decimal:
    try:
        amount = to_tenge(value)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ServiceError({field: [_("Enter an amount in tenge.")]}, code="invalid") from error
    if not amount.is_finite() or amount <= 0:
        raise ServiceError({field: [_("The amount must be positive.")]}, code="not_positive")
    return amount


def _share(value: Any, field: str = "local_content_share") -> Decimal:
    try:
        share = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ServiceError({field: [_("Enter the share as a percentage from 0 to 100.")]}, code="invalid") from error
    if not share.is_finite() or share < 0 or share > HUNDRED:
        raise ServiceError({field: [_("The share is a percentage from 0 to 100.")]}, code="invalid")
    return share


def _categories(values: Iterable[str]) -> list[str]:
    values = list(values or [])
    unknown = sorted(set(values) - set(WorkCategory.values))
    if unknown:
        raise ServiceError({"categories": [_("Unknown categories of work: %(codes)s.") % {"codes": ", ".join(unknown)}]},
                           code="invalid")
    return sorted(set(values), key=WorkCategory.values.index)


# --- who may act -------------------------------------------------------------------------------------------


def is_customer_side(*, user: Any, project: Project) -> bool:
    """The project's owner members or the akimat of its region (the customer of its tenders)."""
    return project_is_owner_side(user=user, project=project)


def is_review_body(*, user: Any, project: Project) -> bool:
    """True for the review body of complaints on tenders of ``project``'s region."""
    return scope_of(user).covers_region(project.region_id, *REVIEW_ROLES)


def is_registry_keeper(user: Any) -> bool:
    """True for the technical operator or the project office, who keep the contractor registry."""
    return scope_of(user).has_role(*REGISTRY_ROLES)


def may_make(*, user: Any, tender: Tender, transition: Transition) -> bool:
    """True when ``user`` holds, for this tender, one of the roles ``transition`` allows."""
    scope = scope_of(user)
    project = tender.project
    for role in transition.roles:
        if role == CUSTOMER and is_customer_side(user=user, project=project):
            return True
        if role == REVIEW_BODY and is_review_body(user=user, project=project):
            return True
        if role not in (CUSTOMER, REVIEW_BODY) and scope.covers_region(project.region_id, role):
            return True
    return False


def may_manage(*, user: Any, tender: Tender) -> bool:
    """True when ``user`` prepares and runs ``tender`` (the customer side or the organizer)."""
    return may_make(user=user, tender=tender, transition=TRANSITIONS_BY_ACTION["start_evaluation"])


def contractor_of(user: Any) -> Contractor | None:
    """The contractor a signed-in user acts for (its organization's registration), if any."""
    scope = scope_of(user)
    if not scope.has_role(Role.CONTRACTOR) or not scope.organization_id:
        return None
    return Contractor.objects.filter(organization_id=scope.organization_id).first()


def is_unreliable(contractor: Contractor, on: dt.date | None = None) -> bool:
    """True while an entry of the register of unreliable suppliers is in force for ``contractor``."""
    on = on or timezone.localdate()
    return contractor.unreliable_entries.filter(
        Q(listed_until__isnull=True) | Q(listed_until__gte=on), listed_from__lte=on, removed_at__isnull=True,
    ).exists()


def bidding_problem(contractor: Contractor, on: dt.date | None = None) -> str | None:
    """Why ``contractor`` may not bid, or ``None`` when it may (verified and not on the unreliable register)."""
    if contractor.status != ContractorStatus.VERIFIED:
        return _("Only a verified contractor may bid; this one is “%(status)s”.") % {
            "status": contractor.get_status_display()}
    if is_unreliable(contractor, on):
        return _("The contractor is on the register of unreliable suppliers and may not bid.")
    return None


# --- the contractor registry -------------------------------------------------------------------------------


def _check_bin(value: Any) -> str:
    value = (value or "").strip() if isinstance(value, str) else value
    problem = business_identification_number_problem(value)
    if problem:
        raise ServiceError({"bin": [_("Invalid BIN: %(problem)s.") % {"problem": problem}]}, code="invalid_bin")
    return value


def contractor_register(
    *, actor: Any, bin: str, name_ru: str, name_kk: str = "", name_en: str = "", region: Any = None,
    address: str = "", email: str = "", phone: str = "", categories: Iterable[str] = (), experience_years: int = 0,
    organization: Organization | None = None, at: dt.datetime | None = None,
) -> Contractor:
    """Register a contractor (pending verification) with its BIN, checked with its control digit.

    A contractor's own user registers its organization (``organization`` is then the user's); the
    technical operator or the project office may register one on its behalf and name the organization.
    An organization whose BIN is known must register under that BIN.
    """
    bin = _check_bin(bin)
    if not (name_ru or "").strip():
        raise ServiceError({"name_ru": [_("Give the contractor's name.")]}, code="required")
    if actor is not None:
        scope = scope_of(actor)
        if scope.has_role(Role.CONTRACTOR):
            organization = actor.organization
        elif not is_registry_keeper(actor):
            raise _forbidden(_("Only a contractor's own user, the technical operator or the project office registers contractors."))
    if organization is not None:
        if organization.bin and organization.bin != bin:
            raise ServiceError({"bin": [_("The BIN differs from the organization's BIN %(bin)s.") % {"bin": organization.bin}]},
                               code="bin_mismatch")
        if Contractor.objects.filter(organization=organization).exists():
            raise ServiceError(_("This organization is already registered as a contractor."), code="duplicate")
    if Contractor.objects.filter(bin=bin).exists():
        raise ServiceError({"bin": [_("A contractor with this BIN is already registered.")]}, code="duplicate")
    contractor = Contractor(
        bin=bin, name_ru=name_ru.strip(), name_kk=name_kk, name_en=name_en, region=region, address=address,
        email=email, phone=phone, categories=_categories(categories), experience_years=experience_years or 0,
        organization=organization, status=ContractorStatus.PENDING, status_changed_at=_now(at),
        registered_by=_user_or_none(actor),
    )
    with transaction.atomic():
        return audited_create(contractor, actor=actor, reason=_("Registered"))


def _may_edit_contractor(user: Any, contractor: Contractor) -> bool:
    scope = scope_of(user)
    own = scope.has_role(Role.CONTRACTOR) and contractor.organization_id and \
        scope.organization_id == contractor.organization_id
    return bool(own) or is_registry_keeper(user)


def contractor_update(*, actor: Any, contractor: Contractor, expected_version: int, reason: str = "",
                      **changes: Any) -> Contractor:
    """Change a contractor's name, address, contacts, categories of work or years of experience."""
    unknown = set(changes) - set(CONTRACTOR_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if actor is not None and not _may_edit_contractor(actor, contractor):
        raise _forbidden(_("You may not change this contractor's registration."))
    if "categories" in changes:
        changes["categories"] = _categories(changes["categories"])
    changed = [name for name, value in changes.items() if getattr(contractor, name) != value]
    if not changed:
        return contractor
    for name in changed:
        setattr(contractor, name, changes[name])
    with transaction.atomic():
        return versioned_save(contractor, actor=actor, update_fields=changed, expected_version=expected_version,
                              reason=reason)


def contractor_licence_add(*, actor: Any, contractor: Contractor, category: str, number: str, issued_on: dt.date,
                           valid_until: dt.date | None = None, issuer: str = "") -> ContractorLicence:
    """Attach a licence for a category of work to a contractor's registration."""
    if actor is not None and not _may_edit_contractor(actor, contractor):
        raise _forbidden(_("You may not change this contractor's registration."))
    if valid_until is not None and valid_until < issued_on:
        raise ServiceError({"valid_until": [_("A licence cannot expire before it is issued.")]}, code="invalid")
    with transaction.atomic():
        return audited_create(ContractorLicence(contractor=contractor, category=category, number=number.strip(),
                                                issued_on=issued_on, valid_until=valid_until, issuer=issuer),
                              actor=actor)


def contractor_experience_add(*, actor: Any, contractor: Contractor, category: str, title: str, customer: str,
                              year: int, value: Any) -> ContractorExperience:
    """Record a contract the contractor completed (its experience)."""
    if actor is not None and not _may_edit_contractor(actor, contractor):
        raise _forbidden(_("You may not change this contractor's registration."))
    with transaction.atomic():
        return audited_create(ContractorExperience(contractor=contractor, category=category, title=title,
                                                   customer=customer, year=year, value=_positive(value, "value")),
                              actor=actor)


def contractor_document_add(*, actor: Any, contractor: Contractor, kind: str, title: str,
                            file: Any) -> ContractorDocument:
    """Attach a document (charter, licence, statements …) to a contractor's registration."""
    if actor is not None and not _may_edit_contractor(actor, contractor):
        raise _forbidden(_("You may not change this contractor's registration."))
    if kind not in ContractorDocumentKind.values:
        raise ServiceError({"kind": [_("Unknown kind of document.")]}, code="invalid")
    with transaction.atomic():
        return audited_create(ContractorDocument(contractor=contractor, kind=kind, title=title, file=file),
                              actor=actor)


def _contractor_move(*, actor: Any, contractor: Contractor, action: str, reason: str,
                     at: dt.datetime | None) -> Contractor:
    transition = CONTRACTOR_TRANSITIONS_BY_ACTION[action]
    if actor is not None and not is_registry_keeper(actor):
        raise _forbidden(_("Only the technical operator or the project office verifies and suspends contractors."))
    with transaction.atomic():
        locked = Contractor.objects.select_for_update().get(pk=contractor.pk)
        if locked.status not in transition.sources:
            raise TransitionError(_("“%(action)s” is not possible while the contractor is “%(status)s”.")
                                  % {"action": transition.label, "status": locked.get_status_display()},
                                  code="wrong_status")
        if transition.reason_required and not reason.strip():
            raise TransitionError(_("Give the reason for “%(action)s”.") % {"action": transition.label},
                                  code="reason_required")
        now = _now(at)
        locked.status, locked.status_changed_at, locked.status_reason = transition.target, now, reason.strip()
        fields = ["status", "status_changed_at", "status_reason"]
        if transition.target == ContractorStatus.VERIFIED:
            locked.verified_by, locked.verified_at = _user_or_none(actor), now
            fields += ["verified_by", "verified_at"]
        versioned_save(locked, actor=actor, update_fields=fields, reason=reason or str(transition.label))
    return locked


def contractor_verify(*, actor: Any, contractor: Contractor, reason: str = "",
                      at: dt.datetime | None = None) -> Contractor:
    """The technical operator verifies a pending contractor, or reinstates a suspended one."""
    return _contractor_move(actor=actor, contractor=contractor, action="verify", reason=reason, at=at)


def contractor_suspend(*, actor: Any, contractor: Contractor, reason: str,
                       at: dt.datetime | None = None) -> Contractor:
    """The technical operator suspends a contractor's registration (it may not bid meanwhile); reason required."""
    return _contractor_move(actor=actor, contractor=contractor, action="suspend", reason=reason, at=at)


def unreliable_supplier_include(*, actor: Any, contractor: Contractor, reason: str, basis: str = "",
                                listed_from: dt.date | None = None,
                                listed_until: dt.date | None = None) -> UnreliableSupplier:
    """Enter a contractor in the register of unreliable suppliers; while in force it may not bid."""
    if actor is not None and not is_registry_keeper(actor):
        raise _forbidden(_("Only the technical operator or the project office keeps the register of unreliable suppliers."))
    if not reason.strip():
        raise ServiceError({"reason": [_("Give the reason for the entry.")]}, code="reason_required")
    listed_from = listed_from or timezone.localdate()
    if listed_until is not None and listed_until < listed_from:
        raise ServiceError({"listed_until": [_("The entry cannot end before it starts.")]}, code="invalid")
    with transaction.atomic():
        return audited_create(UnreliableSupplier(contractor=contractor, reason=reason.strip(), basis=basis,
                                                 listed_from=listed_from, listed_until=listed_until,
                                                 listed_by=_user_or_none(actor)),
                              actor=actor, reason=reason)


def unreliable_supplier_remove(*, actor: Any, entry: UnreliableSupplier, reason: str,
                               at: dt.datetime | None = None) -> UnreliableSupplier:
    """Remove an entry from the register before its end (for instance, a court overturned it); reason required."""
    if actor is not None and not is_registry_keeper(actor):
        raise _forbidden(_("Only the technical operator or the project office keeps the register of unreliable suppliers."))
    if not reason.strip():
        raise ServiceError({"reason": [_("Give the reason for the removal.")]}, code="reason_required")
    with transaction.atomic():
        locked = UnreliableSupplier.objects.select_for_update().get(pk=entry.pk)
        if locked.removed_at is not None:
            raise ServiceError(_("This entry has been removed already."), code="removed")
        locked.removed_at, locked.removal_reason = _now(at), reason.strip()
        return versioned_save(locked, actor=actor, update_fields=["removed_at", "removal_reason"], reason=reason)


# --- tenders: preparation ----------------------------------------------------------------------------------


def _clean_lot(spec: Mapping[str, Any], number: int) -> dict[str, Any]:
    if not str(spec.get("title_ru") or "").strip():
        raise ServiceError({"lots": [_("Lot %(number)s needs a title.") % {"number": number}]}, code="invalid")
    if spec.get("category") not in WorkCategory.values:
        raise ServiceError({"lots": [_("Lot %(number)s needs a category of work.") % {"number": number}]},
                           code="invalid")
    return {
        "number": number, "title_ru": str(spec["title_ru"]).strip(), "title_kk": spec.get("title_kk", ""),
        "title_en": spec.get("title_en", ""), "category": spec["category"],
        "estimated_value": _positive(spec.get("estimated_value"), "estimated_value"),
    }


def _clean_requirement(spec: Mapping[str, Any], order: int) -> dict[str, Any]:
    kind = spec.get("kind", RequirementKind.OTHER)
    if kind not in RequirementKind.values or not str(spec.get("text") or "").strip():
        raise ServiceError({"requirements": [_("Requirement %(number)s needs its kind and text.") % {"number": order}]},
                           code="invalid")
    return {"order": order, "kind": kind, "text": str(spec["text"]).strip()}


def _tender_number(project: Project) -> str:
    count = Tender.objects.filter(project=project).count()
    return f"T-{project.code}-{count + 1:02d}"


def tender_create(
    *, actor: Any, project: Project, title_ru: str, lots: Sequence[Mapping[str, Any]],
    requirements: Sequence[Mapping[str, Any]] = (), method: str = TenderMethod.OPEN, is_turnkey: bool = False,
    title_kk: str = "", title_en: str = "", description: str = "", single_source_justification: str = "",
    evaluation_criteria: str = "", clarification_deadline: dt.datetime | None = None,
    bid_deadline: dt.datetime | None = None, opening_at: dt.datetime | None = None,
    evaluation_deadline: dt.datetime | None = None, retender_of: Tender | None = None,
    at: dt.datetime | None = None,
) -> Tender:
    """Prepare a tender (a draft) for a confirmed project, with its lots and qualification requirements.

    ``lots`` are mappings with ``title_ru`` (``title_kk``, ``title_en``), ``category`` (a ``WorkCategory``)
    and ``estimated_value``; ``requirements`` mappings with ``kind`` and ``text``. The customer is the
    project's owner; the tender's estimate is the sum of its lots'. The number and the OCID are given here
    and never change.
    """
    if actor is not None and not (is_customer_side(user=actor, project=project)
                                  or scope_of(actor).covers_region(project.region_id, Role.PROJECT_OFFICE)):
        raise _forbidden(_("Only the project's customer or the project office prepares its tenders."))
    if project.status not in (ProjectStatus.CONFIRMED, ProjectStatus.CONTRACTOR_DETERMINATION):
        raise ServiceError(_("Only a confirmed project, or one at contractor determination, can be tendered."),
                           code="project_status")
    if method not in TenderMethod.values:
        raise ServiceError({"method": [_("Unknown procurement method.")]}, code="invalid")
    if method == TenderMethod.SINGLE_SOURCE and not single_source_justification.strip():
        raise ServiceError({"single_source_justification": [_("A single-source procurement needs its justification.")]},
                           code="justification_required")
    if not (title_ru or "").strip():
        raise ServiceError({"title_ru": [_("Give the tender's title.")]}, code="required")
    if not lots:
        raise ServiceError({"lots": [_("A tender needs at least one lot.")]}, code="no_lots")
    lot_rows = [_clean_lot(spec, number) for number, spec in enumerate(lots, start=1)]
    requirement_rows = [_clean_requirement(spec, order) for order, spec in enumerate(requirements, start=1)]
    now = _now(at)
    with transaction.atomic():
        Project.objects.select_for_update().get(pk=project.pk)  # numbers per project are given one at a time
        number = _tender_number(project)
        tender = Tender(
            number=number, ocid=f"{ocid_prefix()}-{number}", project=project, customer_id=project.owner_id,
            title_ru=title_ru.strip(), title_kk=title_kk, title_en=title_en, description=description, method=method,
            single_source_justification=single_source_justification.strip(), is_turnkey=is_turnkey,
            estimated_value=sum((row["estimated_value"] for row in lot_rows), Decimal(0)),
            evaluation_criteria=evaluation_criteria, status=T.DRAFT, status_changed_at=now,
            clarification_deadline=clarification_deadline, bid_deadline=bid_deadline, opening_at=opening_at,
            evaluation_deadline=evaluation_deadline, retender_of=retender_of, created_by=_user_or_none(actor),
            project_confirmed_at=_confirmed_at(project),
        )
        audited_create(tender, actor=actor)
        for row in lot_rows:
            audited_create(Lot(tender=tender, **row), actor=actor)
        for row in requirement_rows:
            audited_create(QualificationRequirement(tender=tender, **row), actor=actor)
        TenderStatusChange.objects.create(tender=tender, from_status="", to_status=T.DRAFT,
                                          actor=_user_or_none(actor), changed_at=now)
    return tender


def _lock_tender(tender: Tender, expected_version: int | None = None) -> Tender:
    locked = Tender.objects.select_for_update().select_related("project").get(pk=tender.pk)
    if expected_version is not None and locked.version != expected_version:
        raise ConcurrentEditError(_("The tender was changed by someone else after you opened it. Reload it and try again."))
    return locked


def _require_draft(tender: Tender, actor: Any) -> None:
    if actor is not None and not may_make(user=actor, tender=tender, transition=TRANSITIONS_BY_ACTION["publish"]):
        raise _forbidden(_("Only the project's customer or the project office prepares its tenders."))
    if tender.status != T.DRAFT:
        raise TransitionError(_("A tender can be changed only as a draft."), code="wrong_status")


def tender_update(*, actor: Any, tender: Tender, expected_version: int, reason: str = "",
                  **changes: Any) -> Tender:
    """Change a draft tender's titles, description, method, turnkey flag, criteria or timeline."""
    unknown = set(changes) - set(TENDER_EDITABLE_FIELDS)
    if unknown:
        raise ServiceError(_("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = _lock_tender(tender, expected_version)
        _require_draft(locked, actor)
        changed = [name for name, value in changes.items() if getattr(locked, name) != value]
        if not changed:
            return locked
        for name in changed:
            setattr(locked, name, changes[name])
        if locked.method == TenderMethod.SINGLE_SOURCE and not locked.single_source_justification.strip():
            raise ServiceError({"single_source_justification": [_("A single-source procurement needs its justification.")]},
                               code="justification_required")
        versioned_save(locked, actor=actor, update_fields=changed, expected_version=expected_version, reason=reason)
    return locked


def lot_add(*, actor: Any, tender: Tender, title_ru: str, category: str, estimated_value: Any, title_kk: str = "",
            title_en: str = "") -> Lot:
    """Add a lot to a draft tender; the tender's estimate grows by the lot's."""
    with transaction.atomic():
        locked = _lock_tender(tender)
        _require_draft(locked, actor)
        number = (locked.lots.aggregate(last=Max("number"))["last"] or 0) + 1
        row = _clean_lot({"title_ru": title_ru, "category": category, "estimated_value": estimated_value,
                          "title_kk": title_kk, "title_en": title_en}, number)
        lot = audited_create(Lot(tender=locked, **row), actor=actor)
        locked.estimated_value += lot.estimated_value
        versioned_save(locked, actor=actor, update_fields=["estimated_value"], reason=_("Lot %(number)s added") % {"number": number})
    return lot


def requirement_add(*, actor: Any, tender: Tender, kind: str, text: str) -> QualificationRequirement:
    """Add a qualification requirement to a draft tender."""
    with transaction.atomic():
        locked = _lock_tender(tender)
        _require_draft(locked, actor)
        order = (locked.requirements.aggregate(last=Max("order"))["last"] or 0) + 1
        return audited_create(QualificationRequirement(tender=locked, **_clean_requirement({"kind": kind, "text": text}, order)),
                              actor=actor)


# --- tenders: the lifecycle --------------------------------------------------------------------------------


def _move(locked: Tender, *, actor: Any, action: str, reason: str = "", at: dt.datetime | None = None,
          extra_fields: Mapping[str, Any] | None = None, check_rights: bool = True) -> None:
    """Apply one row of the lifecycle table; ``check_rights=False`` when the calling service checked them."""
    transition = TRANSITIONS_BY_ACTION[action]
    if locked.status not in transition.sources:
        raise TransitionError(
            _("“%(action)s” is not possible while the tender is “%(status)s”.")
            % {"action": transition.label, "status": locked.get_status_display()},
            code="wrong_status",
        )
    if check_rights and actor is not None and not may_make(user=actor, tender=locked, transition=transition):
        raise TransitionError(_("Your role may not do “%(action)s”.") % {"action": transition.label}, code="forbidden")
    if transition.reason_required and not reason.strip():
        raise TransitionError(_("Give the reason for “%(action)s”.") % {"action": transition.label},
                              code="reason_required")
    now = _now(at)
    if transition.guard is not None:
        problem = transition.guard(locked, now)
        if problem:
            raise TransitionError(problem, code="guard")
    source = locked.status
    target = transition.target or locked.status_before_suspension
    fields = dict(extra_fields or {})
    fields["status_before_suspension"] = source if target == T.SUSPENDED else ""
    if target in (T.CANCELLED, T.UNSUCCESSFUL):
        fields["status_reason"] = reason.strip()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.status, locked.status_changed_at = target, now
    versioned_save(locked, actor=actor, update_fields=["status", "status_changed_at", *fields],
                   reason=reason or str(transition.label))
    TenderStatusChange.objects.create(tender=locked, from_status=source, to_status=target,
                                      actor=_user_or_none(actor), reason=reason, changed_at=now)


def _confirmed_at(project: Project) -> dt.datetime | None:
    return (StatusChange.objects.filter(project=project, to_status=ProjectStatus.CONFIRMED)
            .order_by("-changed_at").values_list("changed_at", flat=True).first())


def _record_milestone(*, actor: Any, project: Project, kind: str, day: dt.date) -> None:
    milestone = project.milestones.filter(kind=kind).first()
    if milestone is None or milestone.actual_date is not None:
        return
    portfolio_services.milestone_update(actor=actor, milestone=milestone, expected_version=milestone.version,
                                        actual_date=day, reason=str(MilestoneKind(kind).label))


def tender_publish(*, actor: Any, tender: Tender, expected_version: int | None = None,
                   at: dt.datetime | None = None) -> Tender:
    """Publish a draft tender: it becomes public and open for bids until its bid deadline.

    Publishing records the project's "tender published" milestone (through the portfolio's service) and, when
    the project is still "confirmed", moves it to contractor determination through the portfolio's
    transition service (whose readiness guard applies). The days from the project's confirmation to the
    publication are measured; more than ``PROCUREMENT_PUBLICATION_TARGET_DAYS`` makes the tender late.
    The portfolio's services need a person: ``actor`` may not be the system here.
    """
    if actor is None:
        raise _forbidden(_("A tender is published by a person, who answers for it."))
    now = _now(at)
    with transaction.atomic():
        locked = _lock_tender(tender, expected_version)
        confirmed = _confirmed_at(locked.project)
        days = None if confirmed is None else max((now - confirmed).days, 0)
        _move(locked, actor=actor, action="publish", at=now,
              extra_fields={"published_at": now, "project_confirmed_at": confirmed, "publication_days": days})
        project = Project.objects.get(pk=locked.project_id)
        _record_milestone(actor=actor, project=project, kind=MilestoneKind.TENDER_PUBLISHED,
                          day=timezone.localtime(now).date())
        if project.status == ProjectStatus.CONFIRMED:
            portfolio_services.project_transition(actor=actor, project=project, action="start_procurement",
                                                  reason=_("Tender %(number)s published") % {"number": locked.number})
    return locked


def _live_bids(lot: Lot):
    return lot.bids.filter(status__in=LIVE_BID_STATUSES)


def tender_open_bids(*, actor: Any, tender: Tender, at: dt.datetime | None = None) -> Tender:
    """Open the bids after the bid deadline: decrypt each live bid's price, share and documents, with who and when.

    A lot with fewer live bids than ``PROCUREMENT_MIN_BIDS`` (one for a single-source tender) is unsuccessful;
    when every lot is, the tender is declared unsuccessful for too few bids.
    """
    now = _now(at)
    with transaction.atomic():
        locked = _lock_tender(tender)
        _move(locked, actor=actor, action="open_bids", at=now,
              extra_fields={"bids_opened_at": now, "bids_opened_by": _user_or_none(actor)})
        needed = 1 if locked.method == TenderMethod.SINGLE_SOURCE else minimum_bids()
        unsuccessful = 0
        lots = list(locked.lots.select_for_update().order_by("number"))
        for lot in lots:
            bids = list(lot.bids.select_for_update().filter(status=BidStatus.SUBMITTED).select_related("lot__tender"))
            for bid in bids:
                content = unseal_bid(bid, now=now)
                bid.price, bid.local_content_share = content.price, content.local_content_share
                bid.status, bid.opened_at, bid.opened_by = BidStatus.OPENED, now, _user_or_none(actor)
                versioned_save(bid, actor=actor, update_fields=["price", "local_content_share", "status", "opened_at",
                                                               "opened_by"], reason=_("Opened"))
                for document in bid.documents.all():
                    with document.sealed_file.open("rb") as handle:
                        name, content_bytes = unseal_document(bid, handle.read(), now=now)
                    document.name = name
                    document.file.save(name, ContentFile(content_bytes), save=False)
                    versioned_save(document, actor=actor, update_fields=["name", "file"], reason=_("Opened"))
            if len(bids) < needed:
                lot.status = LotStatus.UNSUCCESSFUL
                versioned_save(lot, actor=actor, update_fields=["status"], reason=_("Too few bids"))
                unsuccessful += 1
        if lots and unsuccessful == len(lots):
            _move(locked, actor=actor, action="declare_unsuccessful", at=now,
                  reason=_("Too few bids: at least %(count)s needed for each lot.") % {"count": needed})
    return locked


def tender_start_evaluation(*, actor: Any, tender: Tender, at: dt.datetime | None = None) -> Tender:
    """Pass opened bids to the evaluation (qualification, then ranking)."""
    with transaction.atomic():
        locked = _lock_tender(tender)
        _move(locked, actor=actor, action="start_evaluation", at=at)
    return locked


def qualification_record(*, actor: Any, bid: Bid, requirement: QualificationRequirement, passed: bool,
                         note: str = "") -> QualificationCheck:
    """Record whether an opened bid passes one qualification requirement (during the evaluation)."""
    tender = bid.lot.tender
    if actor is not None and not may_manage(user=actor, tender=tender):
        raise _forbidden(_("Only the customer or the organizer evaluates bids."))
    if tender.status != T.EVALUATION:
        raise TransitionError(_("Qualification is recorded during the evaluation."), code="wrong_status")
    if requirement.tender_id != tender.pk:
        raise ServiceError(_("The requirement belongs to another tender."), code="wrong_tender")
    if bid.status not in (BidStatus.OPENED, BidStatus.QUALIFIED, BidStatus.DISQUALIFIED) or bid.lot.status != LotStatus.OPEN:
        raise ServiceError(_("Only an opened bid of an open lot is checked."), code="wrong_bid")
    if not passed and not note.strip():
        raise ServiceError({"note": [_("Say why the bid fails the requirement.")]}, code="reason_required")
    with transaction.atomic():
        existing = QualificationCheck.objects.select_for_update().filter(bid=bid, requirement=requirement).first()
        if existing is None:
            return audited_create(QualificationCheck(bid=bid, requirement=requirement, passed=passed, note=note,
                                                     checked_by=_user_or_none(actor)), actor=actor)
        existing.passed, existing.note, existing.checked_by = passed, note, _user_or_none(actor)
        return versioned_save(existing, actor=actor, update_fields=["passed", "note", "checked_by"])


def lot_evaluate(*, actor: Any, lot: Lot) -> list[Bid]:
    """Settle a lot's qualification and ranking: each opened bid passes only if it passes every requirement.

    Qualified bids are ranked by evaluated price (price less the domestic-content preference, see
    ``evaluation.py``); a lot with no qualified bid is unsuccessful. Returns the lot's bids, best first.
    """
    tender = lot.tender
    if actor is not None and not may_manage(user=actor, tender=tender):
        raise _forbidden(_("Only the customer or the organizer evaluates bids."))
    with transaction.atomic():
        locked_tender = _lock_tender(tender)
        if locked_tender.status != T.EVALUATION:
            raise TransitionError(_("Bids are ranked during the evaluation."), code="wrong_status")
        if lot.status != LotStatus.OPEN:
            raise ServiceError(_("This lot has been decided already."), code="lot_decided")
        requirement_ids = set(locked_tender.requirements.values_list("pk", flat=True))
        bids = list(lot.bids.select_for_update().filter(
            status__in=(BidStatus.OPENED, BidStatus.QUALIFIED, BidStatus.DISQUALIFIED)))
        checks: dict[int, dict[int, QualificationCheck]] = {}
        for check in QualificationCheck.objects.filter(bid__in=bids).select_related("requirement"):
            checks.setdefault(check.bid_id, {})[check.requirement_id] = check
        missing = [bid for bid in bids if set(checks.get(bid.pk, {})) != requirement_ids]
        if missing:
            raise ServiceError(_("Record every requirement's result for every bid first (%(count)s bids incomplete).")
                               % {"count": len(missing)}, code="qualification_incomplete")
        qualified = []
        for bid in bids:
            failed = [check for check in checks.get(bid.pk, {}).values() if not check.passed]
            if failed:
                bid.status, bid.rank, bid.evaluated_price, bid.preference_percent = BidStatus.DISQUALIFIED, None, None, None
                bid.disqualification_reason = "; ".join(f"{check.requirement.text}: {check.note}" for check in failed)
            else:
                bid.status, bid.disqualification_reason = BidStatus.QUALIFIED, ""
                qualified.append(bid)
        ranking = {row.bid_id: row for row in rank_bids(qualified)}
        for bid in bids:
            row = ranking.get(bid.pk)
            if row is not None:
                bid.rank, bid.evaluated_price, bid.preference_percent = row.rank, row.evaluated_price, row.preference_percent
            versioned_save(bid, actor=actor, update_fields=["status", "rank", "evaluated_price", "preference_percent",
                                                           "disqualification_reason"], reason=_("Evaluated"))
        if not qualified:
            lot.status = LotStatus.UNSUCCESSFUL
            versioned_save(lot, actor=actor, update_fields=["status"], reason=_("No qualified bid"))
    return sorted(bids, key=lambda bid: (bid.rank is None, bid.rank or 0, bid.pk))


def _award_next(*, actor: Any, lot: Lot, at: dt.datetime) -> Award | None:
    best = (lot.bids.filter(status=BidStatus.QUALIFIED, rank__isnull=False).order_by("rank").first())
    if best is None:
        lot.status = LotStatus.UNSUCCESSFUL
        versioned_save(lot, actor=actor, update_fields=["status"], reason=_("No qualified bid left"))
        return None
    return audited_create(Award(lot=lot, bid=best, contractor_id=best.contractor_id, value=best.price,
                                status=AwardStatus.PENDING, awarded_at=at, awarded_by=_user_or_none(actor)),
                          actor=actor)


def tender_award(*, actor: Any, tender: Tender, at: dt.datetime | None = None) -> list[Award]:
    """Award each ranked open lot to its best bid and announce the award (the tender becomes "awarded").

    Every open lot must have been evaluated (``lot_evaluate``); a tender where no lot has a winner is
    declared unsuccessful instead.
    """
    now = _now(at)
    with transaction.atomic():
        locked = _lock_tender(tender)
        if actor is not None and not may_manage(user=actor, tender=locked):
            raise _forbidden(_("Only the customer or the organizer awards the tender."))
        if locked.status != T.EVALUATION:
            raise TransitionError(_("The award is announced at the end of the evaluation."), code="wrong_status")
        awards = []
        for lot in locked.lots.select_for_update().filter(status=LotStatus.OPEN).order_by("number"):
            if lot.awards.filter(status=AwardStatus.PENDING).exists():
                continue
            if not lot.bids.filter(status=BidStatus.QUALIFIED, rank__isnull=False).exists():
                raise ServiceError(_("Lot %(number)s has not been evaluated.") % {"number": lot.number},
                                   code="not_evaluated")
            award = _award_next(actor=actor, lot=lot, at=now)
            if award is not None:
                awards.append(award)
        _move(locked, actor=actor, action="award", at=now)
    return awards


def tender_start_standstill(*, actor: Any, tender: Tender, at: dt.datetime | None = None) -> Tender:
    """Start the standstill after the award notice: the contract may be signed once it ends.

    It lasts ``PROCUREMENT_STANDSTILL_WORKING_DAYS`` working days on Kazakhstan's calendar; losing bidders
    may complain meanwhile.
    """
    now = _now(at)
    local = timezone.localtime(now)
    ends_on = add_working_days(local.date(), standstill_working_days())
    ends_at = timezone.make_aware(dt.datetime.combine(ends_on, local.time()), local.tzinfo)
    with transaction.atomic():
        locked = _lock_tender(tender)
        _move(locked, actor=actor, action="start_standstill", at=now, extra_fields={"standstill_ends_at": ends_at})
    return locked


def award_decline(*, actor: Any, award: Award, reason: str, at: dt.datetime | None = None) -> Award | None:
    """The winner declines the award (or fails to sign): the lot goes to the next-ranked qualified bid.

    The winner's own user or the customer side records it; the tender returns to the evaluation and is
    awarded again (and the standstill starts again). Returns the new award, or ``None`` when no qualified
    bid is left (the lot is then unsuccessful, and so is a tender with no winner left).
    """
    if not reason.strip():
        raise ServiceError({"reason": [_("Give the reason the award is declined.")]}, code="reason_required")
    now = _now(at)
    with transaction.atomic():
        locked_award = Award.objects.select_for_update().select_related("lot__tender__project", "bid").get(pk=award.pk)
        tender = _lock_tender(locked_award.lot.tender)
        own = contractor_of(actor) if actor is not None else None
        if actor is not None and not (may_manage(user=actor, tender=tender)
                                      or (own is not None and own.pk == locked_award.contractor_id)):
            raise _forbidden(_("Only the winner or the customer records that the award is declined."))
        if locked_award.status != AwardStatus.PENDING:
            raise ServiceError(_("Only an award waiting for signature can be declined."), code="wrong_status")
        locked_award.status, locked_award.declined_at, locked_award.decline_reason = AwardStatus.DECLINED, now, reason.strip()
        versioned_save(locked_award, actor=actor, update_fields=["status", "declined_at", "decline_reason"], reason=reason)
        bid = locked_award.bid
        bid.status = BidStatus.DECLINED
        versioned_save(bid, actor=actor, update_fields=["status"], reason=reason)
        _move(tender, actor=actor, action="reopen_award", reason=reason, at=now, check_rights=False)
        lot = Lot.objects.select_for_update().get(pk=locked_award.lot_id)
        new_award = _award_next(actor=actor, lot=lot, at=now)
        if tender.lots.filter(Q(status=LotStatus.AWARDED) | Q(awards__status=AwardStatus.PENDING)).exists():
            _move(tender, actor=actor, action="award", at=now, check_rights=False)
        else:
            _move(tender, actor=actor, action="declare_unsuccessful", at=now, check_rights=False,
                  reason=_("No qualified bid left after the winner declined."))
    return new_award


def tender_declare_unsuccessful(*, actor: Any, tender: Tender, reason: str, at: dt.datetime | None = None) -> Tender:
    """Declare a tender unsuccessful (too few bids, none qualified, all winners declined); reason required."""
    with transaction.atomic():
        locked = _lock_tender(tender)
        _move(locked, actor=actor, action="declare_unsuccessful", reason=reason, at=at)
    return locked


def tender_cancel(*, actor: Any, tender: Tender, reason: str, at: dt.datetime | None = None) -> Tender:
    """Cancel a tender that has not reached a contract, with the reason (published with it)."""
    with transaction.atomic():
        locked = _lock_tender(tender)
        _move(locked, actor=actor, action="cancel", reason=reason, at=at)
        Award.objects.filter(lot__tender=locked, status=AwardStatus.PENDING).update(status=AwardStatus.CANCELLED)
    return locked


def tender_retender(*, actor: Any, tender: Tender, clarification_deadline: dt.datetime | None = None,
                    bid_deadline: dt.datetime | None = None, opening_at: dt.datetime | None = None,
                    at: dt.datetime | None = None) -> Tender:
    """Re-tender an unsuccessful or cancelled tender: a new draft with the same lots and requirements.

    The old tender becomes "re-tendered" and the new one names it (``retender_of``).
    """
    now = _now(at)
    with transaction.atomic():
        locked = _lock_tender(tender)
        if actor is not None and not may_make(user=actor, tender=locked, transition=TRANSITIONS_BY_ACTION["retender"]):
            raise _forbidden(_("Only the customer or the organizer re-tenders."))
        _move(locked, actor=actor, action="retender", at=now, check_rights=False)
        lots = [{"title_ru": lot.title_ru, "title_kk": lot.title_kk, "title_en": lot.title_en, "category": lot.category,
                 "estimated_value": lot.estimated_value} for lot in locked.lots.order_by("number")]
        requirements = [{"kind": row.kind, "text": row.text} for row in locked.requirements.order_by("order", "pk")]
        return tender_create(
            actor=actor, project=locked.project, title_ru=locked.title_ru, title_kk=locked.title_kk,
            title_en=locked.title_en, description=locked.description, lots=lots, requirements=requirements,
            method=locked.method, is_turnkey=locked.is_turnkey,
            single_source_justification=locked.single_source_justification,
            evaluation_criteria=locked.evaluation_criteria, clarification_deadline=clarification_deadline,
            bid_deadline=bid_deadline, opening_at=opening_at, retender_of=locked, at=now,
        )


def tender_complete(*, actor: Any, tender: Tender, at: dt.datetime | None = None) -> Tender:
    """Close a tender whose contracts are signed."""
    with transaction.atomic():
        locked = _lock_tender(tender)
        _move(locked, actor=actor, action="complete", at=at)
    return locked


# --- questions and complaints ------------------------------------------------------------------------------


def question_ask(*, actor: Any, tender: Tender, text: str, lot: Lot | None = None,
                 at: dt.datetime | None = None) -> Question:
    """Ask a public clarification question on a published tender, until its clarification deadline.

    Any registered contractor's user may ask; the question and its answer are public, the asker is not.
    """
    now = _now(at)
    if actor is not None and contractor_of(actor) is None:
        raise _forbidden(_("Questions are asked by registered contractors."))
    if not (text or "").strip():
        raise ServiceError({"text": [_("Write the question.")]}, code="required")
    if tender.status != T.PUBLISHED:
        raise TransitionError(_("Questions are asked while the tender is published and open for bids."), code="wrong_status")
    if tender.clarification_deadline and now > tender.clarification_deadline:
        raise ServiceError(_("The clarification deadline has passed."), code="deadline_passed")
    if lot is not None and lot.tender_id != tender.pk:
        raise ServiceError({"lot": [_("The lot belongs to another tender.")]}, code="wrong_tender")
    with transaction.atomic():
        return audited_create(Question(tender=tender, lot=lot, text=text.strip(), asked_by=_user_or_none(actor),
                                       asked_at=now), actor=actor)


def question_answer(*, actor: Any, question: Question, answer: str, at: dt.datetime | None = None) -> Question:
    """The customer or the organizer answers a clarification question (published with it)."""
    if actor is not None and not may_manage(user=actor, tender=question.tender):
        raise _forbidden(_("Only the customer or the organizer answers questions."))
    if not (answer or "").strip():
        raise ServiceError({"answer": [_("Write the answer.")]}, code="required")
    with transaction.atomic():
        locked = Question.objects.select_for_update().get(pk=question.pk)
        if locked.answered_at is not None:
            raise ServiceError(_("This question has been answered already."), code="answered")
        locked.answer, locked.answered_by, locked.answered_at = answer.strip(), _user_or_none(actor), _now(at)
        return versioned_save(locked, actor=actor, update_fields=["answer", "answered_by", "answered_at"])


def complaint_file(*, actor: Any, tender: Tender, subject: str, text: str, contractor: Contractor | None = None,
                   at: dt.datetime | None = None) -> Complaint:
    """A registered contractor complains about a published tender to the review body."""
    if actor is not None:
        contractor = contractor_of(actor)
        if contractor is None:
            raise _forbidden(_("Complaints are filed by registered contractors."))
    if contractor is None:
        raise ServiceError(_("Name the complaining contractor."), code="required")
    if not (subject or "").strip() or not (text or "").strip():
        raise ServiceError(_("Give the complaint's subject and text."), code="required")
    if tender.status not in (T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED, T.STANDSTILL, T.SUSPENDED):
        raise TransitionError(_("Complaints are filed on a tender in progress, before its contract."), code="wrong_status")
    with transaction.atomic():
        return audited_create(Complaint(tender=tender, contractor=contractor, subject=subject.strip(), text=text.strip(),
                                        status=ComplaintStatus.FILED, filed_at=_now(at), filed_by=_user_or_none(actor)),
                              actor=actor)


def complaint_accept(*, actor: Any, complaint: Complaint, suspend: bool, at: dt.datetime | None = None) -> Complaint:
    """The review body takes a complaint for review and may suspend the tender until its decision."""
    now = _now(at)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().select_related("tender__project").get(pk=complaint.pk)
        if actor is not None and not is_review_body(user=actor, project=locked.tender.project):
            raise _forbidden(_("Only the review body reviews complaints."))
        if locked.status != ComplaintStatus.FILED:
            raise TransitionError(_("This complaint has been taken for review already."), code="wrong_status")
        locked.status, locked.accepted_at = ComplaintStatus.UNDER_REVIEW, now
        fields = ["status", "accepted_at"]
        if suspend:
            tender = _lock_tender(locked.tender)
            if tender.status != T.SUSPENDED:
                _move(tender, actor=actor, action="suspend", at=now,
                      reason=_("Complaint: %(subject)s") % {"subject": locked.subject})
            locked.suspended_tender = True
            fields.append("suspended_tender")
        versioned_save(locked, actor=actor, update_fields=fields)
    return locked


def complaint_decide(*, actor: Any, complaint: Complaint, upheld: bool, decision: str, decision_number: str = "",
                     new_bid_deadline: dt.datetime | None = None, at: dt.datetime | None = None) -> Complaint:
    """The review body upholds or dismisses a complaint; the suspension it caused is lifted.

    When upheld on a tender still open for bids, ``new_bid_deadline`` may extend the bid deadline (and the
    opening with it) so that bidders can respond to the corrected terms.
    """
    if not (decision or "").strip():
        raise ServiceError({"decision": [_("Write the decision.")]}, code="required")
    now = _now(at)
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().select_related("tender__project").get(pk=complaint.pk)
        if actor is not None and not is_review_body(user=actor, project=locked.tender.project):
            raise _forbidden(_("Only the review body decides on complaints."))
        if locked.status not in OPEN_COMPLAINT_STATUSES:
            raise TransitionError(_("This complaint has been decided already."), code="wrong_status")
        locked.status = ComplaintStatus.UPHELD if upheld else ComplaintStatus.DISMISSED
        locked.decision, locked.decision_number = decision.strip(), decision_number.strip()
        locked.decided_by, locked.decided_at = _user_or_none(actor), now
        versioned_save(locked, actor=actor, update_fields=["status", "decision", "decision_number", "decided_by",
                                                          "decided_at"], reason=decision)
        tender = _lock_tender(locked.tender)
        still_suspending = tender.complaints.filter(status__in=OPEN_COMPLAINT_STATUSES, suspended_tender=True).exists()
        if tender.status == T.SUSPENDED and not still_suspending:
            extra: dict[str, Any] = {}
            if new_bid_deadline is not None:
                if tender.status_before_suspension != T.PUBLISHED or new_bid_deadline <= now:
                    raise ServiceError({"new_bid_deadline": [_("Only a future bid deadline of a tender open for bids can be set.")]},
                                       code="invalid")
                shift = new_bid_deadline - tender.bid_deadline
                extra = {"bid_deadline": new_bid_deadline, "opening_at": tender.opening_at + shift}
                if tender.evaluation_deadline:
                    extra["evaluation_deadline"] = tender.evaluation_deadline + shift
            _move(tender, actor=actor, action="lift_suspension", at=now, extra_fields=extra,
                  reason=_("Complaint decided: %(decision)s") % {"decision": locked.get_status_display()})
    return locked


def complaint_withdraw(*, actor: Any, complaint: Complaint, at: dt.datetime | None = None) -> Complaint:
    """The complainant withdraws its complaint before the decision; a suspension it caused is lifted."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().select_related("tender__project").get(pk=complaint.pk)
        own = contractor_of(actor) if actor is not None else locked.contractor
        if own is None or own.pk != locked.contractor_id:
            raise _forbidden(_("Only the complainant withdraws its complaint."))
        if locked.status not in OPEN_COMPLAINT_STATUSES:
            raise TransitionError(_("This complaint has been decided already."), code="wrong_status")
        locked.status = ComplaintStatus.WITHDRAWN
        versioned_save(locked, actor=actor, update_fields=["status"])
        tender = _lock_tender(locked.tender)
        if tender.status == T.SUSPENDED and not tender.complaints.filter(
                status__in=OPEN_COMPLAINT_STATUSES, suspended_tender=True).exists():
            _move(tender, actor=actor, action="lift_suspension", at=at, reason=_("Complaint withdrawn"),
                  check_rights=False)
    return locked


# --- sealed bids -------------------------------------------------------------------------------------------


def _bidder(actor: Any, contractor: Contractor | None) -> Contractor:
    if actor is not None:
        own = contractor_of(actor)
        if own is None:
            raise _forbidden(_("Bids are submitted by registered contractors."))
        return own
    if contractor is None:
        raise ServiceError(_("Name the bidding contractor."), code="required")
    return contractor


def _check_bid_window(tender: Tender, now: dt.datetime) -> None:
    if tender.status != T.PUBLISHED:
        raise TransitionError(_("The tender is not accepting bids (it is “%(status)s”).")
                              % {"status": tender.get_status_display()}, code="not_accepting")
    if tender.bid_deadline is None or now >= tender.bid_deadline:
        raise ServiceError(_("The bid deadline has passed: bids are no longer accepted."), code="deadline_passed")


def _seal_documents(bid: Bid, documents: Iterable[tuple[str, bytes]], actor: Any) -> None:
    for name, content in documents:
        if not name or content is None:
            raise ServiceError({"documents": [_("Each document needs a file name and content.")]}, code="invalid")
        sealed = seal_document(str(name), bytes(content))
        document = BidDocument(bid=bid)
        document.sealed_file.save(f"{uuid.uuid4().hex}.sealed", ContentFile(sealed), save=False)
        audited_create(document, actor=actor)


def bid_submit(
    *, actor: Any, tender: Tender, lot: Lot, price: Any, local_content_share: Any,
    documents: Iterable[tuple[str, bytes]] = (), contractor: Contractor | None = None, replaces: Bid | None = None,
    at: dt.datetime | None = None,
) -> Bid:
    """Submit a sealed bid for a lot of a published tender, before its bid deadline.

    Refused, with nothing written: after the deadline, from a contractor not verified or on the unreliable
    register, for a lot of another tender, with a price that is not positive, or a share outside 0–100 %.
    The price, the share and the documents (pairs of file name and bytes) are encrypted at once; the bid
    keeps only the ciphertext and its fingerprint until the opening. A contractor has one live bid per lot:
    to change it, replace it (``bid_replace``).
    """
    now = _now(at)
    bidder = _bidder(actor, contractor)
    if lot.tender_id != tender.pk:
        raise ServiceError({"lot": [_("The lot belongs to another tender.")]}, code="wrong_tender")
    amount = _positive(price, "price")
    share = _share(local_content_share)
    documents = list(documents)
    with transaction.atomic():
        locked = _lock_tender(tender)
        _check_bid_window(locked, now)
        problem = bidding_problem(bidder, timezone.localtime(now).date())
        if problem:
            raise ServiceError(problem, code="not_eligible")
        if lot.status != LotStatus.OPEN:
            raise ServiceError({"lot": [_("This lot is not open.")]}, code="lot_closed")
        existing = Bid.objects.select_for_update().filter(lot=lot, contractor=bidder, status=BidStatus.SUBMITTED)
        if replaces is None and existing.exists():
            raise ServiceError(_("You already have a bid for this lot: replace or withdraw it."), code="duplicate")
        token = seal_bid(BidContent(price=amount, local_content_share=share))
        bid = audited_create(Bid(lot=lot, contractor=bidder, status=BidStatus.SUBMITTED, submitted_at=now,
                                 submitted_by=_user_or_none(actor), replaces=replaces, sealed_content=token,
                                 seal_digest=seal_digest(token)),
                             actor=actor, reason=_("Sealed bid submitted"))
        _seal_documents(bid, documents, actor)
    return bid


def _own_live_bid(actor: Any, bid: Bid, now: dt.datetime) -> Bid:
    locked = Bid.objects.select_for_update().select_related("lot__tender", "contractor").get(pk=bid.pk)
    if actor is not None:
        own = contractor_of(actor)
        if own is None or own.pk != locked.contractor_id:
            raise _forbidden(_("Only the bidder changes its bid."))
    if locked.status != BidStatus.SUBMITTED:
        raise ServiceError(_("Only a submitted bid can be withdrawn or replaced."), code="wrong_status")
    _check_bid_window(locked.lot.tender, now)
    return locked


def bid_withdraw(*, actor: Any, bid: Bid, at: dt.datetime | None = None) -> Bid:
    """The bidder withdraws its sealed bid before the bid deadline (its content is never opened)."""
    now = _now(at)
    with transaction.atomic():
        locked = _own_live_bid(actor, bid, now)
        locked.status, locked.withdrawn_at = BidStatus.WITHDRAWN, now
        versioned_save(locked, actor=actor, update_fields=["status", "withdrawn_at"], reason=_("Withdrawn"))
    return locked


def bid_replace(*, actor: Any, bid: Bid, price: Any, local_content_share: Any,
                documents: Iterable[tuple[str, bytes]] = (), at: dt.datetime | None = None) -> Bid:
    """The bidder replaces its sealed bid before the deadline; the old one is kept, marked replaced, unopened."""
    now = _now(at)
    with transaction.atomic():
        locked = _own_live_bid(actor, bid, now)
        locked.status, locked.withdrawn_at = BidStatus.REPLACED, now
        versioned_save(locked, actor=actor, update_fields=["status", "withdrawn_at"], reason=_("Replaced"))
        return bid_submit(actor=actor, tender=locked.lot.tender, lot=locked.lot, price=price,
                          local_content_share=local_content_share, documents=documents,
                          contractor=locked.contractor, replaces=locked, at=now)


# --- contracts ---------------------------------------------------------------------------------------------


def contract_sign(
    *, actor: Any, award: Award, number: str, start_date: dt.date, end_date: dt.date,
    local_content_share: Any = None, at: dt.datetime | None = None,
) -> Contract:
    """Record the contract signed on a pending award after the standstill, at the winning bid's price.

    The committed local-content share defaults to the bid's declared one and may not be lower (the
    domestic preference was earned with it). Once every awarded lot has its contract, the tender becomes
    "contract signed" and the project's "contract signed" milestone is recorded.
    """
    now = _now(at)
    if not (number or "").strip():
        raise ServiceError({"number": [_("Give the contract's number.")]}, code="required")
    if end_date < start_date:
        raise ServiceError({"end_date": [_("The contract cannot end before it starts.")]}, code="invalid")
    with transaction.atomic():
        locked_award = Award.objects.select_for_update().select_related("lot__tender__project", "bid").get(pk=award.pk)
        tender = _lock_tender(locked_award.lot.tender)
        if actor is not None and not may_manage(user=actor, tender=tender):
            raise _forbidden(_("Only the customer or the organizer records the contract."))
        if locked_award.status != AwardStatus.PENDING:
            raise ServiceError(_("Only a pending award is signed."), code="wrong_status")
        if tender.status != T.STANDSTILL:
            raise TransitionError(_("The contract is signed after the standstill period."), code="wrong_status")
        problem = TRANSITIONS_BY_ACTION["sign_contract"].guard(tender, now)
        if problem:
            raise TransitionError(problem, code="guard")
        declared = locked_award.bid.local_content_share or Decimal(0)
        share = declared if local_content_share in (None, "") else _share(local_content_share)
        if share < declared:
            raise ServiceError({"local_content_share": [_("The committed local content cannot be below the %(share)s %% declared in the bid.")
                                                        % {"share": declared}]}, code="below_declared")
        contract = Contract(
            number=number.strip(), award=locked_award, tender=tender, lot=locked_award.lot, project=tender.project,
            customer_id=tender.customer_id, contractor_id=locked_award.contractor_id, signed_value=locked_award.value,
            value=locked_award.value, start_date=start_date, signed_end_date=end_date, end_date=end_date,
            local_content_share=share, signed_at=now, signed_by=_user_or_none(actor), status=ContractStatus.ACTIVE,
        )
        try:
            with transaction.atomic():
                audited_create(contract, actor=actor)
        except IntegrityError as error:
            raise ServiceError({"number": [_("A contract with this number exists already.")]}, code="duplicate") from error
        locked_award.status = AwardStatus.SIGNED
        versioned_save(locked_award, actor=actor, update_fields=["status"])
        bid = locked_award.bid
        bid.status = BidStatus.AWARDED
        versioned_save(bid, actor=actor, update_fields=["status"])
        lot = locked_award.lot
        lot.status = LotStatus.AWARDED
        versioned_save(lot, actor=actor, update_fields=["status"])
        if not tender.lots.filter(awards__status=AwardStatus.PENDING).exists():
            _move(tender, actor=actor, action="sign_contract", at=now, check_rights=False)
            if actor is not None:
                _record_milestone(actor=actor, project=Project.objects.get(pk=tender.project_id),
                                  kind=MilestoneKind.CONTRACT_SIGNED, day=timezone.localtime(now).date())
    return contract


def _lock_contract(contract: Contract, actor: Any) -> Contract:
    locked = Contract.objects.select_for_update().select_related("tender__project").get(pk=contract.pk)
    if actor is not None and not may_manage(user=actor, tender=locked.tender):
        raise _forbidden(_("Only the customer or the organizer records this contract's changes."))
    if locked.status != ContractStatus.ACTIVE:
        raise TransitionError(_("The contract is no longer in force."), code="wrong_status")
    return locked


def contract_amend(
    *, actor: Any, contract: Contract, kind: str, reason: str, signed_on: dt.date, value_change: Any = 0,
    new_end_date: dt.date | None = None, scope_change: str = "",
) -> ContractAmendment:
    """Record an amendment of a contract's value, duration or scope.

    The contract's current value and end change with it. The cumulative increase over the signed value is
    measured; above ``PROCUREMENT_AMENDMENT_LIMIT_PERCENT`` (10 % by default) the amendment is flagged.
    """
    if kind not in AmendmentKind.values:
        raise ServiceError({"kind": [_("Unknown kind of amendment.")]}, code="invalid")
    if not (reason or "").strip():
        raise ServiceError({"reason": [_("Give the reason for the amendment.")]}, code="reason_required")
    try:
        change = to_tenge(value_change or 0)
    except (InvalidOperation, TypeError, ValueError) as error:
        raise ServiceError({"value_change": [_("Enter an amount in tenge.")]}, code="invalid") from error
    if kind == AmendmentKind.VALUE and change == 0:
        raise ServiceError({"value_change": [_("A value amendment changes the value.")]}, code="invalid")
    if kind == AmendmentKind.DURATION and new_end_date is None:
        raise ServiceError({"new_end_date": [_("A duration amendment sets the new end.")]}, code="invalid")
    if kind == AmendmentKind.SCOPE and not scope_change.strip():
        raise ServiceError({"scope_change": [_("Describe the change of scope.")]}, code="invalid")
    with transaction.atomic():
        locked = _lock_contract(contract, actor)
        new_value = locked.value + change
        if new_value <= 0:
            raise ServiceError({"value_change": [_("The contract's value must stay positive.")]}, code="not_positive")
        if new_end_date is not None and new_end_date < locked.start_date:
            raise ServiceError({"new_end_date": [_("The contract cannot end before it starts.")]}, code="invalid")
        increase = ((new_value - locked.signed_value) / locked.signed_value * HUNDRED).quantize(Decimal("0.01"))
        number = (locked.amendments.aggregate(last=Max("number"))["last"] or 0) + 1
        amendment = audited_create(ContractAmendment(
            contract=locked, number=number, kind=kind, value_change=change, new_end_date=new_end_date,
            scope_change=scope_change.strip(), reason=reason.strip(), signed_on=signed_on,
            cumulative_increase_percent=increase, over_limit=increase > amendment_limit_percent(),
            recorded_by=_user_or_none(actor),
        ), actor=actor, reason=reason)
        fields = []
        if change:
            locked.value = new_value
            fields.append("value")
        if new_end_date is not None:
            locked.end_date = new_end_date
            fields.append("end_date")
        if fields:
            versioned_save(locked, actor=actor, update_fields=fields,
                           reason=_("Amendment %(number)s: %(reason)s") % {"number": number, "reason": reason})
    return amendment


def contract_payment_record(*, actor: Any, contract: Contract, amount: Any, paid_on: dt.date,
                            progress_report: ProgressReport) -> ContractPayment:
    """Record a payment that pays for the progress a report shows.

    The report must be of the contract's project. The contract's payments in total may not exceed its
    current value times the physical completion the report shows: a payment beyond it is refused.
    """
    paid = _positive(amount, "amount")
    with transaction.atomic():
        locked = _lock_contract(contract, actor)
        if progress_report.project_id != locked.project_id:
            raise ServiceError({"progress_report": [_("The progress report is of another project.")]}, code="wrong_project")
        if paid_on < locked.start_date:
            raise ServiceError({"paid_on": [_("A payment cannot precede the contract's start.")]}, code="invalid")
        before = locked.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        cap = (locked.value * progress_report.completion_percent / HUNDRED).quantize(Decimal("0.01"))
        if before + paid > cap:
            raise ServiceError(
                {"amount": [_("Paid in total would be %(total)s tenge, above the %(cap)s tenge that %(percent)s %% completion allows.")
                            % {"total": before + paid, "cap": cap, "percent": progress_report.completion_percent}]},
                code="above_progress",
            )
        number = (locked.payments.aggregate(last=Max("number"))["last"] or 0) + 1
        return audited_create(ContractPayment(contract=locked, number=number, amount=paid, paid_on=paid_on,
                                              progress_report=progress_report, cumulative_paid=before + paid,
                                              progress_cap=cap, recorded_by=_user_or_none(actor)), actor=actor)


def contract_complete(*, actor: Any, contract: Contract, reason: str = "") -> Contract:
    """Close a contract whose works are done; the tender completes when all its contracts are."""
    with transaction.atomic():
        locked = _lock_contract(contract, actor)
        locked.status = ContractStatus.COMPLETE
        versioned_save(locked, actor=actor, update_fields=["status"], reason=reason)
        tender = _lock_tender(locked.tender)
        if tender.status == T.CONTRACT_SIGNED and not tender.contracts.filter(status=ContractStatus.ACTIVE).exists():
            _move(tender, actor=actor, action="complete", reason=reason, check_rights=False)
    return locked


# --- timed transitions -------------------------------------------------------------------------------------


def tenders_open_due(*, at: dt.datetime | None = None) -> int:
    """Open the bids of every published tender whose opening time has come (the periodic job); returns how many."""
    now = _now(at)
    opened = 0
    for tender in Tender.objects.filter(status=T.PUBLISHED, opening_at__lte=now).order_by("opening_at", "pk"):
        try:
            tender_open_bids(actor=None, tender=tender, at=now)
        except ServiceError:
            # One tender that cannot be opened (a broken seal) must not hold up the others; it stays published
            # and shows up again on the next run.
            logger.exception("bids of tender %s could not be opened", tender.number)
            continue
        opened += 1
    return opened

