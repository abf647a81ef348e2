"""The permission matrix.

One request is made as each kind of user, each answer checked, and, for every refused request, the
database is shown unchanged.

Typical use::

    check_matrix(
        client_for, "post", url, data,
        expect={None: LOGIN, "contractor": 404, "akimat.mangystau": 404, "akimat.karaganda": 302},
        state=lambda: snapshot(Settlement.objects.filter(pk=pk)),
    )

``None`` stands for the anonymous visitor. A refused request is one answered 401, 403, 404, 405 or with a
redirect to the log-in page; after it, ``state()`` must equal what it was before.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.test import Client

#: An anonymous visitor sent to the log-in page.
LOGIN = "login"
REFUSED_STATUSES = {401, 403, 404, 405}


def snapshot(*querysets: QuerySet) -> list[list[dict[str, Any]]]:
    """Every row of the querysets as dictionaries, and the count of their history rows where they have one."""
    state = []
    for queryset in querysets:
        rows = list(queryset.order_by("pk").values())
        state.append(rows)
        model = queryset.model
        if hasattr(model, "history"):
            state.append([{"history_rows": model.history.filter(id__in=[row["id"] for row in rows]).count()}])
    return state


def _is_login_redirect(response) -> bool:
    return response.status_code == 302 and "/accounts/login/" in response.get("Location", "")


def check_matrix(
    client_for: Callable[[str], Client],
    method: str,
    url: str,
    data: Mapping[str, Any] | None = None,
    *,
    expect: Mapping[str | None, int | str],
    state: Callable[[], Any] | None = None,
    content_type: str | None = None,
) -> dict[str | None, Any]:
    """Make the request as each user in ``expect`` and check the status each gets.

    For refused requests the database state must not change; the responses are returned by user.
    """
    responses = {}
    failures = []
    for username, expected in expect.items():
        client = Client() if username is None else client_for(username)
        before = state() if state else None
        kwargs: dict[str, Any] = {}
        if data is not None:
            kwargs["data"] = data
        if content_type:
            kwargs["content_type"] = content_type
        response = getattr(client, method.lower())(url, **kwargs)
        responses[username] = response
        who = username or "anonymous"
        if expected == LOGIN:
            if not _is_login_redirect(response):
                failures.append(f"{who}: expected a redirect to log in, got {response.status_code}")
        elif response.status_code != expected:
            failures.append(f"{who}: expected {expected}, got {response.status_code}")
        refused = expected == LOGIN or expected in REFUSED_STATUSES
        if refused and state is not None and state() != before:
            failures.append(f"{who}: the request was refused but the database changed")
    assert not failures, f"{method.upper()} {url}:\n" + "\n".join(failures)
    return responses
