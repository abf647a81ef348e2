"""How long the portal's pages are kept and under which key (per path, query string and language)."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest

#: Seconds a page is kept: the figures on a public page may be that old.
CACHE_SECONDS = 300
CACHE_PREFIX = "portal:page:"


def page_cache_key(request: HttpRequest, language: str, *, whole: bool = False) -> str:
    """The cache key of the page ``request`` asks for in ``language``.

    ``whole`` names the complete answer (body and headers) the middleware replays, as opposed to the body
    alone the view keeps.
    """
    raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}|{language}|{'whole' if whole else 'body'}"
    return CACHE_PREFIX + hashlib.sha256(raw.encode()).hexdigest()
