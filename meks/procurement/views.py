"""Pages of tenders: the list and its export, a tender's page with every role's forms, and the moves they post.

A tender's page shows its lots, timeline, requirements, questions and answers, complaints, the bids once
opened (never before: until the bid deadline a bid is sealed, for everybody), the evaluation table with the
domestic preference written out, the award and the contract. Each form posts to a view that calls one
service; a refusal comes back as a message, and nothing is changed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from meks.core.access import get_visible_or_404, scope_of
from meks.core.audit import history_entries
from meks.core.forms import add_service_error, paginate
from meks.core.xlsx import Sheet, workbook_response
from meks.portfolio.selectors import is_portfolio_reader
from meks.territory.selectors import region_choices

from . import selectors, services
from .choices import (
    LIVE_BID_STATUSES,
    OPEN_COMPLAINT_STATUSES,
    AwardStatus,
    BidStatus,
    ComplaintStatus,
    LotStatus,
    TenderMethod,
    TenderStatus,
    domestic_preference_table,
    publication_target_days,
)
from .forms import (
    AnswerForm,
    BidForm,
    BidReplaceForm,
    ComplaintAcceptForm,
    ComplaintDecisionForm,
    ComplaintForm,
    ContractSignForm,
    LotForm,
    QualificationForm,
    QuestionForm,
    ReasonForm,
    RequirementForm,
    TenderCreateForm,
    TenderEditForm,
    TransitionForm,
)
from .lifecycle import INTERNAL_ACTIONS, TRANSITIONS_BY_ACTION, transitions_from
from .models import Award, Bid, Complaint, Lot, QualificationRequirement, Question, Tender

T = TenderStatus
SORTS = {"number": "number", "-number": "-number", "published": "published_at", "-published": "-published_at",
         "deadline": "bid_deadline", "-deadline": "-bid_deadline", "value": "estimated_value",
         "-value": "-estimated_value"}
#: Moves posted from a tender's page, each with the service that makes it (retender makes a new draft).
PAGE_ACTIONS = ("publish", "open_bids", "start_evaluation", "award", "start_standstill", "complete",
                "declare_unsuccessful", "cancel", "retender")


# --- small helpers shared by the procurement views ---------------------------------------------------------


def require_signed_in_role(request: HttpRequest) -> None:
    """The procurement pages are for users holding a role; everyone else gets 404 (anonymous: log in first)."""
    if scope_of(request.user).is_empty:
        raise Http404


def service_call(request: HttpRequest, call: Callable[[], Any], success: str) -> Any:
    """Call a service; show its refusal as messages (and return ``None``), or the success message."""
    try:
        result = call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None
    messages.success(request, success)
    return result if result is not None else True


def post_form(request: HttpRequest, form, call: Callable[[dict[str, Any]], Any], success: str) -> Any:
    """Validate a posted form and hand its cleaned data to one service; problems come back as messages."""
    if not form.is_valid():
        form_errors(request, form)
        return None
    return service_call(request, lambda: call(form.cleaned_data), success)


def form_errors(request: HttpRequest, form) -> None:
    """A posted form's errors as messages on the page it returns to."""
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else error)


def status_label(status: str) -> str:
    return str(TenderStatus(status).label) if status in TenderStatus.values else status


# --- the list and its export -------------------------------------------------------------------------------


class TenderFilters:
    """The list's filters, read from the query string (unknown values are ignored)."""

    def __init__(self, query: Any) -> None:
        self.status = query.get("status") if query.get("status") in TenderStatus.values else ""
        self.region = (query.get("region") or "").strip()
        self.method = query.get("method") if query.get("method") in TenderMethod.values else ""
        late = query.get("late")
        self.late = True if late == "1" else (False if late == "0" else None)
        self.search = (query.get("q") or "").strip()[:100]
        self.project = query.get("project") if (query.get("project") or "").isdigit() else ""
        self.sort = query.get("sort") if query.get("sort") in SORTS else ""
        self.competition = "single" if query.get("competition") == "single" else ""

    def as_query(self) -> dict[str, str]:
        values = {"status": self.status, "region": self.region, "method": self.method,
                  "late": "" if self.late is None else str(int(self.late)), "q": self.search,
                  "project": self.project, "competition": self.competition, "sort": self.sort}
        return {key: value for key, value in values.items() if value}

    def apply(self, user: Any) -> QuerySet[Tender]:
        queryset = selectors.tender_list(user=user, status=self.status or None, region_kato=self.region or None,
                                         project_id=int(self.project) if self.project else None, late=self.late,
                                         search=self.search or None,
                                         ordering=SORTS.get(self.sort, "-published_at"))
        if self.method:
            queryset = queryset.filter(method=self.method)
        if self.competition:
            # Tenders with a lot that drew a single opened bid (the dashboard's "lots with a single bid").
            opened = Q(bids__opened_at__isnull=False, bids__status__in=LIVE_BID_STATUSES)
            single = Lot.objects.annotate(opened=Count("bids", filter=opened)).filter(
                opened=1, tender__bids_opened_at__isnull=False)
            queryset = queryset.filter(pk__in=single.values("tender_id"))
        return queryset


