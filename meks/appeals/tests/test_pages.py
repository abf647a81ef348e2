"""The contact-centre pages: who may open and do what, the operator's intake, the whole path of an appeal,
personal data in the list, the appeal page and the export, and the statistics of the demo."""

import datetime as dt
import html
import io
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from meks.accounts.models import User
from meks.accounts.services import role_assign, user_create
from meks.appeals import deadlines, services
from meks.appeals.choices import OPEN_STATUSES, AnswerStatus, AppealStatus, Channel, EventKind
from meks.appeals.models import Answer, Appeal, AppealEvent, Category, PersonalDataAccess
from meks.core.access import Role
from meks.core.testing.matrix import LOGIN, check_matrix
from meks.territory.models import Region

READING = {None: LOGIN, "operator": 200, "office": 200, "ministry": 200, "techoperator": 200, "akimat.karaganda": 200,
           "akimat.mangystau": 200, "utility": 200, "baiterek": 200, "bank": 404, "khc": 404, "contractor": 404,
           "manufacturer": 404}
INTAKE = {None: LOGIN, "contractor": 404, "akimat.karaganda": 404, "ministry": 404, "utility": 404,
          "operator": 200, "office": 200}
OUTSIDERS = {None: LOGIN, "contractor": 404, "akimat.mangystau": 404, "ministry": 404}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def appeals_demo(demo):
    """The demo accounts and the 850 demo appeals (no portfolio)."""
    from meks.demo.builder import build_demo_appeals

    build_demo_appeals()
    return {user.username: user for user in User.objects.all()}


def karaganda_appeal(users, **filters) -> Appeal:
    """An open appeal with Karaganda's akimat, its head (akimat.karaganda) as executor."""
    return (Appeal.objects.filter(organization=users["akimat.karaganda"].organization, status__in=OPEN_STATUSES,
                                  executor=users["akimat.karaganda"], **filters).order_by("pk").first())


def detail(appeal: Appeal, name: str = "appeal_detail", *args) -> str:
    return reverse(f"appeals:{name}", args=[appeal.pk, *args])


def appeal_state(appeal: Appeal):
    def state():
        fresh = Appeal.objects.get(pk=appeal.pk)
        return (fresh.status, fresh.organization_id, fresh.executor_id, fresh.due_date, fresh.version,
                AppealEvent.objects.filter(appeal=appeal).count(), Answer.objects.filter(appeal=appeal).count(),
                list(Answer.objects.filter(appeal=appeal).values_list("status", flat=True)))
    return state


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def english(*users):
    for user in users:
        user.language = "en"
        user.save(update_fields=["language"])


def clerk(users) -> User:
    """A member of Karaganda's akimat who is not its head."""
    user = user_create(actor=None, username="karaganda.clerk", password=None, organization=users["akimat.karaganda"].organization,
                       first_name="Асель", last_name="Исполнитель", check_password=False)
    role_assign(actor=None, user=user, role=Role.AKIMAT, regions=[Region.objects.get(kato="35")])
    return user


# Who may open what.

def test_reading_pages_matrix(client_for, appeals_demo):
    for name, query in (("dashboard", ""), ("appeal_list", ""), ("appeal_list", "?overdue=1&category=construction"),
                        ("appeal_list", "?open=1&due=3"), ("statistics", ""), ("export", ""), ("export", "?region=35")):
        check_matrix(client_for, "get", reverse(f"appeals:{name}") + query, expect=READING)


def test_intake_pages_are_for_the_contact_centre_and_the_project_office(client_for, appeals_demo):
    phone = Appeal.objects.order_by("pk").first().applicant_phone
    for url in (reverse("appeals:intake"), reverse("appeals:lookup") + f"?phone={phone}",
                reverse("appeals:project_search") + "?region=35&q=a"):
        check_matrix(client_for, "get", url, expect=INTAKE)
    data = {"applicant_phone": "+77015550011", "applicant_name": "Лесбеков Виктор", "category": "construction",
            "region": "35", "text": "Нет горячей воды."}
    check_matrix(client_for, "post", reverse("appeals:intake"), data,
                 expect={None: LOGIN, "contractor": 404, "akimat.karaganda": 404, "ministry": 404, "operator": 200},
                 state=lambda: (Appeal.objects.count(), AppealEvent.objects.count()))
    assert Appeal.objects.filter(applicant_phone="+77015550011").count() == 1


