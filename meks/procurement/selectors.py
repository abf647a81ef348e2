"""Reads of e-procurement, scoped to the user, with every figure aggregated in the database.

Who sees what:

- tenders: the project office, ministries and the technical operator every tender of the regions their
  roles cover (all, when held nationally), drafts included; an akimat its region's; a utility those of its
  own projects (it is their customer). Everyone else, anonymous users included, sees the public tenders
  (every status but draft), for the portal and the contractors;
- bids: before the opening a contractor sees only its own bids (and nobody sees their content, which is
  sealed); after the opening, whoever sees the tender sees its opened bids, with price and share;
- contracts, amendments and payments: the tender's managers (as for tenders, drafts aside) and the
  contractor of each; public contract data goes out through ``ocds_tenders`` (open data);
- questions and complaints: with their tender (they are public, the asker of a question is not shown);
- contractors: the registry keepers and national roles all; everyone the verified ones and the register of
  unreliable suppliers (public registers); a contractor's user also its own registration.

"Not found" and "not allowed" answer the same 404 (``get_visible_or_404``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Case,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from meks.core.access import Role, get_visible_or_404, scope_of
from meks.core.money import TengeField
from meks.portfolio.models import Project

from .choices import (
    LIVE_BID_STATUSES,
    PUBLIC_TENDER_STATUSES,
    TENDER_PIPELINE,
    TENDERABLE_PROJECT_STATUSES,
    AwardStatus,
    BidStatus,
    ContractorStatus,
    ContractStatus,
    TenderStatus,
    publication_target_days,
)
from .models import (
    Award,
    Bid,
    Complaint,
    Contract,
    ContractAmendment,
    Contractor,
    ContractPayment,
    Lot,
    QualificationCheck,
    Question,
    Tender,
    UnreliableSupplier,
)

#: Roles that see every tender of the regions they cover, drafts and contracts included.
TENDER_MANAGERS = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR, Role.AKIMAT)
#: Roles that see the whole contractor registry.
REGISTRY_READERS = (Role.PROJECT_OFFICE, Role.MINISTRY, Role.TECHNICAL_OPERATOR)
ZERO = Value(Decimal("0"), output_field=TengeField())


def _managed(user: Any, prefix: str = "") -> Q:
    """Tenders (through ``prefix``) whose records ``user`` manages or oversees: region roles and the customer."""
    scope = scope_of(user)
    # An empty Q (every region) would vanish when OR-ed below, so "everything" is spelled out.
    visible = scope.region_filter(f"{prefix}project__region_id", *TENDER_MANAGERS) or Q(pk__isnull=False)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        visible |= Q(**{f"{prefix}customer_id": scope.organization_id}) | Q(
            **{f"{prefix}project__owner_id": scope.organization_id})
    return visible


def tender_visibility(user: Any) -> Q:
    """The filter of the tenders ``user`` may see: public ones for everybody, drafts for their managers."""
    return Q(status__in=PUBLIC_TENDER_STATUSES) | _managed(user)


def is_tender_manager(user: Any, tender: Tender) -> bool:
    """True when ``user`` oversees ``tender`` (sees its drafts, contracts and unopened bid counts)."""
    return Tender.objects.filter(_managed(user), pk=tender.pk).exists()


def _late_expression() -> Case:
    """True for a published tender that took longer than the target, or an unpublished one already past it."""
    target = publication_target_days()
    deadline = timezone.now() - dt.timedelta(days=target)
    return Case(
        When(publication_days__gt=target, then=Value(True)),
        When(published_at__isnull=True, project_confirmed_at__lt=deadline, then=Value(True)),
        default=Value(False), output_field=BooleanField(),
    )


def tenderable_projects(*, user: Any) -> QuerySet[Project]:
    """The projects ``user`` may prepare a tender for, by code, with their region.

    A project is tenderable while confirmed or at contractor determination; its customer side (the owner
    utility, the akimat of its region) and the project office of its region prepare the tender, the rule
    ``services.tender_create`` enforces.
    """
    scope = scope_of(user)
    # An empty Q (every region) would vanish when OR-ed below, so "everything" is spelled out.
    allowed = scope.region_filter("region_id", Role.PROJECT_OFFICE, Role.AKIMAT) or Q(pk__isnull=False)
    if scope.has_role(Role.UTILITY) and scope.organization_id:
        allowed |= Q(owner_id=scope.organization_id)
    return (Project.objects.filter(allowed, status__in=TENDERABLE_PROJECT_STATUSES)
            .select_related("region").order_by("code"))


def tender_queryset(*, user: Any) -> QuerySet[Tender]:
    """Every tender ``user`` may see, with its project, region and customer, and whether it was late to publish."""
    return (Tender.objects.filter(tender_visibility(user))
            .select_related("project__region", "customer")
            .annotate(is_late=_late_expression()))


def tender_list(*, user: Any, status: str | None = None, region_kato: str | None = None,
                project_id: int | None = None, late: bool | None = None, search: str | None = None,
                ordering: str = "-published_at") -> QuerySet[Tender]:
    """The tender list with its filters; each row carries counts of lots and live bids (one query)."""
    queryset = tender_queryset(user=user).annotate(
        lot_count=Count("lots", distinct=True),
        bid_count=Count("lots__bids", filter=Q(lots__bids__status__in=LIVE_BID_STATUSES,
                                                lots__bids__opened_at__isnull=False), distinct=True),
    )
    if status in TenderStatus.values:
        queryset = queryset.filter(status=status)
    if region_kato:
        queryset = queryset.filter(project__region__kato=region_kato)
    if project_id:
        queryset = queryset.filter(project_id=project_id)
    if late is not None:
        queryset = queryset.filter(is_late=late)
    if search:
        queryset = queryset.filter(Q(number__icontains=search) | Q(title_ru__icontains=search)
                                   | Q(title_kk__icontains=search) | Q(title_en__icontains=search)
                                   | Q(project__code__icontains=search))
    allowed = {"published_at", "-published_at", "bid_deadline", "-bid_deadline", "estimated_value",
               "-estimated_value", "number", "-number"}
    return queryset.order_by(F(ordering.lstrip("-")).desc(nulls_last=True) if ordering.startswith("-")
                             else F(ordering).asc(nulls_last=True), "-pk") if ordering in allowed else queryset


def tender_get(*, user: Any, pk: int) -> Tender:
    """One tender ``user`` may see, or 404."""
    return get_visible_or_404(tender_queryset(user=user), pk=pk)


def tender_get_by_ocid(*, user: Any, ocid: str) -> Tender:
    """One tender by its Open Contracting ID, or 404."""
    return get_visible_or_404(tender_queryset(user=user), ocid=ocid)


def lot_list(*, user: Any, tender: Tender) -> QuerySet[Lot]:
    """The lots of a visible tender, each with its count of opened bids and its live award's winner."""
    get_visible_or_404(Tender.objects.filter(tender_visibility(user)), pk=tender.pk)
    return (Lot.objects.filter(tender=tender)
            .annotate(opened_bid_count=Count("bids", filter=Q(bids__opened_at__isnull=False,
                                                               bids__status__in=LIVE_BID_STATUSES)))
            .prefetch_related(Prefetch("awards", queryset=Award.objects.filter(
                status__in=(AwardStatus.PENDING, AwardStatus.SIGNED)).select_related("contractor"),
                to_attr="live_awards"))
            .order_by("number"))


