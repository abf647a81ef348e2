"""The procurement pages: who may open what, what a refused post leaves unchanged, the registry's forms,
filters, exports, htmx partials and the dashboard's links to the records behind each figure."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from meks.core.testing.matrix import LOGIN, check_matrix, snapshot
from meks.procurement import services
from meks.procurement.models import Bid, Contract, Contractor, Tender, TenderStatusChange

from .conftest import AWARDED, SIGNED, evaluate_all, submit

SIGNED_IN = ["office", "ministry", "techoperator", "akimat.karaganda", "akimat.mangystau", "utility", "baiterek",
             "bank", "khc", "contractor", "manufacturer", "operator"]
READ_PAGES = ["procurement:dashboard", "procurement:tender_list", "procurement:tender_export",
              "procurement:contractor_list", "procurement:contractor_export", "procurement:contract_list",
              "procurement:contract_export", "procurement:unreliable_list"]


def english(users) -> None:
    for user in users.values():
        user.language = "en"
        user.save(update_fields=["language"])


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def workbook_rows(response) -> list[tuple]:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


@pytest.fixture
def signed(users, contractors, published_tender, make_tender):
    """A tender run to its contract (the demo contractor wins over bidder2), and a draft of another project."""
    english(users)
    tender = published_tender()
    submit(users, tender, "contractor", "900000000", "30")
    submit(users, tender, "bidder2", "950000000", "0")
    tender = evaluate_all(users, tender)
    [award] = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)
    services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    contract = services.contract_sign(actor=users["utility"], award=award, number="C-PAGES-1",
                                      start_date=dt.date(2026, 1, 1), end_date=dt.date(2027, 12, 31), at=SIGNED)
    draft = make_tender()
    return {"tender": Tender.objects.get(pk=tender.pk), "contract": contract, "draft": draft}


def test_who_may_open_what_and_refused_posts_change_nothing(client_for, users, signed):
    tender, contract, draft = signed["tender"], signed["contract"], signed["draft"]
    everyone = {None: LOGIN, **dict.fromkeys(SIGNED_IN, 200)}
    for name in READ_PAGES:
        check_matrix(client_for, "get", reverse(name), expect=everyone)
    # A public tender: every signed-in role; a draft: its customer, its region's akimat and the national roles.
    check_matrix(client_for, "get", reverse("procurement:tender_detail", args=[tender.pk]), expect=everyone)
    check_matrix(client_for, "get", reverse("procurement:tender_detail", args=[draft.pk]), expect={
        None: LOGIN, "office": 200, "ministry": 200, "techoperator": 200, "akimat.karaganda": 200, "utility": 200,
        "akimat.mangystau": 404, "contractor": 404, "bank": 404, "manufacturer": 404})
    check_matrix(client_for, "get", reverse("procurement:tender_edit", args=[draft.pk]), expect={
        None: LOGIN, "utility": 200, "office": 200, "akimat.karaganda": 200, "ministry": 404, "contractor": 404})
    check_matrix(client_for, "get", reverse("procurement:tender_create"), expect={
        None: LOGIN, "utility": 200, "office": 200, "akimat.karaganda": 200, "contractor": 404, "ministry": 404,
        "akimat.mangystau": 404, "bank": 404})
    # A contract: its customer side, the overseers and its contractor; not the losing bidder nor other regions.
    check_matrix(client_for, "get", reverse("procurement:contract_detail", args=[contract.pk]), expect={
        None: LOGIN, "office": 200, "utility": 200, "akimat.karaganda": 200, "contractor": 200,
        "akimat.mangystau": 404, "bank": 404, "manufacturer": 404})
    assert as_user(users["bidder2"]).get(reverse("procurement:contract_detail", args=[contract.pk])).status_code == 404

    # Refused posts change nothing: a contractor publishing a draft it cannot see, another region's akimat.
    def state():
        return [*snapshot(Tender.objects.all(), Contract.objects.all(), Bid.objects.all()),
                TenderStatusChange.objects.count()]

    move = {"action": "publish", "version": draft.version}
    check_matrix(client_for, "post", reverse("procurement:tender_transition", args=[draft.pk]), move, expect={
        None: LOGIN, "contractor": 404, "akimat.mangystau": 404, "bank": 404}, state=state)
    check_matrix(client_for, "post", reverse("procurement:amendment_add", args=[contract.pk]),
                 {"amend-kind": "value", "amend-value_change": "1000", "amend-reason": "x",
                  "amend-signed_on": "2026-02-01"},
                 expect={None: LOGIN, "akimat.mangystau": 404, "bank": 404, "manufacturer": 404},
                 state=state)
    # Seen but not allowed: the page says why and nothing changes.
    before = state()
    response = as_user(users["contractor"]).post(reverse("procurement:tender_transition", args=[tender.pk]),
                                                 {"action": "complete", "version": tender.version},
                                                 follow=True)
    assert [str(message) for message in response.context["messages"]] == ["Your role may not do “Complete”."]
    assert state() == before


def test_registry_forms_filters_exports_and_dashboard_links(client_for, users, signed):
    tender, contract = signed["tender"], signed["contract"]
    office, keeper = as_user(users["office"]), as_user(users["techoperator"])

    # Self-registration: an invalid BIN is refused with the problem named and nothing written.
    newcomer = as_user(users["bidder4"])
    url = reverse("procurement:contractor_register")
    assert newcomer.get(url).status_code == 200
    assert as_user(users["contractor"]).get(url).status_code == 404  # registered already
    count = Contractor.objects.count()
    bad_bin = users["bidder4"].organization.bin[:-1] + str((int(users["bidder4"].organization.bin[-1]) + 1) % 10)
    response = newcomer.post(url, {"bin": bad_bin, "name_ru": "ТОО Новый", "experience_years": 3})
    assert response.status_code == 200 and Contractor.objects.count() == count
    errors = response.context["form"].errors["bin"]
    assert len(errors) == 1 and errors[0].startswith("Invalid BIN:")
    response = newcomer.post(url, {"bin": users["bidder4"].organization.bin, "name_ru": "ТОО Новый",
                                   "categories": ["heat_networks", "design"], "experience_years": 3})
    registered = Contractor.objects.get(organization=users["bidder4"].organization)
    assert response["Location"] == reverse("procurement:contractor_detail", args=[registered.pk])
    assert (registered.status, registered.categories) == ("pending", ["heat_networks", "design"])
    # The technical operator verifies it, then enters it in the unreliable register: it may not bid.
    detail = reverse("procurement:contractor_detail", args=[registered.pk])
    response = keeper.post(reverse("procurement:contractor_transition", args=[registered.pk]), {"action": "verify"},
                           follow=True)
    assert [str(m) for m in response.context["messages"]] == ["The contractor is verified."]
    keeper.post(reverse("procurement:unreliable_include", args=[registered.pk]),
                {"include-reason": "Срыв сроков", "include-listed_from": "2026-01-01"})
    registered.refresh_from_db()
    assert services.bidding_problem(registered) == (
        "The contractor is on the register of unreliable suppliers and may not bid.")
    assert "unreliable supplier" in keeper.get(detail).content.decode()
    assert [row["contractor"].pk for row in office.get(
        reverse("procurement:contractor_list") + "?unreliable=1").context["rows"]] == [registered.pk]
    rows = workbook_rows(office.get(reverse("procurement:unreliable_list") + "?format=xlsx"))
    assert [row[1] for row in rows[1:]] == [registered.bin]

    # The tender list: filters, the htmx partial, the export with the same filters.
    listed = office.get(reverse("procurement:tender_list") + "?status=contract_signed")
    assert [row.pk for row in listed.context["page"]] == [tender.pk]
    assert office.get(reverse("procurement:tender_list") + "?status=draft").context["page"].paginator.count == 1
    partial = office.get(reverse("procurement:tender_list") + "?region=35", HTTP_HX_REQUEST="true")
    assert partial.templates[0].name == "procurement/_tender_table.html"
    assert 'hx-swap-oob="true"' in partial.content.decode() and "export.xlsx?region=35" in partial.content.decode()
    rows = workbook_rows(office.get(reverse("procurement:tender_export") + "?status=contract_signed"))
    header, [row] = rows[0], rows[1:]
    values = dict(zip(header, row, strict=True))
    assert (values["Tender"], values["Estimated value, tenge"], values["Bids opened"]) == (tender.number, 1000000000, 2)
    rows = workbook_rows(office.get(reverse("procurement:contract_export")))
    values = dict(zip(rows[0], rows[1], strict=True))
    assert (values["Contract"], values["Value signed, tenge"], values["Committed local content, %"]) == (
        "C-PAGES-1", 900000000, 30)
    # A contractor's export holds only its own contracts.
    assert len(workbook_rows(as_user(users["bidder2"]).get(reverse("procurement:contract_export")))) == 1

    # The dashboard: each figure lists its records.
    response = office.get(reverse("procurement:dashboard"))
    summary = response.context["summary"]
    assert summary["totals"]["saving"] == Decimal("100000000.00")
    assert summary["totals"]["local_content_share"] == Decimal("30.00")
    for bar in response.context["stages"]["bars"]:
        assert office.get(bar["url"]).context["page"].paginator.count == bar["count"]
    for row in response.context["savings"]:
        assert office.get(row["url"]).context["page"].paginator.count == row["contracts"]
    assert office.get(reverse("procurement:contract_list") + f"?q={contract.number}").context[
        "page"].paginator.count == 1


def test_list_pages_cost_the_same_queries_whatever_their_length(users, signed, make_tender):
    office = as_user(users["office"])
    pages = [reverse(name) for name in ("procurement:tender_list", "procurement:contract_list",
                                        "procurement:contractor_list", "procurement:dashboard")]

    def queries() -> list[int]:
        counts = []
        for url in pages:
            with CaptureQueriesContext(connection) as captured:
                assert office.get(url).status_code == 200
            counts.append(len(captured))
        return counts

    before = queries()
    for _ in range(3):
        make_tender()
    assert queries() == before
