"""The portal's tenders and contracts as a new anonymous visitor sees them: public, no bid, no person."""

import datetime as dt

from django.conf import settings
from django.test import Client
from django.urls import reverse

from meks.procurement import services
from meks.procurement.tests.conftest import AWARDED, NOW, PUBLISHED, SIGNED, customer_user, evaluate_all, submit


def _visitor(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    assert not response.cookies
    return response.content.decode()


def test_an_open_tender_is_announced_without_its_sealed_bids_or_its_askers(users, contractors, published_tender,
                                                                           make_tender):
    later = NOW + dt.timedelta(days=20)
    tender = published_tender(bid_deadline=later, opening_at=later + dt.timedelta(hours=1),
                              clarification_deadline=NOW + dt.timedelta(days=10))
    submit(users, tender, "contractor", "912345678", "40")
    asker = users["bidder3"]
    question = services.question_ask(actor=asker, tender=tender, text="Какой диаметр труб?",
                                     at=PUBLISHED + dt.timedelta(days=2))
    services.question_answer(actor=customer_user(users, tender.project), question=question, answer="Ду 500 мм",
                             at=PUBLISHED + dt.timedelta(days=3))
    draft = make_tender()
    for language in ("ru", "kk", "en"):
        client = _visitor(language)
        listing = _page(client, reverse("portal:tender_list"))
        assert f'<html lang="{language}"' in listing
        assert tender.number in listing
        assert draft.number not in listing
        page = _page(client, reverse("portal:tender_detail", args=[tender.number]))
        assert tender.lots.get().title_ru in page
        assert "Какой диаметр труб?" in page and "Ду 500 мм" in page
        assert "data-deadline" in page
        assert asker.last_name not in page and asker.username not in page
        assert "912345678" not in page and "912 345 678" not in page
        assert contractors["contractor"].name_ru not in page
    assert _visitor("en").get(reverse("portal:tender_detail", args=[draft.number])).status_code == 404
    assert _visitor("en").get(reverse("portal:tender_detail", args=["NO-SUCH"])).status_code == 404


def test_the_project_card_shows_the_contractor_and_the_contract(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "900000000", "30")
    submit(users, tender, "bidder2", "950000000", "0")
    project = tender.project
    card = reverse("portal:project_detail", args=[project.code])
    before = _page(_visitor("en"), card)
    assert contractors["contractor"].name_ru not in before
    assert tender.number in before
    tender = evaluate_all(users, tender)
    [award] = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)
    services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    services.contract_sign(actor=users["utility"], award=award, number="C-PORTAL-1", start_date=dt.date(2026, 1, 1),
                           end_date=dt.date(2027, 12, 31), at=SIGNED)
    after = _page(_visitor("ru"), card)  # another language: not the page cached above
    assert "C-PORTAL-1" in after
    assert contractors["contractor"].name_ru in after
    detail = _page(_visitor("ru"), reverse("portal:tender_detail", args=[tender.number]))
    assert contractors["contractor"].name_ru in detail  # the winner of the lot
    assert "900000000" not in detail and "950000000" not in detail
