"""The financing dashboard on the demo data: the round-2 figures of the texts, derived from the records."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from meks.finance.choices import ApplicationStatus
from meks.finance.models import FinancingApplication

A = ApplicationStatus


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def round_two(client):
    response = client.get(reverse("finance:dashboard"))
    assert response.status_code == 200
    [bar] = [bar for bar in response.context["rounds"]["bars"] if bar["round"] == 2]
    return response, bar, {segment["group"]: segment for segment in bar["segments"]}


def test_round_two_shows_the_texts_figures_and_drills_down(client_for, finance_demo):
    office = client_for("office")
    response, bar, groups = round_two(office)
    assert bar["count"] == 144
    assert bar["amount"] > Decimal("300000000000")
    assert (groups["banks"]["count"], groups["khc"]["count"]) == (89, 55)
    page = response.content.decode()
    assert 'data-round="2"' in page and '<span class="round-tile__value" data-figure="count">144</span>' in page
    for segment in (groups["banks"], groups["khc"]):
        drilled = office.get(segment["url"])
        assert drilled.context["page"].paginator.count == segment["count"]
    assert office.get(bar["url"]).context["page"].paginator.count == 144


def test_approving_one_more_application_changes_round_two(client_for, finance_demo):
    finance_demo["office"].language = "en"  # pages answer in the user's language; the message is asserted in English
    finance_demo["office"].save(update_fields=["language"])
    office = client_for("office")
    _response, before, groups_before = round_two(office)
    routed = FinancingApplication.objects.filter(status=A.ROUTED).select_related("channel").order_by("pk").first()
    assert routed is not None
    group = {"development_bank": "banks", "bank": "banks", "housing_company": "khc"}.get(
        routed.channel.lender_kind, "other")
    response = office.post(reverse("finance:application_decide", args=[routed.pk]), {
        "decision-version": routed.version, "decision-body": "KHC board", "decision-number": "B-1",
        "decision-date": "2026-05-01", "decision-amount_approved": str(routed.amount_requested),
        "decision-round": "2"}, follow=True)
    assert [str(message) for message in response.context["messages"]] == [
        "The decision was recorded; the application is approved."]
    _response, after, groups_after = round_two(office)
    assert after["count"] == before["count"] + 1 == 145
    assert after["amount"] == before["amount"] + routed.amount_requested
    assert groups_after[group]["count"] == groups_before[group]["count"] + 1


def test_the_list_sorts_and_filters_by_the_regions_funding_priority(client_for, finance_demo):
    from meks.indicators.selectors import funding_priority_by_region

    priority = funding_priority_by_region()
    office = client_for("office")
    url = reverse("finance:application_list")
    red = {region_id for region_id, row in priority.items() if str(row.zone) == "red"}
    expected = FinancingApplication.objects.filter(project__region_id__in=red).count()
    assert expected > 0
    assert office.get(f"{url}?zone=red").context["page"].paginator.count == expected
    rows = office.get(f"{url}?sort=priority").context["rows"]
    ranks = [row["application"].priority_rank for row in rows]
    assert ranks == sorted(ranks) and ranks[0] == 1
    assert ranks[0] == priority[rows[0]["application"].project.region_id].rank