def _bids() -> QuerySet[Bid]:
    # The ciphertext is never needed for display; leaving it out keeps it off every page and export.
    return Bid.objects.defer("sealed_content").select_related("lot__tender", "contractor")


def own_bids(*, user: Any) -> QuerySet[Bid]:
    """The bids of the contractor ``user`` acts for, every status (content shown only once opened)."""
    scope = scope_of(user)
    if not scope.has_role(Role.CONTRACTOR) or not scope.organization_id:
        return Bid.objects.none()
    return _bids().filter(contractor__organization_id=scope.organization_id).order_by("-submitted_at", "-pk")


def opened_bids(*, user: Any, tender: Tender) -> QuerySet[Bid]:
    """The opened, live bids of a visible tender, best-ranked first (price and share are in clear)."""
    get_visible_or_404(Tender.objects.filter(tender_visibility(user)), pk=tender.pk)
    return (_bids().filter(lot__tender=tender, opened_at__isnull=False, status__in=LIVE_BID_STATUSES)
            .order_by("lot__number", F("rank").asc(nulls_last=True), "price", "pk"))


def bid_get(*, user: Any, pk: int) -> Bid:
    """One bid: the bidder's own, or an opened bid of a tender ``user`` sees; else 404."""
    scope = scope_of(user)
    visible = Q(opened_at__isnull=False, status__in=LIVE_BID_STATUSES) & Q(
        lot__tender__in=Tender.objects.filter(tender_visibility(user)))
    if scope.has_role(Role.CONTRACTOR) and scope.organization_id:
        visible |= Q(contractor__organization_id=scope.organization_id)
    return get_visible_or_404(_bids().filter(visible), pk=pk)


