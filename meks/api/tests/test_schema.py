"""The OpenAPI 3 schema and the interactive documentation under the content security policy."""

from __future__ import annotations

import json
import re
from urllib.parse import urlsplit

import pytest
import yaml
from django.contrib.staticfiles import finders
from django.core.management import call_command

from meks.core.testing.gates import require_chromium

from .operations_procurement import PROCUREMENT_OPERATIONS, PRODUCERS_OPERATIONS
from .test_appeals import APPEAL_OPERATIONS
from .test_assignments import ASSIGNMENT_OPERATIONS
from .test_finance import FINANCE_OPERATIONS
from .test_indicators import INDICATOR_OPERATIONS
from .test_metering import METERING_OPERATIONS
from .test_portfolio import PORTFOLIO_OPERATIONS

OUTSIDE_HOST = re.compile(r"(?:https?:)?//[A-Za-z0-9.-]+")

FOUNDATION_OPERATIONS = {
    ("/api/v1/auth/token/", "post"),
    ("/api/v1/me/", "get"),
    ("/api/v1/regions/", "get"),
    ("/api/v1/regions/{kato}/", "get"),
    ("/api/v1/settlements/", "get"),
    ("/api/v1/settlements/{id}/", "get"),
    ("/api/v1/settlements/{id}/", "patch"),
    ("/api/v1/organizations/", "get"),
    ("/api/v1/organizations/{id}/", "get"),
    ("/api/v1/organizations/{id}/", "patch"),
}
EXPECTED_OPERATIONS = (FOUNDATION_OPERATIONS | PORTFOLIO_OPERATIONS | ASSIGNMENT_OPERATIONS | APPEAL_OPERATIONS
                       | METERING_OPERATIONS | INDICATOR_OPERATIONS | FINANCE_OPERATIONS | PROCUREMENT_OPERATIONS
                       | PRODUCERS_OPERATIONS)


def operations(schema: dict) -> set[tuple[str, str]]:
    return {(path, method) for path, item in schema["paths"].items() for method in item}


def test_schema_endpoint_serves_openapi_3(client, db):
    response = client.get("/api/schema/", {"format": "json"})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"
    schema = json.loads(response.content)
    assert schema["openapi"] == "3.0.3"
    assert schema["info"]["title"] == "MEKS API"
    assert operations(schema) == EXPECTED_OPERATIONS


def test_schema_describes_the_change_request_with_a_required_version(client, db):
    schema = json.loads(client.get("/api/schema/", {"format": "json"}).content)
    components = schema["components"]["schemas"]

    patch = schema["paths"]["/api/v1/settlements/{id}/"]["patch"]
    assert patch["requestBody"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/SettlementChangeRequest"}}
    }
    assert set(patch["responses"]) == {"200", "400", "401", "403", "404", "409", "415"}
    assert components["SettlementChangeRequest"]["required"] == ["version"]
    assert components["OrganizationChangeRequest"]["required"] == ["version"]
    settlement = components["Settlement"]["properties"]
    assert {"name", "name_ru", "name_kk", "name_en"} <= set(settlement)
    assert all(field.get("description") for field in settlement.values())
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth", "cookieAuth"}
    assert "security" not in schema["paths"]["/api/v1/auth/token/"]["post"]


def test_schema_validates_with_no_warning(tmp_path, db):
    target = tmp_path / "schema.yaml"

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))

    schema = yaml.safe_load(target.read_text(encoding="utf-8"))
    assert schema["openapi"] == "3.0.3"
    assert operations(schema) == EXPECTED_OPERATIONS


def test_docs_page_uses_only_local_assets_and_no_inline_code(client, db):
    response = client.get("/api/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "http://" not in html
    assert "https://" not in html
    assert not OUTSIDE_HOST.search(html)
    assert "<style" not in html
    # Every script is a file of this server: no inline script for the content security policy to refuse.
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.DOTALL)
    assert [attributes.strip() for attributes, _ in scripts] == [
        'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"',
        'src="/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-standalone-preset.js"',
        'src="/api/docs/?script="',
    ]
    assert all(not body.strip() for _, body in scripts)
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"


def test_docs_assets_are_installed(client, db):
    html = client.get("/api/docs/").content.decode()
    for url in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        assert finders.find(url.removeprefix("/static/")), url


def test_docs_start_up_script_is_a_separate_javascript_file(client, db):
    response = client.get("/api/docs/", {"script": ""})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/javascript"
    script = response.content.decode()
    assert 'url: "/api/schema/"' in script
    assert "http://" not in script
    assert "https://" not in script


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_docs_render_in_a_browser_under_the_policy(live_server, monkeypatch):
    """Chromium opens the documentation: it draws every operation, loads nothing from elsewhere, logs no error."""
    chromium = require_chromium()
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    requested: list[str] = []
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
        )
        try:
            page = browser.new_page()
            page.on("request", lambda request: requested.append(request.url))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{live_server.url}/api/docs/")
            page.wait_for_selector(".opblock", timeout=15_000)
            # Swagger UI draws only the operations in view: scroll through the page and collect each one drawn
            # (read in one call: an operation scrolled out of view leaves the page).
            drawn: set[tuple[str, str]] = set()
            for _step in range(400):
                rows = page.locator(".opblock .opblock-summary").evaluate_all(
                    "summaries => summaries.map(s => [s.querySelector('.opblock-summary-path').dataset.path,"
                    " s.querySelector('.opblock-summary-method').textContent.toLowerCase()])"
                )
                drawn.update(map(tuple, rows))
                if len(drawn) >= len(EXPECTED_OPERATIONS):
                    break
                page.mouse.wheel(0, 600)
                page.wait_for_timeout(150)
        finally:
            browser.close()

    assert drawn == EXPECTED_OPERATIONS
    assert errors == []
    host = urlsplit(live_server.url).netloc
    assert {urlsplit(url).netloc for url in requested} == {host}
    assert f"{live_server.url}/api/schema/" in requested