def test_an_appeal_is_seen_by_those_handling_it(client_for, appeals_demo):
    appeal = karaganda_appeal(appeals_demo)
    check_matrix(client_for, "get", detail(appeal), expect={
        **OUTSIDERS, "utility": 404, "baiterek": 404, "bank": 404,
        "operator": 200, "office": 200, "akimat.karaganda": 200})
    check_matrix(client_for, "get", reverse("appeals:appeal_detail", args=[999999]),
                 expect={None: LOGIN, "operator": 404, "office": 404})


def test_action_matrices(client_for, appeals_demo):
    users = appeals_demo
    appeal = karaganda_appeal(users)
    state = appeal_state(appeal)
    head = {**OUTSIDERS, "operator": 404, "office": 404}
    check_matrix(client_for, "post", detail(appeal, "note"), {"note": "Позвонить заявителю"},
                 expect={**OUTSIDERS, "akimat.karaganda": 302}, state=state)
    check_matrix(client_for, "post", detail(appeal, "assign"), {"executor": users["akimat.karaganda"].pk},
                 expect={**OUTSIDERS, "akimat.karaganda": 302}, state=state)
    limit = deadlines.extension_limit(appeal.registered_on)
    check_matrix(client_for, "post", detail(appeal, "extend"), {"new_due_date": limit.isoformat(), "reason": "Экспертиза"},
                 expect={**head, "akimat.karaganda": 302}, state=state)
    assert Appeal.objects.get(pk=appeal.pk).due_date == limit
    check_matrix(client_for, "post", detail(appeal, "answer"), {"text": "Ответ по существу", "needs_approval": "on"},
                 expect={**head, "akimat.karaganda": 302}, state=state)
    draft = appeal.answers.get(status=AnswerStatus.DRAFT)
    check_matrix(client_for, "post", detail(appeal, "answer_approve", draft.pk), {},
                 expect={**head, "akimat.karaganda": 302}, state=state)
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.ANSWERED
    check_matrix(client_for, "post", detail(appeal, "close"), {"note": ""},
                 expect={**OUTSIDERS, "akimat.karaganda": 302}, state=state)
    assert Appeal.objects.get(pk=appeal.pk).status == AppealStatus.CLOSED
    other = karaganda_appeal(users)
    mangystau = users["akimat.mangystau"].organization
    check_matrix(client_for, "post", detail(other, "forward"), {"organization": mangystau.pk, "note": "Не наш регион"},
                 expect={**OUTSIDERS, "operator": 302}, state=appeal_state(other))
    other.refresh_from_db()
    assert other.organization == mangystau and other.executor is None
    check_matrix(client_for, "get", detail(other), expect={"akimat.karaganda": 404, "akimat.mangystau": 200})
    for name in ("note", "assign", "extend", "answer", "close", "forward"):
        assert login(users["operator"]).get(detail(other, name)).status_code == 405


