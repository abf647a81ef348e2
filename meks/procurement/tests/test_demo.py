"""The demo procurement: the registry, a tender for each project past confirmation, contracts for those in
implementation, all built through the services and deterministic."""

from __future__ import annotations

from collections import Counter

from django.db.models import Avg, Q
from django.utils import timezone

from meks.portfolio.models import Milestone, Project
from meks.procurement import selectors
from meks.procurement.models import (
    Bid,
    Complaint,
    Contract,
    ContractAmendment,
    Contractor,
    ContractPayment,
    Tender,
    TenderStatusChange,
)


def test_the_demo_procurement(procurement_demo):
    users = procurement_demo
    statuses = Counter(Contractor.objects.values_list("status", flat=True))
    assert (Contractor.objects.count(), statuses["verified"], statuses["pending"], statuses["suspended"]) == (40, 34, 3, 3)
    assert selectors.unreliable_register().count() == 3
    demo = Contractor.objects.get(organization=users["contractor"].organization)
    assert demo.status == "verified"
    assert selectors.own_bids(user=users["contractor"]).exists()

    determination = Project.objects.filter(status="contractor_determination")
    live = Tender.objects.filter(project__in=determination).exclude(status__in=["retendered", "unsuccessful"])
    assert determination.count() == 130
    assert live.values("project").distinct().count() == 130
    stages = Counter(live.values_list("status", flat=True))
    for stage in ("published", "bids_opened", "evaluation", "awarded", "standstill", "suspended"):
        assert stages[stage] > 0, stage
    assert Tender.objects.filter(status="retendered").count() == 3
    # Most tenders are published within the 30-day target from the project's confirmation; a minority late,
    # spread over regions; eight are still drafts past the planned publication day, the milestone not done.
    published = Tender.objects.filter(published_at__isnull=False).exclude(status="retendered")
    assert published.aggregate(days=Avg("publication_days"))["days"] < 30
    live_tenders = selectors.tender_queryset(user=users["office"]).exclude(status="retendered")
    late = live_tenders.filter(is_late=True)
    assert 0.15 <= late.count() / live_tenders.count() <= 0.25
    assert late.filter(published_at__isnull=False).values("project__region").distinct().count() >= 8
    drafts = Tender.objects.filter(status="draft", project__in=determination)
    assert drafts.count() == 8
    assert set(late.filter(status="draft").values_list("pk", flat=True)) == set(drafts.values_list("pk", flat=True))
    due = Milestone.objects.filter(kind="tender_published", project__tenders__in=drafts)
    assert due.count() == 8 and not due.filter(Q(actual_date__isnull=False) | Q(baseline_date__gte=timezone.localdate())).exists()
    # The milestone carries the day of the (first) publication.
    for tender in published.filter(retender_of__isnull=True).select_related("project")[:20]:
        milestone = tender.project.milestones.get(kind="tender_published")
        assert milestone.actual_date == timezone.localtime(tender.published_at).date(), tender.number
    assert Complaint.objects.count() == 4

    implementation = Project.objects.filter(status="implementation")
    assert Contract.objects.values("project").distinct().count() == implementation.count() == 34
    assert set(Tender.objects.filter(project__in=implementation).values_list("status", flat=True)) == {"contract_signed"}
    assert ContractPayment.objects.exists()
    assert ContractAmendment.objects.filter(over_limit=True).values("contract").distinct().count() == 1
    # Sealed bids of open tenders hold no clear content; opened ones do, and every move is logged.
    assert not Bid.objects.filter(lot__tender__status="published", price__isnull=False).exists()
    assert not Bid.objects.filter(opened_at__isnull=False, price__isnull=True).exists()
    assert TenderStatusChange.objects.filter(to_status="published").count() == Tender.objects.exclude(status="draft").count() + 1
