"""The services and selectors of the control of assignments on fixed dates: refusals, extensions, overdue, ranking, reminders."""

import datetime as dt
from decimal import Decimal as dec

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from meks.accounts.models import Organization
from meks.assignments import selectors, services
from meks.assignments.choices import AssignmentStatus, ControlLevel, ExtensionStatus, MeetingKind, ReportStatus
from meks.assignments.models import Assignment, Deadline, ExtensionRequest, Meeting, Report
from meks.assignments.reminders import send_reminders
from meks.core.models import Notification
from meks.core.testing.matrix import snapshot

D = dt.date


@pytest.fixture(autouse=True)
def english_messages():
    """Service messages are asserted in English."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def office_org(demo):
    return demo["office"].organization


@pytest.fixture
def meeting(demo, office_org):
    return services.meeting_create(
        actor=demo["office"], kind=MeetingKind.PROJECT_OFFICE, date=D(2026, 1, 15), controlling_organization=office_org,
        title_ru="Тестовое заседание", title_en="Test meeting", chair="Председатель", protocol_number="T-1")


@pytest.fixture
def issue(demo, meeting):
    """Issue an assignment of ``meeting`` to the organization of the named demo user, as the project office."""

    def make(item, lead, *, deadline=None, monthly=None, until=None, actor="office", official=None, **extra):
        return services.assignment_issue(
            actor=demo[actor], meeting=meeting, item_number=item, text_ru=f"Поручение {item}",
            lead_executor=demo[lead].organization, lead_official=demo[official or lead], control_level=ControlLevel.NATIONAL,
            deadline=deadline, recurrence_day=monthly, recurrence_until=until, **extra)

    return make


def state():
    return (snapshot(Assignment.objects.all(), Deadline.objects.all(), Report.objects.all(),
                     ExtensionRequest.objects.all()),
            Assignment.history.count(), Deadline.history.count(), Report.history.count())


def refused(call, message):
    before = state()
    with pytest.raises(ValidationError) as error:
        call()
    assert error.value.messages == [message]
    assert state() == before


# Refusals: each with its exact message, nothing written.

def test_a_deadline_before_the_meeting_is_refused(issue):
    refused(lambda: issue("1", "ministry", deadline=D(2026, 1, 10)),
            "The deadline cannot come before the meeting (15.01.2026).")
    assert not Assignment.objects.exists()


def test_an_official_outside_the_lead_executor_is_refused(issue):
    refused(lambda: issue("1", "ministry", deadline=D(2026, 3, 1), official="akimat.karaganda"),
            "The responsible official must belong to the lead executor.")


def test_only_the_chairs_office_issues(issue):
    refused(lambda: issue("1", "ministry", deadline=D(2026, 3, 1), actor="akimat.karaganda"),
            "Only the chair's office issues assignments of this meeting.")


def test_a_recurring_assignment_needs_an_end_after_the_meeting(issue):
    refused(lambda: issue("1", "ministry", monthly=5, until=D(2026, 1, 1)),
            "A recurring assignment needs an end date after the meeting.")
    refused(lambda: issue("1", "ministry", deadline=D(2026, 3, 1), monthly=5, until=D(2026, 6, 1)),
            "Give either a deadline or a monthly reporting day.")


def test_a_report_from_a_non_executor_is_refused(demo, issue):
    assignment = issue("1", "akimat.mangystau", deadline=D(2026, 3, 1))
    refused(lambda: services.report_submit(actor=demo["akimat.karaganda"], assignment=assignment, text="Сделано",
                                           submitted_on=D(2026, 2, 1)),
            "Only an executor of the assignment may report on it.")
    refused(lambda: services.report_submit(actor=demo["office"], assignment=assignment, text="Сделано",
                                           submitted_on=D(2026, 2, 1)),
            "Only an executor of the assignment may report on it.")
    assert not Report.objects.exists()


def test_a_report_decided_twice_is_refused(demo, issue):
    assignment = issue("1", "akimat.mangystau", deadline=D(2026, 3, 1))
    report = services.report_submit(actor=demo["akimat.mangystau"], assignment=assignment, text="Сделано",
                                    submitted_on=D(2026, 2, 20))
    services.report_accept(actor=demo["office"], report=report, note="Принято")
    refused(lambda: services.report_accept(actor=demo["office"], report=report), "This report has been decided already.")
    refused(lambda: services.report_return(actor=demo["office"], report=report, note="Переделать"),
            "This report has been decided already.")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.ACCEPTED
    assert assignment.deadlines.get().fulfilled_on == D(2026, 2, 20)


def test_an_executor_cannot_decide_its_own_report(demo, issue, office_org):
    # The project office is its own executor here: it controls the meeting but may not accept its own report.
    own = issue("1", "office", deadline=D(2026, 3, 1))
    report = services.report_submit(actor=demo["office"], assignment=own, text="Сделано", submitted_on=D(2026, 2, 1))
    refused(lambda: services.report_accept(actor=demo["office"], report=report),
            "An executor cannot decide on its own report.")
    # An executor that does not control the meeting may not either.
    other = issue("2", "ministry", deadline=D(2026, 3, 1))
    report = services.report_submit(actor=demo["ministry"], assignment=other, text="Сделано", submitted_on=D(2026, 2, 1))
    refused(lambda: services.report_accept(actor=demo["ministry"], report=report),
            "Only the chair's office decides on reports.")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED


def test_a_return_needs_a_note_and_reopens_the_assignment(demo, issue):
    assignment = issue("1", "ministry", deadline=D(2026, 3, 1))
    report = services.report_submit(actor=demo["ministry"], assignment=assignment, text="Сделано",
                                    submitted_on=D(2026, 2, 1))
    refused(lambda: services.report_return(actor=demo["office"], report=report, note="  "), "Say what must be reworked.")
    services.report_return(actor=demo["office"], report=report, note="Нет цифр")
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.RETURNED
    assert assignment.deadlines.get().fulfilled_on is None


# Extensions.

def test_an_extension_moves_the_deadline_and_keeps_the_old_date(demo, issue):
    assignment = issue("1", "baiterek", deadline=D(2026, 6, 1))
    deadline = assignment.deadlines.get()
    refused(lambda: services.extension_request(actor=demo["baiterek"], deadline=deadline, new_due_date=D(2026, 5, 1),
                                               reason="Банки", requested_on=D(2026, 5, 20)),
            "The new date must be later than the current deadline.")
    refused(lambda: services.extension_request(actor=demo["ministry"], deadline=deadline, new_due_date=D(2026, 7, 1),
                                               reason="Банки", requested_on=D(2026, 5, 20)),
            "Only an executor of the assignment may ask for an extension.")
    request = services.extension_request(actor=demo["baiterek"], deadline=deadline, new_due_date=D(2026, 7, 15),
                                         reason="Согласование с банками", requested_on=D(2026, 5, 25))
    refused(lambda: services.extension_request(actor=demo["baiterek"], deadline=deadline, new_due_date=D(2026, 8, 1),
                                               reason="Ещё", requested_on=D(2026, 5, 26)),
            "An extension request is already waiting for a decision.")
    # On 10 June, before the decision, the deadline is overdue; once extended it is not.
    assert [d.pk for d in selectors.overdue_deadlines(user=demo["office"], on=D(2026, 6, 10))] == [deadline.pk]
    services.extension_decide(actor=demo["office"], request=request, approve=True, note="Продлить")
    deadline.refresh_from_db()
    assert (deadline.due_date, deadline.original_due_date) == (D(2026, 7, 15), D(2026, 6, 1))
    assert [h.due_date for h in deadline.history.order_by("history_date", "history_id")] == [D(2026, 6, 1), D(2026, 7, 15)]
    assert ExtensionRequest.objects.get().status == ExtensionStatus.APPROVED
    assert list(selectors.overdue_deadlines(user=demo["office"], on=D(2026, 6, 10))) == []
    refused(lambda: services.extension_decide(actor=demo["office"], request=request, approve=False),
            "This request has been decided already.")


def test_a_declined_extension_leaves_the_deadline(demo, issue):
    assignment = issue("1", "baiterek", deadline=D(2026, 6, 1))
    deadline = assignment.deadlines.get()
    request = services.extension_request(actor=demo["baiterek"], deadline=deadline, new_due_date=D(2026, 7, 15),
                                         reason="Банки", requested_on=D(2026, 5, 25))
    refused(lambda: services.extension_decide(actor=demo["baiterek"], request=request, approve=True),
            "Only the chair's office decides on extensions.")
    services.extension_decide(actor=demo["office"], request=request, approve=False, note="Нет оснований")
    deadline.refresh_from_db()
    assert deadline.due_date == D(2026, 6, 1)
    assert deadline.history.count() == 1


# Overdue and discipline on a hand-made set, exact.

@pytest.fixture
def discipline_set(demo, issue):
    """A monthly report due by the 5th (Feb–Jun) and four one-off assignments, reported on fixed dates."""
    office = demo["office"]
    monthly = issue("1", "ministry", monthly=5, until=D(2026, 6, 30))
    for submitted in (D(2026, 2, 3), D(2026, 3, 9)):  # February on time, March four days late
        report = services.report_submit(actor=demo["ministry"], assignment=monthly, text="Отчёт за месяц",
                                        submitted_on=submitted)
        services.report_accept(actor=office, report=report)
    late = issue("2", "akimat.karaganda", deadline=D(2026, 3, 31))
    services.report_accept(actor=office, report=services.report_submit(
        actor=demo["akimat.karaganda"], assignment=late, text="Сделано", submitted_on=D(2026, 4, 2)))
    issue("3", "akimat.mangystau", deadline=D(2026, 4, 30))
    on_time = issue("4", "techoperator", deadline=D(2026, 2, 28))
    services.report_accept(actor=office, report=services.report_submit(
        actor=demo["techoperator"], assignment=on_time, text="Сделано", submitted_on=D(2026, 2, 27)))
    issue("5", "baiterek", deadline=D(2026, 6, 30))
    return monthly


def test_monthly_deadlines_cross_month_ends(discipline_set):
    assert [(d.period, d.due_date) for d in discipline_set.deadlines.order_by("due_date")] == [
        (D(2026, 1, 1), D(2026, 2, 5)), (D(2026, 2, 1), D(2026, 3, 5)), (D(2026, 3, 1), D(2026, 4, 5)),
        (D(2026, 4, 1), D(2026, 5, 5)), (D(2026, 5, 1), D(2026, 6, 5)),
    ]
    assert [d.fulfilled_on for d in discipline_set.deadlines.order_by("due_date")] == [
        D(2026, 2, 3), D(2026, 3, 9), None, None, None]
    assert Assignment.objects.get(pk=discipline_set.pk).status == AssignmentStatus.IN_PROGRESS


def test_the_overdue_list_is_exact(demo, discipline_set):
    rows = [(str(d.assignment), d.due_date, d.days_overdue, d.assignment.lead_official.username)
            for d in selectors.overdue_deadlines(user=demo["office"], on=D(2026, 5, 6))]
    assert rows == [
        ("T-1 п. 1", D(2026, 4, 5), 31, "ministry"),
        ("T-1 п. 3", D(2026, 4, 30), 6, "akimat.mangystau"),
        ("T-1 п. 1", D(2026, 5, 5), 1, "ministry"),
    ]
    # The day before the May report falls due, and as each executor sees it.
    assert [(str(d.assignment), d.days_overdue) for d in selectors.overdue_deadlines(
        user=demo["office"], on=D(2026, 5, 5))] == [("T-1 п. 1", 30), ("T-1 п. 3", 5)]
    assert [(str(d.assignment), d.days_overdue) for d in selectors.overdue_deadlines(
        user=demo["akimat.mangystau"], on=D(2026, 5, 6))] == [("T-1 п. 3", 6)]
    assert list(selectors.overdue_deadlines(user=demo["contractor"], on=D(2026, 5, 6))) == []


def _names():
    return {key: Organization.objects.get(kind=kind, **extra).name_en for key, (kind, extra) in {
        "energy": ("ministry", {"name_en__startswith": "Ministry of Energy"}),
        "karaganda": ("akimat", {"region__kato": "35"}),
        "mangystau": ("akimat", {"region__kato": "47"}),
        "techop": ("technical_operator", {}),
    }.items()}


def test_the_discipline_ranking_is_exact(demo, discipline_set):
    names = _names()
    assert (names["energy"], names["techop"]) == ("Ministry of Energy of the Republic of Kazakhstan",
                                                  "Technical operator of the national project")
    rows = [(r.rank, r.name, r.due, r.on_time, r.late, r.overdue, r.average_delay, r.share_on_time)
            for r in selectors.discipline_ranking(user=demo["office"], on=D(2026, 5, 6))]
    assert rows == [
        (1, names["techop"], 1, 1, 0, 0, dec("0.0"), dec("1.000")),
        # February on time; March 4 days late; April 31 and May 1 day overdue: delay (4 + 31 + 1) / 3.
        (2, names["energy"], 4, 1, 1, 2, dec("12.0"), dec("0.250")),
        (3, names["karaganda"], 1, 0, 1, 0, dec("2.0"), dec("0.000")),
        (4, names["mangystau"], 1, 0, 0, 1, dec("6.0"), dec("0.000")),
    ]
    by_official = [(r.rank, r.name, r.organization, r.due, r.overdue)
                   for r in selectors.discipline_ranking(user=demo["office"], on=D(2026, 5, 6), by="official")]
    assert by_official == [
        (1, "Оспанова Динара Кайратовна", "Технический оператор национального проекта", 1, 0),
        (2, "Жаксыбеков Ерлан Нурланович", "Министерство энергетики Республики Казахстан", 4, 2),
        (3, "Нуркенов Бауыржан Серикович", "Акимат: Карагандинская область", 1, 0),
        (4, "Утегенов Арман Бекболатович", "Акимат: Мангистауская область", 1, 1),
    ]
    # Before the April report fell due the ministry had met all it owed but March late.
    assert [(r.name, r.due, r.on_time, r.late, r.overdue, r.average_delay) for r in selectors.discipline_ranking(
        user=demo["office"], on=D(2026, 4, 5))] == [
        (names["techop"], 1, 1, 0, 0, dec("0.0")), (names["energy"], 2, 1, 1, 0, dec("4.0")),
        (names["karaganda"], 1, 0, 1, 0, dec("2.0")),
    ]


def test_the_summary_counts_deadlines_as_of_the_date(demo, discipline_set):
    summary = selectors.assignment_summary(user=demo["office"], on=D(2026, 5, 6))
    assert (summary["total"], summary["overdue"], summary["due_soon"], summary["met_on_time"], summary["met_late"]) == (
        5, 3, 0, 2, 2)
    counts = {row["status"]: row["count"] for row in summary["by_status"]}
    assert counts == {"issued": 2, "in_progress": 1, "reported": 0, "returned": 0, "accepted": 2}
    assert [(str(d.assignment), d.due_date, d.days_left) for d in selectors.due_soon(
        user=demo["office"], on=D(2026, 5, 25))] == [("T-1 п. 1", D(2026, 6, 5), 11)]


# Reminders and escalation.

@pytest.fixture
def due_on_30_april(demo, issue, meeting):
    return issue("9", "akimat.mangystau", deadline=D(2026, 4, 30))


def run(on, capture):
    with capture(execute=True):
        return send_reminders(on=on)


def test_reminders_before_and_escalations_after_each_sent_once(demo, due_on_30_april,
                                                                django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    official, office = demo["akimat.mangystau"], demo["office"]
    expected = {
        D(2026, 4, 22): (0, 0), D(2026, 4, 23): (1, 0), D(2026, 4, 24): (0, 0), D(2026, 4, 27): (1, 0),
        D(2026, 4, 29): (1, 0), D(2026, 4, 30): (0, 0), D(2026, 5, 1): (0, 2), D(2026, 5, 2): (0, 0),
        D(2026, 5, 7): (0, 0), D(2026, 5, 8): (0, 2), D(2026, 5, 9): (0, 0), D(2026, 5, 15): (0, 2),
    }
    for on, (reminders, escalations) in expected.items():
        assert run(on, capture) == {"reminders": reminders, "escalations": escalations}, on
        assert run(on, capture) == {"reminders": 0, "escalations": 0}, f"{on} again"
    assert Notification.objects.filter(user=official).count() == 3 + 3
    assert Notification.objects.filter(user=office).count() == 3
    assert Notification.objects.count() == 9
    assert sorted(tuple(message.to) for message in mail.outbox) == sorted(
        [(official.email,)] * 6 + [(office.email,)] * 3)
    assert all(n.url.endswith(f"/assignments/{due_on_30_april.pk}/") for n in Notification.objects.all())


def test_a_met_deadline_gets_no_reminder(demo, due_on_30_april, django_capture_on_commit_callbacks):
    report = services.report_submit(actor=demo["akimat.mangystau"], assignment=due_on_30_april, text="Сделано",
                                    submitted_on=D(2026, 4, 20))
    services.report_accept(actor=demo["office"], report=report)
    for on in (D(2026, 4, 23), D(2026, 4, 29), D(2026, 5, 1), D(2026, 5, 8)):
        assert run(on, django_capture_on_commit_callbacks) == {"reminders": 0, "escalations": 0}
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_meetings_are_recorded_by_the_controlling_office_only(demo, office_org):
    before = Meeting.objects.count()
    with pytest.raises(ValidationError) as error:
        services.meeting_create(actor=demo["akimat.karaganda"], kind=MeetingKind.SEMINAR, date=D(2026, 1, 1),
                                controlling_organization=office_org, title_ru="Семинар", chair="Аким")
    assert error.value.messages == ["Only the project office or the chair's office records meetings."]
    assert Meeting.objects.count() == before
    own = services.meeting_create(actor=demo["akimat.karaganda"], kind=MeetingKind.SEMINAR, date=D(2026, 1, 1),
                                  controlling_organization=demo["akimat.karaganda"].organization, title_ru="Семинар",
                                  chair="Аким")
    assert services.is_controller(demo["akimat.karaganda"], own)
    assert not services.is_controller(demo["akimat.mangystau"], own)
