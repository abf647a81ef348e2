"""The contact centre's writes on Kazakhstan's calendar: registration, deadlines, extension, reminders, bad input,
personal data."""

import datetime as dt

import holidays
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from meks.accounts.models import User
from meks.accounts.services import role_assign, user_create
from meks.appeals import deadlines, services
from meks.appeals.choices import AnswerStatus, AppealStatus, Channel, EventKind
from meks.appeals.models import Appeal, AppealEvent, Category, PersonalDataAccess, RoutingRule
from meks.appeals.personal_data import applicant_view
from meks.appeals.reminders import send_reminders
from meks.core.access import Role
from meks.core.models import Notification
from meks.core.workdays import is_working_day
from meks.territory.models import Region

D = dt.date
KZ_2026 = holidays.country_holidays("KZ", years=2026, categories=("public",))
VALID_IIN = "900101300007"  # a made-up IIN with a valid control digit


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def centre(demo):
    """Two categories routed like the demo (construction → the region's akimat), a head and two clerks of
    Karaganda's akimat."""
    construction = Category.objects.create(code="construction", name_ru="Строительные работы", name_en="Construction")
    information = Category.objects.create(code="information", name_ru="Информация", name_en="Information")
    RoutingRule.objects.create(category=construction, to_region_akimat=True)
    RoutingRule.objects.create(category=information, organization=demo["office"].organization)
    User.objects.filter(username="akimat.karaganda").update(is_organization_head=True)
    karaganda = Region.objects.get(kato="35")
    for username in ("karaganda.clerk", "karaganda.other"):
        user = user_create(actor=None, username=username, password=None, organization=demo["akimat.karaganda"].organization,
                           first_name="Асель", last_name="Исполнитель", check_password=False)
        role_assign(actor=None, user=user, role=Role.AKIMAT, regions=[karaganda])
    users = {user.username: user for user in User.objects.all()}
    return {"users": users, "construction": construction, "information": information, "karaganda": karaganda}


def register(centre, *, received: dt.date, hour: int = 10, **overrides) -> Appeal:
    data = {"actor": centre["users"]["operator"], "channel": Channel.PHONE, "category": centre["construction"],
            "region": centre["karaganda"], "text": "Раскопана улица, нет горячей воды.",
            "applicant_name": "Сейткали Айгерим Маратовна", "applicant_phone": "+7 701 123 45 67",
            "applicant_iin": VALID_IIN, "received_at": at(received, hour)}
    data.update(overrides)
    return services.appeal_register(**data)


# Registration and the legal dates on Kazakhstan's calendar.

def test_received_on_a_saturday_is_registered_on_monday_and_due_15_working_days_later(centre):
    appeal = register(centre, received=D(2026, 11, 21))  # Saturday
    assert appeal.registered_on == D(2026, 11, 23)  # Monday
    assert appeal.due_date == appeal.original_due_date == D(2026, 12, 14)
    assert appeal.forward_due_date == D(2026, 11, 26)
    # Independence Day (16 December) comes after the due date: it does not move it.
    assert D(2026, 12, 16) in KZ_2026 and D(2026, 12, 16) > appeal.due_date
    assert not any(D(2026, 11, 23) < day <= D(2026, 12, 14) for day in KZ_2026)
    assert appeal.number == "2026-000001" and len(appeal.access_code) == 8
    assert appeal.status == AppealStatus.ROUTED
    assert appeal.organization == centre["users"]["akimat.karaganda"].organization
    assert appeal.accepted_by == centre["users"]["operator"]
    assert list(appeal.events.values_list("kind", flat=True)) == [EventKind.REGISTERED, EventKind.ROUTED]


def test_due_date_across_nauryz_2026(centre):
    # Nauryz: 21–23 March, the 21st and 22nd a weekend, so 24 and 25 March are days off too.
    assert all(D(2026, 3, day) in KZ_2026 for day in (21, 22, 23, 24, 25))
    friday = register(centre, received=D(2026, 3, 20))
    assert friday.registered_on == D(2026, 3, 20)
    assert friday.forward_due_date == D(2026, 3, 30)  # 26, 27 and 30 March
    assert friday.due_date == D(2026, 4, 15)  # 15 working days: 26–27 Mar, 30 Mar–3 Apr, 6–10 Apr, 13–15 Apr
    holiday = register(centre, received=D(2026, 3, 23), text="Второе обращение.")
    assert holiday.registered_on == D(2026, 3, 26)  # the first working day after the holidays
    assert holiday.due_date == D(2026, 4, 16)