def bid_counts(*, user: Any, tender: Tender) -> dict[str, int]:
    """For the tender's managers: live, withdrawn and replaced bids so far (never who bid, never content)."""
    if not is_tender_manager(user, tender):
        return {}
    rows = Bid.objects.filter(lot__tender=tender).aggregate(
        live=Count("pk", filter=Q(status__in=LIVE_BID_STATUSES)),
        withdrawn=Count("pk", filter=Q(status=BidStatus.WITHDRAWN)),
        replaced=Count("pk", filter=Q(status=BidStatus.REPLACED)),
    )
    return {key: value or 0 for key, value in rows.items()}


def evaluation_table(*, user: Any, lot: Lot) -> list[dict[str, Any]]:
    """The evaluation of a lot for its managers, in two queries.

    Each opened bid with its price, preference, evaluated price, rank and its result per requirement.
    """
    tender = lot.tender
    if not is_tender_manager(user, tender):
        get_visible_or_404(Tender.objects.none(), pk=tender.pk)
    bids = list(_bids().filter(lot=lot, opened_at__isnull=False, status__in=LIVE_BID_STATUSES)
                .order_by(F("rank").asc(nulls_last=True), "price", "pk"))
    results: dict[int, dict[int, QualificationCheck]] = {}
    for check in QualificationCheck.objects.filter(bid__in=bids):
        results.setdefault(check.bid_id, {})[check.requirement_id] = check
    requirements = list(tender.requirements.order_by("order", "pk"))
    return [
        {"bid": bid, "checks": [results.get(bid.pk, {}).get(requirement.pk) for requirement in requirements],
         "requirements": requirements}
        for bid in bids
    ]


def question_list(*, user: Any, tender: Tender) -> QuerySet[Question]:
    """The clarification questions of a visible tender, with their answers (the asker is not shown)."""
    get_visible_or_404(Tender.objects.filter(tender_visibility(user)), pk=tender.pk)
    return Question.objects.filter(tender=tender).select_related("lot").defer("asked_by").order_by("asked_at", "pk")


def complaint_list(*, user: Any, tender: Tender | None = None, open_only: bool = False) -> QuerySet[Complaint]:
    """Complaints on the tenders ``user`` sees (of one tender when given), newest first."""
    queryset = Complaint.objects.filter(tender__in=Tender.objects.filter(tender_visibility(user))).select_related(
        "tender", "contractor")
    if tender is not None:
        queryset = queryset.filter(tender=tender)
    if open_only:
        queryset = queryset.filter(status__in=("filed", "under_review"))
    return queryset.order_by("-filed_at", "-pk")


def complaint_get(*, user: Any, pk: int) -> Complaint:
    """One complaint on a tender ``user`` sees, or 404."""
    return get_visible_or_404(complaint_list(user=user), pk=pk)


