"""The public portal as a visitor with no account sees it: every page, every language, no personal data."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meks.accounts.models import User
from meks.portal import selectors
from meks.portfolio.models import Milestone, Project

OUTSIDE = re.compile(r"""(?:src|href|action|content)\s*=\s*["'](?:https?:)?//(?!testserver)""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"""\sstyle\s*=""", re.I)
LANGUAGES = [code for code, _name in settings.LANGUAGES]


def _client(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _urls() -> list[str]:
    public = selectors.public_projects().order_by("code")
    first = public.first()
    late = public.filter(pk__in=Milestone.objects.filter(actual_date__isnull=True).values("project")).last()
    return [
        reverse("portal:index"),
        reverse("portal:map"),
        reverse("portal:map") + "?figure=zone",
        reverse("portal:map") + "?figure=investment",
        reverse("portal:region_detail", args=[first.region.kato]),
        reverse("portal:region_detail", args=["71"]),
        reverse("portal:project_list"),
        reverse("portal:project_list") + f"?region={first.region.kato}&status={first.status}&page=2",
        reverse("portal:project_detail", args=[first.code]),
        reverse("portal:project_detail", args=[late.code]),
    ]


def _personal_data() -> set[str]:
    """Names, e-mails and phones of every person in the demo, responsible officials of projects included."""
    found = set()
    for user in User.objects.all():
        for value in (user.get_full_name(), user.last_name, user.email, user.phone):
            if value and len(value) > 3:
                found.add(value)
    return found


@pytest.fixture
def public_demo(finance_demo):
    return finance_demo


def test_every_page_renders_in_every_language_without_personal_data(public_demo):
    """One test for all three languages: the demo portfolio is costly to build."""
    assert Project.objects.filter(responsible__isnull=False, status__in=selectors.PUBLIC_STATUSES).exists()
    personal = _personal_data()
    assert len(personal) > 20
    checked = 0
    for language, url in [(language, url) for language in LANGUAGES for url in _urls()]:
        client = _client(language)
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        body = response.content.decode()
        assert f'<html lang="{language}"' in body, url
        assert not OUTSIDE.search(body), (url, OUTSIDE.search(body).group(0))
        assert not INLINE_SCRIPT.search(body), url
        assert not INLINE_STYLE.search(body), url
        leaked = [value for value in personal if value in body]
        assert not leaked, (url, leaked)
        assert not response.cookies, (url, response.cookies)
        checked += 1
    assert checked == 3 * 10
    _index_shows_the_published_figures()
    _only_published_projects_have_cards()


def _index_shows_the_published_figures():
    body = _client("en").get(reverse("portal:index")).content.decode()
    pipeline = selectors.pipeline()
    total = sum(row["count"] for row in pipeline)
    assert total == Project.objects.filter(status__in=selectors.PUBLIC_STATUSES).count() > 0
    assert f"{total} projects" in body
    assert 'data-table="targets"' in body
    assert 'data-table="financing"' in body
    assert "Open tenders and the catalogue of domestic producers" in body


def _only_published_projects_have_cards():
    hidden = Project.objects.exclude(status__in=selectors.PUBLIC_STATUSES).first()
    assert hidden is not None
    client = _client("en")
    assert client.get(reverse("portal:project_detail", args=[hidden.code])).status_code == 404
    assert client.get(reverse("portal:project_detail", args=["NO-SUCH"])).status_code == 404
    assert client.get(reverse("portal:region_detail", args=["99"])).status_code == 404
    body = client.get(reverse("portal:project_list") + "?region=" + hidden.region.kato).content.decode()
    assert f">{hidden.code}<" not in body


def test_the_second_request_is_served_from_the_cache(portfolio_demo):
    client = _client("ru")
    url = reverse("portal:project_list")
    with CaptureQueriesContext(connection) as first:
        body_first = client.get(url).content
    with CaptureQueriesContext(connection) as second:
        body_second = client.get(url).content
    assert len(first) > 3
    assert len(second) == 0
    assert body_first == body_second
    # another language is another page
    english = _client("en").get(url).content.decode()
    assert '<html lang="en"' in english


def test_language_switch_sets_only_the_language_cookie(db):
    client = Client()
    response = client.get(reverse("portal:language", args=["kk"]) + "?next=/portal/projects/")
    assert response.status_code == 302
    assert response["Location"] == "/portal/projects/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "kk"
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.get(reverse("portal:language", args=["kk"]) + "?next=https://evil.example/")["Location"] == "/portal/"
    body = client.get(reverse("portal:index")).content.decode()
    assert '<html lang="kk"' in body


def test_pages_are_public_and_read_only(db):
    client = Client()
    response = client.get(reverse("portal:index"))
    assert response.status_code == 200
    assert not response.cookies
    assert client.post(reverse("portal:index")).status_code in (403, 405)
