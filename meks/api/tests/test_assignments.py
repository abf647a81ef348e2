"""The control of assignments over the API: who sees and does what, the whole flow, refusals, summary and ranking."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meks.accounts.models import Organization, User
from meks.assignments import selectors, services
from meks.assignments.choices import ControlLevel, MeetingKind
from meks.assignments.models import Assignment, Deadline, ExtensionRequest, Meeting, Report
from meks.core.testing.matrix import check_matrix, snapshot
from meks.demo.builder import build_demo_assignments
from meks.territory.models import Region, Settlement

API = "/api/v1/assignments"
ON = "2026-11-21"
ON_DATE = dt.date(2026, 11, 21)
ENERGY = "Ministry of Energy of the Republic of Kazakhstan"
ECONOMY = "Ministry of National Economy of the Republic of Kazakhstan"
INDUSTRY = "Ministry of Industry and Construction of the Republic of Kazakhstan"
KARAGANDA = "Akimat of Karaganda Region"
MANGYSTAU = "Akimat of Mangystau Region"
ALL_DEMO_ITEMS = {
    "3-МЭКС п. 1", "3-МЭКС п. 2", "3-МЭКС п. 3", "3-МЭКС п. 4",
    "17-ПМ п. 1", "17-ПМ п. 2", "17-ПМ п. 3", "17-ПМ п. 4", "17-ПМ п. 5", "17-ПМ п. 6", "17-ПМ п. 7",
    "1-РП п. 1", "1-РП п. 2.1", "1-РП п. 2.2", "1-РП п. 3",
}


# --- fixtures and helpers ----------------------------------------------------------------------------------


@pytest.fixture
def demo_assignments(demo):
    """The demo accounts with the three demo meetings and their 15 assignments."""
    build_demo_assignments()
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def api_for(demo_assignments):
    """A function giving an API client that sends the named account's token (and asks for English)."""

    def make(username: str) -> APIClient:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def everything():
    return snapshot(
        Meeting.objects.all(), Assignment.objects.all(), Deadline.objects.all(), Report.objects.all(),
        ExtensionRequest.objects.all(),
    )


def as_json(data: dict) -> str:
    return json.dumps(data)


def item(label: str) -> Assignment:
    """The demo assignment cited as ``label`` (protocol number and item number)."""
    protocol, number = label.split(" п. ")
    return Assignment.objects.get(meeting__protocol_number=protocol, item_number=number)


def meeting(protocol: str) -> Meeting:
    return Meeting.objects.get(protocol_number=protocol)


def organization(name_en: str) -> Organization:
    return Organization.objects.get(name_en=name_en)


def labels(response) -> set[str]:
    body = response.json()
    rows = body["results"] if isinstance(body, dict) else body
    return {row["label"] for row in rows}


def deadline_of(label: str, due: dt.date) -> Deadline:
    return Deadline.objects.get(assignment=item(label), due_date=due)


# --- signing in and seeing ---------------------------------------------------------------------------------


