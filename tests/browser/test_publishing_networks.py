"""Publishing in a real browser to Mastodon and Bluesky (the real local servers): a checked
post with an image for both, scheduled, delivered once on each; the cadence followed; a crisis
broadcast that pauses the rest. Mastodon is mastodon-mock (a stateful imitation of its API,
for what needs state: what was published, what is pinned) and the recorded responses of a
real Mastodon 4.6 (the last test).

The worker's part (running each due delivery) is played by the test, so that the time a
scheduled post waits is not spent waiting.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from urllib.parse import unquote_to_bytes, urlsplit

import pytest
import requests
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from parvis.connectors import actions
from parvis.connectors.bluesky.connect import login
from parvis.connectors.bluesky.tests.conftest import (  # noqa: F401 — the fixtures used below
    _people,
    _sessions,
    bluesky,
    bluesky_network,
    bluesky_postgres,
    town_hall,
)
from parvis.connectors.conftest import mastodon_mock, mock  # noqa: F401 — the fixtures
from parvis.connectors.mastodon import oauth
from parvis.connectors.mastodon.tests.conftest import TOKEN
from parvis.connectors.mastodon.tests.replay import replaying
from parvis.connectors.models import ConnectedAccount, Network
from parvis.organisations.models import Organisation
from parvis.publishing import delivery as machine
from parvis.publishing.models import Delivery, DeliveryState
from parvis.strategy import editorial
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
LATER = "Atelier compostage jeudi à la maison de quartier."
CRISIS = "🚱 Coupure d'eau sur le quartier des Lilas"
TEXT = "Le marché de Noël ouvre samedi place de la République, de 10 h à 19 h."


@pytest.fixture
def networks(lea, mock, bluesky, town_hall, settings):  # noqa: F811
    """The commune's two accounts, one on each network, with a cadence to follow."""
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = [f"127.0.0.1:{mock.port}", *bluesky.network.allowed]
    settings.PARVIS_UNDO_SECONDS = 2
    commune = Organisation.objects.get(slug="commune")
    mastodon = actions.do_connect(
        commune,
        actor=None,
        network=Network.MASTODON,
        connection=oauth.connect_with_token(mock.url, mock.tokens["ville"]),
    )
    sky = actions.do_connect(
        commune,
        actor=None,
        network=Network.BLUESKY,
        connection=login(town_hall.handle, town_hall.app_password, bluesky.network.pds),
    )
    editorial.write(
        commune,
        {
            "themes": ["Vie locale"],
            "tone": "",
            "style_rules": "",
            "language_level": "simple",
            "forbidden_words": [],
            "forbidden_topics": {},
            "cadence": {"mastodon": 3, "bluesky": 3},
            "reply_policy": "",
        },
        actor=None,
        note="",
    )
    return mastodon, sky


def _run_due(post_text: str) -> None:
    """The worker: every delivery of this text, due now, sent."""
    rows = Delivery.objects.filter(text__startswith=post_text[:30])
    rows.update(scheduled_at=timezone.now())
    for delivery in rows:
        assert machine.deliver(delivery.pk) == DeliveryState.SENT, delivery.last_error


def _add_image_and_schedule(page: Page, folder: Path, alt_text: str) -> dt.date:
    """Add an image with its alt text, then confirm the post for tomorrow 10:00, Paris time."""
    image = folder / "marche.png"
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), "darkred").save(buffer, "PNG")
    image.write_bytes(buffer.getvalue())
    page.get_by_label("Ajouter une image").set_input_files(str(image))
    page.locator("#id_image_alt").fill(alt_text)
    page.get_by_role("button", name="Programmer ou publier…").click()
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.get_by_label("À une date et une heure").check()
    page.get_by_label("Date", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("Heure (heure de Paris)").fill("10:00")
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_text("En attente d'envoi").first).to_be_visible()
    return tomorrow


