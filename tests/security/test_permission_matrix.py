"""The permission matrix: every URL of the platform, as every demo account and as an anonymous visitor.

The URLs come from walking the resolver, so a new URL without an entry in ``access_table.TABLE`` fails
``test_every_url_has_an_entry`` by name. For each entry, the principals it declares may read the URL and
get the declared answer; everyone else is refused (404/403/405, or the log-in page / 401 when anonymous).
An unsafe request (a POST to a page; every write method the OpenAPI schema lists for an API endpoint)
from a principal not declared as a writer is refused and leaves every table's row count unchanged, the
history tables included. Object URLs are tried with an object of the principal's scope and one outside it.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from .access_table import TABLE
from .matrix import ANONYMOUS, PRINCIPALS, Access, changed_tables, platform_routes, table_fingerprint

ROUTES = platform_routes()
ROUTE_NAMES = {route.name for route in ROUTES}
CHECKED = sorted(name for name in TABLE if name in ROUTE_NAMES)
LOGIN = "/accounts/login/"
SCHEMA_METHODS = ("get", "post", "put", "patch", "delete")


def is_api(name: str) -> bool:
    return name.startswith("api-v1:")


def refused(principal: str, response) -> bool:
    """True when the answer gives nothing away: not found, forbidden, no such method, or the log-in page."""
    if response.status_code in (403, 404, 405):
        return True
    if principal == ANONYMOUS:
        return response.status_code == 401 or (
            response.status_code == 302 and response.headers.get("Location", "").startswith(LOGIN))
    return False


def variants(matrix_demo, access: Access) -> dict[str, dict]:
    if access.sample is None:
        return {"": {}}
    return matrix_demo.samples[access.sample]


def url_of(name: str, access: Access, kwargs: dict) -> str:
    url = reverse(name, kwargs=kwargs)
    return f"{url}?{access.query}" if access.query else url


def test_every_url_has_an_entry():
    unnamed = [route.route for route in ROUTES if not route.name]
    missing = sorted(ROUTE_NAMES - set(TABLE) - {""})
    stale = sorted(set(TABLE) - ROUTE_NAMES)
    assert unnamed == [], f"URL patterns without a name cannot be checked: {unnamed}"
    assert missing == [], (f"URLs without an entry in tests/security/access_table.py: {missing}. "
                           "Declare who may read and write each one (see the module's docstring).")
    assert stale == [], f"Entries of tests/security/access_table.py for URLs that no longer exist: {stale}"


@pytest.mark.parametrize("name", CHECKED)
def test_reading(matrix_demo, db, name):
    access = TABLE[name]
    wrong = []
    for variant, kwargs in variants(matrix_demo, access).items():
        url = url_of(name, access, kwargs)
        allowed = access.allowed("get", variant)
        checked_allowed = False
        for principal in PRINCIPALS:
            if principal in allowed and access.heavy and checked_allowed:
                continue
            response = matrix_demo.client(principal).get(url)
            if principal in allowed:
                checked_allowed = True
                if response.status_code not in access.ok:
                    wrong.append(f"{principal} may read {url} [{variant}] but got {response.status_code}")
            elif not refused(principal, response):
                wrong.append(f"{principal} may not read {url} [{variant}] but got {response.status_code}")
    assert wrong == []


@pytest.fixture(scope="module")
def api_methods(matrix_demo):
    """URL name -> the methods the OpenAPI schema documents for it."""
    response = matrix_demo.client("office").get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    methods: dict[str, set[str]] = {}
    for path, operations in response.json()["paths"].items():
        concrete = re.sub(r"\{[^}]+\}", "11", path)
        try:
            match = resolve(concrete)
        except Resolver404:
            methods.setdefault(f"unresolvable {path}", set())
            continue
        methods.setdefault(match.view_name, set()).update(m for m in operations if m in SCHEMA_METHODS)
    return methods


def test_every_api_operation_of_the_schema_has_an_entry(api_methods, db):
    # (``db`` keeps it among the database tests: pytest-django runs tests without it last, after the
    # transactional tests have emptied the tables the migrations filled.)
    missing = sorted(name for name in api_methods if name not in TABLE)
    assert missing == []
    assert len([name for name in api_methods if name in TABLE]) > 50


@pytest.mark.parametrize("name", CHECKED)
def test_refused_writes_change_nothing(matrix_demo, db, api_methods, name):
    access = TABLE[name]
    methods = (sorted(api_methods.get(name, set()) - {"get"}) or ["post"]) if is_api(name) else ["post"]
    wrong = []
    before = table_fingerprint()
    for variant, kwargs in variants(matrix_demo, access).items():
        url = url_of(name, access, kwargs)
        allowed = access.allowed("post", variant)
        for principal in PRINCIPALS:
            if principal in allowed:
                continue
            client: Client = matrix_demo.client(principal)
            for method in methods:
                if is_api(name):
                    response = getattr(client, method)(url, {}, content_type="application/json")
                else:
                    response = client.post(url, {})
                if not refused(principal, response):
                    wrong.append(f"{principal} may not {method.upper()} {url} [{variant}] but got {response.status_code}")
    changed = changed_tables(before, table_fingerprint())
    assert wrong == []
    assert changed == {}, f"refused writes to {name} changed these tables (rows before, after): {changed}"


def test_back_office_is_staff_only(matrix_demo, db):
    """The admin is handled as a block: only the staff account (the project office) gets in."""
    for principal in PRINCIPALS:
        response = matrix_demo.client(principal).get("/admin/")
        if principal == "office":
            assert response.status_code == 200
        else:
            assert response.status_code == 302 and "/admin/login/" in response.headers["Location"], principal


CSRF_SAMPLES = [
    # (principal, URL name, sample set) — one form per app, signed in as someone allowed to use it.
    (ANONYMOUS, "accounts:login", None),
    ("office", "accounts:set_language", None),
    ("akimat.karaganda", "territory:settlement_edit", "settlements"),
    ("office", "portfolio:project_create", None),
    ("office", "portfolio_excel:import", None),
    ("office", "assignments:meeting_create", None),
    ("operator", "appeals:intake", None),
    (ANONYMOUS, "appeals_public:form", None),
    ("utility", "finance:application_create", None),
    ("office", "indicators:values_import", None),
    ("utility", "metering:upload", None),
    ("office", "reports:briefing", None),
    ("office", "api-v1:portfolio-project-transitions", "projects"),
]


@pytest.mark.parametrize(("principal", "name", "sample"), CSRF_SAMPLES)
def test_forms_refuse_a_post_without_a_csrf_token(matrix_demo, db, principal, name, sample):
    client = matrix_demo.fresh_client(principal, enforce_csrf_checks=True)
    kwargs = next(iter(matrix_demo.samples[sample].values())) if sample else {}
    before = table_fingerprint()
    if is_api(name):
        response = client.post(reverse(name, kwargs=kwargs), {"to": "implementation"}, content_type="application/json")
    else:
        response = client.post(reverse(name, kwargs=kwargs), {"username": "office", "password": "demo"})
    assert response.status_code == 403
    assert changed_tables(before, table_fingerprint()) == {}