def test_anonymous_is_asked_to_sign_in_everywhere(demo_assignments):
    assignment = item("17-ПМ п. 2")
    report = assignment.reports.get()
    deadline = assignment.deadlines.get()
    extension = ExtensionRequest.objects.get()
    client = Client()
    for method, url in [
        ("get", f"{API}/meetings/"), ("post", f"{API}/meetings/"), ("get", f"{API}/meetings/{assignment.meeting_id}/"),
        ("get", f"{API}/items/"), ("post", f"{API}/items/"), ("get", f"{API}/items/{assignment.pk}/"),
        ("post", f"{API}/items/{assignment.pk}/start/"), ("post", f"{API}/items/{assignment.pk}/reports/"),
        ("post", f"{API}/reports/{report.pk}/accept/"), ("post", f"{API}/reports/{report.pk}/return/"),
        ("post", f"{API}/deadlines/{deadline.pk}/extensions/"), ("post", f"{API}/extensions/{extension.pk}/decision/"),
        ("get", f"{API}/summary/"), ("get", f"{API}/ranking/"),
    ]:
        before = everything()
        response = client.get(url) if method == "get" else client.post(url, "{}", content_type="application/json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"
        assert everything() == before


def test_each_user_lists_the_assignments_they_may_see(api_for):
    expected = {
        "office": ALL_DEMO_ITEMS,
        "akimat.mangystau": {"1-РП п. 2.2", "3-МЭКС п. 2"},
        "akimat.karaganda": {"1-РП п. 2.1", "3-МЭКС п. 2", "17-ПМ п. 1", "17-ПМ п. 3"},
        "ministry": {"3-МЭКС п. 1", "3-МЭКС п. 2"},
        "baiterek": {"3-МЭКС п. 4", "17-ПМ п. 4"},
        "techoperator": {"3-МЭКС п. 3"},
        "utility": set(),
        "contractor": set(),
    }
    for username, visible in expected.items():
        response = api_for(username).get(f"{API}/items/", {"on": ON})
        assert response.status_code == 200, username
        assert labels(response) == visible, username
        assert response.json()["count"] == len(visible), username


def test_each_user_lists_the_meetings_they_may_see(api_for):
    expected = {
        "office": {"3-МЭКС", "17-ПМ", "1-РП"},
        "akimat.mangystau": {"3-МЭКС", "1-РП"},
        "akimat.karaganda": {"3-МЭКС", "17-ПМ", "1-РП"},
        "ministry": {"3-МЭКС"},
        "contractor": set(),
    }
    for username, visible in expected.items():
        response = api_for(username).get(f"{API}/meetings/")
        assert response.status_code == 200, username
        assert {row["protocol_number"] for row in response.json()["results"]} == visible, username


def test_meeting_detail(api_for):
    seminar = meeting("17-ПМ")
    url = f"{API}/meetings/{seminar.pk}/"
    responses = check_matrix(
        api_for, "get", url,
        expect={None: 401, "contractor": 404, "akimat.mangystau": 404, "akimat.karaganda": 200, "office": 200},
        state=everything,
    )
    body = responses["office"].json()
    assert body["kind"] == "seminar"
    assert body["kind_label"] == "Seminar"
    assert body["date"] == "2026-08-14"
    assert body["title"] == "Republican seminar on the development of monotowns"
    assert body["protocol_number"] == "17-ПМ"
    assert body["controlling_organization"] == demo_office_id()
    assert body["assignment_count"] == 7
    assert api_for("office").get(f"{API}/meetings/999999/").json() == responses["akimat.mangystau"].json()


def test_assignment_detail_with_deadlines_reports_and_extensions(api_for):
    overdue = item("1-РП п. 2.2")
    check_matrix(
        api_for, "get", f"{API}/items/{overdue.pk}/?on={ON}",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "ministry": 404, "akimat.mangystau": 200,
                "office": 200},
    )
    client = api_for("akimat.mangystau")
    body = client.get(f"{API}/items/{overdue.pk}/", {"on": ON}).json()
    assert body["label"] == "1-РП п. 2.2"
    assert body["status"] == "issued"
    assert body["status_label"] == "Issued"
    assert body["lead_executor"] == organization(MANGYSTAU).pk
    assert body["lead_executor_name"] == MANGYSTAU
    assert body["lead_official"] == "akimat.mangystau"
    assert body["lead_official_name"] == "Утегенов Арман Бекболатович"
    assert body["control_level"] == "regional"
    assert body["regions"] == ["47"]
    assert (body["next_due"], body["overdue_count"], body["worst_delay"], body["is_overdue"]) == (
        "2026-06-30", 1, 144, True)
    assert [(d["due_date"], d["state"], d["delay_days"]) for d in body["deadlines"]] == [("2026-06-30", "overdue", 144)]
    assert body["reports"] == []
    assert body["extension_requests"] == []
    # Before its date the same deadline is open.
    early = client.get(f"{API}/items/{overdue.pk}/", {"on": "2026-06-30"}).json()
    assert (early["deadlines"][0]["state"], early["deadlines"][0]["state_label"], early["is_overdue"]) == (
        "open", "Open", False)

    # The financing item: extended from 1 June to 15 July, then met on 10 July.
    financing = api_for("baiterek").get(f"{API}/items/{item('3-МЭКС п. 4').pk}/", {"on": ON}).json()
    [deadline] = financing["deadlines"]
    assert (deadline["original_due_date"], deadline["due_date"], deadline["fulfilled_on"]) == (
        "2026-06-01", "2026-07-15", "2026-07-10")
    assert (deadline["state"], deadline["extended"], deadline["delay_days"]) == ("on_time", True, 0)
    [extension] = financing["extension_requests"]
    assert (extension["status"], extension["new_due_date"], extension["requested_by"], extension["decided_by"]) == (
        "approved", "2026-07-15", "baiterek", "office")
    [report] = financing["reports"]
    assert (report["status"], report["submitted_on"], report["author"], report["decided_by"]) == (
        "accepted", "2026-07-10", "baiterek", "office")

    # The monthly key indicators: seven reports, two of them late, November overdue, December open.
    monthly = api_for("ministry").get(f"{API}/items/{item('3-МЭКС п. 1').pk}/", {"on": ON}).json()
    assert [(d["period"], d["due_date"], d["state"], d["delay_days"]) for d in monthly["deadlines"]] == [
        ("2026-03-01", "2026-04-05", "on_time", 0), ("2026-04-01", "2026-05-05", "on_time", 0),
        ("2026-05-01", "2026-06-05", "late", 4), ("2026-06-01", "2026-07-05", "on_time", 0),
        ("2026-07-01", "2026-08-05", "on_time", 0), ("2026-08-01", "2026-09-05", "late", 7),
        ("2026-09-01", "2026-10-05", "on_time", 0), ("2026-10-01", "2026-11-05", "overdue", 16),
        ("2026-11-01", "2026-12-05", "open", 0),
    ]
    assert len(monthly["reports"]) == 7
    assert monthly["recurrence_day"] == 5
    assert set(monthly["co_executors"]) == {organization(ECONOMY).pk, organization(INDUSTRY).pk}