def test_a_refused_action_shows_why_and_changes_nothing(appeals_demo):
    users = appeals_demo
    english(users["akimat.karaganda"])
    appeal = karaganda_appeal(users)
    state = appeal_state(appeal)()
    client = login(users["akimat.karaganda"])
    limit = deadlines.extension_limit(appeal.registered_on)
    response = client.post(detail(appeal, "extend"), {"new_due_date": (limit + dt.timedelta(days=1)).isoformat(),
                                                      "reason": "Экспертиза"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "An extension may reach at most two months from registration" in page
    assert 'id="extend_new_due_date"' in page and "error-summary" in page
    assert "Nothing was changed" in " ".join(messages_of(response))
    response = client.post(detail(appeal, "note"), {"note": "  "})
    assert "Write the note." in response.content.decode()
    assert appeal_state(appeal)() == state


# The operator's intake.

def field_order(html: str) -> list[str]:
    form = html[html.index('<form method="post" action="/appeals/new/"'):]
    form = form[:form.index("</form>")]
    order = []
    for tag in re.finditer(r"<(input|select|textarea|button)\b([^>]*)>", form):
        attrs = tag.group(2)
        if 'type="hidden"' in attrs:
            continue
        assert "tabindex" not in attrs
        name = re.search(r'name="([^"]+)"', attrs)
        order.append(name.group(1) if name else tag.group(1))
    return order


def test_intake_is_keyboard_first(appeals_demo):
    client = login(appeals_demo["operator"])
    page = client.get(reverse("appeals:intake")).content.decode()
    assert field_order(page)[:8] == ["applicant_phone", "applicant_iin", "applicant_name", "category", "region", "project",
                                     "text", "button"]
    phone = re.search(r'<input[^>]*name="applicant_phone"[^>]*>', page).group(0)
    assert "autofocus" in phone and 'hx-get="/appeals/lookup/"' in phone
    project = re.search(r'<input[^>]*name="project"[^>]*>', page).group(0)
    assert 'list="project-options"' in project and 'hx-get="/appeals/projects/"' in project
    assert '<datalist id="project-options">' in page
    assert "<script" not in page.split("</head>")[1] and "style=" not in page


def test_lookup_shows_earlier_appeals_and_fills_in_the_name(appeals_demo):
    users = appeals_demo
    earlier = Appeal.objects.exclude(applicant_iin="").order_by("pk").first()
    client = login(users["operator"])
    response = client.get(reverse("appeals:lookup"), {"phone": earlier.applicant_phone}, **HTMX)
    page = response.content.decode()
    assert earlier.number in page and earlier.applicant_name in page
    name_input = re.search(r'<input[^>]*id="id_applicant_name"[^>]*>', page).group(0)
    assert 'hx-swap-oob="true"' in name_input and f'value="{earlier.applicant_name}"' in name_input
    by_iin = client.get(reverse("appeals:lookup"), {"iin": earlier.applicant_iin}).content.decode()
    assert earlier.number in by_iin
    assert PersonalDataAccess.objects.filter(user=users["operator"], appeal=earlier, channel="intake").count() == 2
    # The name the operator has typed is kept; a partial phone finds nothing yet; an unknown one says so.
    typed = client.get(reverse("appeals:lookup"), {"applicant_phone": earlier.applicant_phone,
                                                    "applicant_name": "Другое имя"}).content.decode()
    assert earlier.number in typed and "hx-swap-oob" not in typed
    assert earlier.number not in client.get(reverse("appeals:lookup"), {"phone": earlier.applicant_phone[:6]}).content.decode()
    assert 'data-lookup="none"' in client.get(reverse("appeals:lookup"), {"phone": "+77770000001"}).content.decode()
    # The project office may register but not see personal data: masked names, nothing filled in.
    office = login(users["office"]).get(reverse("appeals:lookup"), {"phone": earlier.applicant_phone}).content.decode()
    assert earlier.number in office and earlier.applicant_name not in office and "hx-swap-oob" not in office


def test_register_by_phone_shows_the_slip(appeals_demo):
    users = appeals_demo
    english(users["operator"])
    client = login(users["operator"])
    before = Appeal.objects.count()
    response = client.post(reverse("appeals:intake"), {
        "applicant_phone": "8 701 555 00 11", "applicant_iin": "", "applicant_name": "Байжанов Тимур",
        "category": "construction", "region": "35", "project": "", "text": "Третью неделю раскопана улица.",
    }, **HTMX)
    assert response.status_code == 200
    assert Appeal.objects.count() == before + 1
    appeal = Appeal.objects.get(applicant_name="Байжанов Тимур")
    assert appeal.channel == Channel.PHONE and appeal.accepted_by == users["operator"]
    assert appeal.applicant_phone == "+77015550011" and appeal.organization == users["akimat.karaganda"].organization
    page = response.content.decode()
    assert "<html" not in page  # htmx: the working area only, no page reload
    slip = page[page.index('data-slip="'):page.index("</section>")]
    assert appeal.number in slip and appeal.access_code in slip
    assert users["operator"].get_full_name() in slip
    assert appeal.registered_on.strftime("%d.%m.%Y") in slip and appeal.due_date.strftime("%d.%m.%Y") in slip
    # A fresh form for the next call, the phone focused again.
    assert re.search(r'<input[^>]*name="applicant_phone"[^>]*autofocus', page)
    # Without htmx the whole page comes back with the slip.
    full = client.post(reverse("appeals:intake"), {"applicant_phone": "+77015550012", "applicant_name": "Лесбекова Ольга",
                                                   "category": "tariffs", "region": "47", "text": "Тариф вырос."})
    assert "<html" in full.content.decode() and Appeal.objects.get(applicant_name="Лесбекова Ольга").number in full.content.decode()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("applicant_phone", "123", "Give the phone as +7 followed by 10 digits."),
    ("applicant_phone", "", "Give the caller's phone."),
    ("applicant_iin", "900101300008", "Invalid IIN"),
    ("text", " ", "Write the text of the appeal."),
    ("applicant_name", "", "Give the applicant's name."),
    ("text", "я" * 5001, "The text is too long: at most 5000 characters."),
])
def test_intake_refuses_bad_input_at_its_field(appeals_demo, field, value, message):
    users = appeals_demo
    english(users["operator"])
    data = {"applicant_phone": "+77015550011", "applicant_iin": "900101300007", "applicant_name": "Байжанов Тимур",
            "category": "construction", "region": "35", "text": "Раскопана улица.", field: value}
    before = (Appeal.objects.count(), AppealEvent.objects.count())
    response = login(users["operator"]).post(reverse("appeals:intake"), data, **HTMX)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200 and message in page and "error-summary" in page
    assert 'data-slip="' not in page
    assert re.search(rf'<input[^>]*name="{field}"[^>]*autofocus|<textarea[^>]*name="{field}"[^>]*autofocus', page)
    assert (Appeal.objects.count(), AppealEvent.objects.count()) == before


