"""Strategy in a real browser: the charters, written, versioned and read in public; the
editorial line, written and exported."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from pytest_django.live_server_helper import LiveServer

from parvis.connectors.models import ConnectedAccount
from parvis.organisations.demo import DEMO_PASSWORD, load_demo
from parvis.organisations.models import Organisation
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_community_manager_writes_the_charter_and_anyone_reads_it(
    live_server: LiveServer, page: Page, browser: Browser, lea: str, screenshots: Path
) -> None:
    log_in(page, live_server.url, lea)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Stratégie"
    ).click()
    page.get_by_role("link", name="Charte de modération").click()
    page.get_by_role("button", name="Commencer d'après le modèle de Parvis").click()
    expect(page.get_by_text("La charte est créée d'après le modèle")).to_be_visible()
    expect(
        page.get_by_role("heading", name="Article 1 — Insultes et attaques personnelles")
    ).to_be_visible()

    # Change article 2: a new version, with its reason in the history.
    page.get_by_role("link", name="Modifier l'article 2").click()
    page.get_by_label("Texte").fill("Aucun propos <b>haineux</b> ni discriminatoire.")
    page.get_by_label("Ce qui a changé et pourquoi").fill("Formulation plus courte")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text("Version 2 enregistrée")).to_be_visible()
    expect(page.get_by_role("cell", name="Formulation plus courte")).to_be_visible()
    page.screenshot(path=screenshots / "charter.png", full_page=True)

    # Delete article 3: gone from version 3, still in version 2.
    page.get_by_role("link", name="Supprimer l'article 3").click()
    page.get_by_role("button", name="Supprimer l'article").click()
    expect(page.get_by_text("Version 3 enregistrée")).to_be_visible()
    expect(page.get_by_role("heading", name="Article 3 — Diffamation")).to_be_visible()
    page.get_by_role("link", name="2", exact=True).click()
    expect(page.get_by_text("n'est plus en vigueur")).to_be_visible()
    expect(page.get_by_role("heading", name="Article 3 — Menaces et harcèlement")).to_be_visible()

    # The public page, in a browser that is not logged in.
    visitor = browser.new_context(locale="fr-FR").new_page()
    visitor.goto(f"{live_server.url}/chartes/commune/")
    expect(visitor.get_by_role("heading", level=1)).to_have_text(
        "Charte de modération — Commune de Test"
    )
    expect(visitor.get_by_text("version 3")).to_be_visible()
    expect(visitor.get_by_text("Aucun propos <b>haineux</b> ni discriminatoire.")).to_be_visible()
    expect(visitor.locator("input[name=password]")).to_have_count(0)
    visitor.screenshot(path=screenshots / "charter-public.png", full_page=True)
    visitor.goto(f"{live_server.url}/chartes/commune/version/1/")
    expect(visitor.get_by_text("Cette version n'est plus en vigueur.")).to_be_visible()
    visitor.context.close()


def test_a_community_manager_writes_the_editorial_line_and_downloads_its_pdf(
    live_server: LiveServer, page: Page, lea: str, screenshots: Path
) -> None:
    log_in(page, live_server.url, lea)
    page.goto(f"{live_server.url}/o/commune/strategie/")
    page.locator("main").get_by_role("link", name="Ligne éditoriale").click()
    page.get_by_role("link", name="Écrire la ligne éditoriale").click()
    page.get_by_label("Thèmes").fill("Travaux\nCulture")
    page.get_by_label("Sujets interdits").fill("politique nationale")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text("Ligne 1 : écrivez le sujet, deux-points")).to_be_visible()
    expect(page.get_by_label("Thèmes")).to_have_value("Travaux\nCulture")  # nothing lost
    page.get_by_label("Sujets interdits").fill("politique nationale : gouvernement, ministre")
    page.get_by_label("Publications par semaine sur Mastodon").fill("5")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text("Version 1 enregistrée")).to_be_visible()
    expect(page.get_by_text("Mastodon : 5 publications par semaine")).to_be_visible()
    page.screenshot(path=screenshots / "editorial-line.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    path = download.value.path()
    assert download.value.suggested_filename == "ligne-editoriale-commune-v1.pdf"
    assert Path(path).read_bytes().startswith(b"%PDF-")


def test_a_community_manager_follows_a_certification_and_downloads_the_dossier(
    live_server: LiveServer, page: Page, lea: str
) -> None:
    log_in(page, live_server.url, lea)
    page.goto(f"{live_server.url}/o/commune/strategie/")
    page.locator("main").get_by_role("link", name="Certification des comptes").click()
    page.get_by_role("link", name="Suivre un autre compte (X, Facebook, Instagram…)").click()
    page.get_by_label("Réseau").select_option("x")
    page.get_by_label("Identifiant du compte").fill("@CommuneDeTest")
    page.get_by_role("button", name="Suivre ce compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certification de @CommuneDeTest (X)")
    page.get_by_label("État").select_option("submitted")
    page.get_by_label("Badge gris obtenu").check()
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Certification enregistrée.")).to_be_visible()
    expect(page.get_by_label("Badge gris obtenu")).to_be_checked()
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le dossier de certification (PDF)").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.get_by_role("link", name="Certification des comptes").first.click()
    expect(page.get_by_role("cell", name="Demande envoyée")).to_be_visible()


def test_the_buzzform_is_drafted_resumed_validated_exported_and_sent(
    live_server: LiveServer, page: Page, lea: str, screenshots: Path
) -> None:
    Organisation.objects.filter(slug="commune").update(communication_email="com@commune.test")
    log_in(page, live_server.url, lea)
    page.goto(f"{live_server.url}/o/commune/strategie/")
    page.locator("main").get_by_role("link", name="Questionnaire de stratégie (BuzzForm)").click()
    page.get_by_role("link", name="Remplir le questionnaire").click()
    page.get_by_label("Projet ou organisation").fill("Commune de Test")
    page.get_by_label("Grand public et utilisateurs finaux").check()
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré")).to_be_visible()

    page.get_by_role("link", name="Reprendre le brouillon").click()
    expect(page.get_by_label("Projet ou organisation")).to_have_value("Commune de Test")
    expect(page.get_by_label("Grand public et utilisateurs finaux")).to_be_checked()
    page.get_by_label("Personne responsable").fill("Léa Dubois")
    page.get_by_label("Adresse électronique").fill("lea@commune.test")
    page.get_by_label("Compte 1 (adresse ou identifiant)").fill("@ville.bsky.social")
    page.get_by_label("Actualité et promotion du projet").check()
    page.get_by_label("Messages écrits et statuts").check()
    page.get_by_label("Plusieurs fois par semaine").check()
    page.get_by_label("En quoi ces réseaux vont-ils aider votre projet ?").fill("Informer vite.")
    page.get_by_role("button", name="Valider le questionnaire").click()
    expect(page.get_by_text("Questionnaire validé (version 1).")).to_be_visible()
    page.screenshot(path=screenshots / "buzzform.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger en PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")
    page.get_by_role("button", name="Envoyer au service communication").click()
    expect(page.get_by_text("Le questionnaire part vers com@commune.test")).to_be_visible()


def test_an_objective_shows_its_computed_progress(
    live_server: LiveServer, page: Page, lea: str
) -> None:
    ConnectedAccount.objects.create(
        organisation=Organisation.objects.get(slug="commune"),
        network="mastodon",
        service_url="https://mastodon.test",
        remote_id="1",
        handle="ville@mastodon.test",
        followers_count=1500,
    )
    log_in(page, live_server.url, lea)
    page.goto(f"{live_server.url}/o/commune/strategie/objectifs/")
    page.get_by_role("link", name="Ajouter un objectif").click()
    page.get_by_label("Objectif").fill("Passer à 2 000 abonnés")
    page.get_by_label("Indicateur").select_option("followers")
    page.get_by_label("Point de départ").fill("1000")
    page.get_by_label("Cible").fill("2000")
    page.get_by_label("Échéance").fill("2030-06-30")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Objectif enregistré.")).to_be_visible()
    row = page.get_by_role("row", name="Passer à 2 000 abonnés")
    expect(row.get_by_role("cell", name="1500", exact=True)).to_be_visible()
    expect(row.locator("progress")).to_have_attribute("value", "50")


def test_the_demo_objectives_show_progress_from_the_training_accounts(
    live_server: LiveServer, page: Page, transactional_db: None
) -> None:
    load_demo()
    log_in(page, live_server.url, "cm@ville-de-demo.test", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/o/ville-de-demo/strategie/objectifs/")
    followers = page.get_by_role("row", name="Passer à 3 000 abonnés")
    expect(followers.get_by_role("cell", name="2400", exact=True)).to_be_visible()
    expect(followers.locator("progress")).to_have_attribute("value", "50")
    cadence = page.get_by_role("row", name="Publier cinq fois par semaine")
    expect(cadence.get_by_role("cell", name="3,5", exact=True)).to_be_visible()
    expect(cadence.locator("progress")).to_have_attribute("value", "50")