# --- contracts ---------------------------------------------------------------------------------------------


def contract_visibility(user: Any) -> Q:
    """Contracts ``user`` may see: those of the tenders it manages, and a contractor's own."""
    scope = scope_of(user)
    visible = _managed(user, prefix="tender__")
    if scope.has_role(Role.CONTRACTOR) and scope.organization_id:
        visible |= Q(contractor__organization_id=scope.organization_id)
    return visible


def contract_list(*, user: Any, status: str | None = None, project_id: int | None = None,
                  contractor_id: int | None = None) -> QuerySet[Contract]:
    """Contracts ``user`` may see, each with its paid total and its amendments' latest cumulative increase."""
    queryset = (Contract.objects.filter(contract_visibility(user))
                .select_related("project__region", "contractor", "customer", "tender", "lot")
                .annotate(paid=Coalesce(Sum("payments__amount"), ZERO),
                          over_limit=Count("amendments", filter=Q(amendments__over_limit=True))))
    if status in ContractStatus.values:
        queryset = queryset.filter(status=status)
    if project_id:
        queryset = queryset.filter(project_id=project_id)
    if contractor_id:
        queryset = queryset.filter(contractor_id=contractor_id)
    return queryset.order_by("-signed_at", "-pk")


def contract_get(*, user: Any, pk: int) -> Contract:
    """One contract ``user`` may see, or 404."""
    return get_visible_or_404(contract_list(user=user), pk=pk)


def amendment_list(*, user: Any, contract: Contract) -> QuerySet[ContractAmendment]:
    """The amendments of a visible contract, in order."""
    get_visible_or_404(Contract.objects.filter(contract_visibility(user)), pk=contract.pk)
    return ContractAmendment.objects.filter(contract=contract).order_by("number")


def payment_list(*, user: Any, contract: Contract) -> QuerySet[ContractPayment]:
    """The payments of a visible contract, in order, with the progress report each pays for."""
    get_visible_or_404(Contract.objects.filter(contract_visibility(user)), pk=contract.pk)
    return ContractPayment.objects.filter(contract=contract).select_related("progress_report").order_by("number")


def contracts_over_amendment_limit(*, user: Any) -> QuerySet[Contract]:
    """Contracts with an amendment flagged above the configured limit of cumulative increase."""
    return contract_list(user=user).filter(amendments__over_limit=True).distinct()


# --- contractors -------------------------------------------------------------------------------------------


def contractor_queryset(*, user: Any) -> QuerySet[Contractor]:
    """Contractors ``user`` may see: all for the registry readers; verified ones (and one's own) for others."""
    scope = scope_of(user)
    if scope.has_role(*REGISTRY_READERS):
        queryset = Contractor.objects.all()
    else:
        visible = Q(status=ContractorStatus.VERIFIED)
        if scope.has_role(Role.CONTRACTOR) and scope.organization_id:
            visible |= Q(organization_id=scope.organization_id)
        queryset = Contractor.objects.filter(visible)
    today = timezone.localdate()
    in_force = Q(unreliable_entries__listed_from__lte=today, unreliable_entries__removed_at__isnull=True) & (
        Q(unreliable_entries__listed_until__isnull=True) | Q(unreliable_entries__listed_until__gte=today))
    return queryset.select_related("region").annotate(
        unreliable_count=Count("unreliable_entries", filter=in_force, distinct=True),
        contract_count=Count("contracts", distinct=True),
    )


def contractor_list(*, user: Any, status: str | None = None, category: str | None = None,
                    search: str | None = None) -> QuerySet[Contractor]:
    """The contractor registry with its filters (status, category of work, name or BIN)."""
    queryset = contractor_queryset(user=user)
    if status in ContractorStatus.values:
        queryset = queryset.filter(status=status)
    if category:
        # JSON containment is not portable to SQLite; the category code is matched within the stored list.
        queryset = queryset.filter(categories__icontains=f'"{category}"')
    if search:
        queryset = queryset.filter(Q(bin__startswith=search) | Q(name_ru__icontains=search)
                                   | Q(name_kk__icontains=search) | Q(name_en__icontains=search))
    return queryset.order_by("name_ru", "pk")


