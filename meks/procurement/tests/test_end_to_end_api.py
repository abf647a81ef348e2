"""A tender end to end through the REST API: publication, a question and its answer, two sealed bids, the
opening after the deadline, the evaluation in which the domestic preference changes the winner, the award and
the contract; the summary then counts it."""

from __future__ import annotations

import base64
import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from meks.procurement.models import Bid, Tender

from .test_end_to_end_pages import DOMESTIC_PRICE, IMPORTED_PRICE, clock  # noqa: F401  (clock is a fixture)

API = "/api/v1/procurement"


def api(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def call(client: Client, method: str, url: str, data: dict | None = None, expect: int = 200) -> dict | list:
    response = getattr(client, method)(f"{API}{url}", data=data or {}, content_type="application/json")
    assert response.status_code == expect, (url, response.status_code, response.content[:500])
    return response.json() if response.content else {}


def test_a_tender_runs_end_to_end_through_the_api(users, contractors, make_project, settings, clock):  # noqa: F811
    settings.PROCUREMENT_STANDSTILL_WORKING_DAYS = 0
    project = make_project()
    customer, office = api(users["utility"]), api(users["office"])
    domestic, importer = api(users["contractor"]), api(users["bidder2"])
    now = timezone.now()

    tender = call(customer, "post", "/tenders/", {
        "project": project.pk, "title_ru": "Реконструкция теплосетей", "method": "open",
        "lots": [{"title_ru": "Участок 1", "category": "heat_networks", "estimated_value": "1100000000.00"}],
        "requirements": [{"kind": "licence", "text": "Лицензия"}, {"kind": "experience", "text": "Опыт"}],
        "clarification_deadline": (now + dt.timedelta(hours=1)).isoformat(),
        "bid_deadline": (now + dt.timedelta(hours=2)).isoformat(),
        "opening_at": (now + dt.timedelta(hours=2, minutes=30)).isoformat(),
    }, expect=201)
    assert (tender["status"], tender["estimated_value"], len(tender["lots"])) == ("draft", "1100000000.00", 1)
    pk, lot = tender["id"], tender["lots"][0]["id"]
    call(domestic, "get", f"/tenders/{pk}/", expect=404)  # a draft is not public
    call(customer, "post", f"/tenders/{pk}/publish/", {"version": tender["version"] + 5}, expect=409)
    published = call(customer, "post", f"/tenders/{pk}/publish/", {"version": tender["version"]})
    assert (published["status"], published["publication_days"], published["is_late"]) == ("published", 0, False)

    question = call(domestic, "post", f"/tenders/{pk}/questions/", {"text": "Субподряд допускается?"}, expect=201)
    call(domestic, "post", f"/questions/{question['id']}/answer/", {"answer": "Нет"}, expect=403)
    call(customer, "post", f"/questions/{question['id']}/answer/", {"answer": "Да, до 30 %."})
    assert call(importer, "get", f"/tenders/{pk}/questions/")[0]["answer"] == "Да, до 30 %."

    document = base64.b64encode(b"%PDF-1.4 estimate").decode()
    own = call(domestic, "post", "/bids/", {"tender": pk, "lot": lot, "price": str(DOMESTIC_PRICE),
                                            "local_content_share": "80",
                                            "documents": [{"name": "smeta.pdf", "content": document}]}, expect=201)
    assert (own["sealed"], own["price"], own["local_content_share"], own["documents"]) == (True, None, None, [])
    call(importer, "post", "/bids/", {"tender": pk, "lot": lot, "price": "-5", "local_content_share": "0"},
         expect=400)
    call(importer, "post", "/bids/", {"tender": pk, "lot": lot, "price": str(IMPORTED_PRICE),
                                      "local_content_share": "0"}, expect=201)
    assert call(office, "get", f"/tenders/{pk}/bids/") == []  # sealed: the office sees no bid at all
    call(customer, "post", f"/tenders/{pk}/open-bids/", expect=409)  # not before the deadline

    clock(hours=3)
    customer, domestic = api(users["utility"]), api(users["contractor"])
    call(domestic, "post", "/bids/", {"tender": pk, "lot": lot, "price": "1", "local_content_share": "0"},
         expect=409)  # the deadline has passed
    assert call(customer, "post", f"/tenders/{pk}/open-bids/")["status"] == "bids_opened"
    call(customer, "post", f"/tenders/{pk}/start-evaluation/")
    requirements = [requirement["id"] for requirement in tender["requirements"]]
    for bid in Bid.objects.filter(lot_id=lot):
        for requirement in requirements:
            call(customer, "post", f"/tenders/{pk}/qualification/",
                 {"bid": bid.pk, "requirement": requirement, "passed": True}, expect=201)
    ranked = call(customer, "post", f"/tenders/{pk}/rank/", {"lot": lot})
    assert [(row["contractor"], row["price"], row["preference_percent"], row["evaluated_price"], row["rank"])
            for row in ranked] == [
        (contractors["contractor"].pk, "1000000000.00", "15.00", "850000000.00", 1),
        (contractors["bidder2"].pk, "900000000.00", "0.00", "900000000.00", 2),
    ]
    evaluation = call(office, "get", f"/tenders/{pk}/evaluation/")
    assert [step["discount"] for step in evaluation["preference"]] == ["3.00", "7.00", "11.00", "15.00"]
    assert [row["bid"]["rank"] for row in evaluation["lots"][0]["rows"]] == [1, 2]
    opened = call(importer, "get", f"/tenders/{pk}/bids/")
    assert {row["price"] for row in opened} == {"1000000000.00", "900000000.00"}
    assert [document["name"] for row in opened for document in row["documents"]] == ["smeta.pdf"]

    call(customer, "post", f"/tenders/{pk}/award/")
    call(customer, "post", f"/tenders/{pk}/standstill/")
    [award] = call(customer, "get", f"/tenders/{pk}/awards/")
    assert (award["contractor"], award["value"], award["status"]) == (
        contractors["contractor"].pk, "1000000000.00", "pending")
    today = timezone.localdate()
    contract = call(customer, "post", f"/awards/{award['id']}/contract/", {
        "number": "D-API-1", "start_date": today.isoformat(),
        "end_date": (today + dt.timedelta(days=365)).isoformat()}, expect=201)
    assert (contract["value"], contract["local_content_share"], contract["contractor"]) == (
        "1000000000.00", "80.00", contractors["contractor"].pk)
    assert Tender.objects.get(pk=pk).status == "contract_signed"
    assert call(domestic, "get", f"/contracts/{contract['id']}/")["number"] == "D-API-1"
    call(importer, "get", f"/contracts/{contract['id']}/", expect=404)

    summary = call(office, "get", "/summary/")
    assert summary["totals"]["contracts"] == 1
    assert summary["totals"]["saving"] == "100000000.00"  # 1.1 bn estimated, 1.0 bn signed
    assert Decimal(summary["totals"]["local_content_share"]) == Decimal("80.00")
    assert {"producers", "products", "value", "value_trn"} <= set(summary["producers"])