def _list_context(request: HttpRequest, filters: TenderFilters) -> dict[str, Any]:
    return {
        "filters": filters,
        "filter_qs": urlencode(filters.as_query()),
        "statuses": TenderStatus.choices,
        "methods": TenderMethod.choices,
        "regions": region_choices(user=request.user) or _all_regions(request.user),
        "target_days": publication_target_days(),
        "can_create": selectors.tenderable_projects(user=request.user).exists(),
    }


def _all_regions(user: Any) -> list[tuple[str, str]]:
    # Tenders are public: a user whose roles cover no region (a contractor) filters by the regions of the
    # tenders it sees, and learns no other region from the filter.
    from meks.territory.models import Region

    regions = Region.objects.filter(pk__in=Tender.objects.filter(selectors.tender_visibility(user))
                                    .values("project__region_id")).order_by("kato")
    return [(region.kato, region.name) for region in regions]


@login_required
def tender_list(request: HttpRequest) -> HttpResponse:
    require_signed_in_role(request)
    filters = TenderFilters(request.GET)
    page = paginate(request, filters.apply(request.user))
    context = {**_list_context(request, filters), "page": page}
    template = "procurement/_tender_table.html" if request.htmx else "procurement/tender_list.html"
    return render(request, template, context)


TENDER_COLUMNS = (
    ("number", gettext_lazy("Tender"), 20), ("ocid", gettext_lazy("Open Contracting ID"), 30),
    ("title", gettext_lazy("Title"), 50), ("project", gettext_lazy("Project"), 14),
    ("region", gettext_lazy("Region"), 24), ("customer", gettext_lazy("Customer"), 36),
    ("method", gettext_lazy("Method"), 18), ("turnkey", gettext_lazy("Turnkey (EPC)"), 10),
    ("status", gettext_lazy("Status"), 24), ("estimate", gettext_lazy("Estimated value, tenge"), 20),
    ("lots", gettext_lazy("Lots"), 8), ("bids", gettext_lazy("Bids opened"), 10),
    ("published", gettext_lazy("Published"), 16), ("deadline", gettext_lazy("Bid deadline"), 16),
    ("days", gettext_lazy("Days from confirmation to publication"), 14), ("late", gettext_lazy("Late to publish"), 10),
)


@login_required
@require_GET
def tender_export(request: HttpRequest) -> FileResponse:
    """The list with the same filters as a workbook (no bid content: sealed bids are not counted until opened)."""
    require_signed_in_role(request)
    queryset = TenderFilters(request.GET).apply(request.user)
    yes, no = _("yes"), _("no")

    def rows():
        for tender in queryset.iterator(chunk_size=500):
            yield {
                "number": tender.number, "ocid": tender.ocid, "title": tender.title, "project": tender.project.code,
                "region": tender.project.region.name, "customer": tender.customer.name,
                "method": tender.get_method_display(), "turnkey": yes if tender.is_turnkey else no,
                "status": tender.get_status_display(), "estimate": tender.estimated_value,
                "lots": tender.lot_count, "bids": tender.bid_count, "published": tender.published_at,
                "deadline": tender.bid_deadline, "days": tender.publication_days,
                "late": yes if tender.is_late else no,
            }

    sheet = Sheet(_("Tenders"), TENDER_COLUMNS, rows(), formats={"estimate": "#,##0.00"}, freeze="B2")
    return workbook_response([sheet], name="tenders")


# --- a tender's page ---------------------------------------------------------------------------------------


