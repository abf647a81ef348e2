"""Weekly digests on purpose-built data: who gets one, what it lists, once a week, in the recipient's language."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone, translation

from meks.accounts.models import Organization, User
from meks.appeals import services as appeal_services
from meks.appeals.choices import Channel
from meks.appeals.models import Appeal, Category, RoutingRule
from meks.assignments import services as assignment_services
from meks.assignments.choices import ControlLevel, MeetingKind
from meks.core import jobs
from meks.core.models import Notification
from meks.core.workdays import add_working_days
from meks.portfolio import services as portfolio_services
from meks.portfolio.models import Direction
from meks.reports import digests
from meks.territory.models import Region

TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def english_service_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def world(demo, settings):
    """In Karaganda: a project of the utility's official with a late design milestone and a done one, three
    assignments (due in 5 days, overdue, due in 30 days) and three appeals (due within 3 working days with the
    official as executor, overdue with no executor, due far ahead)."""
    settings.MEKS_SITE_URL = "https://meks.example.kz/"
    office, official = demo["office"], demo["utility"]
    karaganda = Region.objects.get(kato="35")
    heat = Direction.objects.create(code="heat", name_ru="Теплоснабжение", order=1)
    owner = Organization.objects.filter(kind__in=["utility", "akimat"], region=karaganda).order_by("kind").last()
    project = portfolio_services.project_create(
        actor=office, code="DG-35-001", title_ru="Реконструкция теплосети", title_en="Heating network rebuild",
        direction=heat, project_type="replacement", region=karaganda, owner=owner, responsible=official,
        cost_estimate=Decimal("1000000000"), planned_start=TODAY - dt.timedelta(days=400),
        planned_end=TODAY + dt.timedelta(days=400))
    milestones = list(project.milestones.order_by("order"))
    past = [m for m in milestones if m.baseline_date < TODAY]
    assert len(past) >= 2, "the schedule must have at least two milestones in the past"
    done = past[0]
    portfolio_services.milestone_update(actor=office, milestone=done, expected_version=done.version,
                                        actual_date=done.baseline_date)

    meeting = assignment_services.meeting_create(
        actor=office, kind=MeetingKind.PROJECT_OFFICE, date=TODAY - dt.timedelta(days=60),
        controlling_organization=office.organization, title_ru="Заседание", title_en="Meeting", chair="Председатель",
        protocol_number="DG-1")

    def issue(item, deadline):
        return assignment_services.assignment_issue(
            actor=office, meeting=meeting, item_number=item, text_ru=f"Поручение {item}", text_en=f"Assignment {item}",
            lead_executor=official.organization, lead_official=official, control_level=ControlLevel.NATIONAL,
            deadline=deadline)

    soon, overdue, later = issue("1", TODAY + dt.timedelta(days=5)), issue("2", TODAY + dt.timedelta(days=20)), \
        issue("3", TODAY + dt.timedelta(days=30))
    # An overdue deadline cannot be issued; move it into the past as the calendar would have.
    overdue.deadlines.update(due_date=TODAY - dt.timedelta(days=2))

    category = Category.objects.create(code="construction", name_ru="Строительные работы", name_en="Construction works")
    RoutingRule.objects.create(category=category, to_region_akimat=True)
    head = demo["akimat.karaganda"]
    User.objects.filter(pk=head.pk).update(is_organization_head=True)
    head.refresh_from_db()

    def register(due):
        appeal = appeal_services.appeal_register(
            actor=demo["operator"], channel=Channel.PHONE, category=category, region=karaganda,
            text="Раскопана улица.", applicant_name="Сейткали Айгерим Маратовна", applicant_phone="+7 701 123 45 67",
            received_at=timezone.now() - dt.timedelta(days=1))
        Appeal.objects.filter(pk=appeal.pk).update(due_date=due)
        return Appeal.objects.get(pk=appeal.pk)

    near = register(add_working_days(TODAY, 2))
    Appeal.objects.filter(pk=near.pk).update(executor=official)
    late_appeal = register(TODAY - dt.timedelta(days=1))
    far = register(add_working_days(TODAY, 10))
    return {"official": official, "head": head, "project": project, "late": past[1:], "done": done,
            "assignments": (soon, overdue, later), "appeals": (near, late_appeal, far), "demo": demo}


def mail_to(user):
    return [message for message in mail.outbox if message.to == [user.email]]


def test_an_official_gets_one_digest_listing_exactly_their_items(world):
    official, head = world["official"], world["head"]
    for user in (official, head):
        user.language = "en"
        user.save()
    result = digests.send_weekly_digests(on=TODAY)
    messages = mail_to(official)
    assert len(messages) == 1
    message = messages[0]
    text = message.body
    html = message.alternatives[0][0]
    assert message.alternatives[0][1] == "text/html"
    late = world["late"]
    for milestone in late:
        assert milestone.get_kind_display() in text
    assert world["done"].get_kind_display() not in text
    assert text.count("DG-35-001 Heating network rebuild") == len(late)
    project_url = f"https://meks.example.kz/portfolio/projects/{world['project'].pk}/"
    assert project_url in text and f'href="{project_url}"' in html
    soon, overdue, later = world["assignments"]
    assert str(soon) in text and str(overdue) in text and str(later) not in text
    assert "2 days overdue" in text
    assert f"https://meks.example.kz/assignments/{soon.pk}/" in text
    near, late_appeal, far = world["appeals"]
    assert near.number in text and far.number not in text
    assert late_appeal.number not in text  # no executor: it goes to the head of the responsible organization
    assert f"https://meks.example.kz/appeals/{near.pk}/" in html
    expected = len(late) + 2 + 1
    assert message.subject == f"Weekly digest for {TODAY:%d.%m.%Y}: {expected} items need your attention"
    # The head of the appeal's organization hears of the unassigned overdue appeal, and nobody else is written to.
    head_messages = mail_to(world["head"])
    assert len(head_messages) == 1
    assert late_appeal.number in head_messages[0].body and near.number not in head_messages[0].body
    assert "(overdue)" in head_messages[0].body
    assert sorted(m.to[0] for m in mail.outbox) == sorted([official.email, world["head"].email])
    assert result == {"sent": 2, "already_sent": 0}


def test_nobody_with_nothing_to_report_gets_an_email(demo):
    assert digests.send_weekly_digests(on=TODAY) == {"sent": 0, "already_sent": 0}
    assert mail.outbox == []
    assert not Notification.objects.filter(key__startswith="weekly-digest:").exists()


def test_an_official_with_only_accepted_and_fulfilled_work_gets_nothing(world):
    soon, overdue, _later = world["assignments"]
    for assignment in (soon, overdue):
        assignment.deadlines.update(fulfilled_on=TODAY)
    for milestone in world["late"]:
        milestone.refresh_from_db()
        portfolio_services.milestone_update(actor=world["demo"]["office"], milestone=milestone,
                                            expected_version=milestone.version, actual_date=milestone.baseline_date)
    Appeal.objects.filter(pk=world["appeals"][0].pk).update(status="answered", answered_on=TODAY)
    digests.send_weekly_digests(on=TODAY)
    assert mail_to(world["official"]) == []
    assert len(mail_to(world["head"])) == 1


def test_running_twice_in_a_week_sends_nothing_new_but_next_week_sends_again(world):
    assert digests.send_weekly_digests(on=TODAY)["sent"] == 2
    assert digests.send_weekly_digests(on=TODAY) == {"sent": 0, "already_sent": 2}
    same_week = TODAY + dt.timedelta(days=6 - TODAY.weekday())  # the Sunday of this ISO week
    if same_week != TODAY:
        assert digests.send_weekly_digests(on=same_week)["sent"] == 0
    assert len(mail.outbox) == 2
    key = digests.digest_key(TODAY)
    assert Notification.objects.filter(key=key).count() == 2
    next_week = TODAY + dt.timedelta(days=7)
    assert digests.digest_key(next_week) != key
    assert digests.send_weekly_digests(on=next_week)["sent"] == 2
    assert len(mail.outbox) == 4


def test_a_failed_delivery_is_retried_on_the_next_run(world, monkeypatch):
    def broken(self, fail_silently=False):
        raise ConnectionError("mail server down")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMultiAlternatives.send", broken)
        with pytest.raises(ConnectionError):
            digests.send_weekly_digests(on=TODAY)
    assert not Notification.objects.filter(key=digests.digest_key(TODAY), user=world["official"]).exists()
    digests.send_weekly_digests(on=TODAY)
    assert len(mail_to(world["official"])) == 1


def test_the_language_follows_the_recipient(world):
    official, head = world["official"], world["head"]
    official.language = "ru"
    official.save()
    head.language = "en"
    head.save()
    digests.send_weekly_digests(on=TODAY)
    russian = mail_to(official)[0]
    assert 'lang="ru"' in russian.alternatives[0][0]
    assert "Реконструкция теплосети" in russian.body and "Heating network rebuild" not in russian.body
    assert "expertise" in [m.kind for m in world["late"]]
    assert "Госэкспертиза пройдена" in russian.body and "State expertise passed" not in russian.body
    assert "Строительные работы" in russian.body
    english = mail_to(head)[0]
    assert 'lang="en"' in english.alternatives[0][0]
    assert "Construction works" in english.body and "Строительные работы" not in english.body
    assert english.subject.startswith("Weekly digest for")
    assert Notification.objects.get(user=head, key=digests.digest_key(TODAY)).text.startswith("Weekly digest:")


def test_the_job_is_registered_weekly_and_runs_through_run_jobs(world, settings):
    job = {job.name: job for job in jobs.registered_jobs("weekly")}["reports.weekly_digests"]
    assert job.function is digests.weekly_digests
    weekly = [entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["kwargs"] == {"frequency": "weekly"}]
    assert len(weekly) == 1
    out = StringIO()
    call_command("run_jobs", "reports.weekly_digests", stdout=out)
    assert "reports.weekly_digests: {'sent': 2, 'already_sent': 0}" in out.getvalue()
    assert len(mail.outbox) == 2
    call_command("run_jobs", "--frequency", "weekly", stdout=StringIO())
    assert len(mail.outbox) == 2
