"""Browser smoke test: the system Chromium signs in, switches the language and reads the menu.

Screenshots go to ``test-artifacts/`` (ignored by git) for people to look at after a run.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from meks.core.testing.gates import require_chromium

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
KAZAKH_LETTERS = re.compile("[әғқңөұүһіӘҒҚҢӨҰҮҺІ]")
TIMEOUT_MS = 15_000
# The page's text without the language switch, whose ҚАЗ button would otherwise always match.
PAGE_TEXT_JS = """() => {
    const body = document.body.cloneNode(true);
    body.querySelectorAll(".lang-switch").forEach((element) => element.remove());
    return body.innerText || body.textContent;
}"""


@pytest.fixture
def allow_orm_beside_playwright() -> Iterator[None]:
    """Playwright's sync API runs an event loop in this thread; let the ORM run here anyway, for these tests only."""
    key = "DJANGO_ALLOW_ASYNC_UNSAFE"
    previous = os.environ.get(key)
    os.environ[key] = "true"
    yield
    if previous is None:
        os.environ.pop(key, None)
    else:
        os.environ[key] = previous


class Traffic:
    """What the page did on the network and in its console, for the checks after the visit."""

    def __init__(self) -> None:
        self.requested: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []

    def check(self, base_url: str) -> None:
        """Every request went to the live server and succeeded, and the console shows no error.

        A console error is typically something the content security policy refused.
        """
        host = urlsplit(base_url).netloc
        assert any("/static/" in url for url in self.requested), f"no static asset was loaded: {self.requested}"
        outside = [url for url in self.requested if not url.startswith("data:") and urlsplit(url).netloc != host]
        assert not outside, f"requests left the live server ({host}): {outside}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"browser console errors: {list(dict.fromkeys(self.errors))}"


@contextmanager
def browser_page(executable: str, base_url: str, name: str) -> Iterator[tuple[object, Traffic]]:
    """A fresh headless Chromium page, and a record of every URL it requests and every console error.

    When the test fails inside, the page as it was is saved as ``test-artifacts/<name>-failure.png``.
    """
    from playwright.sync_api import sync_playwright

    traffic = Traffic()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(base_url=base_url, locale="ru-RU", viewport={"width": 1280, "height": 900})
            context.set_default_timeout(TIMEOUT_MS)
            context.on("request", lambda request: traffic.requested.append(request.url))
            context.on("requestfailed", lambda request: traffic.failed.append(f"{request.url} ({request.failure})"))
            context.on(
                "response",
                lambda response: response.status >= 400 and traffic.failed.append(f"{response.url} ({response.status})"),
            )
            page = context.new_page()
            page.on("console", lambda message: message.type == "error" and traffic.errors.append(message.text))
            page.on("pageerror", lambda error: traffic.errors.append(str(error)))
            try:
                yield page, traffic
            except BaseException:
                with suppress(Exception):
                    screenshot(page, f"{name}-failure")
                raise
            context.close()
        finally:
            browser.close()


def sign_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "demo")
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def demo_data() -> None:
    """The demo accounts, built before the browser starts (the live server sees them: the test commits)."""
    from meks.demo.builder import build_demo

    build_demo()


def test_office_signs_in_and_switches_to_kazakh(live_server, allow_orm_beside_playwright):
    chromium = require_chromium()
    demo_data()
    with browser_page(chromium, live_server.url, "office") as (page, traffic):
        sign_in(page, "office")
        assert urlsplit(page.url).path == "/"
        page.locator('a[data-nav="home"]').wait_for(state="visible")
        assert page.locator("html").get_attribute("lang") == "ru"
        assert page.locator('a[data-nav="admin"]').count() == 1
        russian = page.evaluate(PAGE_TEXT_JS)
        assert "Проектный офис национального проекта" in russian  # the organization, named in Russian
        assert "жобалық офисі" not in russian
        screenshot(page, "office-home-ru")

        with page.expect_navigation():
            page.click('button[data-language="kk"]')
        page.wait_for_selector('html[lang="kk"]')
        assert page.locator('button[data-language="kk"]').get_attribute("aria-pressed") == "true"
        kazakh = page.evaluate(PAGE_TEXT_JS)
        assert KAZAKH_LETTERS.search(kazakh), f"no Kazakh letter on the page: {kazakh[:500]!r}"
        assert "жобалық офисі" in kazakh  # the organization, now named in Kazakh
        assert KAZAKH_LETTERS.search(page.evaluate("document.body.innerText"))
        screenshot(page, "office-home-kk")

    traffic.check(live_server.url)


def test_akimat_sees_its_region_and_no_back_office(live_server, allow_orm_beside_playwright):
    chromium = require_chromium()
    demo_data()
    with browser_page(chromium, live_server.url, "akimat") as (page, traffic):
        sign_in(page, "akimat.karaganda")
        assert urlsplit(page.url).path == "/"
        page.locator('a[data-nav="my_region"]').wait_for(state="visible")
        assert page.locator('a[data-nav="home"]').is_visible()
        assert page.locator('a[data-nav="admin"]').count() == 0
        assert page.locator("html").get_attribute("lang") == "ru"
        screenshot(page, "akimat-home-ru")

    traffic.check(live_server.url)
