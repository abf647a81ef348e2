"""Objects of the demo data set that fill the path parameters of the permission matrix.

Each sample set gives one or more variants, each a dict of URL keyword arguments. ``inside`` is a record of
Karaganda region, of the demo utility (Karaganda Energy Networks) or routed to the demo bank, so the
scoped accounts (akimat.karaganda, utility, bank) may see it; ``outside`` is one of Mangystau region, of
another utility or routed to another lender, which those accounts must not see (404).
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

Variants = dict[str, dict[str, Any]]

INSIDE_REGION = "35"  # Karaganda: akimat.karaganda's region, where the demo utility works
OUTSIDE_REGION = "47"  # Mangystau: akimat.mangystau's region
DEMO_UTILITY = "Karaganda Energy Networks LLP (demonstration)"


def first(queryset: QuerySet, what: str) -> Any:
    """The first record of ``queryset``; a clear failure when the demo data set lacks it."""
    record = queryset.order_by("pk").first()
    if record is None:
        raise LookupError(f"The demo data set has no {what}: the permission matrix cannot fill its URL.")
    return record


def regions() -> Variants:
    return {"inside": {"kato": INSIDE_REGION}, "outside": {"kato": OUTSIDE_REGION}}


def settlements() -> Variants:
    from meks.territory.models import Settlement

    return {
        "inside": {"pk": Settlement.objects.get(name_en="Temirtau").pk},
        "outside": {"pk": Settlement.objects.get(name_en="Zhanaozen").pk},
    }


monotowns = settlements


def organizations() -> Variants:
    from meks.accounts.models import Organization

    outside = first(Organization.objects.filter(kind="utility", region__kato=OUTSIDE_REGION), "utility of Mangystau")
    return {"inside": {"pk": Organization.objects.get(name_en=DEMO_UTILITY).pk}, "outside": {"pk": outside.pk}}


def _projects() -> tuple[Any, Any]:
    from meks.portfolio.choices import PUBLIC_STATUSES
    from meks.portfolio.models import Project

    inside = first(Project.objects.filter(owner__name_en=DEMO_UTILITY, status__in=PUBLIC_STATUSES), "project of the demo utility")
    outside = first(Project.objects.filter(region__kato=OUTSIDE_REGION), "project in Mangystau")
    return inside, outside


def projects() -> Variants:
    inside, outside = _projects()
    return {"inside": {"pk": inside.pk}, "outside": {"pk": outside.pk}}


def public_projects() -> Variants:
    from meks.portfolio.choices import PUBLIC_STATUSES
    from meks.portfolio.models import Project

    inside, _outside = _projects()
    private = first(Project.objects.exclude(status__in=PUBLIC_STATUSES), "project not yet published")
    return {"published": {"code": inside.code}, "unpublished": {"code": private.code}}


def milestones() -> Variants:
    return {name: {"pk": project.pk, "milestone_pk": first(project.milestones.all(), "milestone").pk}
            for name, project in zip(("inside", "outside"), _projects(), strict=True)}


def baselines() -> Variants:
    return {name: {"pk": project.pk, "baseline_pk": first(project.baselines.all(), "baseline").pk}
            for name, project in zip(("inside", "outside"), _projects(), strict=True)}


def meetings() -> Variants:
    from meks.assignments.models import Meeting

    return {"any": {"pk": first(Meeting.objects.filter(assignments__lead_executor__region__kato=INSIDE_REGION),
                                "meeting").pk}}


def _assignments() -> tuple[Any, Any]:
    from meks.assignments.models import Assignment

    return (first(Assignment.objects.filter(lead_executor__kind="akimat", lead_executor__region__kato=INSIDE_REGION),
                  "assignment of the Karaganda akimat"),
            first(Assignment.objects.filter(lead_executor__kind="akimat", lead_executor__region__kato=OUTSIDE_REGION),
                  "assignment of the Mangystau akimat"))


def assignments() -> Variants:
    inside, outside = _assignments()
    return {"inside": {"pk": inside.pk}, "outside": {"pk": outside.pk}}


def reports() -> Variants:
    from meks.assignments.models import Report

    inside = first(Report.objects.filter(organization__kind="akimat", organization__region__kato=INSIDE_REGION),
                   "report of the Karaganda akimat")
    outside = first(Report.objects.exclude(organization__region__kato=INSIDE_REGION), "report of another executor")
    return {"inside": {"pk": inside.assignment_id, "report_pk": inside.pk},
            "outside": {"pk": outside.assignment_id, "report_pk": outside.pk}}


def extensions() -> Variants:
    from meks.assignments.models import ExtensionRequest

    request = first(ExtensionRequest.objects.select_related("deadline"), "deadline extension request")
    return {"any": {"pk": request.deadline.assignment_id, "request_pk": request.pk}}


def deadlines() -> Variants:
    inside, outside = _assignments()
    return {"inside": {"pk": first(inside.deadlines.all(), "deadline").pk},
            "outside": {"pk": first(outside.deadlines.all(), "deadline").pk}}


def _appeals() -> tuple[Any, Any]:
    from meks.appeals.models import Appeal

    return (first(Appeal.objects.filter(region__kato=INSIDE_REGION, organization__kind="akimat", answers__isnull=False),
                  "answered appeal routed to the Karaganda akimat"),
            first(Appeal.objects.filter(region__kato=OUTSIDE_REGION, answers__isnull=False), "answered appeal in Mangystau"))


def appeals() -> Variants:
    inside, outside = _appeals()
    return {"inside": {"pk": inside.pk}, "outside": {"pk": outside.pk}}


def answers() -> Variants:
    return {name: {"pk": appeal.pk, "answer_pk": first(appeal.answers.all(), "answer").pk}
            for name, appeal in zip(("inside", "outside"), _appeals(), strict=True)}


def api_answers() -> Variants:
    return {name: {"pk": values["pk"], "answer_id": values["answer_pk"]} for name, values in answers().items()}


def appeal_tokens() -> Variants:
    from meks.appeals.views_public import DONE_SALT, sign_appeal

    inside, _outside = _appeals()
    return {"valid": {"token": sign_appeal(inside, DONE_SALT)}, "forged": {"token": "forged-token"}}


def appeal_codes() -> Variants:
    inside, _outside = _appeals()
    return {"any": {"number": inside.number, "code": inside.access_code}}


def applications() -> Variants:
    from meks.finance.models import FinancingApplication

    inside = first(FinancingApplication.objects.filter(project__region__kato=INSIDE_REGION, lender__kind="bank",
                                                       applicant__name_en=DEMO_UTILITY), "application of the demo utility to the bank")
    outside = first(FinancingApplication.objects.filter(project__region__kato=OUTSIDE_REGION).exclude(lender__kind="bank"),
                    "application in Mangystau to another lender")
    return {"inside": {"pk": inside.pk}, "outside": {"pk": outside.pk}}


def budget_lines() -> Variants:
    from meks.finance.models import BudgetLine

    return {"inside": {"pk": first(BudgetLine.objects.filter(region__kato=INSIDE_REGION), "budget line of Karaganda").pk},
            "outside": {"pk": first(BudgetLine.objects.exclude(region__kato=INSIDE_REGION).exclude(region=None),
                                    "budget line of another region").pk}}


def _metering(model: str, lookup: str) -> Variants:
    from django.apps import apps

    records = apps.get_model("metering", model).objects
    return {"inside": {"pk": first(records.filter(**{lookup: DEMO_UTILITY}), f"{model} of the demo utility").pk},
            "outside": {"pk": first(records.exclude(**{lookup: DEMO_UTILITY}), f"{model} of another utility").pk}}


def buildings() -> Variants:
    return _metering("Building", "utility__name_en")


def meters() -> Variants:
    return _metering("Meter", "building__utility__name_en")


def batches() -> Variants:
    return _metering("ReadingBatch", "organization__name_en")


def meter_types() -> Variants:
    from meks.metering.models import MeterType

    return {"any": {"pk": first(MeterType.objects.all(), "meter type").pk}}


def layouts() -> Variants:
    return {"long": {"layout": "long"}, "wide": {"layout": "wide"}}


def indicator_codes() -> Variants:
    from meks.indicators.models import Indicator

    return {"any": {"code": first(Indicator.objects.all(), "indicator").code}}


def languages() -> Variants:
    return {"kk": {"code": "kk"}}


# --- procurement: published tenders are public; drafts are seen by the national roles and the customer side ---


def _tenders() -> dict[str, Any]:
    from meks.procurement.models import Tender

    drafts = Tender.objects.filter(status="draft")
    return {
        "published": first(Tender.objects.exclude(project__region__kato=INSIDE_REGION).exclude(status="draft"),
                           "published tender outside Karaganda"),
        "draft_inside": first(drafts.filter(project__region__kato=INSIDE_REGION), "draft tender in Karaganda"),
        "draft_outside": first(drafts.exclude(project__region__kato=INSIDE_REGION), "draft tender outside Karaganda"),
    }


def tenders() -> Variants:
    return {name: {"pk": tender.pk} for name, tender in _tenders().items()}


def lots() -> Variants:
    return {name: {"pk": tender.pk, "lot": first(tender.lots.all(), "lot").pk} for name, tender in _tenders().items()}


def ocds_tenders() -> Variants:
    return {name: {"ocid": tender.ocid} for name, tender in _tenders().items() if name != "draft_outside"}


def tender_numbers() -> Variants:
    return {name: {"number": tender.number} for name, tender in _tenders().items() if name != "draft_outside"}


def questions() -> Variants:
    from meks.procurement.models import Question

    return {"any": {"pk": first(Question.objects.exclude(tender__status="draft"), "question").pk}}


def complaints() -> Variants:
    from meks.procurement.models import Complaint

    return {"any": {"pk": first(Complaint.objects.all(), "complaint").pk}}


def _bids() -> dict[str, Any]:
    from meks.procurement.models import Bid

    own = Bid.objects.filter(contractor__organization__members__username="contractor")
    other = Bid.objects.exclude(contractor__organization__members__username="contractor")
    return {"own_sealed": first(own.filter(status="submitted"), "sealed bid of the demo contractor"),
            "other_sealed": first(other.filter(status="submitted"), "sealed bid of another contractor"),
            "other_opened": first(other.filter(opened_at__isnull=False), "opened bid of another contractor")}


def bids() -> Variants:
    return {name: {"pk": bid.pk} for name, bid in _bids().items()}


def bid_documents() -> Variants:
    """A sealed document of the demo contractor's own sealed bid: nobody may download it before the opening."""
    from meks.procurement.models import BidDocument

    bid = _bids()["own_sealed"]
    document = bid.documents.first() or BidDocument.objects.create(bid=bid, sealed_file="procurement/sealed/matrix.bin")
    return {"own_sealed": {"pk": bid.pk, "document": document.pk}}


