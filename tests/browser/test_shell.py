"""The shell in a real browser: log in, switch organisation and language, skip links.

Drives Debian's chromium (Playwright cannot download its own browsers here). Screenshots of
both themes go to $PARVIS_SCREENSHOT_DIR when set, else to pytest's temporary directory.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect
from pytest_django.live_server_helper import LiveServer

from conftest import make_user
from parvis.organisations.models import Membership, Organisation, OrganisationKind, Role
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camille(transactional_db: None) -> str:
    """Administrator of a commune (neutral theme) and reader at a prefecture (State theme)."""
    commune = Organisation.objects.create(
        name="Commune de Test", slug="commune", kind=OrganisationKind.COMMUNE
    )
    prefecture = Organisation.objects.create(
        name="Préfecture de Test", slug="prefecture", kind=OrganisationKind.STATE_SERVICE
    )
    user = make_user("camille@commune.test", "Camille Martin")
    Membership.objects.create(organisation=commune, user=user, role=Role.ADMIN)
    Membership.objects.create(organisation=prefecture, user=user, role=Role.READER)
    return user.email


def menu(page: Page, name: str = "Menu principal") -> Locator:
    return page.get_by_role("navigation", name=name)


def focused_text(page: Page) -> str:
    return str(page.evaluate("document.activeElement.textContent")).strip()


def leave_skip_links(page: Page) -> None:
    """Skip links fold away when they lose focus: let the layout settle before a click."""
    page.evaluate("document.activeElement.blur()")


def check_the_commune(page: Page, screenshots: Path) -> None:
    """Neutral theme: no Marianne, no "République française"; skip links first."""
    expect(page.locator("h1")).to_have_text("Commune de Test")
    expect(page.locator(".fr-header")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text("République")
    expect(menu(page).get_by_role("link", name="Tableau de bord")).to_have_attribute(
        "aria-current", "page"
    )
    page.keyboard.press("Tab")
    assert focused_text(page) == "Aller au contenu"
    page.screenshot(path=screenshots / "neutral-skiplink.png")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Aller au menu"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert focused_text(page) == "Tableau de bord"
    page.screenshot(path=screenshots / "neutral.png", full_page=True)


def check_the_prefecture(page: Page, screenshots: Path) -> None:
    """The State design system, with the "République française" block."""
    expect(page.locator(".fr-header .fr-logo")).to_contain_text("République")
    expect(page.locator(".fr-header__service-tagline")).to_have_text("Préfecture de Test")
    expect(menu(page).get_by_role("link", name="Paramètres")).to_have_attribute(
        "aria-current", "page"
    )
    expect(page.get_by_role("heading", name="Paramètres")).to_be_visible()
    page.keyboard.press("Tab")
    assert focused_text(page) == "Aller au contenu"
    page.keyboard.press("Tab")
    assert focused_text(page) == "Aller au menu"
    page.screenshot(path=screenshots / "dsfr-settings.png", full_page=True)
    leave_skip_links(page)
    menu(page).get_by_role("link", name="Tableau de bord").click()
    expect(page.locator("h1")).to_have_text("Préfecture de Test")
    page.screenshot(path=screenshots / "dsfr.png", full_page=True)


def check_english(page: Page, screenshots: Path) -> None:
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    english_menu = menu(page, "Main menu")
    expect(english_menu.get_by_role("link", name="Dashboard")).to_have_attribute(
        "aria-current", "page"
    )
    expect(english_menu.get_by_role("link", name="Settings")).to_be_visible()
    page.keyboard.press("Tab")
    assert focused_text(page) == "Skip to content"
    page.screenshot(path=screenshots / "dsfr-english.png", full_page=True)
    leave_skip_links(page)


def test_the_shell_in_both_themes_and_both_languages(
    live_server: LiveServer, page: Page, camille: str, screenshots: Path
) -> None:
    log_in(page, live_server.url, camille)
    # Two organisations: Parvis asks which one.
    expect(page.get_by_role("heading", name="Choisir une organisation")).to_be_visible()
    page.locator("main").get_by_role("link", name="Commune de Test").click()
    check_the_commune(page, screenshots)

    # Settings, then the switcher leads to the settings of the prefecture.
    menu(page).get_by_role("link", name="Paramètres").click()
    page.get_by_role("link", name="Membres").click()
    expect(page.get_by_role("cell", name="camille@commune.test")).to_be_visible()
    page.screenshot(path=screenshots / "neutral-members.png", full_page=True)
    page.locator(".organisation-switcher summary >> visible=true").click()
    page.get_by_role("link", name="Préfecture de Test").click()
    check_the_prefecture(page, screenshots)
    check_english(page, screenshots)

    # Back to the commune, still in English; then French, and the accessibility statement.
    page.locator(".organisation-switcher summary >> visible=true").click()
    page.get_by_role("link", name="Commune de Test").click()
    expect(page.locator(".fr-header")).to_have_count(0)
    expect(menu(page, "Main menu").get_by_role("link", name="Dashboard")).to_be_visible()
    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.locator("footer").get_by_role("link", name="Accessibilité : non conforme").click()
    expect(
        page.get_by_role("heading", name="Déclaration d'accessibilité", exact=True)
    ).to_be_visible()

    # Logging out is a POST form in the user menu.
    page.locator(".user-menu summary >> visible=true").click()
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.locator("input[name=password]")).to_be_visible()