def test_list_filters(api_for):
    client = api_for("office")

    def listed(**params) -> set[str]:
        response = client.get(f"{API}/items/", {"on": ON, **params})
        assert response.status_code == 200, params
        return labels(response)

    assert listed(overdue="true") == {"1-РП п. 2.2", "17-ПМ п. 3", "3-МЭКС п. 1"}
    assert listed(overdue="false") == ALL_DEMO_ITEMS - {"1-РП п. 2.2", "17-ПМ п. 3", "3-МЭКС п. 1"}
    assert listed(overdue="true", on="2026-07-01") == {"1-РП п. 2.2"}  # due on 30 June
    assert listed(overdue="true", on="2026-06-30") == set()
    assert listed(status="reported") == {"17-ПМ п. 2"}
    assert listed(meeting=meeting("1-РП").pk) == {"1-РП п. 1", "1-РП п. 2.1", "1-РП п. 2.2", "1-РП п. 3"}
    assert listed(executor=organization(MANGYSTAU).pk) == {"1-РП п. 2.2", "3-МЭКС п. 2"}
    assert listed(q="Балхаш") == {"17-ПМ п. 1"}
    assert listed(q="2.2") == {"1-РП п. 2.2"}
    assert listed(executor=organization(MANGYSTAU).pk, overdue="true") == {"1-РП п. 2.2"}
    for bad in ({"status": "overdue"}, {"on": "21.11.2026"}, {"meeting": "x"}):
        response = client.get(f"{API}/items/", bad)
        assert response.status_code == 400, bad
        assert set(response.json()) == set(bad)


# --- the whole flow ----------------------------------------------------------------------------------------


