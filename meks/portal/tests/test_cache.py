"""The anonymous page cache: whole answers replayed before the middleware stack, per language, never personal."""

from unittest import mock

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

#: Headers the full stack puts on a portal page, which a replayed answer must carry too.
STACK_HEADERS = ("Content-Security-Policy", "X-Frame-Options", "Content-Language", "Cache-Control",
                 "X-Content-Type-Options")


def _anonymous(language: str | None = None, **headers) -> Client:
    client = Client(**headers)
    if language:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def test_an_anonymous_page_is_replayed_whole_without_reaching_the_view(demo):
    url = reverse("portal:project_list")
    first = _anonymous("ru").get(url)
    assert first.status_code == 200
    assert all(first.has_header(name) for name in STACK_HEADERS), dict(first.items())
    # The view's own cache key is never asked for: the answer comes from the middleware, with no query.
    with mock.patch("meks.portal.views.page_cache_key", side_effect=AssertionError("the view ran")), \
            CaptureQueriesContext(connection) as queries:
        again = _anonymous("ru").get(url)
    assert len(queries) == 0
    assert again.status_code == 200
    assert again.content == first.content
    assert {name: again[name] for name in STACK_HEADERS} == {name: first[name] for name in STACK_HEADERS}
    assert again["Content-Language"] == "ru"
    assert not again.cookies


def test_each_language_is_its_own_page(demo):
    url = reverse("portal:index")
    assert '<html lang="ru"' in _anonymous("ru").get(url).content.decode()
    kazakh = _anonymous("kk").get(url)
    assert '<html lang="kk"' in kazakh.content.decode()
    assert kazakh["Content-Language"] == "kk"
    english = _anonymous(HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").get(url)
    assert '<html lang="en"' in english.content.decode()
    # replayed, still in the language asked for
    with mock.patch("meks.portal.views.page_cache_key", side_effect=AssertionError("the view ran")):
        assert '<html lang="kk"' in _anonymous("kk").get(url).content.decode()
        assert '<html lang="en"' in _anonymous(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
        assert '<html lang="ru"' in _anonymous().get(url).content.decode()


def test_a_signed_in_visitor_takes_the_ordinary_path_in_the_language_of_the_account(demo):
    url = reverse("portal:index")
    assert '<html lang="ru"' in _anonymous("ru").get(url).content.decode()
    user = demo["office"]
    user.language = "en"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    body = client.get(url).content.decode()
    assert '<html lang="en"' in body


def test_errors_and_other_paths_are_not_kept(demo):
    missing = reverse("portal:project_detail", args=["NO-SUCH"])
    assert _anonymous("ru").get(missing).status_code == 404
    with CaptureQueriesContext(connection) as queries:
        assert _anonymous("ru").get(missing).status_code == 404
    assert len(queries) > 0
    # a POST is never answered from the cache
    _anonymous("ru").get(reverse("portal:index"))
    assert _anonymous("ru").post(reverse("portal:index")).status_code in (403, 405)
