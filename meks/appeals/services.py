"""Writes of the contact centre: each checks who acts, validates, saves, records history and the journal."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from meks.accounts.choices import OrganizationKind
from meks.accounts.models import Organization, User
from meks.core.access import Role, scope_of
from meks.core.audit import audited_create, versioned_save
from meks.core.db import serialize_writers
from meks.core.errors import ServiceError, TransitionError
from meks.core.validators import business_identification_number_problem

from . import deadlines
from .choices import OPEN_STATUSES, AnswerStatus, AppealStatus, EventKind
from .models import Answer, Appeal, AppealEvent, Category, RoutingRule

MAX_TEXT = 5000
PHONE = re.compile(r"^\+?[78][0-9]{10}$")  # ASCII digits: \d would let other scripts' digits through
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _forbidden(message: str) -> ServiceError:
    return ServiceError(message, code="forbidden")


def normalize_phone(phone: str) -> str:
    """Digits of a Kazakhstan number as +7XXXXXXXXXX; raises a translated error when it is not one."""
    digits = re.sub(r"[\s()\-]", "", phone or "")
    if not PHONE.match(digits):
        raise ServiceError(_("Give the phone as +7 followed by 10 digits."), code="invalid_phone")
    return "+7" + digits[-10:]


def _event(appeal: Appeal, kind: str, *, actor: Any = None, note: str = "", internal: bool = True,
           organization: Organization | None = None, at: dt.datetime | None = None) -> AppealEvent:
    return AppealEvent.objects.create(
        appeal=appeal, kind=kind, actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at or timezone.now(), note=note, internal=internal, organization=organization)


def route(category: Category, region) -> Organization:
    """The organization that answers ``category`` from ``region`` by the routing rules."""
    rule = (RoutingRule.objects.filter(category=category, region=region).first()
            or RoutingRule.objects.filter(category=category, region__isnull=True).first())
    if rule is None or rule.to_region_akimat:
        return Organization.objects.get(kind=OrganizationKind.AKIMAT, region=region)
    return rule.organization


def _next_number(year: int) -> str:
    serialize_writers("appeals.number")  # concurrent registrations would otherwise draw the same number
    prefix = f"{year}-"
    last = Appeal.objects.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    sequence = int(last.split("-")[1]) + 1 if last else 1
    return f"{prefix}{sequence:06d}"


def appeal_register(
    *,
    actor: Any,
    channel: str,
    category: Category,
    region,
    text: str,
    applicant_name: str,
    applicant_phone: str = "",
    applicant_iin: str = "",
    applicant_address: str = "",
    applicant_email: str = "",
    project=None,
    received_at: dt.datetime | None = None,
) -> Appeal:
    """Accept and register an appeal: number, access code, legal dates, and routing to its organization.

    By phone the contact-centre operator registers it (``actor``); from the portal ``actor`` is None.
    """
    if actor is not None and not scope_of(actor).has_role(Role.CONTACT_CENTRE, Role.PROJECT_OFFICE):
        raise _forbidden(_("Only the contact centre registers appeals."))
    text = (text or "").strip()
    if not text:
        raise ServiceError(_("Write the text of the appeal."), code="empty_text")
    if len(text) > MAX_TEXT:
        raise ServiceError(_("The text is too long: at most %(limit)s characters.") % {"limit": MAX_TEXT}, code="long_text")
    if not (applicant_name or "").strip():
        raise ServiceError(_("Give the applicant's name."), code="no_name")
    phone = normalize_phone(applicant_phone) if applicant_phone else ""
    if applicant_iin:
        problem = business_identification_number_problem(applicant_iin)
        if problem:
            raise ServiceError(_("Invalid IIN: %(problem)s.") % {"problem": problem}, code="invalid_iin")
    if not phone and not applicant_email and not applicant_address:
        raise ServiceError(_("Give a phone, an e-mail or an address to send the answer to."), code="no_contact")
    received_at = received_at or timezone.now()
    registered = deadlines.registration_date(timezone.localdate(received_at))
    due = deadlines.due_date(registered)
    with transaction.atomic():
        appeal = Appeal(
            number=_next_number(registered.year), access_code="".join(secrets.choice(ACCESS_CODE_ALPHABET) for _i in range(8)),
            channel=channel, received_at=received_at, registered_on=registered, accepted_by=actor,
            category=category, region=region, project=project, text=text, applicant_name=applicant_name.strip(),
            applicant_phone=phone, applicant_iin=applicant_iin, applicant_address=applicant_address,
            applicant_email=applicant_email, due_date=due, original_due_date=due,
            forward_due_date=deadlines.forward_due_date(registered),
        )
        audited_create(appeal, actor=actor)
        _event(appeal, EventKind.REGISTERED, actor=actor, internal=False, at=received_at)
        organization = route(category, region)
        appeal.organization, appeal.status = organization, AppealStatus.ROUTED
        versioned_save(appeal, actor=actor, update_fields=["organization", "status"], reason=_("Routed by the rules"))
        _event(appeal, EventKind.ROUTED, actor=actor, organization=organization, internal=False, at=received_at)
    return appeal


def is_handler(user: Any, appeal: Appeal) -> bool:
    """The contact centre, the project office, or a member of the organization the appeal is with."""
    scope = scope_of(user)
    if scope.has_role(Role.CONTACT_CENTRE, Role.PROJECT_OFFICE):
        return True
    return bool(appeal.organization_id) and scope.organization_id == appeal.organization_id


def is_head(user: Any, appeal: Appeal) -> bool:
    """The head of the organization the appeal is with."""
    return bool(getattr(user, "is_organization_head", False)) and is_handler(user, appeal) and \
        scope_of(user).organization_id == appeal.organization_id


def _locked(appeal: Appeal) -> Appeal:
    return Appeal.objects.select_for_update().get(pk=appeal.pk)


def _require_open(appeal: Appeal) -> None:
    if appeal.status not in OPEN_STATUSES:
        raise TransitionError(_("The appeal is “%(status)s”: this is no longer possible.")
                              % {"status": appeal.get_status_display()}, code="wrong_status")


def appeal_forward(*, actor: Any, appeal: Appeal, organization: Organization, note: str) -> Appeal:
    """Send an appeal outside the organization's competence to the competent body; the applicant is told."""
    if not is_handler(actor, appeal):
        raise _forbidden(_("You may not forward this appeal."))
    if not note.strip():
        raise ServiceError(_("Say why the appeal goes to another body."), code="reason_required")
    with transaction.atomic():
        locked = _locked(appeal)
        _require_open(locked)
        if organization.pk == locked.organization_id:
            raise ServiceError(_("The appeal is already with this organization."), code="same_organization")
        locked.organization, locked.executor, locked.status = organization, None, AppealStatus.ROUTED
        versioned_save(locked, actor=actor, update_fields=["organization", "executor", "status"], reason=note)
        _event(locked, EventKind.FORWARDED, actor=actor, note=note, organization=organization, internal=False)
    return locked