def test_due_date_across_a_holiday_the_calendar_moves(centre):
    # Republic Day, Sunday 25 October 2026, moves to Monday 26 October: a day off that is not on the calendar's date.
    moved = [day for day, name in KZ_2026.items() if "observed" in name.lower() or "substituted" in name.lower()]
    assert D(2026, 10, 26) in moved and D(2026, 10, 26).weekday() == 0
    assert not is_working_day(D(2026, 10, 26))
    appeal = register(centre, received=D(2026, 10, 19))  # Monday
    # 20–23 Oct (4), 27–30 Oct (8, the 26th skipped), 2–6 Nov (13), 9–10 Nov (15).
    assert appeal.due_date == D(2026, 11, 10)
    register_before = register(centre, received=D(2026, 10, 23), text="Ещё одно обращение.")  # Friday
    assert register_before.forward_due_date == D(2026, 10, 29)  # 27, 28, 29 October


def test_numbers_run_per_year(centre):
    first = register(centre, received=D(2026, 12, 30))
    second = register(centre, received=D(2026, 12, 31), text="Второе.")  # 31 Dec is a working day
    third = register(centre, received=D(2027, 1, 1), text="Третье.")  # New Year: registered in 2027
    assert (first.number, second.number) == ("2026-000001", "2026-000002")
    assert third.registered_on.year == 2027 and third.number == "2027-000001"


def test_only_the_contact_centre_and_the_project_office_register(centre):
    with pytest.raises(ValidationError) as error:
        register(centre, received=D(2026, 11, 23), actor=centre["users"]["akimat.karaganda"])
    assert error.value.code == "forbidden"
    assert not Appeal.objects.exists()
    assert register(centre, received=D(2026, 11, 23), actor=centre["users"]["office"]).accepted_by.username == "office"
    portal = register(centre, received=D(2026, 11, 23), actor=None, channel=Channel.PORTAL, text="С портала.")
    assert portal.accepted_by is None


# Bad input: a clear message, nothing written.

@pytest.mark.parametrize(("field", "value", "code", "message"), [
    ("text", "   ", "empty_text", "Write the text of the appeal."),
    ("text", "я" * 5001, "long_text", "The text is too long: at most 5000 characters."),
    ("applicant_phone", "12345", "invalid_phone", "Give the phone as +7 followed by 10 digits."),
    ("applicant_phone", "+7 701 123 45 6", "invalid_phone", "Give the phone as +7 followed by 10 digits."),
    ("applicant_iin", "900101300008", "invalid_iin", None),
    ("applicant_iin", "12345", "invalid_iin", None),
    ("applicant_name", " ", "no_name", "Give the applicant's name."),
])
def test_bad_input_is_refused_with_its_message_and_nothing_written(centre, field, value, code, message):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        register(centre, received=D(2026, 11, 23), **{field: value})
    assert error.value.code == code
    text = error.value.messages[0]
    if message:
        assert text == message
    else:
        assert text.startswith("Invalid IIN: ")
    assert not Appeal.objects.exists() and not AppealEvent.objects.exists()
    assert not Appeal.history.exists()


def test_a_contact_to_answer_to_is_required(centre):
    with pytest.raises(ValidationError) as error:
        register(centre, received=D(2026, 11, 23), applicant_phone="", applicant_iin="")
    assert error.value.code == "no_contact"
    assert register(centre, received=D(2026, 11, 23), applicant_phone="", applicant_email="a@example.kz").pk


def test_phone_is_stored_in_one_form(centre):
    assert register(centre, received=D(2026, 11, 23), applicant_phone="8 (701) 123-45-67").applicant_phone == "+77011234567"


# Routing, assignment, extension, answers.

def assigned(centre, **kwargs) -> Appeal:
    appeal = register(centre, **{"received": D(2026, 11, 21), **kwargs})
    return services.appeal_assign(actor=centre["users"]["akimat.karaganda"], appeal=appeal,
                                  executor=centre["users"]["karaganda.clerk"])


