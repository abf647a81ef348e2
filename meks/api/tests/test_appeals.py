"""The contact centre over the API: who sees what, the whole flow, personal data, public tracking, statistics."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import yaml
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from meks.accounts.models import Organization, User
from meks.accounts.services import role_assign, user_create
from meks.appeals import deadlines
from meks.appeals.choices import AppealStatus, EventKind
from meks.appeals.models import Answer, Appeal, AppealEvent, PersonalDataAccess
from meks.appeals.selectors import appeal_statistics
from meks.core.access import Role
from meks.core.testing.matrix import check_matrix, snapshot
from meks.core.validators import with_control_digit
from meks.demo.builder import build_demo_appeals
from meks.territory.models import Region

API = "/api/v1/appeals"
MANGYSTAU = "Akimat of Mangystau Region"
KARAGANDA = "Akimat of Karaganda Region"
ENERGY = "Ministry of Energy of the Republic of Kazakhstan"
DEMO_APPEALS = 850
IIN = with_control_digit("90031530012")
APPLICANT = {
    "applicant_name": "Тестова Алия Маратовна",
    "applicant_phone": "+7 (701) 555-12-34",
    "applicant_iin": IIN,
    "applicant_address": "Актау, 5 микрорайон, дом 12, кв. 40",
    "applicant_email": "aliya.testova@example.kz",
}
REAL = {"masked": False, "name": "Тестова Алия Маратовна", "phone": "+77015551234", "iin": IIN,
        "address": "Актау, 5 микрорайон, дом 12, кв. 40", "email": "aliya.testova@example.kz"}
MASKED = {"masked": True, "name": "Т. А. М.", "phone": "+7 ••• ••• •• 34", "iin": f"••••••••{IIN[-4:]}",
          "address": "•••", "email": "a•••@example.kz"}


# --- fixtures and helpers ----------------------------------------------------------------------------------


def organization(name_en: str) -> Organization:
    return Organization.objects.get(name_en=name_en)


def add_member(username: str, organization_name: str, last_name: str) -> User:
    """A member of an akimat of Mangystau region who is not its head."""
    user = user_create(actor=None, username=username, password=None, organization=organization(organization_name),
                       first_name="Тест", last_name=last_name, check_password=False)
    role_assign(actor=None, user=user, role=Role.AKIMAT, regions=[Region.objects.get(kato="47")])
    return user


@pytest.fixture
def demo_appeals(demo):
    """The demo accounts with the 850 demo appeals, and two more members of Mangystau's akimat (not heads)."""
    build_demo_appeals()
    add_member("executor.mangystau", MANGYSTAU, "Исполнителева")
    add_member("colleague.mangystau", MANGYSTAU, "Коллегова")
    return {user.username: user for user in User.objects.all()}


@pytest.fixture
def api_for(demo_appeals):
    """A function giving an API client that sends the named account's token (and asks for English)."""

    def make(username: str) -> APIClient:
        token, _ = Token.objects.get_or_create(user=User.objects.get(username=username))
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client

    return make


def anonymous() -> APIClient:
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


def everything():
    return snapshot(Appeal.objects.all(), Answer.objects.all(), AppealEvent.objects.all())


def as_json(data: dict) -> str:
    return json.dumps(data)


