"""The machinery of the permission matrix: the URL walk, the principals, the access declarations, the
fingerprint of the database that proves a refused write changed nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver

from meks.demo.accounts import DEMO_ACCOUNTS

ANONYMOUS = "anonymous"
ACCOUNTS = tuple(account.username for account in DEMO_ACCOUNTS)
PRINCIPALS = (*ACCOUNTS, ANONYMOUS)

#: Prefixes of URL patterns handled as a block elsewhere: Django's back office (staff only, its own
#: permission system; tested in ``test_back_office_is_staff_only``) and static or media files.
BLOCKS = ("admin/", "static/", "media/")

Roles = frozenset[str]


def roles(*names: str | Iterable[str]) -> Roles:
    """A set of principals from names and other sets; an unknown name is a typo and fails at once."""
    result: set[str] = set()
    for name in names:
        result |= {name} if isinstance(name, str) else set(name)
    unknown = result - set(PRINCIPALS)
    if unknown:
        raise ValueError(f"Unknown principals in the access table: {sorted(unknown)}")
    return frozenset(result)


NOBODY: Roles = frozenset()


@dataclass(frozen=True)
class Access:
    """Who may use one URL.

    ``get`` names the principals allowed to read it, ``write`` those allowed to send it an unsafe method
    (POST on a page; POST, PUT, PATCH or DELETE on an API endpoint, as its OpenAPI schema lists them).
    Each is one set for every sample, or a dict ``{variant: set}`` when the answer depends on the object
    (scope). Everyone else must be refused: 403, 404 or 405 when signed in; also a redirect to the log-in
    page (pages) or 401 (API) when anonymous; and a refused write must change nothing in the database.
    ``sample`` names the function of ``samples.py`` that fills the path parameters; ``ok`` lists the
    answers an allowed GET may give; ``heavy`` (file exports) checks one allowed principal per sample
    instead of all, to keep the matrix fast.
    """

    get: Roles | dict[str, Roles] = NOBODY
    write: Roles | dict[str, Roles] = NOBODY
    sample: str | None = None
    ok: tuple[int, ...] = (200,)
    heavy: bool = False
    query: str = ""

    def allowed(self, method: str, variant: str) -> Roles:
        """The principals allowed ``method`` ("get" or an unsafe one) on the sample ``variant``."""
        declared = self.get if method == "get" else self.write
        if isinstance(declared, dict):
            return declared[variant]
        return declared


@dataclass(frozen=True)
class Route:
    """One URL pattern found by walking the resolver."""

    name: str
    route: str


def _walk(patterns: list, prefix: str, namespace: str | None) -> Iterator[Route]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Route(name=name or "", route=route)


def platform_routes() -> list[Route]:
    """Every URL pattern of the platform outside the blocks, in resolver order."""
    return [route for route in _walk(get_resolver().url_patterns, "", None)
            if not route.route.lstrip("^").startswith(BLOCKS)]


def table_fingerprint() -> dict[str, int]:
    """The row count of every table, in one query: a refused write must leave it as it was."""
    tables = sorted(connection.introspection.table_names(include_views=False))
    quote = connection.ops.quote_name
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        counts = cursor.fetchone()
    return dict(zip(tables, counts, strict=True))


def changed_tables(before: dict[str, int], after: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Tables whose row count differs, with the counts before and after."""
    return {table: (before.get(table, 0), count) for table, count in after.items() if before.get(table, 0) != count}


def variant_kwargs(sample_sets: dict[str, Any], access: Access) -> dict[str, dict[str, Any]]:
    """The variants of the URL's path parameters; one empty variant for a URL without parameters."""
    if access.sample is None:
        return {"": {}}
    return sample_sets[access.sample]
