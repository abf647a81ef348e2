"""Sealed bids, for every role: before the bid deadline no page, API answer, XLSX export or back-office page
shows a bid's price or documents, to anyone (the bidder itself, the customer, the project office, which is a
superuser in the back office, and anonymous visitors included).

Each response body (each part of a workbook) is searched for every way the sealed prices could be written
and for the documents' names. After the opening the same pages show them: the search would find them.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meks.procurement import services
from meks.procurement.models import Bid, BidDocument

from .conftest import LOT
from .test_end_to_end_pages import clock  # noqa: F401  (a fixture)

PRICES = {"contractor": Decimal("4817263951.37"), "bidder2": Decimal("3958172604.59")}
SHARES = {"contractor": "73.19", "bidder2": "41.07"}
DOCUMENTS = {"contractor": "offer-QX7W.pdf", "bidder2": "offer-ZK4M.pdf"}
ROLES = [None, "office", "ministry", "techoperator", "akimat.karaganda", "akimat.mangystau", "utility", "baiterek",
         "bank", "khc", "contractor", "manufacturer", "operator", "bidder2", "bidder3"]


def response_text(response) -> str:
    """Everything a response carries, as text: the body, or every part of a workbook (an XLSX is a zip of XML)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    return body.decode("utf-8", "replace")


def price_spellings(price: Decimal) -> list[str]:
    """The ways a page, an API answer or a workbook could write ``price``: plain, grouped, localized."""
    whole = f"{int(price)}"
    grouped = f"{int(price):,}"
    cents = f"{price:.2f}".split(".")[1]
    return [whole, f"{price:.2f}", grouped, grouped.replace(",", " "), grouped.replace(",", "\xa0"),
            grouped.replace(",", "."), grouped.replace(",", "&nbsp;"), f"{whole},{cents}"]


def sealed_problems(text: str) -> list[str]:
    """What of the sealed content ``text`` shows (nothing, when sealed)."""
    found = [f"price {spelling!r}" for price in PRICES.values() for spelling in price_spellings(price)
             if spelling in text]
    found += [f"share {share!r}" for share in SHARES.values() if share in text or share.replace(".", ",") in text]
    found += [f"document {name!r}" for name in DOCUMENTS.values() if name.split(".")[0].lower() in text.lower()]
    return found


@pytest.fixture
def sealed(users, contractors, make_tender):
    """A published tender, open for bids for another hour, with two sealed bids carrying documents."""
    now = timezone.now()
    tender = make_tender(lots=(LOT, {**LOT, "title_ru": "Участок 2"}),
                         clarification_deadline=now + dt.timedelta(minutes=30),
                         bid_deadline=now + dt.timedelta(hours=1), opening_at=now + dt.timedelta(hours=1, minutes=5))
    tender = services.tender_publish(actor=users["utility"], tender=tender)
    bids = {}
    for username in ("contractor", "bidder2"):
        bids[username] = services.bid_submit(
            actor=users[username], tender=tender, lot=tender.lots.get(number=1), price=PRICES[username],
            local_content_share=SHARES[username], documents=[(DOCUMENTS[username], b"%PDF-1.4 sealed offer")])
    for user in users.values():
        user.language = "ru"
        user.save(update_fields=["language"])
    return tender, bids


def client_as(users, username: str | None) -> Client:
    client = Client()
    if username is not None:
        client.force_login(users[username])
    return client


def page_urls(tender, bids) -> list[str]:
    documents = BidDocument.objects.filter(bid__lot__tender=tender)
    contractors = {bid.contractor_id for bid in bids.values()}
    return [
        "/", reverse("procurement:dashboard"), reverse("procurement:tender_list"),
        reverse("procurement:tender_list") + "?status=published", reverse("procurement:tender_export"),
        reverse("procurement:tender_detail", args=[tender.pk]),
        reverse("procurement:contractor_list"), reverse("procurement:contractor_export"),
        *(reverse("procurement:contractor_detail", args=[pk]) for pk in contractors),
        reverse("procurement:contract_list"), reverse("procurement:contract_export"),
        reverse("procurement:unreliable_list"), reverse("procurement:unreliable_list") + "?format=xlsx",
        *(reverse("procurement:bid_document", args=[document.bid_id, document.pk]) for document in documents),
    ]


