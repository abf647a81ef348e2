"""A tender end to end through the pages, as each role would click it: the customer prepares and publishes it,
a contractor asks and the customer answers, two contractors bid (sealed), the bids are opened after the
deadline, evaluated with the domestic preference changing the winner, awarded, and the contract recorded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meks.procurement.models import Bid, Contract, Question, Tender

#: The domestic bidder's price is higher, but its 80 % local content takes 15 % off for the evaluation.
DOMESTIC_PRICE = Decimal("1000000000.00")
IMPORTED_PRICE = Decimal("900000000.00")


def signed_in(user) -> Client:
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict | None = None) -> list[str]:
    """POST, follow the redirect and return the page's messages."""
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200, response.status_code
    return [str(message) for message in response.context["messages"]]


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def clock(monkeypatch):
    """Move the platform's clock forward (``clock(hours=3)``): the bid deadline passes without waiting."""
    real_now = timezone.now

    def move(**delta):
        moved = real_now() + dt.timedelta(**delta)
        monkeypatch.setattr("django.utils.timezone.now", lambda: moved)

    return move


def test_a_tender_runs_end_to_end_through_the_pages(users, contractors, make_project, settings, clock):
    settings.PROCUREMENT_STANDSTILL_WORKING_DAYS = 0
    project = make_project()
    customer, office = signed_in(users["utility"]), signed_in(users["office"])
    domestic, importer = signed_in(users["contractor"]), signed_in(users["bidder2"])
    now = timezone.now()

    # The customer prepares the tender for its confirmed project and publishes it.
    form = customer.get(reverse("procurement:tender_create"))
    assert project in form.context["form"].fields["project"].queryset
    response = customer.post(reverse("procurement:tender_create"), {
        "project": project.pk, "title_ru": "Реконструкция теплосетей", "method": "open",
        "lot_title_ru": "Участок 1", "lot_category": "heat_networks", "lot_estimated_value": "1100000000",
        "requirement_licence": "Лицензия на теплосети", "requirement_experience": "Опыт 5 лет",
        "clarification_deadline": local(now + dt.timedelta(hours=1)),
        "bid_deadline": local(now + dt.timedelta(hours=2)), "opening_at": local(now + dt.timedelta(hours=2, minutes=30)),
    })
    assert response.status_code == 302, response.context["form"].errors
    tender = Tender.objects.get(project=project)
    detail = reverse("procurement:tender_detail", args=[tender.pk])
    assert response["Location"] == detail
    assert "The tender was saved as a draft" in customer.get(detail).content.decode()
    assert domestic.get(detail).status_code == 404  # a draft is not public
    assert post(customer, reverse("procurement:tender_transition", args=[tender.pk]),
                {"action": "publish", "version": tender.version}) == ["Done: Publish."]
    tender.refresh_from_db()
    assert tender.status == "published"
    assert tender.publication_days == 0
    project.refresh_from_db()
    assert project.status == "contractor_determination"

    # A contractor asks; the customer answers; the answer is public.
    assert post(domestic, reverse("procurement:question_ask", args=[tender.pk]),
                {"question-text": "Допускается ли субподряд?"}) == [
        "Your question was sent; the answer will be published on this page."]
    question = Question.objects.get(tender=tender)
    assert post(customer, reverse("procurement:question_answer", args=[question.pk]),
                {"answer-answer": "Да, до 30 %."}) == ["The answer was published."]
    page = importer.get(detail).content.decode()
    assert "Допускается ли субподряд?" in page and "Да, до 30 %." in page

    # Two contractors bid; the bids are sealed.
    lot = tender.lots.get()
    for client, price, share, name in ((domestic, DOMESTIC_PRICE, "80", "smeta-domestic.pdf"),
                                       (importer, IMPORTED_PRICE, "0", "smeta-import.pdf")):
        messages = post(client, reverse("procurement:bid_submit", args=[tender.pk]), {
            "bid-lot": lot.pk, "bid-price": str(price), "bid-local_content_share": share,
            "bid-documents": SimpleUploadedFile(name, b"%PDF-1.4 estimate"),
        })
        assert messages == ["Your bid was sealed and submitted. Nobody can read it before the bid deadline."]
    assert Bid.objects.filter(lot=lot, status="submitted", price__isnull=True).count() == 2
    page = office.get(detail).content.decode()
    assert "1 000 000 000" not in page and "smeta-domestic" not in page
    assert "2 sealed, 0 withdrawn, 0 replaced" in page

    # The deadline passes: the customer opens the bids and evaluates them.
    clock(hours=3)
    customer, domestic = signed_in(users["utility"]), signed_in(users["contractor"])
    assert post(customer, reverse("procurement:tender_transition", args=[tender.pk]),
                {"action": "open_bids", "version": Tender.objects.get(pk=tender.pk).version}) == ["Done: Open the bids."]
    assert post(customer, reverse("procurement:tender_transition", args=[tender.pk]),
                {"action": "start_evaluation", "version": Tender.objects.get(pk=tender.pk).version}) == [
        "Done: Start the evaluation."]
    for bid in Bid.objects.filter(lot=lot):
        for requirement in tender.requirements.all():
            assert post(customer, reverse("procurement:qualification_record", args=[tender.pk]), {
                "check-bid": bid.pk, "check-requirement": requirement.pk, "check-passed": "1", "check-note": "",
            }) == ["The qualification result was recorded."]
    assert post(customer, reverse("procurement:lot_evaluate", args=[tender.pk, lot.pk])) == [
        "The bids were ranked by evaluated price."]
    response = customer.get(detail)
    [entry] = response.context["lots"]
    ranked = [(row["bid"].contractor.pk, row["bid"].price, row["bid"].preference_percent, row["bid"].evaluated_price,
               row["bid"].rank) for row in entry["evaluation"]]
    assert ranked == [
        (contractors["contractor"].pk, DOMESTIC_PRICE, Decimal("15.00"), Decimal("850000000.00"), 1),
        (contractors["bidder2"].pk, IMPORTED_PRICE, Decimal("0.00"), Decimal("900000000.00"), 2),
    ]
    page = response.content.decode()
    assert "850 000 000,00" in page or "850,000,000.00" in page
    assert 'data-rule="domestic-preference"' in page and "from 80 %" in page

    # The award goes to the domestic bidder despite its higher price; then the contract.
    assert post(customer, reverse("procurement:tender_transition", args=[tender.pk]),
                {"action": "award", "version": Tender.objects.get(pk=tender.pk).version}) == [
        "Done: Announce the award."]
    assert post(customer, reverse("procurement:tender_transition", args=[tender.pk]),
                {"action": "start_standstill", "version": Tender.objects.get(pk=tender.pk).version}) == [
        "Done: Start the standstill period."]
    award = entry["lot"].awards.get(status="pending")
    assert award.contractor == contractors["contractor"]
    assert award.value == DOMESTIC_PRICE
    today = timezone.localdate()
    response = customer.post(reverse("procurement:contract_sign", args=[award.pk]), {
        "sign-award": award.pk, "sign-number": "D-2026-001", "sign-start_date": today.isoformat(),
        "sign-end_date": (today + dt.timedelta(days=365)).isoformat(), "sign-local_content_share": "",
    })
    contract = Contract.objects.get(award=award)
    assert response["Location"] == reverse("procurement:contract_detail", args=[contract.pk])
    assert (contract.value, contract.local_content_share, contract.contractor) == (
        DOMESTIC_PRICE, Decimal("80.00"), contractors["contractor"])
    assert Tender.objects.get(pk=tender.pk).status == "contract_signed"
    # The winner sees its contract; the other bidder does not.
    assert domestic.get(reverse("procurement:contract_detail", args=[contract.pk])).status_code == 200
    assert signed_in(users["bidder2"]).get(reverse("procurement:contract_detail", args=[contract.pk])).status_code == 404