def register(api_for, **changes) -> dict:
    """An appeal on construction works in Mangystau region, registered by phone by the operator."""
    body = {"channel": "phone", "category": "construction", "region": "47",
            "text": "Раскопана улица, нет горячей воды.", **APPLICANT, **changes}
    response = api_for("operator").post(f"{API}/items/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def registered_and_assigned(api_for) -> dict:
    """A registered appeal given to Mangystau's (non-head) executor by the akimat's head."""
    appeal = register(api_for)
    response = api_for("akimat.mangystau").post(f"{API}/items/{appeal['id']}/assign/",
                                                {"executor": "executor.mangystau"}, format="json")
    assert response.status_code == 200, response.json()
    return response.json()


def demo_appeal(**lookup) -> Appeal:
    return Appeal.objects.filter(**lookup).order_by("pk").first()


def mangystau_appeal(status: str) -> Appeal:
    return demo_appeal(organization__name_en=MANGYSTAU, status=status)


def rows(response) -> list[dict]:
    assert response.status_code == 200, response.json()
    return response.json()["results"]


def accesses(username: str, **lookup) -> int:
    return PersonalDataAccess.objects.filter(user__username=username, **lookup).count()


# --- signing in and seeing ---------------------------------------------------------------------------------


def test_anonymous_is_asked_to_sign_in_everywhere_but_tracking(demo_appeals):
    appeal = mangystau_appeal(AppealStatus.ANSWERED)
    answer = appeal.answers.get()
    client = Client()
    for method, url in [
        ("get", f"{API}/items/"), ("post", f"{API}/items/"), ("get", f"{API}/items/{appeal.pk}/"),
        ("post", f"{API}/items/{appeal.pk}/assign/"), ("post", f"{API}/items/{appeal.pk}/forward/"),
        ("post", f"{API}/items/{appeal.pk}/notes/"), ("post", f"{API}/items/{appeal.pk}/extend/"),
        ("post", f"{API}/items/{appeal.pk}/answers/"), ("post", f"{API}/items/{appeal.pk}/answers/{answer.pk}/approve/"),
        ("post", f"{API}/items/{appeal.pk}/close/"), ("get", f"{API}/summary/"),
    ]:
        before = everything()
        response = client.get(url) if method == "get" else client.post(url, "{}", content_type="application/json")
        assert response.status_code == 401, (method, url)
        assert response["WWW-Authenticate"] == "Token"
        assert everything() == before
    # Tracking is public: an unknown appeal is simply not found.
    tracked = client.post(f"{API}/track/", as_json({"number": appeal.number, "access_code": "WRONG"}),
                          content_type="application/json")
    assert tracked.status_code == 404


def test_each_user_lists_the_appeals_they_may_see(api_for):
    mangystau = set(Appeal.objects.filter(organization__name_en=MANGYSTAU).values_list("number", flat=True))
    karaganda = set(Appeal.objects.filter(organization__name_en=KARAGANDA).values_list("number", flat=True))
    assert len(mangystau) == 15
    assert len(karaganda) == 16
    for username, count in [("operator", DEMO_APPEALS), ("office", DEMO_APPEALS), ("akimat.mangystau", 15),
                            ("akimat.karaganda", 16), ("contractor", 0), ("utility", 0), ("ministry", 0)]:
        response = api_for(username).get(f"{API}/items/", {"limit": 1000})
        assert response.status_code == 200, username
        assert response.json()["count"] == count, username
        if username == "akimat.mangystau":
            assert {row["number"] for row in rows(response)} == mangystau
            assert {row["organization_name"] for row in rows(response)} == {MANGYSTAU}
        if username == "akimat.karaganda":
            assert {row["number"] for row in rows(response)} == karaganda
    # Paginated by 50, the latest received first.
    page = api_for("office").get(f"{API}/items/").json()
    assert (page["count"], len(page["results"])) == (DEMO_APPEALS, 50)
    received = [row["received_at"] for row in page["results"]]
    assert received == sorted(received, reverse=True)


def test_appeal_detail_matrix(api_for):
    appeal = mangystau_appeal(AppealStatus.IN_PROGRESS)
    responses = check_matrix(
        api_for, "get", f"{API}/items/{appeal.pk}/",
        expect={None: 401, "contractor": 404, "utility": 404, "ministry": 404, "akimat.karaganda": 404,
                "akimat.mangystau": 200, "colleague.mangystau": 200, "office": 200, "operator": 200},
        state=everything,
    )
    body = responses["office"].json()
    assert (body["number"], body["status"], body["status_label"]) == (appeal.number, "in_progress", "In progress")
    assert (body["organization_name"], body["executor"]) == (MANGYSTAU, "akimat.mangystau")
    assert (body["category"], body["region"]) == (appeal.category.code, appeal.region.kato)
    assert body["channel"] in {"phone", "portal"}
    assert [event["kind"] for event in body["journal"]] == ["registered", "routed", "assigned"]
    assert body["answers"] == []
    assert "access_code" not in body
    # A missing appeal answers exactly as one not visible.
    assert api_for("office").get(f"{API}/items/999999/").json() == responses["contractor"].json()


def test_list_filters(api_for):
    client = api_for("office")

    def count(**params) -> int:
        response = client.get(f"{API}/items/", params)
        assert response.status_code == 200, params
        return response.json()["count"]

    on = timezone.localdate()
    overdue = Appeal.objects.filter(status__in=["registered", "routed", "in_progress"], due_date__lt=on).count()
    assert count(channel="portal") == Appeal.objects.filter(channel="portal").count()
    assert count(status="closed") == Appeal.objects.filter(status="closed").count()
    assert count(category="tariffs") == Appeal.objects.filter(category__code="tariffs").count()
    assert count(region="47") == Appeal.objects.filter(region__kato="47").count()
    assert count(overdue="true") == overdue
    assert count(overdue="false") == DEMO_APPEALS - overdue
    assert count(overdue="true", on=str(on - dt.timedelta(days=400))) == 0
    number = demo_appeal().number
    assert count(q=number) == 1
    assert count(mine="true") == Appeal.objects.filter(executor__username="office").count()
    assert api_for("akimat.mangystau").get(f"{API}/items/", {"mine": "true"}).json()["count"] == 15
    flagged = [row["is_overdue"] for row in rows(client.get(f"{API}/items/", {"overdue": "true", "limit": 1000}))]
    assert flagged == [True] * overdue
    for bad in ({"status": "overdue"}, {"channel": "email"}, {"on": "21.11.2026"}, {"overdue": "maybe"}):
        response = client.get(f"{API}/items/", bad)
        assert response.status_code == 400, bad
        assert set(response.json()) == set(bad)


# --- the whole flow ----------------------------------------------------------------------------------------


def test_full_flow_register_assign_extend_answer_approve_track_close(api_for):
    operator, head, executor = api_for("operator"), api_for("akimat.mangystau"), api_for("executor.mangystau")
    public = anonymous()

    created = register(api_for)
    url = f"{API}/items/{created['id']}/"
    stored = Appeal.objects.get(pk=created["id"])
    assert created["number"] == stored.number
    assert created["access_code"] == stored.access_code
    assert (created["channel"], created["status"], created["organization_name"]) == ("phone", "routed", MANGYSTAU)
    assert created["applicant"] == REAL
    assert stored.accepted_by.username == "operator"
    assert created["due_date"] == str(deadlines.due_date(stored.registered_on))
    assert [event["kind"] for event in created["journal"]] == ["registered", "routed"]
    track = {"number": created["number"], "access_code": created["access_code"].lower()}

    assigned = head.post(f"{url}assign/", {"executor": "executor.mangystau"}, format="json")
    assert assigned.status_code == 200, assigned.json()
    assert (assigned.json()["status"], assigned.json()["executor"]) == ("in_progress", "executor.mangystau")

    # The head extends the deadline, at most two months after registration; the executor may not.
    limit = deadlines.extension_limit(stored.registered_on)
    before = everything()
    not_head = executor.post(f"{url}extend/", {"new_due_date": str(limit), "reason": "Экспертиза"}, format="json")
    too_far = head.post(f"{url}extend/", {"new_due_date": str(limit + dt.timedelta(days=1)), "reason": "Экспертиза"},
                        format="json")
    no_reason = head.post(f"{url}extend/", {"new_due_date": str(limit), "reason": ""}, format="json")
    assert not_head.status_code == 403
    assert not_head.json() == {"detail": "Only the head of the organization extends the deadline."}
    assert too_far.status_code == 400
    assert too_far.json() == {"detail": "An extension may reach at most two months from registration "
                                        f"({limit.strftime('%d.%m.%Y')})."}
    assert no_reason.status_code == 400
    assert set(no_reason.json()) == {"reason"}
    assert everything() == before
    extended = head.post(f"{url}extend/", {"new_due_date": str(limit), "reason": "Нужна экспертиза"}, format="json")
    assert extended.status_code == 200, extended.json()
    assert (extended.json()["due_date"], extended.json()["original_due_date"], extended.json()["extended"]) == (
        str(limit), created["due_date"], True)

    # The executor answers; the answer waits for the head's approval.
    drafted = executor.post(f"{url}answers/", {"text": "Работы завершат до 1 числа.", "needs_approval": True},
                            format="json")
    assert drafted.status_code == 201, drafted.json()
    answer = drafted.json()
    assert (answer["status"], answer["author"], answer["sent_on"], answer["approved_by"]) == (
        "draft", "executor.mangystau", None, None)
    before = everything()
    again = executor.post(f"{url}answers/", {"text": "Ещё ответ"}, format="json")
    by_head = head.post(f"{url}answers/", {"text": "Ответ руководителя"}, format="json")
    assert (again.status_code, by_head.status_code) == (409, 403)
    assert again.json() == {"detail": "An answer is already waiting for approval."}
    assert everything() == before
    waiting = public.post(f"{API}/track/", track, format="json").json()
    assert (waiting["status"], waiting["answers"]) == ("in_progress", [])

    approve = f"{url}answers/{answer['id']}/approve/"
    assert executor.post(approve).status_code == 403
    approved = head.post(approve)
    assert approved.status_code == 200, approved.json()
    assert (approved.json()["status"], approved.json()["approved_by"], approved.json()["sent_on"]) == (
        "sent", "akimat.mangystau", str(timezone.localdate()))
    assert head.post(approve).status_code == 409
    assert operator.get(url).json()["status"] == "answered"

    # The applicant tracks it: the answer is there, nothing about any person is.
    tracked = public.post(f"{API}/track/", track, format="json")
    assert tracked.status_code == 200
    body = tracked.json()
    assert (body["number"], body["status"], body["organization_name"]) == (created["number"], "answered", MANGYSTAU)
    assert (body["due_date"], body["answered_on"], body["closed_on"]) == (str(limit), str(timezone.localdate()), None)
    assert body["answers"] == [{"text": "Работы завершат до 1 числа.", "sent_on": str(timezone.localdate())}]
    assert [event["kind"] for event in body["events"]] == ["registered", "routed", "extended", "answered"]

    closed = head.post(f"{url}close/", {"note": "Ответ дан"}, format="json")
    assert closed.status_code == 200, closed.json()
    assert (closed.json()["status"], closed.json()["closed_on"]) == ("closed", str(timezone.localdate()))
    assert head.post(f"{url}close/", {}, format="json").status_code == 409
    final = public.post(f"{API}/track/", track, format="json").json()
    assert (final["status"], final["closed_on"]) == ("closed", str(timezone.localdate()))
    assert [event["kind"] for event in final["events"]][-1] == "closed"
    # Once closed, nothing more may be done to it.
    for action, data in [("assign/", {"executor": "executor.mangystau"}), ("extend/", {
            "new_due_date": str(limit), "reason": "x"}), ("answers/", {"text": "Ещё"})]:
        before = everything()
        response = (executor if action == "answers/" else head).post(f"{url}{action}", data, format="json")
        assert response.status_code == 409, action
        assert everything() == before


def test_register_by_portal_and_refusals(api_for):
    portal = register(api_for, channel="portal", applicant_phone="", applicant_iin="", applicant_address="")
    assert (portal["channel"], portal["channel_label"]) == ("portal", "Portal")
    assert Appeal.objects.get(pk=portal["id"]).accepted_by.username == "operator"

    body = as_json({"channel": "phone", "category": "tariffs", "region": "35", "text": "Почему вырос тариф?",
                    **APPLICANT})
    check_matrix(
        api_for, "post", f"{API}/items/", body, content_type="application/json",
        expect={None: 401, "contractor": 403, "akimat.mangystau": 403, "ministry": 403, "operator": 201},
        state=everything,
    )
    operator = api_for("operator")
    base = {"channel": "phone", "category": "tariffs", "region": "35", "text": "Почему вырос тариф?", **APPLICANT}
    before = everything()
    for data, expected in [
        ({**base, "applicant_phone": "12345"}, {"detail": "Give the phone as +7 followed by 10 digits."}),
        ({**base, "applicant_phone": "", "applicant_address": "", "applicant_email": ""},
         {"detail": "Give a phone, an e-mail or an address to send the answer to."}),
        ({**base, "applicant_iin": IIN[:11] + str((int(IIN[11]) + 1) % 10)}, {"detail"}),
        ({**base, "category": "weather"}, {"category"}),
        ({**base, "region": "99"}, {"region"}),
        ({**base, "channel": "email"}, {"channel"}),
        ({**base, "text": ""}, {"text"}),
        ({**base, "applicant_email": "not-an-email"}, {"applicant_email"}),
        ({**base, "received_at": (timezone.now() + dt.timedelta(days=1)).isoformat()}, {"received_at"}),
        ({**base, "status": "closed"}, {"status"}),
    ]:
        response = operator.post(f"{API}/items/", data, format="json")
        assert response.status_code == 400, data
        if isinstance(expected, dict):
            assert response.json() == expected
        else:
            assert set(response.json()) == expected, response.json()
    assert everything() == before
    assert operator.post(f"{API}/items/", "channel=phone", content_type="application/x-www-form-urlencoded"
                         ).status_code == 415


# --- who may act -------------------------------------------------------------------------------------------


def test_assign_permissions(api_for):
    appeal = mangystau_appeal(AppealStatus.IN_PROGRESS)
    body = as_json({"executor": "executor.mangystau"})
    check_matrix(
        api_for, "post", f"{API}/items/{appeal.pk}/assign/", body, content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "ministry": 404, "colleague.mangystau": 200},
        state=everything,
    )
    assert Appeal.objects.get(pk=appeal.pk).executor.username == "executor.mangystau"
    before = everything()
    outside = api_for("akimat.mangystau").post(f"{API}/items/{appeal.pk}/assign/", {"executor": "akimat.karaganda"},
                                               format="json")
    unknown = api_for("akimat.mangystau").post(f"{API}/items/{appeal.pk}/assign/", {"executor": "nobody"},
                                               format="json")
    closed = api_for("akimat.mangystau").post(f"{API}/items/{mangystau_appeal(AppealStatus.CLOSED).pk}/assign/",
                                              {"executor": "executor.mangystau"}, format="json")
    assert outside.status_code == 400
    assert outside.json() == {"detail": "The executor must work in the organization the appeal is with."}
    assert unknown.status_code == 400
    assert set(unknown.json()) == {"executor"}
    assert closed.status_code == 409
    assert everything() == before


