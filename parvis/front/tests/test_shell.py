from __future__ import annotations

import re

import pytest
from django.urls import reverse

from parvis.organisations.models import Membership, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_organisations(admin, organisation, other_organisation):
    """Alice administers the commune (neutral theme) and is a reader at the prefecture (DSFR)."""
    Membership.objects.create(organisation=other_organisation, user=admin, role=Role.READER)
    return organisation, other_organisation


def dashboard(organisation):
    return reverse("front:dashboard", kwargs={"org": organisation.slug})


def test_a_state_service_gets_the_state_design_system(client, admin, two_organisations):
    _, prefecture = two_organisations
    client.force_login(admin)
    html = client.get(dashboard(prefecture)).content.decode()
    assert 'class="fr-header"' in html
    assert "République" in html
    assert "/static/dsfr/dist/dsfr/dsfr.min.css" in html
    assert 'id="contenu"' in html
    assert "/static/django_htmx/htmx-2.min.js" in html


def test_a_commune_gets_the_neutral_theme_without_marianne(client, admin, two_organisations):
    commune, _ = two_organisations
    client.force_login(admin)
    html = client.get(dashboard(commune)).content.decode()
    assert "République" not in html
    assert "dsfr" not in html
    assert "fr-logo" not in html
    assert "/static/front/neutral.css" in html
    assert "Commune de Test" in html
    assert '<main id="contenu"' in html
    assert "/static/django_htmx/htmx-2.min.js" in html


@pytest.mark.parametrize("theme_of", [0, 1])
def test_both_themes_draw_the_same_shell(client, admin, two_organisations, theme_of):
    organisation = two_organisations[theme_of]
    client.force_login(admin)
    html = client.get(dashboard(organisation)).content.decode()
    assert '<html lang="fr"' in html
    assert html.index('href="#contenu"') < html.index('href="#menu"') < html.index("<header")
    assert 'id="menu"' in html
    assert f'action="{reverse("set_language")}"' in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert reverse("front:accessibility") in html
    assert "Accessibilité : non conforme" in html


def test_the_current_section_is_marked(client, admin, organisation):
    client.force_login(admin)
    html = client.get(reverse("organisations:members", kwargs={"org": organisation.slug})).content
    settings_link = reverse("organisations:profile", kwargs={"org": organisation.slug})
    assert re.search(
        rf'<a href="{settings_link}"\s+aria-current="page">Paramètres</a>', html.decode()
    )
    assert html.decode().count('aria-current="page"') == 2  # the section and the settings tab


def test_the_switcher_leads_to_the_same_section_in_the_other_organisation(
    client, admin, two_organisations
):
    commune, prefecture = two_organisations
    client.force_login(admin)
    html = client.get(reverse("front:inbox", kwargs={"org": commune.slug})).content.decode()
    assert f'href="{reverse("front:inbox", kwargs={"org": prefecture.slug})}"' in html
    here = reverse("front:inbox", kwargs={"org": commune.slug})
    assert re.search(rf'href="{here}"\s+aria-current="true"', html)


@pytest.mark.parametrize(
    ("name", "sentence"),
    [
        ("inbox", "personnes ressources"),
        ("listening", "bad buzz"),
        ("analytics", "meilleures heures"),
        ("reports", "rapport synthétique"),
    ],
)
def test_sections_not_built_yet_say_so_honestly(client, reader, organisation, name, sentence):
    client.force_login(reader)
    response = client.get(reverse(f"front:{name}", kwargs={"org": organisation.slug}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "pas encore disponible" in html
    assert sentence in html


def test_the_accessibility_statement_is_public_and_honest(client, settings):
    settings.PARVIS_INSTANCE_NAME = "Parvis de la Ville"
    settings.DEFAULT_FROM_EMAIL = "Parvis <accessibilite@ville.test>"
    response = client.get(reverse("front:accessibility"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Déclaration d'accessibilité</h1>" in html
    assert "<strong>Parvis de la Ville est non conforme</strong>" in html
    for heading in ("État de conformité", "Contenus non accessibles", "Voies de recours"):
        assert heading in html
    assert 'href="mailto:accessibilite@ville.test"' in html


def test_pages_outside_an_organisation_use_the_instance_theme(client, settings):
    settings.PARVIS_DEFAULT_THEME = "dsfr"
    assert "fr-header" in client.get(reverse("front:accessibility")).content.decode()
    settings.PARVIS_DEFAULT_THEME = "neutral"
    assert "fr-header" not in client.get(reverse("front:accessibility")).content.decode()


def test_english_is_available(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": dashboard(organisation)}
    )
    assert response["Location"] == dashboard(organisation)
    html = client.get(dashboard(organisation)).content.decode()
    assert '<html lang="en"' in html
    assert "Skip to content" in html
    assert ">Settings</a>" in html


def test_home_leads_to_the_only_organisation(client, admin, organisation):
    client.force_login(admin)
    assert client.get(reverse("front:home"))["Location"] == dashboard(organisation)


def test_home_offers_a_choice_between_organisations(client, admin, two_organisations):
    client.force_login(admin)
    html = client.get(reverse("front:home")).content.decode()
    assert "Choisir une organisation" in html
    assert "Préfecture de Test" in html


def test_home_remembers_the_current_organisation(client, admin, two_organisations):
    _, prefecture = two_organisations
    client.force_login(admin)
    client.get(dashboard(prefecture))
    assert client.get(reverse("front:home"))["Location"] == dashboard(prefecture)
