"""A tender's lifecycle through the services: publication and its effects on the project, the whole main line,
cancellation, unsuccessful and re-tendered tenders, questions and complaints."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from meks.core.errors import ServiceError, TransitionError
from meks.core.testing.matrix import snapshot
from meks.portfolio.models import Milestone, Project
from meks.procurement import selectors, services
from meks.procurement.models import Complaint, Question, Tender, TenderStatusChange

from .conftest import AWARDED, BIDDING, CLARIFICATIONS, NOW, OPENED, PUBLISHED, SIGNED, evaluate_all, submit


def test_publishing_moves_the_project_and_its_milestone_and_measures_the_delay(users, make_project, make_tender):
    project = make_project(confirmed_days_ago=75)
    assert project.status == "confirmed"
    tender = make_tender(project=project)
    assert tender.ocid == f"ocds-meks01-{tender.number}"
    assert tender.number == f"T-{project.code}-01"
    tender = services.tender_publish(actor=users["utility"], tender=tender, at=PUBLISHED)
    project.refresh_from_db()
    milestone = Milestone.objects.get(project=project, kind="tender_published")
    assert (tender.status, project.status) == ("published", "contractor_determination")
    assert milestone.actual_date == PUBLISHED.astimezone(dt.timezone(dt.timedelta(hours=5))).date()
    assert tender.publication_days == 15  # confirmed 75 days ago, published 60 days ago
    assert selectors.tender_get(user=users["office"], pk=tender.pk).is_late is False


def test_a_tender_published_after_the_target_is_late(users, make_tender, settings):
    tender = make_tender(confirmed_days_ago=100)
    services.tender_publish(actor=users["utility"], tender=tender, at=PUBLISHED)
    assert selectors.tender_get(user=users["office"], pk=tender.pk).is_late is True  # 40 days > 30
    settings.PROCUREMENT_PUBLICATION_TARGET_DAYS = 45
    assert selectors.tender_get(user=users["office"], pk=tender.pk).is_late is False
    rows = selectors.publication_delays_by_region(user=users["office"])
    assert [(row["project__region__kato"], row["published"], row["late"]) for row in rows] == [("35", 1, 0)]


def test_an_unpublished_draft_past_the_target_is_late_too(users, make_tender):
    tender = make_tender(confirmed_days_ago=100)
    on_time = make_tender(confirmed_days_ago=10)
    assert on_time.project_confirmed_at > NOW - dt.timedelta(days=11)
    assert [t.pk for t in selectors.late_tenders(user=users["office"])] == [tender.pk]


def test_only_a_confirmed_project_is_tendered(users, make_project):
    project = make_project()
    Project.objects.filter(pk=project.pk).update(status="implementation")
    project.refresh_from_db()
    with pytest.raises(ServiceError, match="Only a confirmed project"):
        services.tender_create(actor=users["utility"], project=project, title_ru="T",
                               lots=[{"title_ru": "L", "category": "heat_networks", "estimated_value": "5"}])
    assert not Tender.objects.exists()


def test_single_source_needs_a_justification(users, make_project):
    with pytest.raises(ServiceError) as error:
        services.tender_create(actor=users["utility"], project=make_project(), title_ru="T", method="single_source",
                               lots=[{"title_ru": "L", "category": "heat_networks", "estimated_value": "5"}])
    assert "justification" in str(error.value)


def test_publishing_is_refused_without_a_future_deadline_and_nothing_changes(users, make_tender):
    tender = make_tender()
    before = snapshot(Tender.objects.all(), Milestone.objects.all(), Project.objects.all())
    with pytest.raises(TransitionError, match="The bid deadline must be in the future"):
        services.tender_publish(actor=users["utility"], tender=tender)  # now: the deadline was 40 days ago
    assert snapshot(Tender.objects.all(), Milestone.objects.all(), Project.objects.all()) == before


def test_a_contractor_may_not_publish(users, contractors, make_tender):
    tender = make_tender()
    with pytest.raises(TransitionError, match="Your role may not"):
        services.tender_publish(actor=users["contractor"], tender=tender, at=PUBLISHED)
    tender.refresh_from_db()
    assert tender.status == "draft"


def test_the_main_line_from_draft_to_complete(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "900000000", "10")
    submit(users, tender, "bidder2", "950000000", "0")
    tender = evaluate_all(users, tender)
    awards = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)
    assert [(a.contractor, a.value) for a in awards] == [(contractors["contractor"], Decimal("900000000.00"))]
    tender = services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    assert tender.standstill_ends_at > AWARDED + dt.timedelta(days=13)  # ten working days
    contract = services.contract_sign(actor=users["utility"], award=awards[0], number="C-1",
                                      start_date=dt.date(2026, 1, 1), end_date=dt.date(2027, 12, 31), at=SIGNED)
    tender.refresh_from_db()
    assert (tender.status, contract.customer, contract.local_content_share) == (
        "contract_signed", users["utility"].organization, Decimal("10.00"))
    assert Milestone.objects.get(project=tender.project, kind="contract_signed").actual_date is not None
    services.contract_complete(actor=users["utility"], contract=contract)
    tender.refresh_from_db()
    moves = list(TenderStatusChange.objects.filter(tender=tender).values_list("from_status", "to_status"))
    assert moves == [("", "draft"), ("draft", "published"), ("published", "bids_opened"),
                     ("bids_opened", "evaluation"), ("evaluation", "awarded"), ("awarded", "standstill"),
                     ("standstill", "contract_signed"), ("contract_signed", "complete")]


def test_the_contract_waits_for_the_end_of_the_standstill(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "900000000", "10")
    submit(users, tender, "bidder2", "950000000", "0")
    tender = evaluate_all(users, tender)
    award = services.tender_award(actor=users["utility"], tender=tender, at=AWARDED)[0]
    services.tender_start_standstill(actor=users["utility"], tender=tender, at=AWARDED)
    with pytest.raises(TransitionError, match="after the standstill period ends"):
        services.contract_sign(actor=users["utility"], award=award, number="C-1", start_date=dt.date(2026, 1, 1),
                               end_date=dt.date(2027, 1, 1), at=AWARDED + dt.timedelta(days=2))
    assert not tender.contracts.exists()


def test_too_few_bids_make_the_tender_unsuccessful_and_it_is_retendered(users, contractors, published_tender):
    tender = published_tender()
    submit(users, tender, "contractor", "900000000", "10")
    tender = services.tender_open_bids(actor=users["utility"], tender=tender, at=OPENED)
    assert tender.status == "unsuccessful"
    assert "Too few bids" in tender.status_reason
    assert tender.lots.get().status == "unsuccessful"
    new = services.tender_retender(actor=users["utility"], tender=tender, at=NOW)
    tender.refresh_from_db()
    assert (tender.status, new.status, new.retender_of, new.number) == ("retendered", "draft", tender,
                                                                       f"T-{tender.project.code}-02")
    assert list(new.lots.values_list("title_ru", "estimated_value")) == [
        ("Реконструкция тепловых сетей", Decimal("1000000000.00"))]
    assert new.requirements.count() == 2


def test_cancelling_needs_a_reason(users, published_tender):
    tender = published_tender()
    with pytest.raises(TransitionError, match="Give the reason"):
        services.tender_cancel(actor=users["utility"], tender=tender, reason=" ")
    tender = services.tender_cancel(actor=users["office"], tender=tender, reason="Изменился проект")
    assert (tender.status, tender.status_reason) == ("cancelled", "Изменился проект")


def test_questions_until_the_clarification_deadline(users, contractors, published_tender):
    tender = published_tender()
    question = services.question_ask(actor=users["bidder2"], tender=tender, text="Какой диаметр труб?",
                                       at=BIDDING)
    services.question_answer(actor=users["utility"], question=question, answer="DN 500.")
    with pytest.raises(ServiceError, match="clarification deadline has passed"):
        services.question_ask(actor=users["bidder2"], tender=tender, text="Ещё вопрос",
                              at=CLARIFICATIONS + dt.timedelta(days=1))
    with pytest.raises(ServiceError, match="answered already"):
        services.question_answer(actor=users["utility"], question=question, answer="again")
    rows = list(selectors.question_list(user=None, tender=tender).values_list("text", "answer"))
    assert rows == [("Какой диаметр труб?", "DN 500.")]
    assert Question.objects.count() == 1


def test_a_complaint_suspends_the_tender_until_its_decision(users, contractors, published_tender):
    tender = published_tender()
    complaint = services.complaint_file(actor=users["bidder2"], tender=tender, subject="Дискриминационные требования",
                                        text="Требование опыта 5 лет завышено", at=BIDDING)
    with pytest.raises(ServiceError, match="Only the review body"):
        services.complaint_accept(actor=users["utility"], complaint=complaint, suspend=True)
    services.complaint_accept(actor=users["ministry"], complaint=complaint, suspend=True, at=BIDDING)
    tender.refresh_from_db()
    assert (tender.status, tender.status_before_suspension) == ("suspended", "published")
    with pytest.raises(TransitionError, match="not accepting bids"):
        submit(users, tender, "contractor", "900000000", "10")
    new_deadline = NOW + dt.timedelta(days=20)
    services.complaint_decide(actor=users["ministry"], complaint=complaint, upheld=True,
                              decision="Требование исключить", new_bid_deadline=new_deadline, at=NOW)
    tender.refresh_from_db()
    complaint.refresh_from_db()
    assert (tender.status, tender.bid_deadline, complaint.status) == ("published", new_deadline, "upheld")
    assert tender.opening_at == new_deadline + dt.timedelta(hours=1)
    assert list(TenderStatusChange.objects.filter(tender=tender).values_list("to_status", flat=True))[-2:] == [
        "suspended", "published"]
    assert Complaint.objects.get().decided_by == users["ministry"]
