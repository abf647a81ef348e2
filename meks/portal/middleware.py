"""Answer a public portal page from the cache before the rest of the middleware runs.

A portal page is the same for every anonymous visitor who reads it in the same language, and its whole answer
(body and headers, the security headers included) is kept once the full stack has produced it. A later
anonymous request for the same path, query string and language is answered from that copy here, right after
the static files: sessions, authentication, CSRF, the content security policy builder, URL resolution and the
view are skipped, which is most of what a cached page used to cost.

Only plain anonymous reads take the shortcut: a GET under the portal's prefix carrying no session, message or
authorization. Everything else (a signed-in visitor, whose own language may differ, a form, the API) takes the
ordinary path, where the view's own cache (``meks.portal.views.public_page``) still saves the rendering. The
language is the one Django's locale middleware would choose for an anonymous visitor: the language cookie,
then the browser's ``Accept-Language``, then the default.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from .caching import CACHE_SECONDS, page_cache_key

#: Cookies that make a request personal: it then takes the ordinary path.
PERSONAL_COOKIES = ("messages",)
#: Headers never replayed from the cache (they belong to one answer).
NOT_REPLAYED = {"set-cookie", "date", "server"}


class PublicPageCacheMiddleware:
    """Serve cached portal pages to anonymous visitors; keep the answers the views mark as public."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @cached_property
    def prefix(self) -> str:
        return reverse("portal:index")

    def _anonymous_read(self, request: HttpRequest) -> bool:
        if request.method != "GET" or not request.path.startswith(self.prefix):
            return False
        if "HTTP_AUTHORIZATION" in request.META:
            return False
        cookies = request.COOKIES
        return settings.SESSION_COOKIE_NAME not in cookies and not any(name in cookies for name in PERSONAL_COOKIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self._anonymous_read(request):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        key = page_cache_key(request, language, whole=True)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            return HttpResponse(content, headers=headers)
        response = self.get_response(request)
        if (getattr(response, "public_page_language", None) == language and response.status_code == 200
                and not response.cookies and not response.streaming):
            headers = {name: value for name, value in response.items() if name.lower() not in NOT_REPLAYED}
            cache.set(key, (response.content, headers), CACHE_SECONDS)
        return response
