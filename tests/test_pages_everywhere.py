"""Every page, as every demo account, in every language.

It renders, refers to no outside host, and carries no inline script (the content security policy forbids
it).
"""

import re

import pytest
from django.conf import settings
from django.urls import reverse

from meks.accounts.models import Organization
from meks.demo.accounts import DEMO_ACCOUNTS
from meks.territory.models import Settlement

OUTSIDE = re.compile(r"""(?:src|href|action|content)\s*=\s*["'](?:https?:)?//(?!testserver)""", re.I)
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)


def page_urls(username):
    urls = ["/", reverse("accounts:profile"), reverse("territory:region_list"), reverse("territory:settlement_list"),
            reverse("accounts:organization_list")]
    if username == "akimat.karaganda":
        town = Settlement.objects.get(name_en="Temirtau")
        urls += [reverse("territory:region_detail", args=["35"]), reverse("territory:settlement_detail", args=[town.pk]),
                 reverse("territory:settlement_edit", args=[town.pk])]
    if username == "office":
        organization = Organization.objects.get(kind="utility")
        urls += [reverse("accounts:organization_detail", args=[organization.pk]),
                 reverse("accounts:organization_edit", args=[organization.pk]), "/admin/"]
    return urls


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_every_page_renders_locally_in_every_language(client_for, demo, language):
    checked = 0
    for account in DEMO_ACCOUNTS:
        client = client_for(account.username)
        demo[account.username].language = language
        demo[account.username].save(update_fields=["language"])
        for url in page_urls(account.username):
            response = client.get(url)
            assert response.status_code == 200, (account.username, url, response.status_code)
            body = response.content.decode()
            assert f'<html lang="{language}"' in body or url.startswith("/admin/"), (account.username, url)
            assert not OUTSIDE.search(body), (account.username, url, OUTSIDE.search(body).group(0))
            assert not INLINE_SCRIPT.search(body), (account.username, url, INLINE_SCRIPT.search(body).group(0))
            assert "default-src 'self'" in response.headers["Content-Security-Policy"]
            checked += 1
    assert checked == 5 * len(DEMO_ACCOUNTS) + 3 + 3


def test_anonymous_pages_are_local_too(client):
    for url in [reverse("accounts:login"), "/no-such-page/"]:
        body = client.get(url).content.decode()
        assert not OUTSIDE.search(body), url
        assert not INLINE_SCRIPT.search(body), url


def test_healthz_answers_200_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


def test_healthz_answers_503_when_the_database_does_not(client, db, monkeypatch):
    class UnreachableDatabase:
        def cursor(self):
            raise ConnectionError("database down")

    monkeypatch.setattr("meks.core.views.connection", UnreachableDatabase())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "down"}