def _tender(request: HttpRequest, pk: int) -> Tender:
    require_signed_in_role(request)
    return selectors.tender_get(user=request.user, pk=pk)


def _timeline(tender: Tender) -> list[dict[str, Any]]:
    now = timezone.now()
    steps = [
        (_("Published"), tender.published_at), (_("Clarification questions until"), tender.clarification_deadline),
        (_("Bid deadline"), tender.bid_deadline), (_("Opening of bids"), tender.bids_opened_at or tender.opening_at),
        (_("Evaluation until"), tender.evaluation_deadline), (_("Standstill ends"), tender.standstill_ends_at),
    ]
    rows = [{"label": label, "when": when, "past": when is not None and when <= now} for label, when in steps]
    upcoming = [row for row in rows if row["when"] is not None and not row["past"]]
    if upcoming:
        upcoming[0]["next"] = True
    return rows


def _available_moves(request: HttpRequest, tender: Tender) -> list[Any]:
    moves = []
    for transition in transitions_from(tender.status):
        if transition.action not in PAGE_ACTIONS or (
                transition.action in INTERNAL_ACTIONS and transition.action != "retender"):
            continue
        if services.may_make(user=request.user, tender=tender, transition=transition):
            moves.append(transition)
    return moves


def _preference_steps() -> list[dict[str, Any]]:
    return [{"share": share, "discount": discount} for share, discount in domestic_preference_table()]


def _lots_with_bids(request: HttpRequest, tender: Tender, is_manager: bool) -> list[dict[str, Any]]:
    """Each lot with its opened bids (after the opening), its evaluation rows (managers) and its awards."""
    lots = list(selectors.lot_list(user=request.user, tender=tender))
    opened: dict[int, list[Bid]] = {}
    if tender.bids_opened_at:
        for bid in selectors.opened_bids(user=request.user, tender=tender).prefetch_related("documents"):
            opened.setdefault(bid.lot_id, []).append(bid)
    awards: dict[int, list[Award]] = {}
    for award in Award.objects.filter(lot__tender=tender, bid__opened_at__isnull=False).select_related(
            "contractor", "bid").order_by("awarded_at", "pk"):
        awards.setdefault(award.lot_id, []).append(award)
    result = []
    for lot in lots:
        entry: dict[str, Any] = {"lot": lot, "bids": opened.get(lot.pk, []), "awards": awards.get(lot.pk, [])}
        if is_manager and tender.bids_opened_at:
            rows = selectors.evaluation_table(user=request.user, lot=lot)
            entry["evaluation"] = [{**row, "cells": list(zip(row["requirements"], row["checks"], strict=True))}
                                   for row in rows]
            entry["requirements"] = rows[0]["requirements"] if rows else []
        entry["pending_award"] = next((award for award in entry["awards"] if award.status == AwardStatus.PENDING), None)
        result.append(entry)
    return result