def test_extend_permissions(api_for):
    appeal = mangystau_appeal(AppealStatus.IN_PROGRESS)
    new_date = deadlines.extension_limit(appeal.registered_on)
    assert new_date > appeal.due_date
    body = as_json({"new_due_date": str(new_date), "reason": "Экспертиза"})
    responses = check_matrix(
        api_for, "post", f"{API}/items/{appeal.pk}/extend/", body, content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "operator": 403, "office": 403,
                "colleague.mangystau": 403, "akimat.mangystau": 200},
        state=everything,
    )
    assert responses["akimat.mangystau"].json()["due_date"] == str(new_date)
    before = everything()
    earlier = api_for("akimat.mangystau").post(f"{API}/items/{appeal.pk}/extend/", body,
                                               content_type="application/json")
    assert earlier.status_code == 400
    assert earlier.json() == {"detail": "The new date must be later than the current one."}
    assert everything() == before


def test_answer_and_approval_permissions(api_for):
    appeal = registered_and_assigned(api_for)
    url = f"{API}/items/{appeal['id']}/"
    check_matrix(
        api_for, "post", f"{url}answers/", as_json({"text": "Ответ", "needs_approval": True}),
        content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "operator": 403, "akimat.mangystau": 403,
                "colleague.mangystau": 403, "executor.mangystau": 201},
        state=everything,
    )
    answer = Answer.objects.get(appeal_id=appeal["id"])
    assert answer.status == "draft"
    check_matrix(
        api_for, "post", f"{url}answers/{answer.pk}/approve/",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "operator": 403, "office": 403,
                "executor.mangystau": 403, "colleague.mangystau": 403, "akimat.mangystau": 200},
        state=everything,
    )
    # An answer of another appeal is not found under this one.
    other = mangystau_appeal(AppealStatus.ANSWERED).answers.get()
    assert api_for("akimat.mangystau").post(f"{url}answers/{other.pk}/approve/").status_code == 404
    empty = api_for("executor.mangystau").post(f"{url}answers/", {"text": " "}, format="json")
    assert empty.status_code == 400


