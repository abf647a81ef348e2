"""The assignment pages: who may open and change what, and the whole path through the pages."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from meks.assignments import selectors, services
from meks.assignments.choices import AssignmentStatus, ControlLevel, ExtensionStatus, MeetingKind, ReportStatus
from meks.assignments.models import Assignment, Deadline, ExtensionRequest, Meeting, Report
from meks.core.testing.matrix import LOGIN, check_matrix, snapshot

D = dt.date
READING = {None: LOGIN, "office": 200, "ministry": 200, "techoperator": 200, "akimat.karaganda": 200,
           "akimat.mangystau": 200, "utility": 200, "baiterek": 200, "bank": 200,
           "contractor": 404, "manufacturer": 404, "operator": 404}
OUTSIDERS = {None: LOGIN, "contractor": 404, "manufacturer": 404, "operator": 404}


@pytest.fixture
def assignments_demo(demo, settings, tmp_path):
    """The demo accounts and the demo meetings with their assignments."""
    from meks.demo.builder import build_demo_assignments

    settings.MEDIA_ROOT = tmp_path / "media"
    build_demo_assignments()
    return demo


def item(protocol: str, number: str) -> Assignment:
    return Assignment.objects.get(meeting__protocol_number=protocol, item_number=number)


def detail(assignment: Assignment) -> str:
    return reverse("assignments:assignment_detail", args=[assignment.pk])


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def state():
    return snapshot(Meeting.objects.all(), Assignment.objects.all(), Deadline.objects.all(), Report.objects.all(),
                    ExtensionRequest.objects.all())


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict | None = None) -> list[str]:
    """POST, follow the redirect back to the page and return the messages it shows."""
    response = client.post(url, data or {}, follow=True)
    assert response.redirect_chain and response.redirect_chain[0][1] == 302, response.status_code
    return [str(message) for message in response.context["messages"]]


# Who may open what.

def test_reading_pages_matrix(client_for, assignments_demo):
    for name, query in (("assignments:dashboard", ""), ("assignments:assignment_list", ""),
                        ("assignments:assignment_list", "?overdue=1&sort=-delay"), ("assignments:calendar", ""),
                        ("assignments:calendar", "?month=2026-10"), ("assignments:ranking", ""),
                        ("assignments:ranking", "?by=official"), ("assignments:meeting_list", "")):
        check_matrix(client_for, "get", reverse(name) + query, expect=READING)


def test_an_assignment_is_seen_by_its_executors_and_the_chairs_office_only(client_for, assignments_demo):
    mangystau, karaganda = item("1-РП", "2.2"), item("1-РП", "2.1")
    check_matrix(client_for, "get", detail(mangystau), expect={
        **OUTSIDERS, "office": 200, "akimat.mangystau": 200, "akimat.karaganda": 404, "ministry": 404,
        "baiterek": 404, "utility": 404})
    check_matrix(client_for, "get", detail(karaganda), expect={
        **OUTSIDERS, "office": 200, "akimat.karaganda": 200, "akimat.mangystau": 404, "ministry": 404})
    # An executor sees its own (the ministry leads the monthly KPI report) and no one else's.
    check_matrix(client_for, "get", detail(item("3-МЭКС", "1")), expect={
        **OUTSIDERS, "ministry": 200, "akimat.mangystau": 404, "baiterek": 404})
    missing = reverse("assignments:assignment_detail", args=[Assignment.objects.order_by("-pk").first().pk + 100])
    check_matrix(client_for, "get", missing, expect={"office": 404, "akimat.mangystau": 404})


def test_the_list_shows_each_user_its_own(client_for, assignments_demo):
    def listed(username, query=""):
        page = client_for(username).get(reverse("assignments:assignment_list") + query).context["page"]
        return {str(assignment) for assignment in page.object_list}

    assert listed("akimat.mangystau") == {"1-РП п. 2.2", "3-МЭКС п. 2"}
    assert "1-РП п. 2.1" in listed("akimat.karaganda") and "1-РП п. 2.2" not in listed("akimat.karaganda")
    assert len(listed("office")) == Assignment.objects.count() == 15
    akimat_47 = assignments_demo["akimat.mangystau"].organization_id
    assert listed("office", f"?executor={akimat_47}") == {"1-РП п. 2.2", "3-МЭКС п. 2"}
    assert listed("office", "?status=reported") == {"17-ПМ п. 2"}
    assert listed("office", "?q=Балхаш") == {"17-ПМ п. 1"}
    overdue = {str(a) for a in selectors.assignment_list(
        user=assignments_demo["office"], filters=selectors.AssignmentFilters(overdue=True))}
    assert overdue and listed("office", "?overdue=1") == overdue


def test_the_list_filters_through_htmx_and_sorts_by_deadline(client_for, assignments_demo):
    client = client_for("office")
    partial = client.get(reverse("assignments:assignment_list") + "?status=accepted", HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body and "<table" in body
    assert {a.status for a in partial.context["page"].object_list} == {AssignmentStatus.ACCEPTED}
    dates = [a.next_due for a in client.get(reverse("assignments:assignment_list") + "?sort=deadline").context["page"]]
    open_dates = [d for d in dates if d is not None]
    assert open_dates == sorted(open_dates) and dates[: len(open_dates)] == open_dates  # closed ones last
    dates = [a.next_due for a in client.get(reverse("assignments:assignment_list") + "?sort=-deadline").context["page"]]
    open_dates = [d for d in dates if d is not None]
    assert open_dates == sorted(open_dates, reverse=True)
    soon = client.get(reverse("assignments:assignment_list") + "?due=14").context["page"]
    expected = {d.assignment_id for d in selectors.due_soon(user=assignments_demo["office"])}
    assert {a.pk for a in soon.object_list} == expected


def test_the_dashboard_figures_come_from_the_selectors(client_for, assignments_demo):
    office = assignments_demo["office"]
    english(office)
    page = client_for("office").get(reverse("assignments:dashboard"))
    body = page.content.decode()
    summary = selectors.assignment_summary(user=office)
    assert page.context["summary"] == summary
    overdue = list(selectors.overdue_deadlines(user=office))
    assert overdue, "the demo has overdue deadlines"
    assert [d.pk for d in page.context["overdue"]] == [d.pk for d in overdue[:15]]
    for deadline in overdue[:15]:
        assert deadline.assignment.lead_official.get_full_name() in body
    assert "Утегенов Арман Бекболатович" in body  # Mangystau's village screening, due 30 June 2026
    assert f'href="{reverse("assignments:assignment_list")}?status=reported"' in body
    assert f'href="{reverse("assignments:ranking")}"' in body
    assert [r.key for r in page.context["ranking_top"]] == [r.key for r in selectors.discipline_ranking(user=office)][:10]
    assert page.context["overdue_assignments"] == len({d.assignment_id for d in overdue})


def test_the_calendar_shows_a_month_from_monday(client_for, assignments_demo):
    english(assignments_demo["office"])
    page = client_for("office").get(reverse("assignments:calendar") + "?month=2026-10")
    weeks = page.context["weeks"]
    assert weeks[0][0]["date"] == D(2026, 9, 28) and weeks[0][0]["date"].weekday() == 0
    assert (page.context["previous_month"], page.context["next_month"]) == ("2026-09", "2026-11")
    shown = sorted((cell["date"], str(entry.deadline.assignment), entry.state)
                   for week in weeks for cell in week if cell["in_month"] for entry in cell["deadlines"])
    today = timezone.localdate()
    assert shown == [
        (D(2026, 10, 1), "17-ПМ п. 3", "overdue" if today > D(2026, 10, 1) else "open"),
        (D(2026, 10, 1), "17-ПМ п. 6", "late"),
        (D(2026, 10, 1), "17-ПМ п. 7", "on_time"),
        (D(2026, 10, 5), "3-МЭКС п. 1", "on_time"),
    ]
    body = page.content.decode()
    assert "Mon" in body.split("<tbody>")[0]
    assert 'href="?month=2026-09"' in body and 'href="?month=2026-11"' in body
    # A Mangystau user's calendar has none of these.
    assert client_for("akimat.mangystau").get(reverse("assignments:calendar") + "?month=2026-10").context["count"] == 0
    for bad in ("abc", "2026-13", "99999-01"):
        assert client_for("office").get(reverse("assignments:calendar") + f"?month={bad}").context["month"] == \
            today.replace(day=1)


def test_the_ranking_page_shows_the_rule_and_the_rows(client_for, assignments_demo):
    office = assignments_demo["office"]
    english(office)
    for by in ("organization", "official"):
        page = client_for("office").get(reverse("assignments:ranking") + f"?by={by}")
        rows = selectors.discipline_ranking(user=office, by=by)
        assert [item["row"] for item in page.context["rows"]] == rows
        body = page.content.decode()
        assert "share of deadlines met on time" in body
        for row in rows:
            assert row.name in body
    assert "Жаксыбеков Ерлан Нурланович" in body


def test_meeting_pages_matrix(client_for, assignments_demo):
    regional, monotowns = Meeting.objects.get(protocol_number="1-РП"), Meeting.objects.get(protocol_number="17-ПМ")
    check_matrix(client_for, "get", reverse("assignments:meeting_detail", args=[regional.pk]), expect={
        **OUTSIDERS, "office": 200, "akimat.mangystau": 200, "akimat.karaganda": 200, "baiterek": 404})
    check_matrix(client_for, "get", reverse("assignments:meeting_detail", args=[monotowns.pk]), expect={
        **OUTSIDERS, "office": 200, "akimat.mangystau": 404, "akimat.karaganda": 200, "baiterek": 200})
    page = client_for("akimat.mangystau").get(reverse("assignments:meeting_detail", args=[regional.pk]))
    assert [str(a) for a in page.context["assignments"]] == ["1-РП п. 2.2"]
    assert not page.context["can_issue"] and b'data-action="issue"' not in page.content
    assert b'data-action="issue"' in client_for("office").get(
        reverse("assignments:meeting_detail", args=[regional.pk])).content
    check_matrix(client_for, "get", reverse("assignments:meeting_create"), expect={
        **OUTSIDERS, "office": 200, "ministry": 404, "akimat.mangystau": 404})
    check_matrix(client_for, "get", reverse("assignments:assignment_issue", args=[regional.pk]), expect={
        **OUTSIDERS, "office": 200, "akimat.mangystau": 404, "akimat.karaganda": 404, "baiterek": 404})


def test_writes_by_the_wrong_users_change_nothing(client_for, assignments_demo):
    mangystau = item("1-РП", "2.2")
    regional = mangystau.meeting
    akimat_47 = assignments_demo["akimat.mangystau"].organization
    meeting_data = {"kind": MeetingKind.SEMINAR, "date": "2026-11-01", "title_ru": "Семинар", "chair": "Аким",
                    "controlling_organization": akimat_47.pk}
    check_matrix(client_for, "post", reverse("assignments:meeting_create"), meeting_data, state=state, expect={
        **OUTSIDERS, "ministry": 404, "akimat.mangystau": 404})
    issue_data = {"item_number": "9", "text_ru": "Текст", "lead_executor": akimat_47.pk,
                  "lead_official": assignments_demo["akimat.mangystau"].pk, "control_level": ControlLevel.REGIONAL,
                  "deadline": "2026-12-31"}
    check_matrix(client_for, "post", reverse("assignments:assignment_issue", args=[regional.pk]), issue_data,
                 state=state, expect={**OUTSIDERS, "akimat.mangystau": 404, "akimat.karaganda": 404})
    for name in ("assignments:assignment_start", "assignments:report_submit", "assignments:extension_request"):
        check_matrix(client_for, "post", reverse(name, args=[mangystau.pk]),
                     {"text": "Сделано", "new_due_date": "2026-12-31", "reason": "Причина"}, state=state,
                     expect={**OUTSIDERS, "akimat.karaganda": 404, "ministry": 404})
    # The chair's office may see the assignment but is not its executor.
    check_matrix(client_for, "post", reverse("assignments:report_submit", args=[mangystau.pk]), {"text": "Сделано"},
                 state=state, expect={"office": 404})
    english(assignments_demo["office"])
    before = state()
    assert post(client_for("office"), reverse("assignments:assignment_start", args=[mangystau.pk])) == [
        "Only an executor of the assignment may do this."]
    assert state() == before
    reported = Report.objects.get(assignment=item("17-ПМ", "2"))
    extension = services.extension_request(actor=assignments_demo["akimat.mangystau"],
                                           deadline=mangystau.deadlines.get(), new_due_date=D(2027, 1, 31),
                                           reason="Погода")
    for url, data in ((reverse("assignments:report_decide", args=[reported.assignment_id, reported.pk]),
                       {"decision": "accept", "note": ""}),
                      (reverse("assignments:extension_decide", args=[mangystau.pk, extension.pk]),
                       {"decision": "approve", "note": ""})):
        check_matrix(client_for, "post", url, data, state=state, expect={
            **OUTSIDERS, "akimat.karaganda": 404, "baiterek": 404})
    # A decision through another assignment's address is not found.
    check_matrix(client_for, "post", reverse("assignments:report_decide", args=[mangystau.pk, reported.pk]),
                 {"decision": "accept"}, state=state, expect={"office": 404})


# The whole path through the pages.

def test_meeting_to_accepted_assignment_through_the_pages(client_for, assignments_demo):
    office, akimat = assignments_demo["office"], assignments_demo["akimat.mangystau"]
    english(office, akimat)
    chair = login(office)
    response = chair.post(reverse("assignments:meeting_create"), {
        "kind": MeetingKind.PROJECT_OFFICE, "date": "2026-11-02", "title_ru": "Заседание по отопительному сезону",
        "title_en": "Meeting on the heating season", "chair": "Руководитель проектного офиса",
        "controlling_organization": office.organization_id, "protocol_number": "E2E-1"})
    meeting = Meeting.objects.get(protocol_number="E2E-1")
    assert response.status_code == 302 and response["Location"] == reverse("assignments:meeting_detail",
                                                                           args=[meeting.pk])
    issue_url = reverse("assignments:assignment_issue", args=[meeting.pk])
    data = {"item_number": "1", "text_ru": "Обеспечить готовность котельных Жанаозена.",
            "lead_executor": akimat.organization_id, "lead_official": akimat.pk,
            "control_level": ControlLevel.REGIONAL, "deadline": "2026-10-01",
            "regions": [akimat.organization.region_id]}
    before = state()
    page = chair.post(issue_url, data)
    assert page.status_code == 200 and state() == before
    assert "There is a problem" in page.content.decode()
    assert page.context["form"].errors["deadline"] == ["The deadline cannot come before the meeting (02.11.2026)."]
    page = chair.post(issue_url, {**data, "deadline": "2026-12-20", "lead_official": office.pk})
    assert page.context["form"].errors["lead_official"] == [
        "The responsible official must belong to the lead executor."] and state() == before
    page = chair.post(issue_url, {**data, "deadline": "2026-12-20", "projects": "NO-SUCH"})
    assert page.context["form"].errors["projects"] == ["No project with the code NO-SUCH."] and state() == before
    response = chair.post(issue_url, {**data, "deadline": "2026-12-20"})
    assignment = Assignment.objects.get(meeting=meeting)
    assert response["Location"] == detail(assignment)
    assert assignment.status == AssignmentStatus.ISSUED and assignment.deadlines.get().due_date == D(2026, 12, 20)

    executor = login(akimat)
    body = executor.get(detail(assignment)).content.decode()
    assert 'data-action="start"' in body and 'data-action="accept"' not in body
    assert post(executor, reverse("assignments:assignment_start", args=[assignment.pk])) == [
        "The assignment was taken into work."]
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.IN_PROGRESS
    page = executor.post(reverse("assignments:report_submit", args=[assignment.pk]), {"text": "  "})
    assert page.status_code == 200 and not Report.objects.filter(assignment=assignment).exists()
    assert post(executor, reverse("assignments:report_submit", args=[assignment.pk]), {
        "text": "Котельные готовы, акт приёмки № 14.",
        "attachment": SimpleUploadedFile("akt.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    }) == ["The report was sent to the chair's office."]
    report = Report.objects.get(assignment=assignment)
    assert report.attachment and report.submitted_on == timezone.localdate()
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REPORTED
    attachment = reverse("assignments:report_attachment", args=[assignment.pk, report.pk])
    assert b"".join(chair.get(attachment).streaming_content) == b"%PDF-1.4 test"
    check_matrix(client_for, "get", attachment, expect={**OUTSIDERS, "akimat.karaganda": 404, "akimat.mangystau": 200})

    # The executor may not decide on its own report; the page refuses and nothing changes.
    decide = reverse("assignments:report_decide", args=[assignment.pk, report.pk])
    before = state()
    assert post(executor, decide, {"decision": "accept"}) == ["Only the chair's office decides on reports."]
    assert state() == before

    body = chair.get(detail(assignment)).content.decode()
    assert 'data-action="accept"' in body and 'data-action="return"' in body
    assert post(chair, decide, {"decision": "return", "note": ""}) == ["Say what must be reworked."]
    assert state() == before
    assert post(chair, decide, {"decision": "accept", "note": "Принято"}) == ["The report was accepted."]
    assignment.refresh_from_db()
    report.refresh_from_db()
    assert (assignment.status, report.status) == (AssignmentStatus.ACCEPTED, ReportStatus.ACCEPTED)
    assert assignment.deadlines.get().fulfilled_on == timezone.localdate()
    before = state()
    assert post(chair, decide, {"decision": "accept"}) == ["This report has been decided already."]
    assert state() == before
    body = chair.get(detail(assignment)).content.decode()
    assert "Accepted, taken off control" in body and "History of changes" in body


def test_an_approved_extension_moves_the_deadline(assignments_demo):
    office, akimat = assignments_demo["office"], assignments_demo["akimat.mangystau"]
    english(office, akimat)
    assignment = item("1-РП", "2.2")
    deadline = assignment.deadlines.get()
    executor, chair = login(akimat), login(office)
    url = reverse("assignments:extension_request", args=[assignment.pk])
    before = state()
    page = executor.post(url, {"new_due_date": "2026-06-01", "reason": "Погодные условия"})
    assert page.context["form"].errors["new_due_date"] == ["The new date must be later than the current deadline."]
    assert state() == before
    assert post(executor, url, {"new_due_date": "2026-12-25", "reason": "Погодные условия"}) == [
        "The extension request was sent to the chair's office."]
    extension = ExtensionRequest.objects.get(deadline=deadline)
    assert extension.status == ExtensionStatus.PENDING
    assert 'data-action="extend"' not in executor.get(detail(assignment)).content.decode()
    assert 'data-action="approve"' in chair.get(detail(assignment)).content.decode()
    # The executor cannot approve its own request.
    before = state()
    decide = reverse("assignments:extension_decide", args=[assignment.pk, extension.pk])
    assert post(executor, decide, {"decision": "approve"}) == ["Only the chair's office decides on extensions."]
    assert state() == before
    assert post(chair, decide, {"decision": "approve", "note": "Продлить"}) == [
        "The extension was approved; the deadline moved."]
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.original_due_date) == (D(2026, 12, 25), D(2026, 6, 30))
    page = chair.get(detail(assignment))
    assert [(s.deadline.due_date, s.moved) for s in page.context["deadlines"]] == [(D(2026, 12, 25), True)]
    assert "moved" in page.content.decode()


def test_an_executor_that_controls_the_meeting_cannot_accept_its_own_report(assignments_demo):
    office = assignments_demo["office"]
    english(office)
    meeting = services.meeting_create(actor=office, kind=MeetingKind.PROJECT_OFFICE, date=D(2026, 11, 1),
                                      controlling_organization=office.organization, title_ru="Внутреннее совещание",
                                      chair="Руководитель")
    own = services.assignment_issue(actor=office, meeting=meeting, item_number="1", text_ru="Подготовить справку",
                                    lead_executor=office.organization, lead_official=office,
                                    control_level=ControlLevel.NATIONAL, deadline=D(2026, 12, 1))
    client = login(office)
    client.post(reverse("assignments:report_submit", args=[own.pk]), {"text": "Справка подготовлена"})
    report = Report.objects.get(assignment=own)
    body = client.get(detail(own)).content.decode()
    assert 'data-action="accept"' not in body
    before = state()
    assert post(client, reverse("assignments:report_decide", args=[own.pk, report.pk]), {"decision": "accept"}) == [
        "An executor cannot decide on its own report."]
    assert state() == before
    own.refresh_from_db()
    assert own.status == AssignmentStatus.REPORTED


def test_pages_are_in_russian_by_default(client_for, assignments_demo):
    response = client_for("office").get(reverse("assignments:assignment_list"))
    assert response["Content-Language"] == "ru" and '<html lang="ru">' in response.content.decode()


OUTSIDE = re.compile(r"""(?:src|href|action)\s*=\s*["'](?:https?:)?//(?!testserver)""", re.I)
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\sstyle\s*=|\son[a-z]+\s*=", re.I)