def test_full_flow_from_meeting_to_acceptance_with_an_extension(api_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    office = api_for("office")
    executor = api_for("akimat.mangystau")
    mangystau = organization(MANGYSTAU)
    karaganda = organization(KARAGANDA)
    settlement = Settlement.objects.filter(region__kato="47").order_by("kato").first()

    recorded = office.post(f"{API}/meetings/", {
        "kind": "project_office", "date": str(today - dt.timedelta(days=5)), "title_ru": "Заседание по теплу",
        "title_en": "Meeting on heat supply", "chair": "Руководитель проектного офиса",
        "controlling_organization": demo_office_id(), "protocol_number": "9-ТЕСТ", "place": "Астана",
    }, format="json")
    assert recorded.status_code == 201, recorded.json()
    new_meeting = recorded.json()
    assert (new_meeting["kind_label"], new_meeting["assignment_count"], new_meeting["version"]) == (
        "Project office meeting", 0, 1)

    issued = office.post(f"{API}/items/", {
        "meeting": new_meeting["id"], "item_number": "1", "text_ru": "Подготовить сети к отопительному сезону.",
        "text_en": "Prepare the networks for the heating season.", "lead_executor": mangystau.pk,
        "lead_official": "akimat.mangystau", "control_level": "regional",
        "deadline": str(today + dt.timedelta(days=20)), "co_executors": [karaganda.pk], "regions": ["47"],
        "settlements": [settlement.kato],
    }, format="json")
    assert issued.status_code == 201, issued.json()
    body = issued.json()
    assert (body["label"], body["status"], body["text"]) == (
        "9-ТЕСТ п. 1", "issued", "Prepare the networks for the heating season.")
    assert (body["co_executors"], body["regions"], body["settlements"], body["projects"]) == (
        [karaganda.pk], ["47"], [settlement.kato], [])
    [deadline] = body["deadlines"]
    assert (deadline["due_date"], deadline["state"], deadline["extended"]) == (
        str(today + dt.timedelta(days=20)), "open", False)
    url = f"{API}/items/{body['id']}/"
    # The co-executor sees it too; the meeting now counts it.
    assert api_for("akimat.karaganda").get(url).status_code == 200
    assert office.get(f"{API}/meetings/{new_meeting['id']}/").json()["assignment_count"] == 1

    started = executor.post(f"{url}start/")
    assert started.status_code == 200
    assert started.json()["status"] == "in_progress"

    asked = executor.post(f"{API}/deadlines/{deadline['id']}/extensions/", {
        "new_due_date": str(today + dt.timedelta(days=50)), "reason": "Поставка оборудования задерживается",
    }, format="json")
    assert asked.status_code == 201, asked.json()
    assert (asked.json()["status"], asked.json()["requested_by"], asked.json()["assignment"]) == (
        "pending", "akimat.mangystau", body["id"])
    decided = office.post(f"{API}/extensions/{asked.json()['id']}/decision/",
                          {"approve": True, "note": "Продлить"}, format="json")
    assert decided.status_code == 200, decided.json()
    assert (decided.json()["status"], decided.json()["decided_by"], decided.json()["decision_note"]) == (
        "approved", "office", "Продлить")
    moved = office.get(url).json()["deadlines"][0]
    assert (moved["due_date"], moved["original_due_date"], moved["extended"]) == (
        str(today + dt.timedelta(days=50)), str(today + dt.timedelta(days=20)), True)
    stored = Deadline.objects.get(pk=deadline["id"])
    assert [row.due_date for row in stored.history.order_by("history_id")] == [
        today + dt.timedelta(days=20), today + dt.timedelta(days=50)]

    reported = executor.post(f"{url}reports/", {
        "text": "Сети подготовлены, акты подписаны.",
        "attachment": SimpleUploadedFile("act.pdf", b"%PDF-1.4 act", content_type="application/pdf"),
    }, format="multipart")
    assert reported.status_code == 201, reported.json()
    report = reported.json()
    assert (report["status"], report["author"], report["organization"], report["deadline"]) == (
        "submitted", "akimat.mangystau", mangystau.pk, deadline["id"])
    assert report["attachment"].startswith("assignment-reports/")
    assert report["submitted_on"] == str(today)
    assert office.get(url).json()["status"] == "reported"

    accepted = office.post(f"{API}/reports/{report['id']}/accept/", {"note": "Принято"}, format="json")
    assert accepted.status_code == 200, accepted.json()
    assert (accepted.json()["status"], accepted.json()["decided_by"], accepted.json()["decision_note"]) == (
        "accepted", "office", "Принято")
    final = office.get(url).json()
    assert final["status"] == "accepted"
    assert (final["deadlines"][0]["fulfilled_on"], final["deadlines"][0]["state"]) == (str(today), "on_time")
    assert (final["next_due"], final["overdue_count"], final["is_overdue"]) == (None, 0, False)
    assert [r["status"] for r in final["reports"]] == ["accepted"]
    assert [e["status"] for e in final["extension_requests"]] == ["approved"]


def demo_office_id() -> int:
    return User.objects.get(username="office").organization_id


def test_a_report_returned_for_rework_can_be_reported_again(api_for):
    satpayev = item("17-ПМ п. 2")
    report = satpayev.reports.get()
    office = api_for("office")
    before = everything()

    no_reason = office.post(f"{API}/reports/{report.pk}/return/", {"note": ""}, format="json")
    assert no_reason.status_code == 400
    assert set(no_reason.json()) == {"note"}
    assert everything() == before

    returned = office.post(f"{API}/reports/{report.pk}/return/", {"note": "Приложите ПСД"}, format="json")
    assert returned.status_code == 200
    assert (returned.json()["status"], returned.json()["decision_note"]) == ("returned", "Приложите ПСД")
    assert Assignment.objects.get(pk=satpayev.pk).status == "returned"
    again = api_for("official.akimat_62").post(f"{API}/items/{satpayev.pk}/reports/",
                                               {"text": "ПСД приложена."}, format="json")
    assert again.status_code == 201
    assert Assignment.objects.get(pk=satpayev.pk).status == "reported"


# --- who may act -------------------------------------------------------------------------------------------


def test_meeting_record_permissions(api_for):
    body = as_json({"kind": "government", "date": "2026-11-20", "title_ru": "Совещание в Правительстве",
                    "chair": "Премьер-министр РК", "controlling_organization": demo_office_id()})
    responses = check_matrix(
        api_for, "post", f"{API}/meetings/", body, content_type="application/json",
        expect={None: 401, "akimat.mangystau": 403, "ministry": 403, "office": 201},
        state=everything,
    )
    assert responses["akimat.mangystau"].json() == {
        "detail": "Only the project office or the chair's office records meetings."}
    assert Meeting.objects.filter(title_ru="Совещание в Правительстве").count() == 1


def test_issue_permissions(api_for):
    body = as_json({"meeting": meeting("1-РП").pk, "item_number": "4", "text_ru": "Текст",
                    "lead_executor": organization(MANGYSTAU).pk, "lead_official": "akimat.mangystau",
                    "control_level": "regional", "deadline": "2026-12-31"})
    responses = check_matrix(
        api_for, "post", f"{API}/items/", body, content_type="application/json",
        expect={None: 401, "akimat.mangystau": 403, "office": 201}, state=everything,
    )
    assert responses["akimat.mangystau"].json() == {
        "detail": "Only the chair's office issues assignments of this meeting."}
    # Who does not see the meeting cannot name it.
    before = everything()
    hidden = api_for("contractor").post(f"{API}/items/", body, content_type="application/json")
    assert hidden.status_code == 400
    assert set(hidden.json()) >= {"meeting"}
    assert everything() == before


def test_start_permissions(api_for):
    assignment = item("1-РП п. 2.2")
    responses = check_matrix(
        api_for, "post", f"{API}/items/{assignment.pk}/start/",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "ministry": 404, "office": 403,
                "akimat.mangystau": 200},
        state=everything,
    )
    assert responses["office"].json() == {"detail": "Only an executor of the assignment may do this."}
    assert responses["akimat.mangystau"].json()["status"] == "in_progress"
    before = everything()
    again = api_for("akimat.mangystau").post(f"{API}/items/{assignment.pk}/start/")
    assert again.status_code == 409
    assert everything() == before


def test_report_permissions(api_for):
    assignment = item("1-РП п. 2.2")
    responses = check_matrix(
        api_for, "post", f"{API}/items/{assignment.pk}/reports/", as_json({"text": "Скрининг проведён."}),
        content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "office": 403, "akimat.mangystau": 201},
        state=everything,
    )
    assert responses["office"].json() == {"detail": "Only an executor of the assignment may report on it."}
    # A second report while the first waits for a decision.
    before = everything()
    second = api_for("akimat.mangystau").post(f"{API}/items/{assignment.pk}/reports/", {"text": "Ещё"}, format="json")
    assert second.status_code == 409
    assert everything() == before