def test_extension_only_by_the_head_and_at_most_two_months(centre):
    appeal = assigned(centre)
    users = centre["users"]
    limit = deadlines.extension_limit(appeal.registered_on)
    assert limit == D(2027, 1, 23)
    for who in ("karaganda.clerk", "operator", "office", "akimat.mangystau"):
        with pytest.raises(ValidationError) as error:
            services.appeal_extend(actor=users[who], appeal=appeal, new_due_date=D(2027, 1, 15), reason="Запрос в ГУ")
        assert error.value.code == "forbidden", who
    with pytest.raises(ValidationError) as error:
        services.appeal_extend(actor=users["akimat.karaganda"], appeal=appeal, new_due_date=D(2027, 1, 25),
                               reason="Нужна экспертиза")
    assert error.value.code == "beyond_limit"
    with pytest.raises(ValidationError) as error:
        services.appeal_extend(actor=users["akimat.karaganda"], appeal=appeal, new_due_date=D(2026, 12, 10),
                               reason="Раньше")
    assert error.value.code == "not_later"
    with pytest.raises(ValidationError) as error:
        services.appeal_extend(actor=users["akimat.karaganda"], appeal=appeal, new_due_date=D(2027, 1, 15), reason=" ")
    assert error.value.code == "reason_required"
    appeal.refresh_from_db()
    assert appeal.due_date == D(2026, 12, 14) and not appeal.events.filter(kind=EventKind.EXTENDED).exists()
    extended = services.appeal_extend(actor=users["akimat.karaganda"], appeal=appeal, new_due_date=limit,
                                      reason="Нужна экспертиза")
    assert extended.due_date == limit and extended.original_due_date == D(2026, 12, 14)
    event = extended.events.get(kind=EventKind.EXTENDED)
    assert not event.internal and "23.01.2027" in event.note


def test_extension_limit_at_the_end_of_a_month():
    assert deadlines.extension_limit(D(2026, 12, 31)) == D(2027, 2, 28)
    assert deadlines.extension_limit(D(2027, 12, 31)) == D(2028, 2, 29)


def test_forward_assign_answer_with_approval_and_close(centre):
    users = centre["users"]
    appeal = register(centre, received=D(2026, 11, 23), category=centre["information"])
    assert appeal.organization == users["office"].organization
    appeal = services.appeal_forward(actor=users["office"], appeal=appeal,
                                     organization=users["akimat.karaganda"].organization, note="Вопрос акимата")
    assert appeal.status == AppealStatus.ROUTED and appeal.organization.kind == "akimat"
    with pytest.raises(ValidationError):
        services.appeal_assign(actor=users["akimat.karaganda"], appeal=appeal, executor=users["akimat.mangystau"])
    appeal = services.appeal_assign(actor=users["akimat.karaganda"], appeal=appeal, executor=users["karaganda.clerk"])
    with pytest.raises(ValidationError) as error:
        services.answer_submit(actor=users["akimat.karaganda"], appeal=appeal, text="Ответ")
    assert error.value.code == "forbidden"
    answer = services.answer_submit(actor=users["karaganda.clerk"], appeal=appeal, text="Работы завершат к 1 декабря.",
                                    needs_approval=True, on=D(2026, 11, 25))
    assert answer.status == AnswerStatus.DRAFT
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_PROGRESS
    with pytest.raises(ValidationError) as error:
        services.answer_approve(actor=users["karaganda.other"], answer=answer)
    assert error.value.code == "forbidden"
    services.answer_approve(actor=users["akimat.karaganda"], answer=answer, on=D(2026, 11, 26))
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.answered_on == D(2026, 11, 26)
    closed = services.appeal_close(actor=users["operator"], appeal=appeal)
    assert closed.status == AppealStatus.CLOSED


# Reminders and escalation, a daily job on working days.

