"""The demo procurement: the registry, a tender for each project past confirmation, contracts for those in
implementation, all built through the services and deterministic."""

from __future__ import annotations

from collections import Counter

from meks.portfolio.models import Project
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
    assert Tender.objects.filter(status="retendered").count() == 2
    assert selectors.late_tenders(user=users["office"]).filter(published_at__isnull=False).exists()
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