def test_project_search_is_limited_to_the_chosen_region(portfolio_demo):
    from meks.demo.builder import build_demo_appeals
    from meks.portfolio.models import Project

    build_demo_appeals()
    operator = User.objects.get(username="operator")
    client = login(operator)
    karaganda = Project.objects.filter(region__kato="35").order_by("code").first()
    elsewhere = Project.objects.exclude(region__kato="35").order_by("code").first()
    page = client.get(reverse("appeals:project_search"), {"region": "35", "q": karaganda.code}, **HTMX).content.decode()
    assert f'<option value="{karaganda.code}">' in page and elsewhere.code not in page
    words = karaganda.title_ru.split()[0]
    by_title = client.get(reverse("appeals:project_search"), {"region": "35", "project": words}).content.decode()
    assert karaganda.code in by_title
    codes = re.findall(r'value="([^"]+)"', client.get(reverse("appeals:project_search"), {"region": "35"}).content.decode())
    assert codes and set(Project.objects.filter(code__in=codes).values_list("region__kato", flat=True)) == {"35"}
    assert "option" not in client.get(reverse("appeals:project_search"), {"q": karaganda.code}).content.decode()
    data = {"applicant_phone": "+77015550011", "applicant_name": "Байжанов Тимур", "category": "construction",
            "region": "35", "text": "Когда закончат работы?"}
    response = client.post(reverse("appeals:intake"), {**data, "project": elsewhere.code}, **HTMX)
    assert "error-summary" in response.content.decode() and not Appeal.objects.filter(applicant_phone="+77015550011").exists()
    client.post(reverse("appeals:intake"), {**data, "project": karaganda.code}, **HTMX)
    assert Appeal.objects.get(applicant_phone="+77015550011").project == karaganda


# The whole path by the pages.