def contractor_get(*, user: Any, pk: int) -> Contractor:
    """One contractor ``user`` may see, or 404."""
    return get_visible_or_404(contractor_queryset(user=user), pk=pk)


def unreliable_register(*, on: dt.date | None = None) -> QuerySet[UnreliableSupplier]:
    """The register of unreliable suppliers in force on ``on`` (today by default); a public register."""
    on = on or timezone.localdate()
    return (UnreliableSupplier.objects.filter(Q(listed_until__isnull=True) | Q(listed_until__gte=on),
                                              listed_from__lte=on, removed_at__isnull=True)
            .select_related("contractor").order_by("-listed_from", "-pk"))


# --- analytics (aggregates in the database) ----------------------------------------------------------------


def tenders_by_stage(*, user: Any) -> list[dict[str, Any]]:
    """Count and estimated value of the visible tenders per status, main line first (one query)."""
    rows = {row["status"]: row for row in Tender.objects.filter(tender_visibility(user)).values("status").annotate(
        count=Count("pk"), value=Coalesce(Sum("estimated_value"), ZERO))}
    order = list(TENDER_PIPELINE) + [status for status in TenderStatus.values if status not in TENDER_PIPELINE]
    return [{"status": status, "label": TenderStatus(status).label,
             "count": rows.get(status, {}).get("count", 0),
             "value": rows.get(status, {}).get("value", Decimal(0))} for status in order]


def publication_delays_by_region(*, user: Any) -> list[dict[str, Any]]:
    """Per region: tenders published, average days from confirmation to publication, and how many were late.

    Late is against the target ``PROCUREMENT_PUBLICATION_TARGET_DAYS``. One query.
    """
    target = publication_target_days()
    return list(
        Tender.objects.filter(tender_visibility(user), published_at__isnull=False, publication_days__isnull=False)
        .values("project__region_id", "project__region__kato", "project__region__name_ru",
                "project__region__name_kk", "project__region__name_en")
        .annotate(published=Count("pk"), average_days=Avg("publication_days"),
                  late=Count("pk", filter=Q(publication_days__gt=target)))
        .order_by("-late", "project__region__kato")
    )


def late_tenders(*, user: Any) -> QuerySet[Tender]:
    """Tenders late to publish (published after the target, or still unpublished beyond it)."""
    return tender_queryset(user=user).filter(is_late=True).order_by(F("publication_days").desc(nulls_first=True), "pk")


def competition(*, user: Any) -> dict[str, Any]:
    """Competition over opened tenders: bids per tender and per lot on average, and lots with a single bid."""
    opened = Q(bids__opened_at__isnull=False, bids__status__in=LIVE_BID_STATUSES)
    lots = Lot.objects.filter(tender__in=Tender.objects.filter(tender_visibility(user), bids_opened_at__isnull=False))
    per_lot = lots.annotate(bid_count=Count("bids", filter=opened))
    summary = per_lot.aggregate(lots=Count("pk"), average=Avg("bid_count"),
                                single=Count("pk", filter=Q(bid_count=1)),
                                none=Count("pk", filter=Q(bid_count=0)))
    return {"lots": summary["lots"], "average_bids_per_lot": summary["average"] or 0,
            "single_bid_lots": summary["single"], "no_bid_lots": summary["none"]}


def bids_per_tender(*, user: Any) -> QuerySet[Tender]:
    """Each opened visible tender with its count of opened bids and bidders (the competition table)."""
    opened = Q(lots__bids__opened_at__isnull=False, lots__bids__status__in=LIVE_BID_STATUSES)
    return (Tender.objects.filter(tender_visibility(user), bids_opened_at__isnull=False)
            .select_related("project__region")
            .annotate(bid_count=Count("lots__bids", filter=opened, distinct=True),
                      bidder_count=Count("lots__bids__contractor", filter=opened, distinct=True))
            .order_by("bid_count", "pk"))