def api_urls(tender, bids) -> list[str]:
    base = "/api/v1/procurement"
    return [
        f"{base}/tenders/", f"{base}/tenders/{tender.pk}/", f"{base}/tenders/{tender.pk}/bids/",
        f"{base}/tenders/{tender.pk}/evaluation/", f"{base}/tenders/{tender.pk}/awards/", f"{base}/bids/",
        *(f"{base}/bids/{bid.pk}/" for bid in bids.values()), f"{base}/contracts/", f"{base}/summary/",
        f"{base}/contractors/",
    ]


def admin_urls(tender, bids) -> list[str]:
    """Every procurement changelist of the back office, and the change and history pages of the bids."""
    urls = [reverse(f"admin:procurement_{model._meta.model_name}_changelist")
            for model in admin.site._registry if model._meta.app_label == "procurement"]
    for bid in Bid.objects.filter(lot__tender=tender):
        urls += [reverse("admin:procurement_bid_change", args=[bid.pk]),
                 reverse("admin:procurement_bid_history", args=[bid.pk])]
    urls += [reverse("admin:procurement_tender_change", args=[tender.pk]),
             reverse("admin:procurement_tender_history", args=[tender.pk])]
    for document in BidDocument.objects.filter(bid__lot__tender=tender):
        model = document._meta.model_name
        if any(registered._meta.model_name == model for registered in admin.site._registry):
            urls += [reverse(f"admin:procurement_{model}_change", args=[document.pk])]
    return urls


def test_no_role_reads_a_sealed_bid_anywhere_before_the_deadline(users, sealed, clock, settings):  # noqa: F811
    tender, bids = sealed
    settings.MEDIA_ROOT = settings.MEDIA_ROOT  # the conftest keeps files in a temporary folder
    urls = page_urls(tender, bids) + api_urls(tender, bids) + admin_urls(tender, bids)
    leaks, answered = [], {}
    for username in ROLES:
        client = client_as(users, username)
        for url in urls:
            response = client.get(url)
            assert response.status_code < 500, (username, url, response.status_code)
            answered[(username, url)] = response.status_code
            leaks += [f"{username or 'anonymous'} {url}: {problem}" for problem in sealed_problems(response_text(response))]
    assert leaks == []
    # The checks looked at real pages: each signed-in role opened the tender, the office every back-office page.
    detail = reverse("procurement:tender_detail", args=[tender.pk])
    assert all(answered[(username, detail)] == 200 for username in ROLES if username)
    assert all(answered[(username, "/")] == 200 for username in ROLES if username)
    assert all(answered[("office", url)] == 200 for url in admin_urls(tender, bids))
    documents = [url for url in urls if "/documents/" in url]
    assert len(documents) == 2
    assert all(answered[(username, url)] == (302 if username is None else 404) for username in ROLES
               for url in documents)
    assert answered[("contractor", f"/api/v1/procurement/bids/{bids['contractor'].pk}/")] == 200
    assert answered[("bidder2", f"/api/v1/procurement/bids/{bids['contractor'].pk}/")] == 404

    # The bidder's own view of its bid: sealed, with its receipt.
    own = client_as(users, "contractor").get(detail).content.decode()
    assert bids["contractor"].seal_digest[:17] in own

    # After the deadline and the opening the same pages show the content: the search above would have found it.
    clock(hours=2)
    services.tender_open_bids(actor=users["utility"], tender=tender)
    office = client_as(users, "office")
    shown = sealed_problems(response_text(office.get(detail)))
    assert any("price" in problem for problem in shown) and any("document" in problem for problem in shown)
    assert sealed_problems(response_text(office.get(f"/api/v1/procurement/tenders/{tender.pk}/bids/")))

