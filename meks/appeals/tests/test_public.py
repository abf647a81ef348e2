"""The public appeal pages: send an appeal, see the confirmation, follow it, rate the answer (no log-in)."""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from meks.accounts.models import User
from meks.appeals import human_check, services
from meks.appeals.choices import AppealStatus, Channel
from meks.appeals.models import Appeal, AppealEvent, Category, RoutingRule
from meks.core.validators import business_identification_number_problem, with_control_digit
from meks.territory.models import Region


@pytest.fixture(autouse=True)
def english_pages(settings):
    """The assertions read English: anonymous visitors with no language cookie get LANGUAGE_CODE."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield

FORM = reverse("appeals_public:form")
TRACK = reverse("appeals_public:track")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
CSRF_INPUT = re.compile(r'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">|<meta name="csrf-token" content="[^"]*">')
VALID_IIN = with_control_digit("90010130001")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setup(demo):
    """A category routed to the akimat of the appeal's region, and the Karaganda akimat's head."""
    category = Category.objects.create(code="construction", name_ru="Строительные работы", name_kk="Құрылыс жұмыстары",
                                       name_en="Construction works")
    RoutingRule.objects.create(category=category, to_region_akimat=True)
    User.objects.filter(username="akimat.karaganda").update(is_organization_head=True)
    return {"category": category, "region": Region.objects.get(kato="35"), "users": demo}


def form_data(setup, challenge: human_check.Challenge, **changes) -> dict:
    data = {
        "applicant_name": "Ахметова Гульнар Сериковна", "applicant_phone": "+7 701 555 12 34",
        "applicant_email": "gulnar@example.kz", "applicant_iin": VALID_IIN,
        "region": setup["region"].pk, "category": setup["category"].pk, "project_code": "",
        "text": "Третью неделю раскопана улица Абая, горячей воды нет.", "consent": "on",
        "check_token": challenge.token, "check_answer": str(challenge.answer),
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def fresh_challenge(client, **extra) -> human_check.Challenge:
    """The question the form asks, read from its context."""
    response = client.get(FORM, **extra)
    assert response.status_code == 200
    return response.context["form"].challenge


def submit(client, setup, **changes):
    extra = {"REMOTE_ADDR": changes.pop("ip")} if "ip" in changes else {}
    return client.post(FORM, form_data(setup, fresh_challenge(client, **extra), **changes), **extra)


def error_summary(body: str) -> str:
    match = re.search(r'<div class="error-summary".*?</div>', body, re.S)
    assert match, "no error summary"
    return match.group(0)


def register(setup, **changes) -> Appeal:
    arguments = {"actor": None, "channel": Channel.PORTAL, "category": setup["category"], "region": setup["region"],
                 "text": "Нет горячей воды", "applicant_name": "Ахметова Гульнар Сериковна",
                 "applicant_phone": "+77015551234", "applicant_iin": VALID_IIN}
    arguments.update(changes)
    return services.appeal_register(**arguments)


def answered(setup) -> Appeal:
    """A portal appeal with an internal note, an executor, an extension and a sent answer."""
    users = setup["users"]
    appeal = register(setup)
    services.appeal_note(actor=users["operator"], appeal=appeal, note="Заявитель звонил повторно, раздражён")
    appeal = services.appeal_assign(actor=users["operator"], appeal=appeal, executor=users["akimat.karaganda"])
    head = User.objects.get(username="akimat.karaganda")
    appeal = services.appeal_extend(actor=head, appeal=appeal, new_due_date=appeal.due_date + dt.timedelta(days=7),
                                    reason="Нужен выезд на место")
    services.answer_submit(actor=head, appeal=appeal, text="Работы на улице Абая завершатся до 1 июля.")
    return Appeal.objects.get(pk=appeal.pk)


# Sending


def test_an_appeal_is_sent_end_to_end_and_confirmed_with_its_number_and_code(client, setup):
    response = submit(client, setup)
    assert response.status_code == 302
    assert response["Location"].startswith("/appeal/done/")
    appeal = Appeal.objects.get()
    assert appeal.channel == Channel.PORTAL and appeal.accepted_by is None
    assert appeal.applicant_phone == "+77015551234" and appeal.applicant_iin == VALID_IIN
    assert appeal.organization.region == setup["region"] and appeal.status == AppealStatus.ROUTED
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    assert f"data-appeal-number>{appeal.number}<" in body
    assert f"data-access-code>{appeal.access_code}<" in body
    assert "the portal" in body
    assert appeal.registered_on.strftime("%Y") in body and reverse("appeals_public:track") in body
    assert not INLINE_SCRIPT.search(body)
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    assert "no-store" in page.headers["Cache-Control"]


def test_the_confirmation_link_cannot_be_forged(client, setup):
    appeal = register(setup)
    forged = signing.TimestampSigner(salt="other").sign_object({"n": appeal.number, "c": appeal.access_code})
    response = client.get(reverse("appeals_public:done", args=[forged]))
    assert response.status_code == 404
    assert appeal.access_code not in response.content.decode()


def test_an_appeal_received_on_sunday_is_registered_on_monday(client, setup, monkeypatch):
    challenge = fresh_challenge(client)
    sunday = timezone.make_aware(dt.datetime(2025, 10, 5, 15, 30))
    assert sunday.weekday() == 6
    monkeypatch.setattr("django.utils.timezone.now", lambda: sunday)
    response = client.post(FORM, form_data(setup, challenge))
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.received_at == sunday
    assert appeal.registered_on == dt.date(2025, 10, 6)
    body = client.get(response["Location"]).content.decode()
    assert "registered on the next working day" in body


def test_a_project_code_links_the_project(client, setup):
    response = submit(client, setup, project_code="NO-SUCH-1")
    assert 'href="#id_project_code"' in error_summary(response.content.decode())
    assert not Appeal.objects.exists()


def long_text():
    return "а" * (services.MAX_TEXT + 1)


def bad_iin():
    iin = "900101300012"
    assert business_identification_number_problem(iin)
    return iin


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"text": "   "}, "text", "Write your appeal"),
    ({"text": None}, "text", "Write your appeal"),
    ({"text": "long"}, "text", "characters or fewer"),
    ({"applicant_phone": "12345"}, "applicant_phone", "+7 and 10 digits"),
    ({"applicant_phone": ""}, "applicant_phone", "Enter your phone number"),
    ({"applicant_name": ""}, "applicant_name", "Enter your full name"),
    ({"applicant_iin": "bad"}, "applicant_iin", "Enter a valid IIN"),
    ({"applicant_email": "not-an-address"}, "applicant_email", "correct format"),
    ({"region": ""}, "region", "Choose the region"),
    ({"category": "999999"}, "category", "Choose what the appeal is about"),
    ({"consent": None}, "consent", "Agree to the processing of your personal data"),
    ({"check_answer": "wrong"}, "check_answer", "The answer to the check question is wrong"),
    ({"check_answer": ""}, "check_answer", "Answer the check question"),
])
def test_bad_input_shows_the_error_summary_linking_to_the_field_and_writes_nothing(client, setup, changes, field, message):
    if changes.get("text") == "long":
        changes = {"text": long_text()}
    if changes.get("applicant_iin") == "bad":
        changes = {"applicant_iin": bad_iin()}
    challenge = fresh_challenge(client)
    if changes.get("check_answer") == "wrong":
        changes = {"check_answer": str(challenge.answer + 1)}
    response = client.post(FORM, form_data(setup, challenge, **changes))
    assert response.status_code == 200
    body = response.content.decode()
    summary = error_summary(body)
    assert f'href="#id_{field}"' in summary
    assert message in summary
    assert f'id="id_{field}-error"' in body  # the message by the field, too
    assert "<title>Error: " in body
    assert not Appeal.objects.exists()
    assert not AppealEvent.objects.exists()


def test_an_expired_check_question_is_refused(client, setup):
    nonce = secrets.token_urlsafe(12)

    class HalfAnHourAgo(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - human_check.MAX_AGE - 1)

    token = HalfAnHourAgo(salt=human_check.SALT).sign_object({"n": nonce, "d": human_check._digest(nonce, 7)})
    challenge = human_check.Challenge(token=token, question="", answer=7)
    response = client.post(FORM, form_data(setup, challenge))
    summary = error_summary(response.content.decode())
    assert 'href="#id_check_answer"' in summary and "has expired" in summary
    assert not Appeal.objects.exists()


def test_a_check_question_is_good_for_one_try(client, setup):
    challenge = fresh_challenge(client)
    assert human_check.verify(challenge.token, challenge.answer) is human_check.Outcome.PASSED
    response = client.post(FORM, form_data(setup, challenge))
    summary = error_summary(response.content.decode())
    assert 'href="#id_check_answer"' in summary and "already been used" in summary
    assert not Appeal.objects.exists()


def test_a_forged_check_token_is_refused(client, setup):
    challenge = human_check.Challenge(token="eyJuIjoieCIsInAiOjF9:1abc:forged", question="", answer=3)
    response = client.post(FORM, form_data(setup, challenge))
    assert 'href="#id_check_answer"' in error_summary(response.content.decode())
    assert not Appeal.objects.exists()


def test_the_answer_never_reaches_the_browser(client, setup):
    response = client.get(FORM)
    challenge = response.context["form"].challenge
    payload = signing.TimestampSigner(salt=human_check.SALT).unsign_object(challenge.token)
    assert set(payload) == {"n", "d"}
    assert len(payload["d"]) == 64 and payload["d"] != str(challenge.answer)  # an HMAC, not the answer


def test_nothing_is_asked_twice_once_the_check_question_is_answered(client, setup):
    response = submit(client, setup, applicant_phone="123")
    form = response.context["form"]
    assert form.challenge.passed
    body = response.content.decode()
    assert "You have answered the check question" in body
    assert 'name="check_answer"' not in body
    assert 'value="Ахметова Гульнар Сериковна"' in body  # what was typed is kept
    response = client.post(FORM, form_data(setup, form.challenge, check_answer=""))
    assert response.status_code == 302
    assert Appeal.objects.count() == 1


def test_six_appeals_in_an_hour_from_one_address_the_sixth_is_refused(client, setup):
    locations = []
    for _ in range(5):
        response = submit(client, setup, ip="10.1.2.3")
        assert response.status_code == 302
        locations.append(response["Location"])
    challenge = human_check.issue()
    response = client.post(FORM, form_data(setup, challenge), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()
    assert response["Retry-After"] == "3600"
    assert client.get(FORM, REMOTE_ADDR="10.1.2.3").status_code == 429
    assert Appeal.objects.count() == 5
    confirmed = {re.search(r"data-appeal-number>([^<]+)<", client.get(url).content.decode()).group(1) for url in locations}
    assert confirmed == set(Appeal.objects.values_list("number", flat=True))
    assert client.get(FORM, REMOTE_ADDR="10.9.9.9").status_code == 200


def test_wrong_check_answers_are_limited_per_address(client, setup):
    for _ in range(10):
        challenge = fresh_challenge(client, REMOTE_ADDR="10.4.4.4")
        response = client.post(FORM, form_data(setup, challenge, check_answer=str(challenge.answer + 1)),
                               REMOTE_ADDR="10.4.4.4")
        assert response.status_code == 200
    assert client.get(FORM, REMOTE_ADDR="10.4.4.4").status_code == 429
    assert not Appeal.objects.exists()


def test_the_public_form_has_no_inline_script_and_works_without_log_in(client, setup):
    response = client.get(FORM)
    body = response.content.decode()
    assert not INLINE_SCRIPT.search(body)
    assert 'novalidate' in body and 'type="tel"' in body and "data-character-count" in body
    assert 'name="attachment"' not in body


# Following


def test_tracking_shows_the_public_journal_and_the_answer_and_nothing_personal(client, setup):
    appeal = answered(setup)
    executor = setup["users"]["akimat.karaganda"]
    response = client.post(TRACK, {"number": appeal.number, "access_code": appeal.access_code.lower()})
    assert response.status_code == 200
    body = response.content.decode()
    assert appeal.get_status_display() in body
    assert "Работы на улице Абая завершатся до 1 июля." in body
    assert "Нужен выезд на место" in body  # the extension's reason is for the applicant
    assert appeal.organization.name in body
    assert "The answer was sent" in body and "The deadline was extended" in body
    for secret in ("Ахметова", "Гульнар", "+77015551234", "701 555", VALID_IIN, "Заявитель звонил повторно",
                   executor.get_full_name(), executor.last_name, appeal.text):
        assert secret not in body, secret
    assert f'action="{reverse("appeals_public:rate", args=[appeal.number, appeal.access_code])}"' in body


def test_a_wrong_code_looks_exactly_like_a_wrong_number(client, setup):
    appeal = register(setup)

    def page(number, code):
        response = client.post(TRACK, {"number": number, "access_code": code})
        return response.status_code, CSRF_INPUT.sub("", response.content.decode()).replace(number, "NUMBER")

    wrong_code = page(appeal.number, "ZZZZ2222")
    wrong_number = page("2099-000001", "ZZZZ2222")
    assert wrong_code == wrong_number
    assert wrong_code[0] == 404
    assert "No appeal matches this number and access code" in error_summary(wrong_code[1])
    assert 'href="#id_number"' in error_summary(wrong_code[1])
    rate = client.post(reverse("appeals_public:rate", args=[appeal.number, "ZZZZ2222"]), {"rating": 5, "satisfied": "yes"})
    assert rate.status_code == 404
    rate_url = reverse("appeals_public:rate", args=[appeal.number, "ZZZZ2222"])
    same_page = CSRF_INPUT.sub("", rate.content.decode()).replace(rate_url, TRACK).replace(appeal.number, "NUMBER")
    assert same_page == wrong_code[1]


def test_tracking_misses_are_limited_per_address(client, setup):
    appeal = register(setup)
    for attempt in range(20):
        response = client.post(TRACK, {"number": appeal.number, "access_code": f"WRONG{attempt:03d}"}, REMOTE_ADDR="10.5.5.5")
        assert response.status_code == 404
    response = client.post(TRACK, {"number": appeal.number, "access_code": appeal.access_code}, REMOTE_ADDR="10.5.5.5")
    assert response.status_code == 429
    assert appeal.access_code not in response.content.decode()
    assert client.post(TRACK, {"number": appeal.number, "access_code": appeal.access_code},
                       REMOTE_ADDR="10.6.6.6").status_code == 200


def test_the_confirmation_links_to_the_tracking_page(client, setup):
    response = submit(client, setup)
    done = client.get(response["Location"])
    link = re.search(r'href="(/appeal/track/\?t=[^"]+)"', done.content.decode()).group(1)
    page = client.get(link.replace("&amp;", "&"))
    assert page.status_code == 200
    assert Appeal.objects.get().number in page.content.decode()
    assert client.get(f"{TRACK}?t=forged").status_code == 200  # just the empty form


# Rating


def test_a_satisfied_applicant_closes_the_appeal(client, setup):
    appeal = answered(setup)
    url = reverse("appeals_public:rate", args=[appeal.number, appeal.access_code])
    response = client.post(url, {"rating": "5", "satisfied": "yes", "comment": ""})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED and appeal.rating == 5 and appeal.closed_on
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "The appeal is closed" in body and "You rated the answer" in body
    assert f'action="{url}"' not in body  # no second rating


def test_a_dissatisfied_applicant_reopens_the_appeal(client, setup):
    appeal = answered(setup)
    url = reverse("appeals_public:rate", args=[appeal.number, appeal.access_code])
    response = client.post(url, {"rating": "2", "satisfied": "no", "comment": "Вода так и не появилась"})
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_PROGRESS and appeal.rating == 2 and appeal.answered_on is None
    body = client.get(response["Location"]).content.decode()
    assert "has been reopened" in body and "Reopened at your request" in body and "Вода так и не появилась" in body


def test_a_rating_without_choices_shows_the_errors_and_changes_nothing(client, setup):
    appeal = answered(setup)
    response = client.post(reverse("appeals_public:rate", args=[appeal.number, appeal.access_code]), {})
    assert response.status_code == 200
    summary = error_summary(response.content.decode())
    assert 'href="#id_rating_0"' in summary and 'href="#id_satisfied_0"' in summary
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED and appeal.rating is None


def test_an_appeal_not_yet_answered_cannot_be_rated(client, setup):
    appeal = register(setup)
    response = client.post(reverse("appeals_public:rate", args=[appeal.number, appeal.access_code]),
                           {"rating": "5", "satisfied": "yes"})
    assert response.status_code == 200
    assert "Only an answered appeal can be rated" in error_summary(response.content.decode())
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ROUTED and appeal.rating is None
