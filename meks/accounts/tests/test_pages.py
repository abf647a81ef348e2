import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.test import Client
from django.urls import reverse

from meks.accounts.models import Organization
from meks.core.testing.matrix import LOGIN, check_matrix, snapshot


@pytest.fixture
def karaganda_utility(demo):
    return Organization.objects.get(name_en__startswith="Karaganda Energy Networks")


def test_login_page_lists_the_demo_accounts(db):
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "akimat.karaganda" in page
    assert 'autocomplete="current-password"' in page


def test_login_logout_and_records(demo):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "office", "password": "demo"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert AccessLog.objects.filter(username="office").count() == 1
    assert client.get("/").status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get("/").status_code == 302


def test_failed_logins_are_recorded_and_lock_out(demo, settings):
    client = Client()
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "bank", "password": "wrong"})
    assert AccessFailureLog.objects.filter(username="bank").count() == settings.AXES_FAILURE_LIMIT
    assert AccessAttempt.objects.get(username="bank").failures_since_start == settings.AXES_FAILURE_LIMIT
    locked = client.post(reverse("accounts:login"), {"username": "bank", "password": "demo"})
    assert locked.status_code == 429
    assert "accounts/locked_out.html" in [t.name for t in locked.templates]


PORTFOLIO = {"dashboard", "projects", "rating", "assignments"}
NAVIGATION = {
    "office": {"home", "regions", "settlements", "organizations", "admin", "appeals", "indicators"} | PORTFOLIO,
    "akimat.karaganda": {"home", "my_region", "regions", "settlements", "organizations", "appeals", "indicators"} | PORTFOLIO,
    "utility": {"home", "my_organization", "regions", "settlements", "organizations", "appeals"} | PORTFOLIO,
    "operator": {"home", "my_organization", "regions", "settlements", "organizations", "appeals"}
                | (PORTFOLIO - {"assignments"}),
    "contractor": {"home", "my_organization", "regions", "settlements", "organizations"},
    "bank": {"home", "my_organization", "regions", "settlements", "organizations", "assignments", "indicators"},
}
# Financing: the roles that handle financing applications (project office, akimat, utility, bank …).
for _username in ("office", "akimat.karaganda", "utility", "bank"):
    NAVIGATION[_username] = NAVIGATION[_username] | {"finance"}
# Water and heat metering: the national bodies, akimats and utilities.
for _username in ("office", "akimat.karaganda", "utility"):
    NAVIGATION[_username] = NAVIGATION[_username] | {"metering"}
# Procurement: the customer side, the national bodies and the contractors.
for _username in ("office", "akimat.karaganda", "utility", "contractor"):
    NAVIGATION[_username] = NAVIGATION[_username] | {"procurement"}
# The project office briefing: the national bodies and the akimats.
for _username in ("office", "akimat.karaganda"):
    NAVIGATION[_username] = NAVIGATION[_username] | {"briefing"}
# The domestic producer catalogue is public: every signed-in role has it in the menu.
for _username in NAVIGATION:
    NAVIGATION[_username] = NAVIGATION[_username] | {"producers"}


@pytest.mark.parametrize("username", sorted(NAVIGATION))
def test_each_role_sees_its_own_navigation(client_for, username):
    menu = client_for(username).get("/").context["main_menu"]
    assert {entry["key"] for entry in menu} == NAVIGATION[username]


def test_user_without_roles_sees_nothing(db):
    from meks.accounts.services import user_create

    user = user_create(actor=None, username="norole", password="Very-long-pass-123", organization=None)
    client = Client()
    client.force_login(user)
    assert client.get("/").context["main_menu"] == []
    assert client.get(reverse("territory:region_list")).context["regions"].count() == 0
    assert client.get(reverse("accounts:organization_list")).context["page"].paginator.count == 0


def test_organization_pages_matrix(client_for, karaganda_utility):
    url = reverse("accounts:organization_detail", args=[karaganda_utility.pk])
    check_matrix(client_for, "get", url, expect={
        None: LOGIN, "office": 200, "akimat.karaganda": 200, "utility": 200, "akimat.mangystau": 404,
    })
    akimat_karaganda = Organization.objects.get(kind="akimat", region__kato="35")
    check_matrix(client_for, "get", reverse("accounts:organization_detail", args=[akimat_karaganda.pk]),
                 expect={"akimat.mangystau": 404, "akimat.karaganda": 200})


def test_organization_edit_matrix(client_for, karaganda_utility):
    url = reverse("accounts:organization_edit", args=[karaganda_utility.pk])
    state = lambda: snapshot(Organization.objects.filter(pk=karaganda_utility.pk))  # noqa: E731
    data = {"phone": "+7 7212 000000", "address": "Караганда", "email": "", "version": 1}
    check_matrix(client_for, "post", url, data, state=state, expect={
        None: LOGIN, "akimat.mangystau": 404, "akimat.karaganda": 404, "contractor": 404,
    })
    check_matrix(client_for, "post", url, data, expect={"utility": 302})
    karaganda_utility.refresh_from_db()
    assert karaganda_utility.phone == "+7 7212 000000"
    assert karaganda_utility.history.first().history_user.username == "utility"


def test_member_may_not_change_its_own_organizations_name(client_for, karaganda_utility):
    form = client_for("utility").get(reverse("accounts:organization_edit", args=[karaganda_utility.pk])).context["form"]
    assert set(form.fields) == {"address", "phone", "email", "version", "reason"}


def test_language_choice_is_remembered_on_the_account(client_for, demo):
    client = client_for("ministry")
    response = client.post(reverse("accounts:set_language"), {"language": "kk", "next": "/territory/regions/"})
    assert response.status_code == 302
    assert response["Location"] == "/territory/regions/"
    demo["ministry"].refresh_from_db()
    assert demo["ministry"].language == "kk"
    fresh = Client()
    fresh.force_login(demo["ministry"])
    page = fresh.get("/")
    assert page.headers["Content-Language"] == "kk"
    assert '<html lang="kk">' in page.content.decode()


def test_language_switch_refuses_an_outside_redirect(client_for):
    response = client_for("ministry").post(reverse("accounts:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_password_policy(db):
    from django.core.exceptions import ValidationError

    from meks.accounts.services import user_create

    with pytest.raises(ValidationError) as error:
        user_create(actor=None, username="weak", password="alllowercaseletters", organization=None)
    assert "upper-case" in " ".join(error.value.messages)


def test_logging_in_writes_no_history_but_a_language_change_does(demo):
    user = demo["khc"]
    before = user.history.count()
    client = Client()
    client.post(reverse("accounts:login"), {"username": "khc", "password": "demo"})
    user.refresh_from_db()
    assert user.last_login is not None
    assert user.history.count() == before
    client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
    latest = user.history.order_by("-history_id").first()
    assert user.history.count() == before + 1
    assert latest.language == "en"
