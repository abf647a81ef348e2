"""OCDS 1.1.5 release packages of the tenders: valid, public, and never a sealed bid."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meks.opendata import ocds
from meks.opendata.ocds import release_package_errors
from meks.procurement.models import Bid, Contractor, Tender
from meks.procurement.tests.conftest import DEADLINE, NOW, PUBLISHED, customer_user, evaluate_all, submit


def _package(client: Client, url: str) -> tuple[dict, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert not response.cookies
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = body.decode("utf-8")
    return json.loads(text), text


def _release(client: Client, tender: Tender) -> tuple[dict, str]:
    package, text = _package(client, reverse("opendata:ocds_tender", args=[tender.ocid]))
    assert release_package_errors(package) == []
    assert [release["ocid"] for release in package["releases"]] == [tender.ocid]
    return package["releases"][0], text


def test_a_tender_before_its_deadline_publishes_no_bid(users, contractors, published_tender):
    later = NOW + dt.timedelta(days=20)
    tender = published_tender(bid_deadline=later, opening_at=later + dt.timedelta(hours=1),
                              clarification_deadline=NOW + dt.timedelta(days=10))
    submit(users, tender, "contractor", "900000000", "40")
    submit(users, tender, "bidder2", "950000000", "20")
    assert Bid.objects.filter(lot__tender=tender).count() == 2
    client = Client()
    release, text = _release(client, tender)
    assert release["tender"]["status"] == "active"
    assert release["tag"] == ["tender"]
    assert "bids" not in release
    assert "numberOfTenderers" not in release["tender"] and "tenderers" not in release["tender"]
    assert [party["roles"] for party in release["parties"]] == [["buyer", "procuringEntity"]]
    for contractor in Contractor.objects.all():
        assert contractor.bin not in text and contractor.name_ru not in text
    assert "900000000" not in text
    for bid in Bid.objects.filter(lot__tender=tender):
        assert bid.seal_digest not in text
    # the list says no more than the tender's own package
    package, listed = _package(client, reverse("opendata:ocds_releases"))
    assert release_package_errors(package) == []
    assert [entry for entry in package["releases"] if entry["ocid"] == tender.ocid] == [release]
    assert "900000000" not in listed


def test_opened_bids_awards_and_the_questions_are_published_without_the_asker(users, contractors, published_tender):
    from meks.procurement import services

    tender = published_tender()
    submit(users, tender, "contractor", "900000000", "40")
    submit(users, tender, "bidder2", "950000000", "20")
    asker = users["bidder3"]
    question = services.question_ask(actor=asker, tender=tender, text="Какой диаметр труб?",
                                     at=PUBLISHED + dt.timedelta(days=2))
    services.question_answer(actor=customer_user(users, tender.project), question=question, answer="DN 500",
                             at=PUBLISHED + dt.timedelta(days=3))
    tender = evaluate_all(users, tender)
    client = Client()
    release, text = _release(client, tender)
    details = release["bids"]["details"]
    assert sorted(detail["value"]["amount"] for detail in details) == [900000000, 950000000]
    assert {detail["status"] for detail in details} == {"valid"}
    assert release["tender"]["numberOfTenderers"] == 2
    assert [enquiry["answer"] for enquiry in release["tender"]["enquiries"]] == ["DN 500"]
    assert asker.last_name not in text and asker.username not in text
    assert tender.lots.get().title_ru in [lot["title"] for lot in release["tender"]["lots"]]
    assert release["tender"]["tenderPeriod"]["endDate"].startswith(DEADLINE.astimezone(
        dt.timezone(dt.timedelta(hours=5))).date().isoformat())
    roles = {party["name"]: party["roles"] for party in release["parties"]}
    assert roles[contractors["contractor"].name_ru] == ["tenderer"]

    services.tender_award(actor=customer_user(users, tender.project), tender=tender)
    tender.refresh_from_db()
    release, _text = _release(client, tender)
    assert "award" in release["tag"]
    assert [award["suppliers"][0]["name"] for award in release["awards"]] == [contractors["contractor"].name_ru]
    assert "supplier" in {role for party in release["parties"] for role in party["roles"]}


def test_drafts_are_not_published_and_unknown_tenders_answer_404(users, make_tender):
    tender = make_tender()
    client = Client()
    assert client.get(reverse("opendata:ocds_tender", args=[tender.ocid])).status_code == 404
    assert client.get(reverse("opendata:ocds_tender", args=["ocds-meks01-NO-SUCH"])).status_code == 404


def test_with_no_public_tender_the_list_is_not_found_with_its_reason_and_never_an_invalid_package(
        users, make_tender, published_tender):
    """OCDS requires a package to hold at least one release: an empty list is a 404 that says why."""
    make_tender()  # a draft only
    client = Client()
    response = client.get(reverse("opendata:ocds_releases"))
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json; charset=utf-8"
    answer = json.loads(response.content)
    assert answer["releases"] == 0 and "OCDS" in answer["detail"]  # the reason, in the visitor's language
    # The package it would otherwise have been is indeed invalid against the schema.
    assert release_package_errors(ocds.release_package([], uri="https://example.kz/r.json"))
    # From the first public tender on, the list is a valid package.
    tender = published_tender()
    package, _text = _package(client, reverse("opendata:ocds_releases"))
    assert [release["ocid"] for release in package["releases"]] == [tender.ocid]
    assert release_package_errors(package) == []


@pytest.mark.django_db
def test_every_package_published_on_the_demo_data_is_valid_and_holds_no_personal_data(finance_demo, media_in_tmp):
    from meks.accounts.models import User
    from meks.demo.builder import build_demo_procurement

    build_demo_procurement()
    public = Tender.objects.exclude(status="draft")
    assert public.exists()
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        package, text = _package(client, reverse("opendata:ocds_releases"))
    assert len(queries) < 25, len(queries)  # a constant number, whatever the count of tenders
    assert release_package_errors(package) == []
    assert sorted(release["ocid"] for release in package["releases"]) == sorted(public.values_list("ocid", flat=True))
    personal = {value for user in User.objects.all() for value in (user.get_full_name(), user.email, user.phone)
                if value and len(value) > 3}
    personal |= {value for contractor in Contractor.objects.all() for value in (contractor.email, contractor.phone)
                 if value}
    assert not [value for value in personal if value in text]
    unopened = Bid.objects.filter(lot__tender__bids_opened_at__isnull=True)
    assert not [bid for bid in unopened if f'"bid-{bid.pk}"' in text]
    for tender in public:
        release, _one = _release(client, tender)
        assert release == next(entry for entry in package["releases"] if entry["ocid"] == tender.ocid)
    page = client.get(reverse("opendata:index")).content.decode()
    assert reverse("opendata:ocds_releases") in page
    assert reverse("opendata:ocds_tender", args=[ocds.publication_queryset().first().ocid]) in page
