"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

The live server answers from another thread, with its own database connection, so browser tests
must commit their data: mark them ``@pytest.mark.django_db(transaction=True)``.
"""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from accounts.models import User

from .helpers import Screenshots

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """One Chromium for all browser tests, closed when pytest leaves tests/browser.

    Not session-scoped: while Playwright runs, its event loop is visible to every later test.
    """
    if not CHROMIUM.exists():
        pytest.fail(
            f"Browser tests need Chromium at {CHROMIUM}. Install it: apt-get install chromium",
            pytrace=False,
        )
    with pytest.MonkeyPatch.context() as env, sync_playwright() as playwright:
        # Playwright's sync API keeps an event loop running in this thread, so Django refuses
        # ORM calls (tests, fixtures, the flush after each test) unless told they are safe.
        # Only for as long as Playwright runs: `manage.py check --deploy` in a later test's
        # subprocess would otherwise inherit the variable and fail (async.E001).
        env.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_context(browser: Browser, live_server) -> Iterator[Callable[[], BrowserContext]]:
    """Opens isolated browser contexts (separate cookies) on the live server; closes them after."""
    contexts: list[BrowserContext] = []

    def open_context() -> BrowserContext:
        # bypass_csp lets assert_accessible inject axe-core despite "script-src 'self'".
        context = browser.new_context(
            base_url=live_server.url, bypass_csp=True, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


@pytest.fixture
def context(new_context) -> BrowserContext:
    return new_context()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def signed_in_page(new_context, live_server) -> Callable[[User], Page]:
    """``signed_in_page(user)``: a page in a fresh context, already signed in as ``user``."""

    def sign_in(user: User) -> Page:
        client = Client()
        client.force_login(user)
        session_cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context = new_context()
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_cookie.value,
                    "url": live_server.url,
                }
            ]
        )
        return context.new_page()

    return sign_in


@pytest.fixture
def screenshot(request) -> Screenshots:
    """``screenshot(page, "step")`` saves a full-page PNG to test-artifacts/."""
    return Screenshots(request.node.name)