def test_accept_permissions(api_for, demo_assignments):
    monthly = item("3-МЭКС п. 1")
    report = services.report_submit(actor=demo_assignments["ministry"], assignment=monthly,
                                    text="Информация за октябрь направлена.", submitted_on=ON_DATE)
    responses = check_matrix(
        api_for, "post", f"{API}/reports/{report.pk}/accept/", as_json({"note": "Принято"}),
        content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.mangystau": 404, "ministry": 403, "office": 200},
        state=everything,
    )
    assert responses["ministry"].json() == {"detail": "Only the chair's office decides on reports."}
    deadline = Deadline.objects.get(pk=report.deadline_id)
    assert (deadline.due_date, deadline.fulfilled_on) == (dt.date(2026, 11, 5), ON_DATE)
    assert Assignment.objects.get(pk=monthly.pk).status == "in_progress"  # December is still due


def test_return_permissions(api_for):
    report = item("17-ПМ п. 2").reports.get()
    check_matrix(
        api_for, "post", f"{API}/reports/{report.pk}/return/", as_json({"note": "Доработать"}),
        content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.mangystau": 404, "ministry": 404, "official.akimat_62": 403,
                "office": 200},
        state=everything,
    )


def test_extension_permissions(api_for):
    deadline = item("1-РП п. 2.2").deadlines.get()
    body = as_json({"new_due_date": "2026-12-31", "reason": "Сезонные работы"})
    responses = check_matrix(
        api_for, "post", f"{API}/deadlines/{deadline.pk}/extensions/", body, content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "office": 403, "akimat.mangystau": 201},
        state=everything,
    )
    assert responses["office"].json() == {"detail": "Only an executor of the assignment may ask for an extension."}
    client = api_for("akimat.mangystau")
    before = everything()
    pending = client.post(f"{API}/deadlines/{deadline.pk}/extensions/", body, content_type="application/json")
    earlier = client.post(f"{API}/deadlines/{deadline.pk}/extensions/",
                          {"new_due_date": "2026-06-01", "reason": "Ошибка"}, format="json")
    met = api_for("ministry").post(f"{API}/deadlines/{deadline_of('3-МЭКС п. 1', dt.date(2026, 4, 5)).pk}/extensions/",
                                   {"new_due_date": "2026-12-31", "reason": "Поздно"}, format="json")
    assert pending.status_code == 409
    assert earlier.status_code == 400
    assert earlier.json() == {"detail": "The new date must be later than the current deadline."}
    assert met.status_code == 409
    assert everything() == before


def test_extension_decision_permissions(api_for, demo_assignments):
    deadline = item("1-РП п. 2.2").deadlines.get()
    request = services.extension_request(actor=demo_assignments["akimat.mangystau"], deadline=deadline,
                                         new_due_date=dt.date(2026, 12, 31), reason="Сезонные работы")
    responses = check_matrix(
        api_for, "post", f"{API}/extensions/{request.pk}/decision/", as_json({"approve": False, "note": "Нет"}),
        content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "akimat.mangystau": 403, "office": 200},
        state=everything,
    )
    assert responses["office"].json()["status"] == "declined"
    assert Deadline.objects.get(pk=deadline.pk).due_date == dt.date(2026, 6, 30)
    before = everything()
    twice = api_for("office").post(f"{API}/extensions/{request.pk}/decision/", {"approve": True}, format="json")
    assert twice.status_code == 409
    assert twice.json() == {"detail": "This request has been decided already."}
    assert everything() == before


# --- refusals change nothing -------------------------------------------------------------------------------


def test_refusals_change_nothing(api_for):
    office = api_for("office")
    regional = meeting("1-РП")
    decided = item("1-РП п. 2.1").reports.get()
    cases = [
        (office, f"{API}/items/", {
            "meeting": regional.pk, "item_number": "5", "text_ru": "Текст", "lead_executor": organization(MANGYSTAU).pk,
            "lead_official": "akimat.mangystau", "control_level": "regional", "deadline": "2026-01-31",
        }, 400, {"detail": "The deadline cannot come before the meeting (10.02.2026)."}),
        (office, f"{API}/items/{item('1-РП п. 2.2').pk}/reports/", {"text": "Отчёт"}, 403,
         {"detail": "Only an executor of the assignment may report on it."}),
        (office, f"{API}/reports/{decided.pk}/accept/", {"note": "Ещё раз"}, 409,
         {"detail": "This report has been decided already."}),
    ]
    for client, url, data, expected_status, expected_body in cases:
        before = everything()
        response = client.post(url, data, format="json")
        assert response.status_code == expected_status, url
        assert response.json() == expected_body, url
        assert everything() == before, url


