"""The portfolio pages: who may open and change what, and what the pages show."""

import datetime as dt

import pytest
from django.urls import reverse

from meks.core.testing.matrix import LOGIN, check_matrix, snapshot
from meks.portfolio.models import Project, StatusChange

from .conftest import TO_CONFIRMED, move

READERS_OK = {"office": 200, "ministry": 200, "techoperator": 200, "baiterek": 200, "operator": 200}


@pytest.fixture
def karaganda_project(make_project):
    return make_project(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 31))


def project_state(project):
    return lambda: snapshot(Project.objects.filter(pk=project.pk), StatusChange.objects.filter(project=project))


def test_reading_pages_matrix(client_for, karaganda_project):
    for name in ("portfolio:dashboard", "portfolio:project_list", "portfolio:rating"):
        check_matrix(client_for, "get", reverse(name), expect={
            None: LOGIN, **READERS_OK, "akimat.mangystau": 200, "utility": 200, "contractor": 404, "bank": 404,
        })
    check_matrix(client_for, "get", reverse("portfolio:project_detail", args=[karaganda_project.pk]), expect={
        None: LOGIN, **READERS_OK, "akimat.karaganda": 200, "utility": 200, "akimat.mangystau": 404,
        "contractor": 404, "bank": 404, "manufacturer": 404,
    })


def test_edit_pages_matrix(client_for, karaganda_project):
    for name in ("portfolio:project_edit", "portfolio:progress_submit", "portfolio:baseline_propose"):
        check_matrix(client_for, "get", reverse(name, args=[karaganda_project.pk]), expect={
            None: LOGIN, "office": 200, "akimat.karaganda": 200, "utility": 200, "ministry": 404,
            "akimat.mangystau": 404, "contractor": 404,
        })


def test_a_decision_by_the_wrong_user_changes_nothing(client_for, demo, karaganda_project):
    project = move(karaganda_project, demo, ("submit", "office"))
    url = reverse("portfolio:project_transition", args=[project.pk])
    data = {"action": "start_document_check", "version": project.version, "reason": ""}
    check_matrix(client_for, "post", url, data, state=project_state(project), expect={
        None: LOGIN, "akimat.mangystau": 404, "contractor": 404,
    })
    # Visible but not allowed: the page explains and nothing changes.
    demo["akimat.karaganda"].language = "en"
    demo["akimat.karaganda"].save(update_fields=["language"])
    before = project_state(project)()
    response = client_for("akimat.karaganda").post(url, data, follow=True)
    assert "may not" in response.content.decode()
    assert project_state(project)() == before
    client_for("techoperator").post(url, data)
    project.refresh_from_db()
    assert project.status == "document_check"


def test_the_page_says_what_is_missing_and_who_must_act(client_for, demo, karaganda_project):
    project = move(karaganda_project, demo, *TO_CONFIRMED)
    demo["office"].language = "en"
    demo["office"].save(update_fields=["language"])
    page = client_for("office").get(reverse("portfolio:project_detail", args=[project.pk]))
    body = page.content.decode()
    assert "Positive conclusion of the state expertise" in body
    assert [t.transition.action for t in page.context["transitions"]] == ["start_procurement", "suspend", "cancel"]
    assert "readiness checklist is incomplete" in page.context["transitions"][0].blocked_by


def test_the_dashboard_shows_the_funnel_and_drills_down(client_for, portfolio_demo):
    client = client_for("office")
    page = client.get(reverse("portfolio:dashboard"))
    body = page.content.decode()
    stages = {bar["stage"]: bar for bar in page.context["funnel_chart"]}
    assert (stages["selection"]["count"], stages["contractor_determination"]["count"],
            stages["implementation"]["count"]) == (145, 130, 34)
    assert "974,0" in body
    listed = client.get(stages["selection"]["url"])
    assert listed.context["page"].paginator.count == 145
    late = page.context["late"]
    assert late[0].lag_days >= late[len(late) - 1].lag_days > 0
    filtered = client.get(reverse("portfolio:dashboard"), {"region": "35"}, HTTP_HX_REQUEST="true")
    assert filtered.templates[0].name == "portfolio/_dashboard_body.html"
    assert sum(bar["count"] for bar in filtered.context["funnel_chart"]) == 17


def test_an_akimat_list_holds_only_its_region(client_for, portfolio_demo):
    page = client_for("akimat.mangystau").get(reverse("portfolio:project_list"))
    assert page.context["page"].paginator.count == 13
    assert {p.region.kato for p in page.context["page"]} == {"47"}


def test_remaining_pages_matrix(client_for, demo, karaganda_project):
    project = karaganda_project
    milestone = project.milestones.get(kind="design")
    state = project_state(project)
    check_matrix(client_for, "post", reverse("portfolio:project_readiness", args=[project.pk]),
                 {"ready_design": "on", "version": project.version, "reason": ""}, state=state,
                 expect={None: LOGIN, "akimat.mangystau": 404, "contractor": 404})
    check_matrix(client_for, "post", reverse("portfolio:project_confidence", args=[project.pk]),
                 {"level": "red", "reason": "x", "version": project.version}, state=state,
                 expect={None: LOGIN, "akimat.mangystau": 404, "contractor": 404})
    # Visible but not the project office: refused by the service, nothing changes.
    before = state()
    client_for("akimat.karaganda").post(reverse("portfolio:project_confidence", args=[project.pk]),
                                        {"level": "red", "reason": "x", "version": project.version})
    assert state() == before
    check_matrix(client_for, "get", reverse("portfolio:milestone_edit", args=[project.pk, milestone.pk]), expect={
        None: LOGIN, "office": 200, "akimat.karaganda": 200, "utility": 200, "ministry": 404, "akimat.mangystau": 404})
    check_matrix(client_for, "get", reverse("portfolio:baseline_compare", args=[project.pk]), expect={
        None: LOGIN, "office": 200, "akimat.karaganda": 200, "akimat.mangystau": 404, "contractor": 404})
    baseline = project.baselines.get()
    check_matrix(client_for, "post", reverse("portfolio:baseline_decide", args=[project.pk, baseline.pk]),
                 {"decision": "approve"}, state=lambda: snapshot(type(baseline).objects.filter(pk=baseline.pk)),
                 expect={None: LOGIN, "akimat.mangystau": 404, "contractor": 404})
    check_matrix(client_for, "get", reverse("portfolio:project_create"), expect={
        None: LOGIN, "office": 200, "akimat.karaganda": 200, "utility": 200, "ministry": 404, "contractor": 404})
    for name in ("portfolio_excel:template", "portfolio_excel:import"):
        check_matrix(client_for, "get", reverse(name), expect={
            None: LOGIN, "office": 200, "akimat.karaganda": 200, "utility": 200, "ministry": 404, "contractor": 404})
    check_matrix(client_for, "get", reverse("portfolio_excel:export"), expect={
        None: LOGIN, "office": 200, "ministry": 200, "akimat.mangystau": 200, "contractor": 404, "bank": 404})