def savings(*, user: Any, by: str = "region") -> list[dict[str, Any]]:
    """Savings of signed contracts against the estimates of their lots, per region or per project.

    ``by`` is ``region`` or ``project``; each row holds the estimate, the signed value, the saving and the
    saving as a percentage of the estimate. One query.
    """
    group = {"region": ("project__region_id", "project__region__kato", "project__region__name_ru"),
             "project": ("project_id", "project__code", "project__title_ru")}[by]
    rows = (Contract.objects.filter(contract_visibility(user)).values(*group)
            .annotate(estimate=Sum("lot__estimated_value"), signed=Sum("signed_value"), contracts=Count("pk"))
            .order_by(group[1]))
    result = []
    for row in rows:
        saving = (row["estimate"] or Decimal(0)) - (row["signed"] or Decimal(0))
        row["saving"] = saving
        row["saving_percent"] = (saving / row["estimate"] * 100).quantize(Decimal("0.1")) if row["estimate"] else Decimal(0)
        result.append(row)
    return result


def savings_total(*, user: Any) -> dict[str, Decimal]:
    """The estimate, signed value and saving over every visible signed contract (one query)."""
    row = Contract.objects.filter(contract_visibility(user)).aggregate(
        estimate=Coalesce(Sum("lot__estimated_value"), ZERO), signed=Coalesce(Sum("signed_value"), ZERO))
    row["saving"] = row["estimate"] - row["signed"]
    return row


def _weighted_share() -> ExpressionWrapper:
    return ExpressionWrapper(F("local_content_share") * F("value"), output_field=DecimalField(max_digits=24, decimal_places=4))


def local_content_by_contract(*, user: Any) -> QuerySet[Contract]:
    """Each visible contract's committed local-content share and the value it represents."""
    return contract_list(user=user).annotate(
        local_value=ExpressionWrapper(F("local_content_share") * F("value") / 100,
                                      output_field=DecimalField(max_digits=24, decimal_places=2)))


def local_content_by(*, user: Any, by: str = "region") -> list[dict[str, Any]]:
    """Value-weighted committed local-content share of the visible contracts per region or per project.

    Each row: the group's keys, ``contract_value`` (also as ``value``), ``contracts`` and ``share`` (%).
    """
    group = {"region": ("project__region_id", "project__region__kato", "project__region__name_ru"),
             "project": ("project_id", "project__code", "project__title_ru")}[by]
    rows = (Contract.objects.filter(contract_visibility(user)).values(*group)
            .annotate(weighted=Sum(_weighted_share()), contract_value=Sum("value"), contracts=Count("pk"))
            .order_by(group[1]))
    result = []
    for row in rows:
        # Annotated under another name: "value" would clash with the contract's own column in the expression;
        # both names are given for the callers.
        weighted, total = row.pop("weighted") or Decimal(0), row["contract_value"]
        row["value"] = total
        row["share"] = (Decimal(weighted) / total).quantize(Decimal("0.01")) if total else Decimal(0)
        result.append(row)
    return result


# --- open data ---------------------------------------------------------------------------------------------


def ocds_tenders() -> QuerySet[Tender]:
    """The public tenders for the OCDS release package, their lots, opened bids, awards and contracts prefetched.

    The open data publishes no drafts, no unopened bids and no asker of a question.
    """
    return (Tender.objects.filter(status__in=PUBLIC_TENDER_STATUSES)
            .select_related("project__region", "customer")
            .prefetch_related(
                "lots", "requirements",
                Prefetch("lots__bids", queryset=_bids().filter(opened_at__isnull=False, status__in=LIVE_BID_STATUSES)),
                Prefetch("lots__awards", queryset=Award.objects.select_related("contractor")),
                Prefetch("contracts", queryset=Contract.objects.select_related("contractor").prefetch_related(
                    "amendments", "payments")),
                "status_changes",
            ).order_by("pk"))