def test_bad_issue_requests_change_nothing(api_for):
    office = api_for("office")
    base = {"meeting": meeting("1-РП").pk, "text_ru": "Текст", "lead_executor": organization(MANGYSTAU).pk,
            "lead_official": "akimat.mangystau", "control_level": "regional"}
    before = everything()
    for data, fields in [
        ({**base, "item_number": "2.2", "deadline": "2026-12-31"}, {"item_number"}),
        ({**base, "item_number": "6"}, {"detail"}),
        ({**base, "item_number": "6", "deadline": "2026-12-31", "recurrence_day": 5}, {"detail"}),
        ({**base, "item_number": "6", "deadline": "2026-12-31", "lead_official": "akimat.karaganda"}, {"detail"}),
        ({**base, "item_number": "6", "deadline": "2026-12-31", "status": "accepted"}, {"status"}),
        ({**base, "item_number": "6", "recurrence_day": 31, "recurrence_until": "2027-01-01"}, {"recurrence_day"}),
    ]:
        response = office.post(f"{API}/items/", data, format="json")
        assert response.status_code == 400, data
        assert set(response.json()) == fields, response.json()
    assert everything() == before


def test_an_executor_cannot_accept_its_own_report(api_for):
    client = api_for("akimat.mangystau")
    mangystau = organization(MANGYSTAU)
    # Mangystau's akimat records a meeting of its own and issues an assignment to itself.
    recorded = client.post(f"{API}/meetings/", {
        "kind": "working_trip", "date": "2026-11-01", "title_ru": "Выездное совещание в Жанаозене",
        "chair": "Аким Мангистауской области", "controlling_organization": mangystau.pk, "protocol_number": "5-МО",
    }, format="json")
    assert recorded.status_code == 201, recorded.json()
    issued = client.post(f"{API}/items/", {
        "meeting": recorded.json()["id"], "item_number": "1", "text_ru": "Отремонтировать котельную.",
        "lead_executor": mangystau.pk, "lead_official": "akimat.mangystau", "control_level": "regional",
        "deadline": "2026-12-15",
    }, format="json")
    assert issued.status_code == 201, issued.json()
    reported = client.post(f"{API}/items/{issued.json()['id']}/reports/", {"text": "Котельная отремонтирована."},
                           format="json")
    assert reported.status_code == 201
    before = everything()

    response = client.post(f"{API}/reports/{reported.json()['id']}/accept/", {"note": "Сами приняли"}, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "An executor cannot decide on its own report."}
    assert everything() == before
    # The project office, not an executor, may.
    assert api_for("office").post(f"{API}/reports/{reported.json()['id']}/accept/", {}, format="json").status_code == 200


# --- the summary and the ranking ---------------------------------------------------------------------------

RANKING_BY_ORGANIZATION = [
    # name, due, on time, late, overdue, average delay, share on time
    (KARAGANDA, 1, 1, 0, 0, "0.0", "1.000"),
    ("Baiterek National Managing Holding JSC", 1, 1, 0, 0, "0.0", "1.000"),
    ("Ministry of Transport", 1, 1, 0, 0, "0.0", "1.000"),
    ("Technical operator of the national project", 1, 1, 0, 0, "0.0", "1.000"),
    (ENERGY, 9, 5, 3, 1, "11.5", "0.556"),
    (ECONOMY, 2, 1, 1, 0, "19.0", "0.500"),
    ("Ministry of Science and Higher Education", 1, 0, 1, 0, "7.0", "0.000"),
    (INDUSTRY, 1, 0, 0, 1, "51.0", "0.000"),
    (MANGYSTAU, 1, 0, 0, 1, "144.0", "0.000"),
]
RANKING_BY_OFFICIAL = [
    # user name, full name, organization (in Russian), due, on time, late, overdue, average delay, share on time
    ("baiterek", "Абдрахманова Жанар Ерболовна", "АО «Национальный управляющий холдинг «Байтерек»",
     1, 1, 0, 0, "0.0", "1.000"),
    ("official.transport", "Байжанов Дамир Серикович", "Министерство транспорта РК", 1, 1, 0, 0, "0.0", "1.000"),
    ("akimat.karaganda", "Нуркенов Бауыржан Серикович", "Акимат: Карагандинская область", 1, 1, 0, 0, "0.0", "1.000"),
    ("techoperator", "Оспанова Динара Кайратовна", "Технический оператор национального проекта",
     1, 1, 0, 0, "0.0", "1.000"),
    ("ministry", "Жаксыбеков Ерлан Нурланович", "Министерство энергетики Республики Казахстан",
     9, 5, 3, 1, "11.5", "0.556"),
    ("official.economy", "Байжанов Дамир Серикович", "Министерство национальной экономики Республики Казахстан",
     2, 1, 1, 0, "19.0", "0.500"),
    ("official.science", "Тулегенова Сауле Аскаровна", "Министерство науки и высшего образования РК",
     1, 0, 1, 0, "7.0", "0.000"),
    ("official.industry", "Искакова Мадина Сериковна", "Министерство промышленности и строительства Республики Казахстан",
     1, 0, 0, 1, "51.0", "0.000"),
    ("akimat.mangystau", "Утегенов Арман Бекболатович", "Акимат: Мангистауская область", 1, 0, 0, 1, "144.0", "0.000"),
]


def ranking_by_organization() -> list[dict]:
    return [
        {"rank": rank, "key": organization(name).pk, "name": name, "organization": name, "due": due,
         "on_time": on_time, "late": late, "overdue": overdue, "average_delay": delay, "share_on_time": share}
        for rank, (name, due, on_time, late, overdue, delay, share) in enumerate(RANKING_BY_ORGANIZATION, start=1)
    ]