def _schedule_then_start_a_water_crisis(
    page: Page, base_url: str, handle: str, *, theme: str | None = None
) -> None:
    """A post for the day after tomorrow on the Mastodon account, then the water-outage
    broadcast: crisis mode is on and the post is paused."""
    later = timezone.localdate() + dt.timedelta(days=2)
    page.goto(f"{base_url}/o/commune/publication/nouvelle/")
    page.get_by_label(f"{handle} (Mastodon)").check()
    page.locator("#id_text").fill(LATER)
    if theme:
        page.get_by_label("Thème de la ligne éditoriale").select_option(theme)
    page.get_by_role("button", name="Programmer ou publier…").click()
    page.get_by_label("À une date et une heure").check()
    page.get_by_label("Date", exact=True).fill(later.isoformat())
    page.get_by_label("Heure (heure de Paris)").fill("09:00")
    page.get_by_role("button", name="Confirmer").click()
    page.goto(f"{base_url}/o/commune/publication/crise/")
    page.get_by_role("link", name="Coupure d'eau").click()
    page.get_by_label("Territoire concerné").fill("le quartier des Lilas")
    page.get_by_label("Période (ce soir, jusqu'à demain 12 h…)").fill("jusqu'à 18 h")
    page.get_by_label("Lieux (adresses)").fill("place du marché")
    page.get_by_label("Lien vers les informations").fill("https://commune.test/eau")
    page.get_by_role("button", name="Préparer le message").click()
    page.get_by_role("button", name="Déclencher le mode crise et publier partout").click()
    expect(page.get_by_text("Mode crise en cours").first).to_be_visible()
    expect(page.get_by_role("row", name=LATER[:40])).to_contain_text("reprendra à la fin")
    assert Delivery.objects.get(text=LATER).state == DeliveryState.PAUSED


def _mastodon_statuses(mock, account: ConnectedAccount) -> list[dict]:  # noqa: F811
    answer = requests.get(
        f"{mock.url}/api/v1/accounts/{account.remote_id}/statuses", params={"limit": 40}, timeout=5
    )
    return list(answer.json())


def test_compose_for_mastodon_and_bluesky_schedule_it_and_see_it_delivered_once(
    live_server: LiveServer,
    page: Page,
    lea: str,
    *,
    networks,
    mock,  # noqa: F811
    bluesky,  # noqa: F811
    town_hall,  # noqa: F811
    tmp_path: Path,
) -> None:
    mastodon, sky = networks
    log_in(page, live_server.url, lea)
    page.goto(f"{live_server.url}/o/commune/publication/nouvelle/")
    page.get_by_label(f"{mastodon.handle} (Mastodon)").check()
    page.get_by_label(f"{sky.handle} (Bluesky)").check()
    page.locator("#id_text").fill(TEXT + " Venez nombreux ! " * 15)
    checks = page.locator("#checks")
    # Bluesky counts 300 graphemes, Mastodon 500 characters: only Bluesky is over.
    expect(checks.locator(".variant-check").nth(0)).to_contain_text("Bloquant")
    page.locator("#id_text").fill(TEXT)
    expect(checks).not_to_contain_text("Bloquant")
    page.get_by_label("Thème de la ligne éditoriale").select_option("Vie locale")
    tomorrow = _add_image_and_schedule(
        page, tmp_path, "Les chalets du marché de Noël sous les guirlandes"
    )
    planned = timezone.localtime(Delivery.objects.filter(account=mastodon).get().scheduled_at)
    assert (planned.date(), planned.hour) == (tomorrow, 10)

    _run_due(TEXT)
    page.reload()
    expect(page.get_by_text("Publié", exact=True)).to_have_count(2)
    statuses = [s for s in _mastodon_statuses(mock, mastodon) if "marché de Noël" in s["content"]]
    assert len(statuses) == 1
    assert statuses[0]["media_attachments"][0]["description"].startswith("Les chalets")
    records = [
        r
        for r in bluesky.records(town_hall.did, "app.bsky.feed.post")
        if r["value"]["text"] == TEXT
    ]
    assert len(records) == 1
    assert records[0]["value"]["embed"]["images"][0]["alt"].startswith("Les chalets")

    # The cadence: one post this week on each account, against 3.
    page.goto(f"{live_server.url}/o/commune/publication/regularite/")
    row = page.get_by_role("row", name=mastodon.handle)
    expect(row.get_by_role("cell", name="3", exact=True)).to_be_visible()