def test_register_assign_extend_answer_approve_close(appeals_demo, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    users = appeals_demo
    executor = clerk(users)
    head = users["akimat.karaganda"]
    english(users["operator"], head, executor)
    operator = login(users["operator"])
    operator.post(reverse("appeals:intake"), {
        "applicant_phone": "+77015550011", "applicant_iin": "900101300007", "applicant_name": "Байжанов Тимур",
        "category": "construction", "region": "35", "text": "Третью неделю раскопана улица, нет горячей воды."})
    appeal = Appeal.objects.get(applicant_phone="+77015550011")
    assert appeal.status == AppealStatus.ROUTED

    head_client = login(head)
    page = head_client.get(detail(appeal)).content.decode()
    assert 'data-action="assign"' in page and 'data-action="extend"' in page and 'data-action="answer"' not in page
    assert deadlines.extension_limit(appeal.registered_on).strftime("%d.%m.%Y") in page
    response = head_client.post(detail(appeal, "assign"), {"executor": executor.pk}, follow=True)
    assert "The executor was assigned." in messages_of(response)
    limit = deadlines.extension_limit(appeal.registered_on)
    response = head_client.post(detail(appeal, "extend"), {"new_due_date": limit.isoformat(),
                                                           "reason": "Нужно заключение экспертизы"}, follow=True)
    assert "The deadline was extended; the applicant will be told." in messages_of(response)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.IN_PROGRESS and appeal.executor == executor and appeal.due_date == limit

    clerk_client = login(executor)
    page = clerk_client.get(detail(appeal)).content.decode()
    assert 'data-action="answer"' in page and 'data-action="extend"' not in page
    assert "Байжанов Тимур" in page  # the executor sees the applicant
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = clerk_client.post(detail(appeal, "answer"), {
        "text": "Работы завершат до 1 декабря, горячую воду дадут 25 ноября.", "needs_approval": "on",
        "attachment": SimpleUploadedFile("ответ.pdf", b"%PDF-1.4 demo", content_type="application/pdf")}, follow=True)
    assert "The answer is waiting for the head's approval." in messages_of(response)
    answer = appeal.answers.get()
    assert answer.status == AnswerStatus.DRAFT and answer.attachment
    assert clerk_client.get(detail(appeal, "answer_attachment", answer.pk)).status_code == 200

    response = head_client.post(detail(appeal, "answer_approve", answer.pk), follow=True)
    assert "The answer was approved and sent to the applicant." in messages_of(response)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.ANSWERED
    response = operator.post(detail(appeal, "close"), {"note": "Заявитель доволен"}, follow=True)
    assert "The appeal was closed." in messages_of(response)
    appeal.refresh_from_db()
    assert appeal.status == AppealStatus.CLOSED
    page = operator.get(detail(appeal)).content.decode()
    kinds = list(appeal.events.values_list("kind", flat=True))
    assert kinds == [EventKind.REGISTERED, EventKind.ROUTED, EventKind.ASSIGNED, EventKind.EXTENDED, EventKind.ANSWERED,
                     EventKind.CLOSED]
    for kind in kinds:
        assert f'data-event="{kind}"' in page
    assert page.count("journal__entry--internal") == 1  # the assignment is internal; the rest the applicant sees


def test_forwarding_on_time_is_shown(appeals_demo):
    users = appeals_demo
    english(users["operator"])
    appeal = karaganda_appeal(users)
    services.appeal_forward(actor=users["operator"], appeal=appeal, organization=users["office"].organization,
                            note="Вопрос проектного офиса")
    page = login(users["operator"]).get(detail(appeal)).content.decode()
    on_time = appeal.forward_due_date >= timezone.localdate()
    assert ('data-forward="on_time"' in page) == on_time and ('data-forward="late"' in page) == (not on_time)


# Personal data in the list, the appeal page and the export.

def applicant_cell(page: str, number: str) -> str:
    row = page[page.index(f'data-appeal="{number}"'):]
    return row[:row.index("</tr>")]


def export_rows(client: Client, query: str) -> list[dict]:
    response = client.get(reverse("appeals:export") + query)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_personal_data_for_each_role(appeals_demo):
    users = appeals_demo
    for user in users.values():
        english(user)
    appeal = karaganda_appeal(users)
    query = f"?q={appeal.number}"
    seen = {"operator": True, "akimat.karaganda": True, "office": False, "techoperator": None, "akimat.mangystau": None,
            "ministry": None}
    for username, shown in seen.items():
        client = login(users[username])
        page = client.get(reverse("appeals:appeal_list") + query).content.decode()
        if shown is None:  # the appeal is not theirs to see at all
            assert f'data-appeal="{appeal.number}"' not in page
            assert client.get(detail(appeal)).status_code == 404
            assert export_rows(client, query) == []
            continue
        cell = applicant_cell(page, appeal.number)
        assert (appeal.applicant_name in cell) == shown and (appeal.applicant_phone in cell) == shown, username
        assert ('data-masked="1"' in cell) == (not shown)
        page = client.get(detail(appeal)).content.decode()
        assert (appeal.applicant_name in page) == shown and (appeal.applicant_phone in page) == shown
        if appeal.applicant_iin:
            assert (appeal.applicant_iin in page) == shown
        assert (appeal.access_code in page) == (username == "operator")
        [row] = export_rows(client, query)
        assert (row["Applicant"] == appeal.applicant_name) == shown
        assert (row["Phone"] == appeal.applicant_phone) == shown
        assert row["Number"] == appeal.number
    log = sorted(PersonalDataAccess.objects.filter(appeal=appeal).values_list("user__username", "channel"))
    assert log == sorted([("operator", "list"), ("operator", "page"), ("operator", "export"),
                          ("akimat.karaganda", "list"), ("akimat.karaganda", "page"), ("akimat.karaganda", "export")])


def test_export_keeps_the_filters_and_logs_each_unmasked_row(appeals_demo):
    users = appeals_demo
    english(users["operator"], users["office"])
    operator = login(users["operator"])
    query = "?category=construction&region=35"
    listed = operator.get(reverse("appeals:appeal_list") + query).context["page"].paginator.count
    rows = export_rows(operator, query)
    assert len(rows) == listed == Appeal.objects.filter(category__code="construction", region__kato="35").count() > 0
    assert PersonalDataAccess.objects.filter(user=users["operator"], channel="export").count() == listed
    office_rows = export_rows(login(users["office"]), query)
    assert len(office_rows) == listed
    assert all(row["Applicant"].endswith(".") for row in office_rows)  # initials only
    assert not PersonalDataAccess.objects.filter(user=users["office"]).exists()


def test_list_filters_by_htmx(appeals_demo):
    client = login(appeals_demo["operator"])
    response = client.get(reverse("appeals:appeal_list") + "?channel=portal&overdue=1", **HTMX)
    page = response.content.decode()
    assert "<html" not in page and 'id="export-link"' in page and "channel=portal" in page
    expected = Appeal.objects.filter(channel=Channel.PORTAL, status__in=OPEN_STATUSES, due_date__lt=timezone.localdate())
    assert response.context["page"].paginator.count == expected.count()


# The dashboard and the statistics.

def test_dashboard_tiles_agree_with_the_list(appeals_demo):
    client = login(appeals_demo["operator"])
    figures = client.get(reverse("appeals:dashboard")).context["figures"]
    for query, key in (("?open=1", "open"), ("?overdue=1", "overdue"), ("?due=3", "due_soon"),
                       (f"?answered={timezone.localdate():%Y-%m}", "answered_month")):
        assert client.get(reverse("appeals:appeal_list") + query).context["page"].paginator.count == figures[key], key
    assert figures["open"] > 0 and figures["overdue"] > 0 and figures["total"] == 850
    head = login(appeals_demo["akimat.karaganda"]).get(reverse("appeals:dashboard"))
    assert head.context["figures"]["mine"] == len(head.context["mine"]) > 0
    assert b"mine-title" in head.content


def test_statistics_show_the_demo_contact_centre(appeals_demo):
    response = login(appeals_demo["office"]).get(reverse("appeals:statistics"))
    page = response.content.decode()
    assert response.context["stats"]["total"] == 850
    assert re.search(r'data-tile="total"><span class="tile__value">850<', page)
    assert sum(row["count"] for row in response.context["by_category"]) == 850
    assert sum(row["count"] for row in response.context["by_region"]) == 850
    assert len(response.context["chart"]["columns"]) >= 12 and "<svg" in page
    assert Category.objects.get(code="construction").name in page
    # An akimat sees its own appeals' statistics only.
    akimat = login(appeals_demo["akimat.karaganda"]).get(reverse("appeals:statistics")).context["stats"]["total"]
    assert 0 < akimat < 850