def test_notes_are_internal(api_for):
    appeal = registered_and_assigned(api_for)
    url = f"{API}/items/{appeal['id']}/"
    responses = check_matrix(
        api_for, "post", f"{url}notes/", as_json({"note": "Позвонить заявителю"}), content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "operator": 201},
        state=everything,
    )
    note = responses["operator"].json()
    assert (note["kind"], note["internal"], note["actor"], note["note"]) == (
        "note", True, "operator", "Позвонить заявителю")
    assert api_for("akimat.mangystau").post(f"{url}notes/", {"note": ""}, format="json").status_code == 400
    # Those handling it see the internal entries.
    journal = api_for("akimat.mangystau").get(url).json()["journal"]
    assert [event["kind"] for event in journal] == ["registered", "routed", "assigned", "note"]
    # The executor, moved to another organization, still sees the appeal but not its internal entries.
    User.objects.filter(username="executor.mangystau").update(organization=organization(KARAGANDA))
    journal = api_for("executor.mangystau").get(url).json()["journal"]
    assert [(event["kind"], event["internal"]) for event in journal] == [("registered", False), ("routed", False)]
    # Tracking never shows them.
    stored = Appeal.objects.get(pk=appeal["id"])
    tracked = anonymous().post(f"{API}/track/", {"number": stored.number, "access_code": stored.access_code},
                               format="json").json()
    assert [event["kind"] for event in tracked["events"]] == ["registered", "routed"]
    assert "Позвонить" not in json.dumps(tracked, ensure_ascii=False)