@pytest.mark.parametrize("language", ["ru", "kk", "en"])
def test_every_page_renders_in_every_language_without_inline_code(client_for, assignments_demo, language):
    office, akimat = assignments_demo["office"], assignments_demo["akimat.mangystau"]
    for user in (office, akimat):
        user.language = language
        user.save(update_fields=["language"])
    regional = item("1-РП", "2.2")
    pages = {
        "office": [reverse("assignments:dashboard"), reverse("assignments:assignment_list"),
                   reverse("assignments:calendar"), reverse("assignments:ranking") + "?by=official",
                   reverse("assignments:meeting_list"), reverse("assignments:meeting_detail", args=[regional.meeting_id]),
                   reverse("assignments:meeting_create"), reverse("assignments:assignment_issue",
                                                                  args=[regional.meeting_id]),
                   detail(item("17-ПМ", "2")), detail(item("3-МЭКС", "1"))],
        "akimat.mangystau": [detail(regional), reverse("assignments:report_submit", args=[regional.pk]),
                             reverse("assignments:extension_request", args=[regional.pk])],
    }
    for username, urls in pages.items():
        client = client_for(username)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            body = response.content.decode()
            assert f'<html lang="{language}"' in body, url
            assert not OUTSIDE.search(body), (url, OUTSIDE.search(body).group(0))
            assert not INLINE.search(body), (url, INLINE.search(body).group(0))


def test_pages_cost_a_constant_number_of_queries(client_for, assignments_demo, django_assert_max_num_queries):
    client = client_for("office")
    for url, limit in ((reverse("assignments:dashboard"), 20), (reverse("assignments:assignment_list"), 15),
                       (reverse("assignments:calendar") + "?month=2026-10", 12), (reverse("assignments:ranking"), 10),
                       (reverse("assignments:meeting_list"), 10), (detail(item("3-МЭКС", "1")), 30)):
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200