def awards() -> Variants:
    from meks.procurement.models import Award

    return {"own": {"pk": first(Award.objects.filter(contractor__organization__members__username="contractor"),
                                "award of the demo contractor").pk},
            "other": {"pk": first(Award.objects.exclude(contractor__organization__members__username="contractor")
                                  .exclude(lot__tender__project__region__kato=INSIDE_REGION), "award outside Karaganda").pk}}


def contractors() -> Variants:
    from meks.procurement.models import Contractor

    others = Contractor.objects.exclude(organization__members__username="contractor")
    return {"own": {"pk": Contractor.objects.get(organization__members__username="contractor").pk},
            "verified": {"pk": first(others.filter(status="verified"), "verified contractor").pk},
            "pending": {"pk": first(others.filter(status="pending"), "contractor pending verification").pk}}


def unreliable_entries() -> Variants:
    from meks.procurement.models import UnreliableSupplier

    return {"any": {"pk": first(UnreliableSupplier.objects.all(), "entry of the unreliable register").pk}}


def procurement_contracts() -> Variants:
    from meks.procurement.models import Contract

    return {"inside": {"pk": first(Contract.objects.filter(customer__name_en=DEMO_UTILITY,
                                                             contractor__organization__members__username="contractor"),
                                     "contract of the demo utility with the demo contractor").pk},
            "outside": {"pk": first(Contract.objects.exclude(project__region__kato=INSIDE_REGION)
                                    .exclude(contractor__organization__members__username="contractor"),
                                    "contract outside Karaganda").pk}}