def appeal_assign(*, actor: Any, appeal: Appeal, executor: User) -> Appeal:
    """Give the appeal to an executor of the organization it is with."""
    if not is_handler(actor, appeal):
        raise _forbidden(_("You may not assign this appeal."))
    with transaction.atomic():
        locked = _locked(appeal)
        _require_open(locked)
        if executor.organization_id != locked.organization_id or not executor.is_active:
            raise ServiceError(_("The executor must work in the organization the appeal is with."), code="executor_outside")
        locked.executor, locked.status = executor, AppealStatus.IN_PROGRESS
        versioned_save(locked, actor=actor, update_fields=["executor", "status"])
        _event(locked, EventKind.ASSIGNED, actor=actor, note=executor.get_full_name(), organization=locked.organization)
    return locked


def appeal_note(*, actor: Any, appeal: Appeal, note: str) -> AppealEvent:
    """Add an internal note (never shown to the applicant)."""
    if not is_handler(actor, appeal):
        raise _forbidden(_("You may not comment on this appeal."))
    if not note.strip():
        raise ServiceError(_("Write the note."), code="empty_note")
    return _event(appeal, EventKind.NOTE, actor=actor, note=note.strip())


def appeal_extend(*, actor: Any, appeal: Appeal, new_due_date: dt.date, reason: str) -> Appeal:
    """The head's reasoned decision moves the due date, at most two months from registration; the applicant is told."""
    if not is_head(actor, appeal):
        raise _forbidden(_("Only the head of the organization extends the deadline."))
    if not reason.strip():
        raise ServiceError(_("Give the reason for the extension."), code="reason_required")
    with transaction.atomic():
        locked = _locked(appeal)
        _require_open(locked)
        limit = deadlines.extension_limit(locked.registered_on)
        if new_due_date <= locked.due_date:
            raise ServiceError(_("The new date must be later than the current one."), code="not_later")
        if new_due_date > limit:
            raise ServiceError(_("An extension may reach at most two months from registration (%(limit)s).")
                               % {"limit": limit.strftime("%d.%m.%Y")}, code="beyond_limit")
        locked.due_date = new_due_date
        versioned_save(locked, actor=actor, update_fields=["due_date"], reason=reason)
        _event(locked, EventKind.EXTENDED, actor=actor, internal=False,
               note=_("Until %(date)s: %(reason)s") % {"date": new_due_date.strftime("%d.%m.%Y"), "reason": reason})
    return locked


