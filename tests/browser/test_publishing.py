"""Publishing in a real browser: compose with live checks, an image and its description,
confirm, watch the undo window, see the post delivered once on the training network."""

from __future__ import annotations

import datetime as dt
import io
import time
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from parvis.accounts.models import User
from parvis.connectors.sandbox.models import SandboxPost
from parvis.organisations.models import Organisation
from parvis.publishing import composer
from parvis.publishing import delivery as machine
from parvis.publishing.forms import local_datetime
from parvis.publishing.models import Delivery, DeliveryState
from parvis.publishing.tests.conftest import training_account
from parvis.publishing.tests.test_composer import draft
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def commune_account(lea: str) -> None:
    training_account(Organisation.objects.get(slug="commune"), "commune.bac-a-sable")


def test_compose_check_as_you_type_confirm_and_see_it_delivered_once(
    live_server: LiveServer,
    page: Page,
    lea: str,
    commune_account: None,
    *,
    screenshots: Path,
    tmp_path: Path,
    settings,
) -> None:
    settings.PARVIS_UNDO_SECONDS = 3
    settings.PARVIS_BASE_URL = live_server.url  # the training network links to the instance
    log_in(page, live_server.url, lea)
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Publication"
    ).click()
    page.get_by_role("link", name="Nouvelle publication").click()
    page.get_by_label("commune.bac-a-sable (Bac à sable (entraînement))").check()

    # Too long: the check says so while typing, with the network's count (ends trimmed).
    page.locator("#id_text").fill("Travaux rue Victor-Hugo. " * 25)
    checks = page.locator("#checks")
    expect(checks).to_contain_text("624 / 500 caractères")
    expect(checks).to_contain_text("Bloquant")
    text = "Forum des associations samedi de 10 h à 17 h au gymnase."
    page.locator("#id_text").fill(text)
    expect(checks).to_contain_text("Aucune remarque.")

    # An image: without a description it blocks; described, it goes.
    image = tmp_path / "affiche.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "navy").save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    page.get_by_label("Ajouter une image").set_input_files(str(image))
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    expect(page.get_by_text("Brouillon enregistré.")).to_be_visible()
    expect(checks).to_contain_text("ajoutez un texte alternatif")
    page.locator("textarea[name^=alt_]").fill("Affiche du forum des associations")
    expect(checks).to_contain_text("Aucune remarque.")
    page.screenshot(path=screenshots / "composer.png", full_page=True)

    page.get_by_role("button", name="Programmer ou publier…").click()
    expect(page.get_by_role("heading", name="Confirmer la publication")).to_be_visible()
    expect(page.get_by_text("Affiche du forum des associations")).to_be_visible()
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("button", name="Annuler l'envoi")).to_be_visible()
    expect(page.get_by_text("En attente d'envoi")).to_be_visible()

    # The worker's job, once the undo window is over (here, 3 s).
    delivery = Delivery.objects.get()
    time.sleep(3.2)
    assert machine.deliver(delivery.pk) == DeliveryState.SENT
    assert machine.deliver(delivery.pk) == DeliveryState.SENT  # a second run sends nothing
    expect(page.get_by_text("Publié", exact=True)).to_be_visible(timeout=10_000)
    expect(page.get_by_role("button", name="Annuler l'envoi")).to_have_count(0)
    page.screenshot(path=screenshots / "delivered.png", full_page=True)

    [posted] = SandboxPost.objects.all()
    assert posted.text == text
    assert posted.media[0]["alt_text"] == "Affiche du forum des associations"
    page.get_by_role("link", name="Voir la publication").click()
    expect(page.get_by_text("réseau d'entraînement")).to_be_visible()
    expect(page.locator(f"#post-{posted.remote_id}")).to_contain_text("Forum des associations")


def test_a_post_is_dragged_to_another_day_of_the_calendar(
    live_server: LiveServer, page: Page, lea: str, commune_account: None
) -> None:
    commune = Organisation.objects.get(slug="commune")
    author = User.objects.get(email=lea)
    day = timezone.localdate() + dt.timedelta(days=1)
    if day.day > 20:  # keep both days in the month shown
        day = (day + dt.timedelta(days=15)).replace(day=5)
    post = draft(commune, author, list(commune.connected_accounts.all()), text="Conseil jeudi")
    composer.confirm(
        post, actor=author, revision=post.revision, when=local_datetime(day, dt.time(18, 0))
    )
    log_in(page, live_server.url, lea)
    page.goto(f"{live_server.url}/o/commune/publication/calendrier/?date={day.isoformat()}")
    target = day + dt.timedelta(days=2)
    item = page.locator("[data-move-url]", has_text="Conseil jeudi")
    item.drag_to(page.locator(f'td[data-day="{target.isoformat()}"]'))
    expect(
        page.locator(f'td[data-day="{target.isoformat()}"]').get_by_text("18:00 — Conseil jeudi")
    ).to_be_visible()
    moved = timezone.localtime(Delivery.objects.get(post=post).scheduled_at)
    assert (moved.date(), moved.hour) == (target, 18)