def test_reminders_and_escalation_fall_on_exact_working_days(centre):
    users = centre["users"]
    friday_due = assigned(centre, received=D(2026, 11, 20))  # registered Fri 20 Nov, due Fri 11 Dec
    before_holiday = register(centre, received=D(2026, 11, 24), text="Второе.")  # no executor, due Tue 15 Dec
    assert (friday_due.due_date, before_holiday.due_date) == (D(2026, 12, 11), D(2026, 12, 15))
    sent: dict[dt.date, dict[str, int]] = {}
    day = D(2026, 11, 30)
    while day <= D(2027, 1, 10):
        result = send_reminders(on=day)
        if any(result.values()):
            sent[day] = result
        assert send_reminders(on=day) == {"reminders": 0, "escalations": 0}, day  # the same day again: nothing
        day += dt.timedelta(days=1)
    assert sent == {
        D(2026, 12, 8): {"reminders": 1, "escalations": 0},  # 3 working days before 11 Dec
        D(2026, 12, 10): {"reminders": 1, "escalations": 0},  # 3 working days before 15 Dec
        D(2026, 12, 11): {"reminders": 1, "escalations": 0},  # the due date
        D(2026, 12, 14): {"reminders": 0, "escalations": 2},  # Monday after Friday's due date: the head and the office
        D(2026, 12, 15): {"reminders": 1, "escalations": 0},  # the due date
        D(2026, 12, 17): {"reminders": 0, "escalations": 2},  # 16 Dec is Independence Day
    }
    assert all(is_working_day(day) for day in sent)
    assert friday_due.events.filter(kind=EventKind.REMINDED).count() == 2
    assert friday_due.events.filter(kind=EventKind.ESCALATED).count() == 1
    # The executor is reminded; with no executor, the organization's head; the head and the project office are
    # told of the overdue appeal.
    clerk_keys = set(Notification.objects.filter(user=users["karaganda.clerk"]).values_list("key", flat=True))
    assert clerk_keys == {f"appeal-remind:2026-12-11:3:{friday_due.pk}", f"appeal-remind:2026-12-11:0:{friday_due.pk}"}
    head_keys = set(Notification.objects.filter(user=users["akimat.karaganda"]).values_list("key", flat=True))
    assert head_keys == {f"appeal-remind:2026-12-15:3:{before_holiday.pk}", f"appeal-remind:2026-12-15:0:{before_holiday.pk}",
                         f"appeal-overdue:2026-12-11:{friday_due.pk}", f"appeal-overdue:2026-12-15:{before_holiday.pk}"}
    office_keys = set(Notification.objects.filter(user=users["office"]).values_list("key", flat=True))
    assert office_keys == {f"appeal-overdue:2026-12-11:{friday_due.pk}", f"appeal-overdue:2026-12-15:{before_holiday.pk}"}


def test_nothing_is_sent_on_weekends_or_for_answered_appeals(centre):
    appeal = assigned(centre, received=D(2026, 11, 20))
    assert send_reminders(on=D(2026, 12, 12)) == send_reminders(on=D(2026, 12, 13)) == {"reminders": 0, "escalations": 0}
    services.answer_submit(actor=centre["users"]["karaganda.clerk"], appeal=appeal, text="Ответ", on=D(2026, 12, 7))
    for day in (D(2026, 12, 8), D(2026, 12, 11), D(2026, 12, 14)):
        assert send_reminders(on=day) == {"reminders": 0, "escalations": 0}


# Personal data: shown only to those handling the appeal, every view recorded.

def test_personal_data_masked_for_outsiders_and_shown_to_those_handling_it(centre):
    users = centre["users"]
    appeal = assigned(centre)  # Karaganda's akimat; executor karaganda.clerk, head akimat.karaganda
    appeal = Appeal.objects.select_related("executor").get(pk=appeal.pk)
    for who in ("office", "ministry", "akimat.mangystau", "karaganda.other", "utility", "contractor"):
        view = applicant_view(users[who], appeal, where="page")
        assert view["masked"], who
        assert view["name"] == "С. А. М." and view["phone"].endswith("67") and "123" not in view["phone"]
        assert view["iin"] == "••••••••0007"
    assert not PersonalDataAccess.objects.exists()
    for who in ("operator", "karaganda.clerk", "akimat.karaganda"):
        view = applicant_view(users[who], appeal, where="page")
        assert not view["masked"], who
        assert (view["name"], view["phone"], view["iin"]) == ("Сейткали Айгерим Маратовна", "+77011234567", VALID_IIN)
    rows = list(PersonalDataAccess.objects.order_by("pk").values_list("user__username", "appeal_id", "channel"))
    assert rows == [("operator", appeal.pk, "page"), ("karaganda.clerk", appeal.pk, "page"),
                    ("akimat.karaganda", appeal.pk, "page")]


def test_the_head_of_another_organization_does_not_see_personal_data(centre):
    users = centre["users"]
    User.objects.filter(username="akimat.mangystau").update(is_organization_head=True)
    appeal = Appeal.objects.select_related("executor").get(pk=assigned(centre).pk)
    assert applicant_view(User.objects.get(username="akimat.mangystau"), appeal, where="api")["masked"]
    unassigned = register(centre, received=D(2026, 11, 23), text="Без исполнителя.")
    # Before an executor is named, only the contact centre sees the applicant.
    assert applicant_view(users["akimat.karaganda"], unassigned, where="page")["masked"]
    assert not PersonalDataAccess.objects.exists()