# --- producers: verified producers are public; the demo manufacturer owns one plant ---


def _producers() -> dict[str, Any]:
    from meks.producers.models import Producer

    others = Producer.objects.exclude(organization__members__username="manufacturer")
    return {"own": Producer.objects.get(organization__members__username="manufacturer"),
            "verified": first(others.filter(status="verified"), "verified producer of another company")}


def producers() -> Variants:
    return {name: {"pk": producer.pk} for name, producer in _producers().items()}


def products() -> Variants:
    return {name: {"pk": first(producer.products.all(), "product").pk} for name, producer in _producers().items()}


def offtake_contracts() -> Variants:
    from meks.producers.models import OfftakeContract

    return {"inside": {"pk": first(OfftakeContract.objects.filter(utility__name_en=DEMO_UTILITY), "offtake contract of the demo utility").pk},
            "outside": {"pk": first(OfftakeContract.objects.exclude(utility__name_en=DEMO_UTILITY)
                                    .exclude(producer__organization__members__username="manufacturer"),
                                    "offtake contract of another utility").pk}}


def api_projects() -> Variants:
    return {name: {"project_id": values["pk"]} for name, values in projects().items()}


def api_milestones() -> Variants:
    return {name: {"project_id": values["pk"], "pk": values["milestone_pk"]} for name, values in milestones().items()}


def api_baselines() -> Variants:
    return {name: {"project_id": values["pk"], "pk": values["baseline_pk"]} for name, values in baselines().items()}


def api_reports() -> Variants:
    return {name: {"pk": values["report_pk"]} for name, values in reports().items()}


def api_extensions() -> Variants:
    return {name: {"pk": values["request_pk"]} for name, values in extensions().items()}