def test_forward(api_for):
    appeal = mangystau_appeal(AppealStatus.IN_PROGRESS)
    energy = organization(ENERGY)
    url = f"{API}/items/{appeal.pk}/forward/"
    before = everything()
    for client, data, expected in [
        (api_for("contractor"), {"organization": energy.pk, "reason": "Не наша компетенция"}, 404),
        (api_for("akimat.mangystau"), {"organization": energy.pk, "reason": ""}, 400),
        (api_for("akimat.mangystau"), {"organization": appeal.organization_id, "reason": "Туда же"}, 400),
        (api_for("akimat.mangystau"), {"organization": 999999, "reason": "Никуда"}, 400),
    ]:
        assert client.post(url, data, format="json").status_code == expected, data
    closed = mangystau_appeal(AppealStatus.CLOSED)
    assert api_for("akimat.mangystau").post(f"{API}/items/{closed.pk}/forward/", {
        "organization": energy.pk, "reason": "Поздно"}, format="json").status_code == 409
    assert everything() == before

    # The akimat sends it away: it no longer sees it.
    forwarded = api_for("akimat.mangystau").post(url, {"organization": energy.pk, "reason": "Вопрос министерства"},
                                                 format="json")
    assert forwarded.status_code == 204
    assert api_for("akimat.mangystau").get(f"{API}/items/{appeal.pk}/").status_code == 404
    stored = Appeal.objects.get(pk=appeal.pk)
    assert (stored.organization_id, stored.executor_id, stored.status) == (energy.pk, None, "routed")
    # The ministry now sees it; the contact centre forwards and still sees it.
    assert api_for("ministry").get(f"{API}/items/{appeal.pk}/").status_code == 200
    back = api_for("operator").post(url, {"organization": appeal.organization_id, "reason": "Вернуть акимату"},
                                    format="json")
    assert back.status_code == 200
    assert back.json()["organization_name"] == MANGYSTAU
    assert [event["kind"] for event in back.json()["journal"]][-2:] == ["forwarded", "forwarded"]