@login_required
def tender_detail(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    user = request.user
    is_manager = services.may_manage(user=user, tender=tender)
    is_reviewer = services.is_review_body(user=user, project=tender.project)
    contractor = services.contractor_of(user)
    own_bids = list(selectors.own_bids(user=user).filter(lot__tender=tender)) if contractor else []
    accepting = tender.status == T.PUBLISHED and tender.bid_deadline and timezone.now() < tender.bid_deadline
    open_lots = [lot for lot in tender.lots.all() if lot.status == LotStatus.OPEN]
    live_own = {bid.lot_id for bid in own_bids if bid.status == BidStatus.SUBMITTED}
    lots = _lots_with_bids(request, tender, is_manager)
    complaints = list(selectors.complaint_list(user=user, tender=tender))
    context = {
        "tender": tender,
        "project": tender.project,
        "link_project": is_portfolio_reader(user),
        "lots": lots,
        "requirements": list(tender.requirements.order_by("order", "pk")),
        "timeline": _timeline(tender),
        "status_log": tender.status_changes.select_related("actor").order_by("changed_at", "pk"),
        "questions": list(selectors.question_list(user=user, tender=tender)),
        "complaints": complaints,
        "contracts": list(selectors.contract_list(user=user).filter(tender=tender)),
        "is_manager": is_manager,
        "is_reviewer": is_reviewer,
        "contractor": contractor,
        "bidding_problem": services.bidding_problem(contractor) if contractor else None,
        "own_bids": own_bids,
        "bid_counts": selectors.bid_counts(user=user, tender=tender),
        "moves": _available_moves(request, tender),
        "preference_steps": _preference_steps(),
        "accepting_bids": bool(accepting),
        "can_bid": bool(accepting and contractor and not services.bidding_problem(contractor)
                        and any(lot.pk not in live_own for lot in open_lots)),
        "bid_form": BidForm(lots=[lot for lot in open_lots if lot.pk not in live_own], prefix="bid"),
        "replace_form": BidReplaceForm(prefix="replace"),
        "can_ask": bool(contractor and tender.status == T.PUBLISHED and tender.clarification_deadline
                        and timezone.now() < tender.clarification_deadline),
        "question_form": QuestionForm(prefix="question"),
        "answer_form": AnswerForm(prefix="answer"),
        "can_complain": bool(contractor and tender.status in (T.PUBLISHED, T.BIDS_OPENED, T.EVALUATION, T.AWARDED,
                                                              T.STANDSTILL, T.SUSPENDED)),
        "complaint_form": ComplaintForm(prefix="complaint"),
        "accept_form": ComplaintAcceptForm(prefix="accept"),
        "decision_form": ComplaintDecisionForm(prefix="decision"),
        "open_complaint_statuses": OPEN_COMPLAINT_STATUSES,
        "complaint_filed": ComplaintStatus.FILED,
        "qualification_form": QualificationForm(prefix="check"),
        "sign_form": ContractSignForm(prefix="sign"),
        "decline_form": ReasonForm(prefix="decline"),
        "lot_form": LotForm(prefix="lot") if is_manager and tender.status == T.DRAFT else None,
        "requirement_form": RequirementForm(prefix="requirement") if is_manager and tender.status == T.DRAFT else None,
        "history": history_entries(tender, limit=30),
    }
    return render(request, "procurement/tender_detail.html", context)


@login_required
def tender_create(request: HttpRequest) -> HttpResponse:
    require_signed_in_role(request)
    projects = selectors.tenderable_projects(user=request.user)
    if not projects.exists():
        raise Http404
    initial = {}
    if (request.GET.get("project") or "").isdigit():
        initial["project"] = projects.filter(pk=int(request.GET["project"])).first()
    form = TenderCreateForm(request.POST or None, projects=projects, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            tender = services.tender_create(actor=request.user, **form.service_fields())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The tender was saved as a draft; publish it when it is complete."))
            return redirect("procurement:tender_detail", pk=tender.pk)
    return render(request, "procurement/tender_form.html", {"form": form})


@login_required
def tender_edit(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    if tender.status != T.DRAFT or not services.may_manage(user=request.user, tender=tender):
        raise Http404
    form = TenderEditForm(request.POST or None, tender=tender)
    if request.method == "POST" and form.is_valid():
        try:
            services.tender_update(actor=request.user, tender=tender, expected_version=form.cleaned_data["version"],
                                   reason=form.cleaned_data["reason"], **form.changes())
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The tender was saved."))
            return redirect("procurement:tender_detail", pk=pk)
    return render(request, "procurement/tender_form.html", {"form": form, "tender": tender})


def _back(tender: Tender) -> HttpResponse:
    return redirect("procurement:tender_detail", pk=tender.pk)


@login_required
@require_POST
def lot_add(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    post_form(request, LotForm(request.POST, prefix="lot"),
              lambda data: services.lot_add(actor=request.user, tender=tender, **data), _("The lot was added."))
    return _back(tender)


@login_required
@require_POST
def requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    post_form(request, RequirementForm(request.POST, prefix="requirement"),
              lambda data: services.requirement_add(actor=request.user, tender=tender, **data),
              _("The requirement was added."))
    return _back(tender)


@login_required
@require_POST
def tender_transition(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = TransitionForm(request.POST)
    if not form.is_valid() or form.cleaned_data["action"] not in PAGE_ACTIONS:
        form_errors(request, form)
        return _back(tender)
    action, reason, user = form.cleaned_data["action"], form.cleaned_data["reason"], request.user
    if tender.version != form.cleaned_data["version"] and action != "publish":
        messages.error(request, _("The tender was changed by someone else meanwhile. Check it and try again."))
        return _back(tender)
    calls: dict[str, Callable[[], Any]] = {
        "publish": lambda: services.tender_publish(actor=user, tender=tender,
                                                   expected_version=form.cleaned_data["version"]),
        "open_bids": lambda: services.tender_open_bids(actor=user, tender=tender),
        "start_evaluation": lambda: services.tender_start_evaluation(actor=user, tender=tender),
        "award": lambda: services.tender_award(actor=user, tender=tender),
        "start_standstill": lambda: services.tender_start_standstill(actor=user, tender=tender),
        "complete": lambda: services.tender_complete(actor=user, tender=tender),
        "declare_unsuccessful": lambda: services.tender_declare_unsuccessful(actor=user, tender=tender, reason=reason),
        "cancel": lambda: services.tender_cancel(actor=user, tender=tender, reason=reason),
        "retender": lambda: services.tender_retender(actor=user, tender=tender),
    }
    label = TRANSITIONS_BY_ACTION[action].label
    result = service_call(request, calls[action], _("Done: %(action)s.") % {"action": label})
    if action == "retender" and isinstance(result, Tender):
        return redirect("procurement:tender_detail", pk=result.pk)
    return _back(tender)


# --- questions and complaints ------------------------------------------------------------------------------


@login_required
@require_POST
def question_ask(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = QuestionForm(request.POST, prefix="question")
    if not form.is_valid():
        form_errors(request, form)
        return _back(tender)
    lot = None
    if form.cleaned_data["lot"]:
        lot = get_visible_or_404(Lot.objects.filter(tender=tender), pk=form.cleaned_data["lot"])
    service_call(request, lambda: services.question_ask(actor=request.user, tender=tender,
                                                        text=form.cleaned_data["text"], lot=lot),
                 _("Your question was sent; the answer will be published on this page."))
    return _back(tender)


@login_required
@require_POST
def question_answer(request: HttpRequest, pk: int) -> HttpResponse:
    require_signed_in_role(request)
    question = _question(request, pk)
    post_form(request, AnswerForm(request.POST, prefix="answer"),
              lambda data: services.question_answer(actor=request.user, question=question, answer=data["answer"]),
              _("The answer was published."))
    return redirect("procurement:tender_detail", pk=question.tender_id)


def _question(request: HttpRequest, pk: int) -> Question:
    visible = Question.objects.filter(tender__in=Tender.objects.filter(selectors.tender_visibility(request.user)))
    return get_visible_or_404(visible.select_related("tender__project"), pk=pk)


@login_required
@require_POST
def complaint_file(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    post_form(request, ComplaintForm(request.POST, prefix="complaint"),
              lambda data: services.complaint_file(actor=request.user, tender=tender, **data),
              _("Your complaint was filed with the review body."))
    return _back(tender)


def _complaint(request: HttpRequest, pk: int) -> Complaint:
    require_signed_in_role(request)
    return selectors.complaint_get(user=request.user, pk=pk)


@login_required
@require_POST
def complaint_accept(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    form = ComplaintAcceptForm(request.POST, prefix="accept")
    form.is_valid()
    service_call(request, lambda: services.complaint_accept(actor=request.user, complaint=complaint,
                                                            suspend=bool(form.cleaned_data.get("suspend"))),
                 _("The complaint was taken for review."))
    return redirect("procurement:tender_detail", pk=complaint.tender_id)


@login_required
@require_POST
def complaint_decide(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    post_form(request, ComplaintDecisionForm(request.POST, prefix="decision"),
              lambda data: services.complaint_decide(actor=request.user, complaint=complaint, **data),
              _("The decision on the complaint was recorded."))
    return redirect("procurement:tender_detail", pk=complaint.tender_id)


@login_required
@require_POST
def complaint_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    service_call(request, lambda: services.complaint_withdraw(actor=request.user, complaint=complaint),
                 _("The complaint was withdrawn."))
    return redirect("procurement:tender_detail", pk=complaint.tender_id)


# --- bids --------------------------------------------------------------------------------------------------


@login_required
@require_POST
def bid_submit(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = BidForm(request.POST, request.FILES, prefix="bid", lots=tender.lots.all())
    if not form.is_valid():
        form_errors(request, form)
        return _back(tender)
    lot = tender.lots.get(pk=form.cleaned_data["lot"])
    service_call(request, lambda: services.bid_submit(
        actor=request.user, tender=tender, lot=lot, price=form.cleaned_data["price"],
        local_content_share=form.cleaned_data["local_content_share"], documents=form.documents_as_pairs()),
        _("Your bid was sealed and submitted. Nobody can read it before the bid deadline."))
    return _back(tender)


def _own_bid(request: HttpRequest, pk: int) -> Bid:
    require_signed_in_role(request)
    return get_visible_or_404(selectors.own_bids(user=request.user), pk=pk)


@login_required
@require_POST
def bid_replace(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _own_bid(request, pk)
    form = BidReplaceForm(request.POST, request.FILES, prefix="replace")
    post_form(request, form, lambda data: services.bid_replace(
        actor=request.user, bid=bid, price=data["price"], local_content_share=data["local_content_share"],
        documents=form.documents_as_pairs()), _("Your bid was replaced by the new sealed one."))
    return redirect("procurement:tender_detail", pk=bid.lot.tender_id)


@login_required
@require_POST
def bid_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    bid = _own_bid(request, pk)
    service_call(request, lambda: services.bid_withdraw(actor=request.user, bid=bid), _("Your bid was withdrawn."))
    return redirect("procurement:tender_detail", pk=bid.lot.tender_id)


@login_required
@require_GET
def bid_document(request: HttpRequest, pk: int, document: int) -> FileResponse:
    """An opened bid's document (before the opening the bid has no readable file, and this answers 404)."""
    require_signed_in_role(request)
    bid = selectors.bid_get(user=request.user, pk=pk)
    if bid.opened_at is None:
        raise Http404
    item = get_visible_or_404(bid.documents.exclude(file=""), pk=document)
    return FileResponse(item.file.open("rb"), as_attachment=True, filename=item.name)


# --- evaluation, award, contract ---------------------------------------------------------------------------


@login_required
@require_POST
def qualification_record(request: HttpRequest, pk: int) -> HttpResponse:
    tender = _tender(request, pk)
    form = QualificationForm(request.POST, prefix="check")
    if not form.is_valid():
        form_errors(request, form)
        return _back(tender)
    bid = get_visible_or_404(selectors.opened_bids(user=request.user, tender=tender), pk=form.cleaned_data["bid"])
    requirement = get_visible_or_404(QualificationRequirement.objects.filter(tender=tender),
                                     pk=form.cleaned_data["requirement"])
    service_call(request, lambda: services.qualification_record(
        actor=request.user, bid=bid, requirement=requirement, passed=form.cleaned_data["passed"],
        note=form.cleaned_data["note"]), _("The qualification result was recorded."))
    return _back(tender)


@login_required
@require_POST
def lot_evaluate(request: HttpRequest, pk: int, lot: int) -> HttpResponse:
    tender = _tender(request, pk)
    lot_obj = get_visible_or_404(Lot.objects.filter(tender=tender), pk=lot)
    service_call(request, lambda: services.lot_evaluate(actor=request.user, lot=lot_obj),
                 _("The bids were ranked by evaluated price."))
    return _back(tender)


def _award(request: HttpRequest, pk: int) -> Award:
    require_signed_in_role(request)
    visible = Award.objects.filter(lot__tender__in=Tender.objects.filter(selectors.tender_visibility(request.user)))
    return get_visible_or_404(visible.select_related("lot__tender"), pk=pk)


@login_required
@require_POST
def award_decline(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    post_form(request, ReasonForm(request.POST, prefix="decline"),
              lambda data: services.award_decline(actor=request.user, award=award, reason=data["reason"]),
              _("The award was declined; the next-ranked bidder is now the winner, if any."))
    return redirect("procurement:tender_detail", pk=award.lot.tender_id)


@login_required
@require_POST
def contract_sign(request: HttpRequest, pk: int) -> HttpResponse:
    award = _award(request, pk)
    form = ContractSignForm(request.POST, prefix="sign")
    if not form.is_valid():
        form_errors(request, form)
        return redirect("procurement:tender_detail", pk=award.lot.tender_id)
    data = {key: value for key, value in form.cleaned_data.items() if key != "award"}
    contract = service_call(request, lambda: services.contract_sign(actor=request.user, award=award, **data),
                            _("The signed contract was recorded."))
    if contract and contract is not True:
        return redirect("procurement:contract_detail", pk=contract.pk)
    return redirect("procurement:tender_detail", pk=award.lot.tender_id)