def ranking_by_official() -> list[dict]:
    return [
        {"rank": rank, "key": User.objects.get(username=username).pk, "name": name, "organization": body,
         "due": due, "on_time": on_time, "late": late, "overdue": overdue, "average_delay": delay,
         "share_on_time": share}
        for rank, (username, name, body, due, on_time, late, overdue, delay, share) in enumerate(
            RANKING_BY_OFFICIAL, start=1)
    ]


def as_rows(rows) -> list[dict]:
    """The selector's rows as the API writes them."""
    return [{**row.__dict__, "average_delay": str(row.average_delay), "share_on_time": str(row.share_on_time)}
            for row in rows]


def deadline_row(label: str, due: str, days_name: str, days: int, executor: str, official: str, name: str) -> dict:
    assignment = item(label)
    return {
        "deadline": deadline_of(label, dt.date.fromisoformat(due)).pk, "assignment": assignment.pk, "item": label,
        "meeting": assignment.meeting_id, "meeting_title": assignment.meeting.title_en, "due_date": due,
        days_name: days, "lead_executor": organization(executor).pk, "lead_executor_name": executor,
        "lead_official": official, "lead_official_name": name,
    }


def test_summary_is_exact_on_the_demo(api_for):
    response = api_for("office").get(f"{API}/summary/", {"on": ON})

    assert response.status_code == 200
    body = response.json()
    assert body["on"] == ON
    assert body["figures"] == {
        "total": 15,
        "by_status": [
            {"status": "issued", "label": "Issued", "count": 4},
            {"status": "in_progress", "label": "In progress", "count": 2},
            {"status": "reported", "label": "Reported", "count": 1},
            {"status": "returned", "label": "Returned for rework", "count": 0},
            {"status": "accepted", "label": "Accepted, taken off control", "count": 8},
        ],
        "overdue": 3, "due_soon": 5, "met_on_time": 10, "met_late": 5,
    }
    assert body["overdue"] == [
        deadline_row("1-РП п. 2.2", "2026-06-30", "days_overdue", 144, MANGYSTAU, "akimat.mangystau",
                     "Утегенов Арман Бекболатович"),
        deadline_row("17-ПМ п. 3", "2026-10-01", "days_overdue", 51, INDUSTRY, "official.industry",
                     "Искакова Мадина Сериковна"),
        deadline_row("3-МЭКС п. 1", "2026-11-05", "days_overdue", 16, ENERGY, "ministry",
                     "Жаксыбеков Ерлан Нурланович"),
    ]
    assert sorted(body["due_soon"], key=lambda row: (row["due_date"], row["item"])) == [
        deadline_row("17-ПМ п. 1", "2026-12-01", "days_left", 10, KARAGANDA, "akimat.karaganda",
                     "Нуркенов Бауыржан Серикович"),
        deadline_row("17-ПМ п. 2", "2026-12-01", "days_left", 10, "Akimat of Ulytau Region", "official.akimat_62",
                     "Тулегенова Сауле Аскаровна"),
        deadline_row("17-ПМ п. 4", "2026-12-01", "days_left", 10, "Samruk-Kazyna Sovereign Wealth Fund JSC",
                     "official.samruk", "Сейтказиев Бекзат Нурланович"),
        deadline_row("17-ПМ п. 5", "2026-12-01", "days_left", 10, ECONOMY, "official.economy",
                     "Байжанов Дамир Серикович"),
        deadline_row("3-МЭКС п. 1", "2026-12-05", "days_left", 14, ENERGY, "ministry", "Жаксыбеков Ерлан Нурланович"),
    ]
    assert body["ranking"] == ranking_by_organization()


def test_ranking_is_exact_on_the_demo(api_for, demo_assignments):
    client = api_for("office")

    by_organization = client.get(f"{API}/ranking/", {"on": ON})
    by_official = client.get(f"{API}/ranking/", {"on": ON, "by": "official"})

    assert by_organization.status_code == by_official.status_code == 200
    assert by_organization.json() == ranking_by_organization()
    assert by_official.json() == ranking_by_official()
    with translation.override("en"):
        office = demo_assignments["office"]
        assert as_rows(selectors.discipline_ranking(user=office, on=ON_DATE)) == ranking_by_organization()
        assert as_rows(selectors.discipline_ranking(user=office, on=ON_DATE, by="official")) == ranking_by_official()
    assert client.get(f"{API}/ranking/", {"by": "region"}).status_code == 400
    assert client.get(f"{API}/summary/", {"on": "tomorrow"}).status_code == 400


def test_summary_and_ranking_count_only_what_the_user_sees(api_for):
    mangystau = api_for("akimat.mangystau").get(f"{API}/summary/", {"on": ON}).json()
    assert mangystau["figures"]["total"] == 2
    assert [row["item"] for row in mangystau["overdue"]] == ["1-РП п. 2.2"]
    assert mangystau["due_soon"] == []
    assert [(row["name"], row["due"]) for row in mangystau["ranking"]] == [(ENERGY, 1), (MANGYSTAU, 1)]

    contractor = api_for("contractor")
    nothing = contractor.get(f"{API}/summary/", {"on": ON}).json()
    assert nothing["figures"]["total"] == 0
    assert {row["count"] for row in nothing["figures"]["by_status"]} == {0}
    assert (nothing["overdue"], nothing["due_soon"], nothing["ranking"]) == ([], [], [])
    assert contractor.get(f"{API}/ranking/", {"on": ON}).json() == []