def test_close_permissions(api_for):
    appeal = mangystau_appeal(AppealStatus.ANSWERED)
    check_matrix(
        api_for, "post", f"{API}/items/{appeal.pk}/close/", as_json({}), content_type="application/json",
        expect={None: 401, "contractor": 404, "akimat.karaganda": 404, "ministry": 404, "akimat.mangystau": 200},
        state=everything,
    )
    before = everything()
    still_open = api_for("operator").post(f"{API}/items/{mangystau_appeal(AppealStatus.IN_PROGRESS).pk}/close/")
    assert still_open.status_code == 409
    assert still_open.json() == {"detail": "Only an answered appeal can be closed."}
    assert everything() == before


# --- personal data -----------------------------------------------------------------------------------------


def applicant_in_list(client, number: str) -> dict:
    [row] = [row for row in rows(client.get(f"{API}/items/", {"q": number})) if row["number"] == number]
    return row["applicant"]


def test_personal_data_per_role_in_list_and_detail(api_for):
    appeal = registered_and_assigned(api_for)
    url = f"{API}/items/{appeal['id']}/"
    number = appeal["number"]
    for username, expected in [
        ("operator", REAL), ("executor.mangystau", REAL), ("akimat.mangystau", REAL),
        ("office", MASKED), ("colleague.mangystau", MASKED),
    ]:
        client = api_for(username)
        before = accesses(username, appeal_id=appeal["id"])
        assert client.get(url).json()["applicant"] == expected, username
        assert applicant_in_list(client, number) == expected, username
        recorded = 2 if expected is REAL else 0
        assert accesses(username, appeal_id=appeal["id"]) == before + recorded, username
        assert accesses(username, appeal_id=appeal["id"], channel="api") == before + recorded, username
    # The other akimat does not see it at all.
    assert api_for("akimat.karaganda").get(url).status_code == 404
    assert api_for("akimat.karaganda").get(f"{API}/items/", {"q": number}).json()["count"] == 0

    # Forwarded to the ministry, whose member handles it but is not its executor: masked.
    api_for("operator").post(f"{url}forward/", {"organization": organization(ENERGY).pk, "reason": "Министерству"},
                             format="json")
    ministry = api_for("ministry")
    assert ministry.get(url).json()["applicant"] == MASKED
    assert applicant_in_list(ministry, number) == MASKED
    # Once the ministry's member is its executor, it sees the real data.
    assert ministry.post(f"{url}assign/", {"executor": "ministry"}, format="json").status_code == 200
    assert ministry.get(url).json()["applicant"] == REAL
    assert accesses("ministry", appeal_id=appeal["id"], channel="api") >= 2
    # The former executor's head no longer may.
    assert api_for("akimat.mangystau").get(url).status_code == 404


def test_every_real_view_in_a_list_is_recorded(api_for):
    before = PersonalDataAccess.objects.count()
    page = rows(api_for("operator").get(f"{API}/items/"))
    assert len(page) == 50
    assert all(not row["applicant"]["masked"] for row in page)
    added = PersonalDataAccess.objects.filter(user__username="operator", channel="api")
    assert PersonalDataAccess.objects.count() - before == 50
    assert set(added.values_list("appeal__number", flat=True)) == {row["number"] for row in page}
    # The project office sees masks, but for the appeals it is the executor of (the demo gives it some);
    # only those views are recorded.
    office = rows(api_for("office").get(f"{API}/items/"))
    assert [row["applicant"]["masked"] for row in office] == [row["executor"] != "office" for row in office]
    assert any(row["applicant"]["masked"] for row in office)
    assert all("•" in row["applicant"]["phone"] for row in office if row["applicant"]["masked"])
    real = {row["number"] for row in office if not row["applicant"]["masked"]}
    assert set(PersonalDataAccess.objects.filter(user__username="office").values_list("appeal__number", flat=True)
               ) == real
    assert PersonalDataAccess.objects.count() - before == 50 + len(real)
    # The akimat's head sees the real data of the appeals its own member handles.
    mangystau = rows(api_for("akimat.mangystau").get(f"{API}/items/"))
    assert {row["applicant"]["masked"] for row in mangystau} == {False}
    assert accesses("akimat.mangystau", channel="api") == 15