def test_a_crisis_broadcast_goes_to_both_networks_and_pauses_the_rest(
    live_server: LiveServer,
    page: Page,
    lea: str,
    *,
    networks,
    mock,  # noqa: F811
    bluesky,  # noqa: F811
    town_hall,  # noqa: F811
) -> None:
    mastodon, _sky = networks
    log_in(page, live_server.url, lea)
    _schedule_then_start_a_water_crisis(page, live_server.url, mastodon.handle, theme="Vie locale")
    _run_due(CRISIS)
    crisis = [s for s in _mastodon_statuses(mock, mastodon) if "Coupure d" in s["content"]]
    assert len(crisis) == 1
    pinned = requests.get(
        f"{mock.url}/api/v1/accounts/{mastodon.remote_id}/statuses",
        params={"pinned": "true"},
        timeout=5,
    ).json()
    assert [status["id"] for status in pinned] == [crisis[0]["id"]]
    assert any(
        r["value"]["text"].startswith("🚱 Coupure d'eau")
        for r in bluesky.records(town_hall.did, "app.bsky.feed.post")
    )
    page.get_by_role("button", name="Terminer le mode crise").click()
    expect(page.get_by_text("Fin du mode crise : 1 envoi(s) programmé(s) repris")).to_be_visible()
    assert Delivery.objects.get(text=LATER).state == DeliveryState.PENDING


def test_a_checked_post_with_an_image_leaves_once_against_recorded_mastodon_responses(
    live_server: LiveServer, page: Page, lea: str, *, settings, tmp_path: Path
) -> None:
    """The same path against real Mastodon 4.6 answers (recorded), each request checked
    against Mastodon's API description: what Parvis sends is what a real instance takes."""
    with replaying(
        "test_verify_credentials", "test_instance", "test_status_delete_media"
    ) as replay:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [replay.host]
        settings.PARVIS_UNDO_SECONDS = 2
        replay.recorded("POST", "/api/v1/statuses", 0).used = True  # one without the image
        account = actions.do_connect(
            Organisation.objects.get(slug="commune"),
            actor=None,
            network=Network.MASTODON,
            connection=oauth.connect_with_token(replay.url, TOKEN),
        )
        log_in(page, live_server.url, lea)
        page.goto(f"{live_server.url}/o/commune/publication/nouvelle/")
        page.get_by_label(f"{account.handle} (Mastodon)").check()
        page.locator("#id_text").fill("x" * 501)
        # The instance's own limit, read from its recorded configuration.
        expect(page.locator("#checks")).to_contain_text("501 / 500")
        page.locator("#id_text").fill(TEXT)
        expect(page.locator("#checks")).to_contain_text("Aucune remarque.")
        _add_image_and_schedule(page, tmp_path, "Les chalets du marché de Noël")

        _run_due(TEXT)
        delivery = Delivery.objects.get(account=account)
        assert machine.deliver(delivery.pk) == DeliveryState.SENT  # a second run sends nothing
        page.reload()
        expect(page.get_by_text("Publié", exact=True)).to_have_count(1)
        sent = [r for r, _ in replay.answered if r.method == "POST"]
        assert [urlsplit(r.path).path for r in sent] == ["/api/v2/media", "/api/v1/statuses"]
        upload, status = sent
        assert "Les chalets du marché de Noël".encode() in upload.body
        assert status.headers["idempotency-key"] == str(delivery.idempotency_key)
        assert b"status=Le+march" in status.body
        replay.assert_clean()


def test_a_crisis_broadcast_is_published_and_pinned_against_recorded_mastodon_responses(
    live_server: LiveServer, page: Page, lea: str, *, settings
) -> None:
    with replaying("test_verify_credentials", "test_instance", "test_status_pin_unpin") as replay:
        settings.PARVIS_HTTP_ALLOWED_PRIVATE = [replay.host]
        account = actions.do_connect(
            Organisation.objects.get(slug="commune"),
            actor=None,
            network=Network.MASTODON,
            connection=oauth.connect_with_token(replay.url, TOKEN),
        )
        log_in(page, live_server.url, lea)
        _schedule_then_start_a_water_crisis(page, live_server.url, account.handle)

        _run_due(CRISIS)
        status = replay.recorded("POST", "/api/v1/statuses").json["id"]
        sent = [(r.method, urlsplit(r.path).path) for r, _ in replay.answered]
        assert sent[-2:] == [
            ("POST", "/api/v1/statuses"), ("POST", f"/api/v1/statuses/{status}/pin"),
        ]  # fmt: skip
        [broadcast] = [r for r, _ in replay.answered if r.path == "/api/v1/statuses"]
        assert b"Coupure d'eau" in unquote_to_bytes(broadcast.body.replace(b"+", b" "))
        assert Delivery.objects.get(text=LATER).state == DeliveryState.PAUSED
        page.get_by_role("button", name="Terminer le mode crise").click()
        expect(page.get_by_text("1 envoi(s) programmé(s) repris")).to_be_visible()
        replay.assert_clean()
