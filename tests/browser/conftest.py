"""What every browser test needs: Debian's chromium driven by Playwright, a page, a login.

Playwright cannot download its own browsers here. Screenshots go to $PARVIS_SCREENSHOT_DIR
when set, else to pytest's temporary directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from conftest import PASSWORD, make_user
from parvis.organisations.models import Membership, Organisation, OrganisationKind, Role

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        # A missing browser is a missing install step, not a test to skip.
        pytest.fail("chromium is not installed: apt-get install chromium (make test does it)")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from
    # a thread with a running loop unless told that it is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("PARVIS_SCREENSHOT_DIR", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def lea(transactional_db: None) -> str:
    """Léa, community manager of the commune ``commune``: her e-mail, to log in."""
    commune = Organisation.objects.create(
        name="Commune de Test", slug="commune", kind=OrganisationKind.COMMUNE
    )
    user = make_user("lea@commune.test", "Léa Dubois")
    Membership.objects.create(organisation=commune, user=user, role=Role.COMMUNITY_MANAGER)
    return user.email


def log_in(page: Page, base_url: str, email: str, password: str = PASSWORD) -> None:
    page.goto(f"{base_url}/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.locator("main button[type=submit]").click()