# --- public tracking ---------------------------------------------------------------------------------------

TRACKED_FIELDS = {"number", "status", "status_label", "category_name", "registered_on", "due_date", "answered_on",
                  "closed_on", "organization_name", "events", "answers"}


def test_tracking_shows_nothing_personal(api_for):
    appeal = registered_and_assigned(api_for)
    api_for("operator").post(f"{API}/items/{appeal['id']}/notes/", {"note": "Заявитель просил перезвонить"},
                             format="json")
    api_for("executor.mangystau").post(f"{API}/items/{appeal['id']}/answers/", {"text": "Ответ по существу."},
                                       format="json")
    stored = Appeal.objects.get(pk=appeal["id"])
    before = PersonalDataAccess.objects.count()

    response = anonymous().post(f"{API}/track/", {"number": f" {stored.number} ", "access_code": stored.access_code},
                                format="json")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == TRACKED_FIELDS
    assert {frozenset(event) for event in body["events"]} == {
        frozenset({"kind", "kind_label", "at", "note", "organization_name"})}
    assert body["answers"] == [{"text": "Ответ по существу.", "sent_on": str(timezone.localdate())}]
    text = json.dumps(body, ensure_ascii=False)
    for secret in [*REAL.values(), "aliya", "Т. А. М.", stored.access_code, "executor.mangystau",
                   "Исполнителева", "operator", "Сарсенова", "Утегенов", "перезвонить", stored.text]:
        if isinstance(secret, str) and secret:
            assert secret not in text, secret
    assert PersonalDataAccess.objects.count() == before


def test_tracking_refuses_wrong_number_or_code_alike_and_is_throttled(api_for):
    appeal = demo_appeal(status=AppealStatus.CLOSED)
    client = anonymous()
    wrong_code = client.post(f"{API}/track/", {"number": appeal.number, "access_code": "AAAAAAAA"}, format="json")
    wrong_number = client.post(f"{API}/track/", {"number": "1999-000001", "access_code": appeal.access_code},
                               format="json")
    assert wrong_code.status_code == wrong_number.status_code == 404
    assert wrong_code.json() == wrong_number.json() == {"detail": "No appeal with this number and access code."}
    assert client.post(f"{API}/track/", {"number": appeal.number}, format="json").status_code == 400
    # A bad token does not matter: tracking takes no credentials.
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    right = client.post(f"{API}/track/", {"number": appeal.number, "access_code": appeal.access_code}, format="json")
    assert right.status_code == 200
    assert right.json()["status"] == "closed"
    # 20 requests a minute from one address: the 21st is refused, even with the right code.
    for _ in range(16):
        client.post(f"{API}/track/", {"number": appeal.number, "access_code": "AAAAAAAA"}, format="json")
    throttled = client.post(f"{API}/track/", {"number": appeal.number, "access_code": appeal.access_code},
                            format="json")
    assert throttled.status_code == 429
    other = APIClient(REMOTE_ADDR="10.1.2.3")
    assert other.post(f"{API}/track/", {"number": appeal.number, "access_code": appeal.access_code},
                      format="json").status_code == 200


# --- statistics --------------------------------------------------------------------------------------------