# --- constant query counts ---------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_assignments(users: dict, number: int) -> None:
    """``number`` more assignments over several executors, co-executors, regions and kinds of deadline."""
    office = users["office"]
    executors = [users[name] for name in ("akimat.mangystau", "akimat.karaganda", "ministry", "baiterek",
                                         "techoperator")]
    regions = list(Region.objects.order_by("kato")[:4])
    settlements = list(Settlement.objects.filter(region__in=regions).order_by("kato")[:4])
    extra = services.meeting_create(
        actor=office, kind=MeetingKind.GOVERNMENT, date=dt.date(2026, 9, 1), title_ru="Совещание для нагрузки",
        chair="Премьер-министр РК", controlling_organization=office.organization, protocol_number="99-Н",
    )
    for index in range(number):
        lead = executors[index % len(executors)]
        co = executors[(index + 1) % len(executors)]
        monthly = index % 4 == 0
        assignment = services.assignment_issue(
            actor=office, meeting=extra, item_number=str(index + 1), text_ru=f"Поручение {index + 1}",
            lead_executor=lead.organization, lead_official=lead, control_level=ControlLevel.NATIONAL,
            deadline=None if monthly else dt.date(2026, 10, 1) + dt.timedelta(days=5 * index),
            recurrence_day=10 if monthly else None, recurrence_until=dt.date(2027, 3, 31) if monthly else None,
            co_executors=[co.organization], regions=regions[index % 4: index % 4 + 2],
            settlements=settlements[index % 4: index % 4 + 1],
        )
        if index % 3 == 0:
            services.assignment_start(actor=lead, assignment=assignment)
        if index % 5 == 1:
            report = services.report_submit(actor=lead, assignment=assignment, text="Сделано",
                                            submitted_on=dt.date(2026, 10, 15))
            services.report_accept(actor=office, report=report)


@pytest.mark.parametrize("url", [f"{API}/items/?on={ON}", f"{API}/meetings/", f"{API}/summary/?on={ON}"])
def test_queries_do_not_grow_with_the_number_of_assignments(url, api_for, demo_assignments,
                                                            django_assert_num_queries):
    client = api_for("office")
    client.get(url)  # warm up
    with_demo = count_queries(client, url)

    add_assignments(demo_assignments, 20)
    assert Assignment.objects.count() == 35

    with django_assert_num_queries(with_demo):
        response = client.get(url)
    body = response.json()
    if "count" in body and "results" in body and url.startswith(f"{API}/items/"):
        assert body["count"] == 35
        assert len({row["label"] for row in body["results"]}) == 35


# --- the schema --------------------------------------------------------------------------------------------

ASSIGNMENT_OPERATIONS = {
    (f"{API}/meetings/", "get"), (f"{API}/meetings/", "post"), (f"{API}/meetings/{{id}}/", "get"),
    (f"{API}/items/", "get"), (f"{API}/items/", "post"), (f"{API}/items/{{id}}/", "get"),
    (f"{API}/items/{{id}}/start/", "post"), (f"{API}/items/{{id}}/reports/", "post"),
    (f"{API}/reports/{{id}}/accept/", "post"), (f"{API}/reports/{{id}}/return/", "post"),
    (f"{API}/deadlines/{{id}}/extensions/", "post"), (f"{API}/extensions/{{id}}/decision/", "post"),
    (f"{API}/summary/", "get"), (f"{API}/ranking/", "get"),
}


def test_schema_validates_and_describes_every_assignment_field(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    operations = {(path, method) for path, item in schema["paths"].items() for method in item
                  if path.startswith(API)}
    assert operations == ASSIGNMENT_OPERATIONS
    components = schema["components"]["schemas"]
    for name in ("Meeting", "MeetingCreateRequest", "Assignment", "AssignmentDetail", "Deadline", "AssignmentReport",
                 "Extension", "AssignmentIssueRequest", "ReportSubmitRequest", "DecisionNoteRequest",
                 "ReturnNoteRequest", "ExtensionAskRequest", "ExtensionDecisionRequest", "AssignmentSummary",
                 "AssignmentFigures", "StatusCount", "OverdueDeadline", "DueSoonDeadline", "DisciplineRow"):
        properties = components[name]["properties"]
        undescribed = [field for field, spec in properties.items() if not spec.get("description")]
        assert undescribed == [], name
    assert set(components["AssignmentStatusEnum"]["enum"]) == {
        "issued", "in_progress", "reported", "returned", "accepted"}
    for path, method in ASSIGNMENT_OPERATIONS:
        operation = schema["paths"][path][method]
        assert "401" in operation["responses"], (path, method)
        assert operation.get("summary") and operation.get("description"), (path, method)
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, method, parameter["name"])
    report_body = schema["paths"][f"{API}/items/{{id}}/reports/"]["post"]["requestBody"]["content"]
    assert set(report_body) == {"application/json", "multipart/form-data"}