def _send(answer: Answer, *, actor: Any, on: dt.date) -> None:
    appeal = _locked(answer.appeal)
    answer.status, answer.sent_on = AnswerStatus.SENT, on
    versioned_save(answer, actor=actor, update_fields=["status", "sent_on", "approved_by"])
    appeal.status, appeal.answered_on = AppealStatus.ANSWERED, on
    versioned_save(appeal, actor=actor, update_fields=["status", "answered_on"])
    _event(appeal, EventKind.ANSWERED, actor=actor, internal=False)


def answer_submit(*, actor: Any, appeal: Appeal, text: str, attachment: Any = None, needs_approval: bool = False,
                  on: dt.date | None = None) -> Answer:
    """The executor answers; with ``needs_approval`` the answer waits for the head, otherwise it is sent."""
    if appeal.executor_id != getattr(actor, "pk", None):
        raise _forbidden(_("Only the appeal's executor answers it."))
    if not (text or "").strip():
        raise ServiceError(_("Write the answer."), code="empty_answer")
    with transaction.atomic():
        _require_open(_locked(appeal))
        if appeal.answers.filter(status=AnswerStatus.DRAFT).exists():
            raise TransitionError(_("An answer is already waiting for approval."), code="draft_exists")
        answer = audited_create(Answer(appeal=appeal, text=text.strip(), attachment=attachment or "", author=actor,
                                       status=AnswerStatus.DRAFT), actor=actor)
        if not needs_approval:
            _send(answer, actor=actor, on=on or timezone.localdate())
    return answer


def answer_approve(*, actor: Any, answer: Answer, on: dt.date | None = None) -> Answer:
    """The head approves a drafted answer, which is then sent."""
    if not is_head(actor, answer.appeal):
        raise _forbidden(_("Only the head of the organization approves answers."))
    with transaction.atomic():
        locked = Answer.objects.select_for_update().get(pk=answer.pk)
        if locked.status != AnswerStatus.DRAFT:
            raise TransitionError(_("This answer has been sent already."), code="sent")
        locked.approved_by = actor
        _send(locked, actor=actor, on=on or timezone.localdate())
    return locked


def appeal_rate(*, appeal: Appeal, rating: int, satisfied: bool, comment: str = "", on: dt.date | None = None) -> Appeal:
    """The applicant rates the answer (1–5); not satisfied reopens the appeal with a new 15-working-day term."""
    if rating not in range(1, 6):
        raise ServiceError(_("Rate from 1 to 5."), code="bad_rating")
    on = on or timezone.localdate()
    with transaction.atomic():
        locked = _locked(appeal)
        if locked.status != AppealStatus.ANSWERED:
            raise TransitionError(_("Only an answered appeal can be rated."), code="wrong_status")
        locked.rating = rating
        _event(locked, EventKind.RATED, note=f"{rating}/5 {comment}".strip(), internal=False)
        if satisfied:
            locked.status, locked.closed_on = AppealStatus.CLOSED, on
            versioned_save(locked, actor=None, update_fields=["rating", "status", "closed_on"], reason=comment)
            _event(locked, EventKind.CLOSED, internal=False)
        else:
            locked.status = AppealStatus.IN_PROGRESS if locked.executor_id else AppealStatus.ROUTED
            locked.answered_on = None
            locked.due_date = deadlines.due_date(deadlines.registration_date(on))
            versioned_save(locked, actor=None, update_fields=["rating", "status", "answered_on", "due_date"], reason=comment)
            _event(locked, EventKind.REOPENED, note=comment, internal=False)
    return locked


def appeal_close(*, actor: Any, appeal: Appeal, note: str = "") -> Appeal:
    """Close an answered appeal the applicant has not rated."""
    if not is_handler(actor, appeal):
        raise _forbidden(_("You may not close this appeal."))
    with transaction.atomic():
        locked = _locked(appeal)
        if locked.status != AppealStatus.ANSWERED:
            raise TransitionError(_("Only an answered appeal can be closed."), code="wrong_status")
        locked.status, locked.closed_on = AppealStatus.CLOSED, timezone.localdate()
        versioned_save(locked, actor=actor, update_fields=["status", "closed_on"], reason=note)
        _event(locked, EventKind.CLOSED, actor=actor, note=note, internal=False)
    return locked
