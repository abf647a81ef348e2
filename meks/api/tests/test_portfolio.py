"""The portfolio over the API: who sees and changes what, the lifecycle, schedules, the summary and the rating."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from meks.accounts.models import Organization
from meks.core.audit import audited_create
from meks.core.testing.matrix import check_matrix, snapshot
from meks.portfolio.models import (
    Baseline,
    Direction,
    Milestone,
    NationalProject,
    ProgressReport,
    Project,
    StatusChange,
    Target,
)
from meks.portfolio.rating import rating_snapshot_take
from meks.portfolio.readiness import READINESS_FIELDS
from meks.portfolio.services import milestone_update, progress_report_submit, project_create, project_transition
from meks.territory.models import Region

API = "/api/v1/portfolio"
ALL_REGIONS = [
    "10", "11", "15", "19", "23", "27", "31", "33", "35", "39",
    "43", "47", "55", "59", "61", "62", "63", "71", "75", "79",
]
ALL_READY = dict.fromkeys(READINESS_FIELDS, True)
TO_CONFIRMED = ("submit", "start_document_check", "pass_document_check", "pass_technical_review", "confirm")
MILLION = Decimal("1000000")


def tenge(millions: int | str) -> Decimal:
    return Decimal(millions) * MILLION


def money(millions: int | str) -> str:
    """An amount in millions as the API writes tenge: a decimal string with two decimals."""
    return f"{tenge(millions):.2f}"


def akimat_of(kato: str) -> Organization:
    return Organization.objects.get(kind="akimat", region__kato=kato)


def register(demo, code: str, *, region: str, owner: Organization, responsible: str, direction: Direction,
             millions: int, dated: bool = False, ready: bool = False, **fields) -> Project:
    """Register a project through the service, as the project office; ``dated`` gives it a standard schedule."""
    today = timezone.localdate()
    if dated:
        fields |= {"planned_start": today - dt.timedelta(days=400), "planned_end": today + dt.timedelta(days=800)}
    return project_create(
        actor=demo["office"], code=code, title_ru=f"Проект {code}", title_en=f"Project {code}", direction=direction,
        project_type="rehabilitation", region=Region.objects.get(kato=region), owner=owner,
        responsible=demo[responsible], cost_estimate=tenge(millions), **(ALL_READY if ready else {}), **fields,
    )


def move(demo, project: Project, *actions: str) -> Project:
    for action in actions:
        project = project_transition(actor=demo["office"], project=project, action=action, reason="Тест")
    return project


def keep_schedule(demo, project: Project) -> None:
    """Record every milestone due by today as reached on its baseline date: the project has no lag."""
    for milestone in project.milestones.filter(baseline_date__lte=timezone.localdate()):
        milestone_update(actor=demo["office"], milestone=milestone, expected_version=milestone.version,
                         actual_date=milestone.baseline_date)


def implement(demo, project: Project) -> Project:
    """Take a ready, scheduled project from draft to implementation, on schedule."""
    move(demo, project, *TO_CONFIRMED, "start_procurement")
    keep_schedule(demo, project)
    return move(demo, project, "start_implementation")


def report(demo, project: Project, year: int, month: int, **figures) -> ProgressReport:
    return progress_report_submit(actor=demo["office"], project=project, period=dt.date(year, month, 1), **figures)


def as_json(data: dict) -> str:
    return json.dumps(data)


# --- fixtures ----------------------------------------------------------------------------------------------


@pytest.fixture
def programme(demo):
    """The national project, two directions and programme targets."""
    national = audited_create(
        NationalProject(code="MEKS", name_ru="МЭКС", name_en="MEKS", start_year=2025, end_year=2029), actor=None
    )
    heat = audited_create(Direction(code="heat", name_ru="Теплоснабжение", name_en="Heat supply", order=1), actor=None)
    water = audited_create(Direction(code="water", name_ru="Водоснабжение", name_en="Water supply", order=2), actor=None)

    def target(metric: str, value: str, year: int | None = None, direction: Direction | None = None) -> Target:
        return audited_create(
            Target(national_project=national, metric=metric, value=Decimal(value), year=year, direction=direction),
            actor=None,
        )

    targets = {
        "km": target("network_km", "100"),
        "km_2025": target("network_km", "50", 2025),
        "km_2026": target("network_km", "30", 2026),
        "km_heat": target("network_km", "80", direction=heat),
        "investment": target("investment", str(tenge(1000))),
        "mw": target("capacity_mw", "10"),
        "wear": target("wear_percent", "40", 2029),
    }
    return {"heat": heat, "water": water, "targets": targets}


@pytest.fixture
def portfolio(demo, programme):
    """Six projects in Karaganda (35), Mangystau (47) and Almaty (75), at different stages, two with reports.

    Office's view: application 1 (100 m), selection 1 (200 m), confirmed 1 (300 m), implementation 2 (1.5 bn),
    closed 1 (50 m). Networks laid: 45 km of heat in Karaganda (30 in 2025, 15 in 2026), 12 km of water in
    Almaty (5 before 2025, 7 in 2025); money spent 400 m + 150 m.
    """
    heat, water = programme["heat"], programme["water"]
    utility = demo["utility"].organization
    projects = {
        "draft": register(demo, "K-DRAFT", region="35", owner=utility, responsible="utility", direction=heat,
                          millions=100, dated=True),
        "selection": register(demo, "K-SEL", region="35", owner=akimat_of("35"), responsible="akimat.karaganda",
                              direction=water, millions=200),
        "confirmed": register(demo, "M-CONF", region="47", owner=akimat_of("47"), responsible="akimat.mangystau",
                              direction=heat, millions=300),
        "heat": register(demo, "K-IMPL", region="35", owner=utility, responsible="utility", direction=heat,
                         millions=1000, dated=True, ready=True, planned_km_heat=Decimal("100")),
        "water": register(demo, "A-IMPL", region="75", owner=akimat_of("75"), responsible="office", direction=water,
                          millions=500, dated=True, ready=True, planned_km_water=Decimal("50")),
        "cancelled": register(demo, "K-CANC", region="35", owner=utility, responsible="utility", direction=heat,
                              millions=50),
    }
    move(demo, projects["selection"], "submit")
    move(demo, projects["confirmed"], *TO_CONFIRMED)
    implement(demo, projects["heat"])
    implement(demo, projects["water"])
    move(demo, projects["cancelled"], "cancel")
    report(demo, projects["heat"], 2025, 6, completion_percent=10, km_heat=10, spent=tenge(100))
    report(demo, projects["heat"], 2025, 12, completion_percent=30, km_heat=30, spent=tenge(250))
    report(demo, projects["heat"], 2026, 3, completion_percent=45, km_heat=45, spent=tenge(400))
    report(demo, projects["water"], 2024, 11, completion_percent=10, km_water=5, spent=tenge(50))
    report(demo, projects["water"], 2025, 5, completion_percent=25, km_water=12, spent=tenge(150))
    return {name: Project.objects.get(pk=project.pk) for name, project in projects.items()}


def everything():
    return snapshot(
        Project.objects.all(), Milestone.objects.all(), Baseline.objects.all(), ProgressReport.objects.all(),
        StatusChange.objects.all(),
    )


def codes(response) -> list[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return [row["code"] for row in rows]


# --- reading projects --------------------------------------------------------------------------------------


def test_each_user_lists_the_projects_they_may_see(token_client_for, portfolio):
    expected = {
        "office": ["A-IMPL", "K-CANC", "K-DRAFT", "K-IMPL", "K-SEL", "M-CONF"],
        "ministry": ["A-IMPL", "K-CANC", "K-DRAFT", "K-IMPL", "K-SEL", "M-CONF"],
        "akimat.karaganda": ["K-CANC", "K-DRAFT", "K-IMPL", "K-SEL"],
        "akimat.mangystau": ["M-CONF"],
        "utility": ["K-CANC", "K-DRAFT", "K-IMPL"],
        "contractor": [],
        "bank": [],
    }
    for username, visible in expected.items():
        response = token_client_for(username).get(f"{API}/projects/")
        assert response.status_code == 200, username
        assert codes(response) == visible, username
        assert response.json()["count"] == len(visible)


def test_anonymous_is_asked_to_sign_in_everywhere(client, portfolio):
    project = portfolio["heat"]
    milestone = project.milestones.first()
    baseline = project.baselines.first()
    for method, url in [
        ("get", f"{API}/projects/"), ("post", f"{API}/projects/"),
        ("get", f"{API}/projects/{project.pk}/"), ("patch", f"{API}/projects/{project.pk}/"),
        ("delete", f"{API}/projects/{project.pk}/"),
        ("get", f"{API}/projects/{project.pk}/transitions/"), ("post", f"{API}/projects/{project.pk}/transitions/"),
        ("get", f"{API}/projects/{project.pk}/milestones/"),
        ("patch", f"{API}/projects/{project.pk}/milestones/{milestone.pk}/"),
        ("get", f"{API}/projects/{project.pk}/progress/"), ("post", f"{API}/projects/{project.pk}/progress/"),
        ("get", f"{API}/projects/{project.pk}/baselines/"), ("post", f"{API}/projects/{project.pk}/baselines/"),
        ("post", f"{API}/projects/{project.pk}/baselines/{baseline.pk}/decision/"),
        ("get", f"{API}/summary/"), ("get", f"{API}/region-rating/"),
    ]:
        before = everything()
        if method == "get":
            response = client.get(url)
        else:
            response = getattr(client, method)(url, data="{}", content_type="application/json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"
        assert everything() == before


def test_project_detail_with_its_derived_figures(token_client_for, portfolio, demo):
    project = portfolio["heat"]

    response = token_client_for("utility").get(f"{API}/projects/{project.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "K-IMPL"
    assert body["title"] == "Project K-IMPL"
    assert body["direction"] == "heat"
    assert body["direction_name"] == "Heat supply"
    assert body["region"] == "35"
    assert body["region_name"] == "Karaganda Region"
    assert body["owner"] == demo["utility"].organization_id
    assert body["owner_name"] == "Karaganda Energy Networks LLP (demonstration)"
    assert body["responsible"] == "utility"
    assert body["responsible_name"] == "Ким Виктор Алексеевич"
    assert body["status"] == "implementation"
    assert body["status_label"] == "Implementation"
    assert body["stage"] == "implementation"
    assert body["stage_label"] == "Implementation"
    assert body["oc4ids_status"] == "implementation"
    assert body["cost_estimate"] == money(1000)
    assert body["readiness_count"] == 6
    assert body["lag_days"] == 0
    assert body["confidence"] == "green"
    assert body["confidence_label"] == "Green"
    assert body["confidence_set_by_hand"] is False
    assert body["version"] == project.version


def test_a_hidden_project_answers_like_a_missing_one(token_client_for, portfolio):
    karaganda = portfolio["heat"].pk
    client = token_client_for("akimat.mangystau")

    hidden = client.get(f"{API}/projects/{karaganda}/")
    missing = client.get(f"{API}/projects/999999/")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()
    # A utility sees only the projects its organization owns, even in its own region.
    assert token_client_for("utility").get(f"{API}/projects/{portfolio['selection'].pk}/").status_code == 404


def test_list_filters_and_ordering(token_client_for, portfolio):
    client = token_client_for("office")

    def listed(**params) -> list[str]:
        response = client.get(f"{API}/projects/", params)
        assert response.status_code == 200, response.json()
        return codes(response)

    assert listed(region="35") == ["K-CANC", "K-DRAFT", "K-IMPL", "K-SEL"]
    assert listed(direction="water") == ["A-IMPL", "K-SEL"]
    assert listed(owner=str(akimat_of("47").pk)) == ["M-CONF"]
    assert listed(stage="implementation") == ["A-IMPL", "K-IMPL"]
    assert listed(stage="closed") == ["K-CANC"]
    assert listed(status="confirmed") == ["M-CONF"]
    assert listed(confidence="amber_green") == ["M-CONF"]
    assert listed(ready="true") == ["A-IMPL", "K-IMPL"]
    assert listed(ready="false", region="35") == ["K-CANC", "K-DRAFT", "K-SEL"]
    assert listed(late="true") == ["K-DRAFT"]  # a draft's milestones pass their dates unreached
    assert listed(q="impl") == ["A-IMPL", "K-IMPL"]
    assert listed(ordering="-cost") == ["K-IMPL", "A-IMPL", "M-CONF", "K-SEL", "K-DRAFT", "K-CANC"]
    assert listed(ordering="region") == ["K-CANC", "K-DRAFT", "K-IMPL", "K-SEL", "M-CONF", "A-IMPL"]

    bad = client.get(f"{API}/projects/", {"stage": "nowhere", "ordering": "colour"})
    assert bad.status_code == 400
    assert set(bad.json()) == {"stage", "ordering"}


# --- registering, changing, deleting -----------------------------------------------------------------------


def new_project_body(programme, **fields) -> dict:
    return {
        "code": "K-NEW", "title_ru": "Новый проект", "title_en": "New project", "direction": "heat",
        "project_type": "construction", "region": "35", "owner": fields.pop("owner"), "responsible": "utility",
        "cost_estimate": "75000000.00", **fields,
    }


def test_register_a_project(token_client_for, portfolio, programme, demo):
    body = new_project_body(programme, owner=demo["utility"].organization_id, planned_start="2026-01-01",
                            planned_end="2027-12-31", reason="Заявка")

    response = token_client_for("utility").post(f"{API}/projects/", body, format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["code"] == "K-NEW"
    assert created["status"] == "draft"
    assert created["stage"] == "application"
    assert created["oc4ids_status"] == "identification"
    assert created["version"] == 1
    project = Project.objects.get(code="K-NEW")
    assert project.milestones.count() == 7
    assert project.baselines.get().number == 1


def test_registering_is_refused_outside_ones_scope_and_changes_nothing(token_client_for, portfolio, programme, demo):
    before = everything()
    # Mangystau's akimat does not see Karaganda: the region is not one it may name.
    refused = token_client_for("akimat.mangystau").post(
        f"{API}/projects/", new_project_body(programme, owner=akimat_of("47").pk), format="json"
    )
    assert refused.status_code == 400
    assert set(refused.json()) == {"region", "responsible"}
    # A utility may register only projects it owns.
    foreign = token_client_for("utility").post(
        f"{API}/projects/", new_project_body(programme, owner=akimat_of("35").pk), format="json"
    )
    assert foreign.status_code == 403
    assert foreign.json() == {"detail": "You may not register projects for this region or owner."}
    # The ministry changes no project.
    ministry = token_client_for("ministry").post(
        f"{API}/projects/", new_project_body(programme, owner=akimat_of("35").pk, responsible="office"), format="json"
    )
    assert ministry.status_code == 403
    # An existing code, a status sent along.
    office = token_client_for("office")
    taken = office.post(f"{API}/projects/", new_project_body(programme, owner=akimat_of("35").pk, code="K-SEL"),
                        format="json")
    assert taken.status_code == 400
    assert set(taken.json()) == {"code"}
    status = office.post(f"{API}/projects/", new_project_body(programme, owner=akimat_of("35").pk, status="confirmed"),
                         format="json")
    assert status.status_code == 400
    assert set(status.json()) == {"status"}
    assert everything() == before


def test_change_permissions(token_client_for, portfolio):
    project = portfolio["selection"]
    url = f"{API}/projects/{project.pk}/"
    responses = check_matrix(
        token_client_for, "patch", url, as_json({"version": project.version, "people_served": 12000}),
        content_type="application/json",
        expect={None: 401, "akimat.mangystau": 404, "utility": 404, "contractor": 404, "ministry": 403,
                "techoperator": 403, "akimat.karaganda": 200},
        state=everything,
    )
    assert responses["akimat.karaganda"].json()["people_served"] == 12000
    assert responses["akimat.karaganda"].json()["version"] == project.version + 1


def test_a_stale_version_is_refused_with_409_and_nothing_changes(token_client_for, portfolio):
    project = portfolio["confirmed"]
    client = token_client_for("office")
    url = f"{API}/projects/{project.pk}/"
    read = client.get(url).json()

    first = client.patch(url, {"version": read["version"], "ready_land": True}, format="json")
    assert first.status_code == 200
    before = everything()
    second = client.patch(url, {"version": read["version"], "ready_design": True, "reason": "Устарело"}, format="json")

    assert second.status_code == 409
    assert "Your changes were not saved" in second.json()["detail"]
    assert "Сейткали Айгерим Маратовна" in second.json()["detail"]
    assert everything() == before
    assert Project.objects.get(pk=project.pk).ready_design is False


def test_a_change_refuses_unknown_fields_and_bad_values(token_client_for, portfolio):
    project = portfolio["selection"]
    client = token_client_for("office")
    before = everything()

    unknown = client.patch(f"{API}/projects/{project.pk}/", {"version": project.version, "status": "confirmed",
                                                            "region": "47"}, format="json")
    no_version = client.patch(f"{API}/projects/{project.pk}/", {"people_served": 5}, format="json")
    worse = client.patch(f"{API}/projects/{project.pk}/", {"version": project.version, "wear_before": "30",
                                                          "wear_after": "60"}, format="json")

    assert unknown.status_code == 400
    assert set(unknown.json()) == {"status", "region"}
    assert no_version.status_code == 400
    assert set(no_version.json()) == {"version"}
    assert worse.status_code == 400
    assert set(worse.json()) == {"wear_after"}
    assert everything() == before


def test_delete_a_draft_with_a_reason(token_client_for, portfolio):
    draft = portfolio["draft"]
    url = f"{API}/projects/{draft.pk}/"
    check_matrix(
        token_client_for, "delete", url, as_json({"reason": "Ошибка регистрации"}), content_type="application/json",
        expect={None: 401, "akimat.mangystau": 404, "contractor": 404, "ministry": 403, "techoperator": 403},
        state=everything,
    )
    office = token_client_for("office")
    before = everything()
    assert office.delete(url).status_code == 400  # no reason
    assert office.delete(f"{API}/projects/{portfolio['selection'].pk}/?reason=x").status_code == 409  # not a draft
    assert everything() == before

    response = token_client_for("utility").delete(f"{url}?reason=Ошибка")

    assert response.status_code == 204
    assert not Project.objects.filter(pk=draft.pk).exists()


# --- the lifecycle -----------------------------------------------------------------------------------------


def actions(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["action"] for row in response.json()]


def test_transitions_listed_are_those_the_users_role_allows(token_client_for, portfolio):
    draft = f"{API}/projects/{portfolio['draft'].pk}/transitions/"
    confirmed = f"{API}/projects/{portfolio['confirmed'].pk}/transitions/"
    check_matrix(token_client_for, "get", draft, expect={None: 401, "akimat.mangystau": 404, "contractor": 404,
                                                          "utility": 200, "office": 200})

    assert actions(token_client_for("utility").get(draft)) == ["submit"]
    assert actions(token_client_for("akimat.karaganda").get(draft)) == ["submit"]
    assert actions(token_client_for("ministry").get(draft)) == []
    assert actions(token_client_for("office").get(draft)) == ["submit", "cancel"]
    assert actions(token_client_for("akimat.mangystau").get(confirmed)) == ["start_procurement"]
    rows = token_client_for("office").get(confirmed).json()
    assert [row["action"] for row in rows] == ["start_procurement", "suspend", "cancel"]
    assert rows[0] == {
        "action": "start_procurement",
        "label": "Start contractor determination",
        "target": "contractor_determination",
        "target_label": "Contractor determination",
        "reason_required": False,
        "blocked_by": "The readiness checklist is incomplete: Design and estimate documents approved; "
                      "Positive conclusion of the state expertise; Land plot allotted; Decision of the akimat; "
                      "Financing source confirmed; Tender documents ready.",
    }
    assert rows[1]["reason_required"] is True
    assert rows[1]["blocked_by"] is None


def test_a_move_is_refused_outside_ones_scope_and_nothing_changes(token_client_for, portfolio):
    draft = portfolio["draft"]
    check_matrix(
        token_client_for, "post", f"{API}/projects/{draft.pk}/transitions/", as_json({"action": "submit"}),
        content_type="application/json",
        expect={None: 401, "akimat.mangystau": 404, "contractor": 404, "ministry": 403, "techoperator": 403},
        state=everything,
    )


def test_full_lifecycle_from_submission_to_implementation(token_client_for, portfolio, demo):
    utility = token_client_for("utility")
    body = new_project_body(None, owner=demo["utility"].organization_id,
                            planned_start=str(timezone.localdate() - dt.timedelta(days=100)),
                            planned_end=str(timezone.localdate() + dt.timedelta(days=900)))
    created = utility.post(f"{API}/projects/", body, format="json")
    assert created.status_code == 201
    pk = created.json()["id"]
    moves = f"{API}/projects/{pk}/transitions/"

    def make(username: str, action: str, **extra):
        return token_client_for(username).post(moves, {"action": action, **extra}, format="json")

    submitted = make("utility", "submit", version=created.json()["version"])
    assert submitted.status_code == 200
    assert submitted.json()["status"] == "submitted"
    assert submitted.json()["stage"] == "selection"
    # Wrong status: 409; wrong role: 403; a reason missing: 400 — each with its message, nothing changed.
    again = make("utility", "submit")
    assert again.status_code == 409
    assert again.json() == {"detail": "“Submit” is not possible while the project is “Submitted”."}
    assert make("techoperator", "start_document_check").json()["status"] == "document_check"
    assert make("techoperator", "pass_document_check").json()["status"] == "technical_review"
    no_reason = make("ministry", "return")
    assert no_reason.status_code == 400
    assert no_reason.json() == {"detail": "Give the reason for “Return for revision”."}
    assert make("ministry", "pass_technical_review").json()["status"] == "commission_decision"
    not_yours = make("utility", "confirm")
    assert not_yours.status_code == 403
    assert not_yours.json() == {"detail": "Your role may not do “Confirm”."}
    stale = make("office", "confirm", version=1)
    assert stale.status_code == 409
    confirmed = make("office", "confirm", reason="Решение комиссии")
    assert confirmed.json()["status"] == "confirmed"
    assert confirmed.json()["oc4ids_status"] == "preparation"

    # The readiness guard refuses with the list of what is missing.
    refused = make("utility", "start_procurement")
    assert refused.status_code == 400
    assert refused.json() == {
        "detail": "The readiness checklist is incomplete: Design and estimate documents approved; Positive "
                  "conclusion of the state expertise; Land plot allotted; Decision of the akimat; Financing source "
                  "confirmed; Tender documents ready."
    }
    assert Project.objects.get(pk=pk).status == "confirmed"
    ready = token_client_for("akimat.karaganda").patch(
        f"{API}/projects/{pk}/", {"version": confirmed.json()["version"], **ALL_READY}, format="json"
    )
    assert ready.status_code == 200
    assert ready.json()["readiness_count"] == 6
    assert make("utility", "start_procurement").json()["status"] == "contractor_determination"

    unsigned = make("utility", "start_implementation")
    assert unsigned.status_code == 400
    assert unsigned.json() == {"detail": "The contract has not been signed: record its actual date first."}
    schedule = utility.get(f"{API}/projects/{pk}/milestones/").json()
    contract = next(row for row in schedule if row["kind"] == "contract_signed")
    signed = utility.patch(f"{API}/projects/{pk}/milestones/{contract['id']}/",
                           {"version": contract["version"], "actual_date": str(timezone.localdate())}, format="json")
    assert signed.status_code == 200
    implemented = make("utility", "start_implementation")
    assert implemented.status_code == 200
    assert implemented.json()["status"] == "implementation"
    assert implemented.json()["stage"] == "implementation"
    assert implemented.json()["oc4ids_status"] == "implementation"

    history = list(StatusChange.objects.filter(project_id=pk).order_by("changed_at", "pk")
                   .values_list("to_status", "actor__username"))
    assert history == [
        ("submitted", "utility"), ("document_check", "techoperator"), ("technical_review", "techoperator"),
        ("commission_decision", "ministry"), ("confirmed", "office"), ("contractor_determination", "utility"),
        ("implementation", "utility"),
    ]
    assert utility.post(moves, {"action": "fly"}, format="json").status_code == 400


# --- schedules, progress, baselines ------------------------------------------------------------------------


def test_schedule_with_lags(token_client_for, portfolio):
    draft = portfolio["draft"]
    url = f"{API}/projects/{draft.pk}/milestones/"
    check_matrix(token_client_for, "get", url, expect={None: 401, "akimat.mangystau": 404, "contractor": 404,
                                                        "utility": 200, "ministry": 200})

    rows = token_client_for("utility").get(url).json()

    assert [row["kind"] for row in rows] == ["design", "expertise", "tender_published", "contract_signed",
                                             "works_started", "works_half", "commissioned"]
    today = timezone.localdate()
    for row in rows:
        baseline = dt.date.fromisoformat(row["baseline_date"])
        assert row["lag_days"] == max((today - baseline).days, 0)
        assert row["responsible"] == "utility"
        assert row["responsible_name"] == "Ким Виктор Алексеевич"
    assert rows[0]["kind_label"] == "Design and estimate approved"
    assert rows[0]["lag_days"] == 340
    heat = token_client_for("office").get(f"{API}/projects/{portfolio['heat'].pk}/milestones/").json()
    assert [row["lag_days"] for row in heat] == [0] * 7


def test_change_a_milestone(token_client_for, portfolio):
    draft = portfolio["draft"]
    milestone = draft.milestones.get(kind="design")
    url = f"{API}/projects/{draft.pk}/milestones/{milestone.pk}/"
    forecast = str(milestone.baseline_date + dt.timedelta(days=400))
    check_matrix(
        token_client_for, "patch", url, as_json({"version": milestone.version, "forecast_date": forecast}),
        content_type="application/json",
        expect={None: 401, "akimat.mangystau": 404, "contractor": 404, "ministry": 403},
        state=everything,
    )
    # Another project's milestone under this project's address does not exist.
    other = portfolio["heat"].milestones.first()
    assert token_client_for("office").patch(
        f"{API}/projects/{draft.pk}/milestones/{other.pk}/", {"version": 1}, format="json"
    ).status_code == 404
    client = token_client_for("utility")
    baseline_locked = client.patch(url, {"version": milestone.version, "baseline_date": forecast}, format="json")
    assert baseline_locked.status_code == 400

    response = client.patch(url, {"version": milestone.version, "forecast_date": forecast,
                                  "responsible": "akimat.karaganda"}, format="json")

    assert response.status_code == 200
    body = response.json()
    assert body["forecast_date"] == forecast
    assert body["responsible"] == "akimat.karaganda"
    assert body["lag_days"] == 400
    assert body["version"] == milestone.version + 1
    future = client.patch(url, {"version": body["version"],
                                "actual_date": str(timezone.localdate() + dt.timedelta(days=1))}, format="json")
    assert future.status_code == 400
    assert future.json() == {"detail": "An actual date cannot be in the future."}
    stale = client.patch(url, {"version": milestone.version, "forecast_date": None}, format="json")
    assert stale.status_code == 409


def test_progress_reports(token_client_for, portfolio):
    heat = portfolio["heat"]
    url = f"{API}/projects/{heat.pk}/progress/"
    check_matrix(token_client_for, "get", url, expect={None: 401, "akimat.mangystau": 404, "contractor": 404,
                                                        "utility": 200, "office": 200})
    rows = token_client_for("utility").get(url).json()
    assert [row["period"] for row in rows] == ["2026-03-01", "2025-12-01", "2025-06-01"]
    assert rows[0]["km_heat"] == "45.00"
    assert rows[0]["spent"] == money(400)
    assert rows[0]["submitted_by"] == "office"

    check_matrix(
        token_client_for, "post", url, as_json({"period": "2026-04-01", "completion_percent": "50"}),
        content_type="application/json",
        expect={None: 401, "akimat.mangystau": 404, "contractor": 404, "ministry": 403, "baiterek": 403},
        state=everything,
    )
    client = token_client_for("utility")
    fell = client.post(url, {"period": "2026-04-01", "completion_percent": "50", "km_heat": "40"}, format="json")
    assert fell.status_code == 400
    assert "went down" in fell.json()["detail"]
    created = client.post(url, {"period": "2026-04-15", "completion_percent": "50", "km_heat": "50"}, format="json")
    assert created.status_code == 201
    assert created.json()["period"] == "2026-04-01"
    corrected = client.post(url, {"period": "2026-04-01", "completion_percent": "55", "km_heat": "52"}, format="json")
    assert corrected.status_code == 200
    assert corrected.json()["version"] == 2
    draft = client.post(f"{API}/projects/{portfolio['draft'].pk}/progress/",
                        {"period": "2026-04-01", "completion_percent": "5"}, format="json")
    assert draft.status_code == 409
    assert draft.json() == {"detail": "Progress is reported only for projects in implementation."}


def test_baselines_proposed_and_decided(token_client_for, portfolio):
    heat = portfolio["heat"]
    url = f"{API}/projects/{heat.pk}/baselines/"
    check_matrix(token_client_for, "get", url, expect={None: 401, "akimat.mangystau": 404, "contractor": 404,
                                                        "utility": 200})
    first = token_client_for("utility").get(url).json()
    assert [(row["number"], row["status"]) for row in first] == [(1, "approved")]

    commissioned = heat.milestones.get(kind="commissioned")
    later = str(commissioned.baseline_date + dt.timedelta(days=90))
    proposal = {"dates": {"commissioned": later}, "reason": "Поставка оборудования задержана"}
    check_matrix(token_client_for, "post", url, as_json(proposal), content_type="application/json",
                 expect={None: 401, "akimat.mangystau": 404, "contractor": 404, "ministry": 403}, state=everything)
    client = token_client_for("utility")
    assert client.post(url, {"dates": {"nowhere": later}, "reason": "x"}, format="json").status_code == 400
    proposed = client.post(url, proposal, format="json")
    assert proposed.status_code == 201
    assert proposed.json()["status"] == "proposed"
    assert proposed.json()["proposed_by"] == "utility"
    assert proposed.json()["dates"]["commissioned"] == later
    assert client.post(url, proposal, format="json").status_code == 409  # one proposal waits already

    decision = f"{url}{proposed.json()['id']}/decision/"
    check_matrix(token_client_for, "post", decision, as_json({"approve": True}), content_type="application/json",
                 expect={None: 401, "akimat.mangystau": 404, "utility": 403, "akimat.karaganda": 403},
                 state=everything)
    approved = token_client_for("office").post(decision, {"approve": True, "reason": "Согласовано"}, format="json")
    assert approved.status_code == 200
    assert approved.json()["status"] == "approved"
    assert approved.json()["decided_by"] == "office"
    assert str(Milestone.objects.get(pk=commissioned.pk).baseline_date) == later
    assert token_client_for("office").post(decision, {"approve": False}, format="json").status_code == 409


# --- the summary -------------------------------------------------------------------------------------------


def stages(**rows) -> list[dict]:
    labels = {
        "application": "Application", "selection": "Selection", "confirmed": "Confirmed",
        "contractor_determination": "Contractor determination", "implementation": "Implementation",
        "commissioned": "Commissioned", "suspended": "Suspended", "closed": "Rejected or cancelled",
    }
    return [
        {"stage": stage, "label": label, "count": rows.get(stage, (0, 0))[0], "total": money(rows.get(stage, (0, 0))[1])}
        for stage, label in labels.items()
    ]


def confidence(**counts) -> list[dict]:
    labels = {"green": "Green", "amber_green": "Amber/Green", "amber": "Amber", "amber_red": "Amber/Red", "red": "Red"}
    return [{"confidence": level, "label": label, "count": counts.get(level, 0)} for level, label in labels.items()]


def target_row(programme, key: str, achieved: str | None, percent: str | None) -> dict:
    target = programme["targets"][key]
    return {
        "id": target.pk,
        "metric": target.metric,
        "metric_label": str(translation.override("en")(target.get_metric_display)()),
        "year": target.year,
        "direction": target.direction.code if target.direction else None,
        "direction_name": target.direction.name_en if target.direction else None,
        "target": f"{target.value:.2f}",
        "achieved": achieved,
        "percent": percent,
    }


def test_summary_figures_are_exact(token_client_for, portfolio, programme):
    response = token_client_for("office").get(f"{API}/summary/")

    assert response.status_code == 200
    assert response.json() == {
        "totals": {"count": 4, "total": money(2000)},
        "stages": stages(application=(1, 100), selection=(1, 200), confirmed=(1, 300), implementation=(2, 1500),
                         closed=(1, 50)),
        "confidence": confidence(green=3, amber_green=1),
        "readiness": {"ready": 2, "under_refinement": 2},
        "targets": [
            target_row(programme, "investment", money(550), "55.0"),
            target_row(programme, "km", "57.00", "57.0"),
            target_row(programme, "km_heat", "45.00", "56.3"),
            target_row(programme, "km_2025", "37.00", "74.0"),
            target_row(programme, "km_2026", "15.00", "50.0"),
            target_row(programme, "mw", "0.00", "0.0"),
            target_row(programme, "wear", None, None),
        ],
    }


def test_summary_counts_only_what_the_user_sees_and_the_filters_keep(token_client_for, portfolio, programme):
    mangystau = token_client_for("akimat.mangystau").get(f"{API}/summary/").json()
    assert mangystau["totals"] == {"count": 1, "total": money(300)}
    assert [row["achieved"] for row in mangystau["targets"]] == [money(0), "0.00", "0.00", "0.00", "0.00", "0.00", None]

    utility = token_client_for("utility").get(f"{API}/summary/").json()
    assert utility["totals"] == {"count": 1, "total": money(1000)}
    assert utility["stages"] == stages(application=(1, 100), implementation=(1, 1000), closed=(1, 50))
    assert [row["achieved"] for row in utility["targets"]] == [
        money(400), "45.00", "45.00", "30.00", "15.00", "0.00", None,
    ]

    office = token_client_for("office")
    water = office.get(f"{API}/summary/", {"direction": "water"}).json()
    assert water["totals"] == {"count": 2, "total": money(700)}
    assert water["targets"] == []  # no target is set for the water direction
    heat = office.get(f"{API}/summary/", {"direction": "heat"}).json()
    assert heat["targets"] == [target_row(programme, "km_heat", "45.00", "56.3")]
    karaganda = office.get(f"{API}/summary/", {"region": "35", "ready": "true"}).json()
    assert karaganda["totals"] == {"count": 1, "total": money(1000)}
    assert karaganda["readiness"] == {"ready": 1, "under_refinement": 0}
    assert office.get(f"{API}/summary/", {"stage": "somewhere"}).status_code == 400


def test_summary_follows_projects_added_moved_and_deleted(token_client_for, portfolio, programme, demo):
    client = token_client_for("office")

    def summary() -> dict:
        return client.get(f"{API}/summary/").json()

    # Added: a new project, submitted, enters the confirmed portfolio.
    created = client.post(f"{API}/projects/", new_project_body(programme, owner=akimat_of("35").pk), format="json")
    assert summary()["stages"][0] == {"stage": "application", "label": "Application", "count": 2,
                                      "total": money(175)}
    client.post(f"{API}/projects/{created.json()['id']}/transitions/", {"action": "submit"}, format="json")
    after_adding = summary()
    assert after_adding["totals"] == {"count": 5, "total": money(2075)}
    assert after_adding["stages"][:2] == stages(application=(1, 100), selection=(2, 275))[:2]
    assert after_adding["confidence"] == confidence(green=4, amber_green=1)
    assert after_adding["readiness"] == {"ready": 2, "under_refinement": 3}

    # Moved: the Almaty project suspended, Mangystau's cancelled.
    water, confirmed = portfolio["water"], portfolio["confirmed"]
    client.post(f"{API}/projects/{water.pk}/transitions/", {"action": "suspend", "reason": "Проверка"}, format="json")
    client.post(f"{API}/projects/{confirmed.pk}/transitions/", {"action": "cancel", "reason": "Отказ"}, format="json")
    after_moving = summary()
    assert after_moving["totals"] == {"count": 4, "total": money(1775)}
    assert after_moving["stages"] == stages(application=(1, 100), selection=(2, 275), implementation=(1, 1000),
                                            suspended=(1, 500), closed=(2, 350))
    assert after_moving["confidence"] == confidence(green=4)

    # Deleted: the draft.
    assert client.delete(f"{API}/projects/{portfolio['draft'].pk}/", {"reason": "Дубликат"},
                         format="json").status_code == 204
    after_deleting = summary()
    assert after_deleting["stages"][0]["count"] == 0
    assert after_deleting["stages"][0]["total"] == money(0)
    assert after_deleting["totals"] == after_moving["totals"]

    # A new report moves achievement.
    report(demo, portfolio["heat"], 2026, 6, completion_percent=60, km_heat=60, spent=tenge(500))
    targets = {row["id"]: row for row in summary()["targets"]}
    assert targets[programme["targets"]["km"].pk]["achieved"] == "72.00"
    assert targets[programme["targets"]["km_2026"].pk]["achieved"] == "30.00"
    assert targets[programme["targets"]["km_2026"].pk]["percent"] == "100.0"
    assert targets[programme["targets"]["investment"].pk]["achieved"] == money(650)


# --- the region readiness rating ---------------------------------------------------------------------------


@pytest.fixture
def rating_projects(demo, programme):
    """Almaty (75): one confirmed, ready project. Karaganda (35): the same, plus a submitted water project with
    nothing ready. Mangystau (47): one submitted project with nothing ready."""
    heat, water = programme["heat"], programme["water"]
    almaty = register(demo, "R-75", region="75", owner=akimat_of("75"), responsible="office", direction=heat,
                      millions=100, ready=True)
    karaganda = register(demo, "R-35", region="35", owner=akimat_of("35"), responsible="office", direction=heat,
                         millions=100, ready=True)
    karaganda_water = register(demo, "R-35W", region="35", owner=akimat_of("35"), responsible="office",
                               direction=water, millions=100)
    mangystau = register(demo, "R-47", region="47", owner=akimat_of("47"), responsible="office", direction=heat,
                         millions=100)
    move(demo, almaty, *TO_CONFIRMED)
    move(demo, karaganda, *TO_CONFIRMED)
    move(demo, karaganda_water, "submit")
    move(demo, mangystau, "submit")
    return {"47": mangystau}


def test_region_rating_order_and_breakdown_are_exact(token_client_for, rating_projects):
    response = token_client_for("akimat.mangystau").get(f"{API}/region-rating/")

    assert response.status_code == 200
    rows = response.json()
    others = [kato for kato in ALL_REGIONS if kato not in {"75", "35", "47"}]
    assert [row["region"] for row in rows] == ["75", "35", "47", *others]
    assert [row["rank"] for row in rows] == list(range(1, 21))
    assert rows[0] == {
        "rank": 1, "region": "75", "name": rows[0]["name"], "index": "100.00", "projects": 1,
        "components": {"past_selection": "1.0000", "readiness": "1.0000", "tenders_on_time": None,
                       "schedule": "1.0000", "financing": "1.0000"},
        "contributions": {"past_selection": "29.41", "readiness": "29.41", "schedule": "23.53", "financing": "17.65"},
        "previous_rank": None, "index_change": None,
    }
    assert rows[1]["name"] == "Karaganda Region"
    assert rows[1]["index"] == "61.77"
    assert rows[1]["projects"] == 2
    assert rows[1]["components"] == {"past_selection": "0.5000", "readiness": "0.5000", "tenders_on_time": None,
                                     "schedule": "1.0000", "financing": "0.5000"}
    assert rows[1]["contributions"] == {"past_selection": "14.71", "readiness": "14.71", "schedule": "23.53",
                                        "financing": "8.82"}
    assert rows[2]["index"] == "23.53"
    assert [row["index"] for row in rows[3:]] == ["0.00"] * 17
    assert all(row["components"]["past_selection"] is None for row in rows[3:])


def test_region_rating_by_direction_and_its_change_since_the_snapshot(token_client_for, demo, rating_projects):
    client = token_client_for("office")
    water = client.get(f"{API}/region-rating/", {"direction": "water"}).json()
    assert [row["region"] for row in water][:2] == ["35", "10"]
    assert water[0]["index"] == "23.53"
    assert client.get(f"{API}/region-rating/", {"direction": "gas"}).status_code == 400

    last_month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rating_snapshot_take(period=last_month)
    mangystau = rating_projects["47"]
    client.patch(f"{API}/projects/{mangystau.pk}/", {"version": mangystau.version, **ALL_READY}, format="json")
    move(demo, Project.objects.get(pk=mangystau.pk), *TO_CONFIRMED[1:])

    rows = client.get(f"{API}/region-rating/").json()

    assert [row["region"] for row in rows][:3] == ["47", "75", "35"]  # a tie at 100 goes to the lower KATO code
    assert (rows[0]["index"], rows[0]["previous_rank"], rows[0]["index_change"]) == ("100.00", 3, "76.47")
    assert (rows[1]["previous_rank"], rows[1]["index_change"]) == (1, "0.00")
    assert (rows[2]["previous_rank"], rows[2]["index_change"]) == (2, "0.00")


def test_rating_and_summary_need_a_signed_in_user(client, token_client_for, rating_projects):
    for url in (f"{API}/region-rating/", f"{API}/summary/"):
        assert client.get(url).status_code == 401
        assert token_client_for("contractor").get(url).status_code == 200


# --- constant query counts ---------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_projects(demo, programme, number: int) -> None:
    """``number`` more projects over several regions, owners and directions; every third in implementation."""
    owners = [demo["utility"].organization, akimat_of("35"), akimat_of("47"), akimat_of("75")]
    regions = ["35", "35", "47", "75"]
    for index in range(number):
        owner = owners[index % 4]
        project = register(
            demo, f"Q-{index:03d}", region=regions[index % 4], owner=owner, responsible="office",
            direction=programme["heat"] if index % 2 else programme["water"], millions=10 + index,
            dated=True, ready=index % 3 == 0, planned_km_heat=Decimal("100"), planned_km_water=Decimal("100"),
        )
        if index % 3 == 0:
            implement(demo, project)
            report(demo, project, 2025, 3, completion_percent=10, km_heat=1, km_water=2, spent=tenge(1))
            report(demo, project, 2026, 2, completion_percent=20, km_heat=3, km_water=4, spent=tenge(2))
        elif index % 3 == 1:
            move(demo, project, "submit")


@pytest.mark.parametrize("url", [f"{API}/projects/", f"{API}/summary/"])
def test_queries_do_not_grow_with_the_number_of_projects(url, token_client_for, portfolio, programme, demo,
                                                         django_assert_num_queries):
    client = token_client_for("office")
    Project.objects.filter(code__in=["K-SEL", "M-CONF", "K-DRAFT", "K-CANC"]).delete()
    assert Project.objects.count() == 2
    client.get(url)  # warm up
    with_two = count_queries(client, url)

    add_projects(demo, programme, 28)
    assert Project.objects.count() == 30

    with django_assert_num_queries(with_two):
        response = client.get(url)
    body = response.json()
    if "count" in body:
        assert body["count"] == 30
    else:
        assert body["totals"]["count"] == 21  # the 2, 10 more in implementation and 9 submitted


# --- the schema --------------------------------------------------------------------------------------------

PORTFOLIO_OPERATIONS = {
    (f"{API}/projects/", "get"), (f"{API}/projects/", "post"),
    (f"{API}/projects/{{id}}/", "get"), (f"{API}/projects/{{id}}/", "patch"), (f"{API}/projects/{{id}}/", "delete"),
    (f"{API}/projects/{{id}}/transitions/", "get"), (f"{API}/projects/{{id}}/transitions/", "post"),
    (f"{API}/projects/{{project_id}}/milestones/", "get"),
    (f"{API}/projects/{{project_id}}/milestones/{{id}}/", "patch"),
    (f"{API}/projects/{{project_id}}/progress/", "get"), (f"{API}/projects/{{project_id}}/progress/", "post"),
    (f"{API}/projects/{{project_id}}/baselines/", "get"), (f"{API}/projects/{{project_id}}/baselines/", "post"),
    (f"{API}/projects/{{project_id}}/baselines/{{id}}/decision/", "post"),
    (f"{API}/summary/", "get"), (f"{API}/region-rating/", "get"),
}


def test_schema_validates_and_describes_every_portfolio_field(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    operations = {(path, method) for path, item in schema["paths"].items() for method in item
                  if path.startswith(API)}
    assert operations == PORTFOLIO_OPERATIONS
    components = schema["components"]["schemas"]
    for name in ("Project", "ProjectCreateRequest", "ProjectChangeRequest", "AvailableTransition",
                 "TransitionRequest", "Milestone", "MilestoneChangeRequest", "ProgressReport",
                 "ProgressSubmitRequest", "Baseline", "BaselineProposalRequest", "BaselineDecisionRequest",
                 "Summary", "StageRow", "ConfidenceRow", "TargetRow", "RatingRow"):
        properties = components[name]["properties"]
        undescribed = [field for field, spec in properties.items() if not spec.get("description")]
        assert undescribed == [], name
    assert components["ProjectChangeRequest"]["required"] == ["version"]
    for path, method in PORTFOLIO_OPERATIONS:
        assert "401" in schema["paths"][path][method]["responses"], (path, method)