def test_summary_on_the_demo(api_for, demo_appeals):
    response = api_for("operator").get(f"{API}/summary/", {"on": str(timezone.localdate())})

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == DEMO_APPEALS
    assert sum(row["count"] for row in body["by_channel"]) == DEMO_APPEALS
    assert {row["channel"]: row["count"] for row in body["by_channel"]} == {
        "phone": Appeal.objects.filter(channel="phone").count(), "portal": Appeal.objects.filter(channel="portal").count()}
    assert {row["label"] for row in body["by_channel"]} == {"Phone (hotline 1465)", "Portal"}
    for group in ("by_category", "by_region", "by_status"):
        assert sum(row["count"] for row in body[group]) == DEMO_APPEALS, group
    assert sum(row["count"] for row in body["by_month"]) == DEMO_APPEALS
    figures = appeal_statistics(user=demo_appeals["operator"])
    for name in ("answered", "on_time", "overdue", "open"):
        assert body[name] == figures[name], name
    assert body["on_time_share"] == str(figures["on_time_share"])
    assert body["average_days"] == str(figures["average_days"])
    assert body["average_rating"] == str(figures["average_rating"])
    mangystau = [row for row in body["by_region"] if row["kato"] == "47"]
    assert mangystau == [{"kato": "47", "name": Region.objects.get(kato="47").name_en,
                          "count": Appeal.objects.filter(region__kato="47").count()}]
    assert {row["code"] for row in body["by_category"]} <= {
        "information", "utility_participation", "tariffs", "construction", "meters", "suppliers", "officials",
        "proposals", "other"}
    assert body["top_projects"] == []  # the quick demo has no portfolio
    assert body["since"] is None

    since = timezone.localdate() - dt.timedelta(days=90)
    recent = api_for("operator").get(f"{API}/summary/", {"since": str(since)}).json()
    assert recent["total"] == Appeal.objects.filter(registered_on__gte=since).count()
    assert recent["since"] == str(since)
    assert api_for("akimat.mangystau").get(f"{API}/summary/").json()["total"] == 15
    nothing = api_for("contractor").get(f"{API}/summary/").json()
    assert (nothing["total"], nothing["on_time_share"], nothing["by_channel"]) == (0, None, [])
    assert api_for("office").get(f"{API}/summary/", {"on": "tomorrow"}).status_code == 400


# --- constant query counts ---------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.json()["results"]) == 50
    return len(context.captured_queries)


@pytest.mark.parametrize("username", ["operator", "office"])
def test_list_queries_do_not_grow_with_the_number_of_appeals(username, api_for, django_assert_num_queries):
    client = api_for(username)
    url = f"{API}/items/"
    client.get(url)  # warm up
    with_demo = count_queries(client, url)

    keep = list(Appeal.objects.order_by("-received_at", "-pk").values_list("pk", flat=True)[:50])
    Appeal.objects.exclude(pk__in=keep).delete()
    assert Appeal.objects.count() == 50

    with django_assert_num_queries(with_demo):
        response = client.get(url)
    assert response.json()["count"] == 50


# --- the schema --------------------------------------------------------------------------------------------

APPEAL_OPERATIONS = {
    (f"{API}/items/", "get"), (f"{API}/items/", "post"), (f"{API}/items/{{id}}/", "get"),
    (f"{API}/items/{{id}}/assign/", "post"), (f"{API}/items/{{id}}/forward/", "post"),
    (f"{API}/items/{{id}}/notes/", "post"), (f"{API}/items/{{id}}/extend/", "post"),
    (f"{API}/items/{{id}}/answers/", "post"), (f"{API}/items/{{id}}/answers/{{answer_id}}/approve/", "post"),
    (f"{API}/items/{{id}}/close/", "post"), (f"{API}/track/", "post"), (f"{API}/summary/", "get"),
}


def test_schema_validates_and_describes_every_appeal_field(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    operations = {(path, method) for path, item in schema["paths"].items() for method in item
                  if path.startswith(API)}
    assert operations == APPEAL_OPERATIONS
    components = schema["components"]["schemas"]
    for name in ("Appeal", "AppealDetail", "AppealRegistered", "Applicant", "AppealEvent", "AppealAnswer",
                 "AppealRegisterRequest", "AppealAssignRequest", "AppealForwardRequest", "AppealNoteRequest",
                 "AppealExtendRequest", "AnswerSubmitRequest", "AppealCloseRequest", "AppealTrackRequest",
                 "TrackedAppeal", "PublicAppealEvent", "PublicAppealAnswer", "AppealSummary", "AppealCategoryCount",
                 "AppealRegionCount", "AppealChannelCount", "AppealStatusCount", "AppealMonthCount",
                 "AppealProjectCount"):
        properties = components[name]["properties"]
        undescribed = [field for field, spec in properties.items() if not spec.get("description")]
        assert undescribed == [], name
    assert set(components["AppealStatusEnum"]["enum"]) == set(AppealStatus.values)
    assert set(components["AppealChannelEnum"]["enum"]) == {"phone", "portal"}
    assert set(components["AppealEventKindEnum"]["enum"]) == set(EventKind.values)
    assert set(components["AnswerStatusEnum"]["enum"]) == {"draft", "sent"}
    for path, method in APPEAL_OPERATIONS:
        operation = schema["paths"][path][method]
        assert operation.get("summary") and operation.get("description"), (path, method)
        assert ("401" in operation["responses"]) == (path != f"{API}/track/"), (path, method)
        for parameter in operation.get("parameters", []):
            assert parameter.get("description"), (path, method, parameter["name"])
    track = schema["paths"][f"{API}/track/"]["post"]
    assert "security" not in track
    assert set(track["responses"]) == {"200", "400", "404", "415", "429"}
