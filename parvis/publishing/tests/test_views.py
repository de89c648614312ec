"""The publishing pages: compose with live checks, confirm, cancel in the undo window, retry."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from parvis.publishing import delivery as machine
from parvis.publishing.models import Delivery, DeliveryState, Post, PostState
from parvis.publishing.tests.test_composer import png

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"publishing:{name}", kwargs={"org": organisation.slug, **kwargs})


def test_a_reader_cannot_compose_and_a_contributor_cannot_confirm(
    client, organisation, reader, contributor, sandbox
):
    client.force_login(reader)
    assert client.get(url("new", organisation)).status_code == 403
    client.force_login(contributor)
    page = client.get(url("new", organisation)).content.decode()
    assert "Enregistrer le brouillon" in page
    assert "Programmer ou publier" not in page
    client.post(
        url("new", organisation), {"text": "Brouillon", "accounts": [sandbox.pk], "save": ""}
    )
    post = Post.objects.get()
    assert post.created_by == contributor
    assert client.get(url("confirm", organisation, pk=post.pk)).status_code == 403


def test_the_live_check_counts_and_explains_per_account(client, organisation, contributor, sandbox):
    client.force_login(contributor)
    answer = client.post(
        url("check", organisation),
        {"text": "a" * 510, "accounts": [sandbox.pk]},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "510 / 500" in answer
    assert "Bloquant" in answer
    assert "Bac à sable : rien ne quittera Parvis." in answer
    fine = client.post(
        url("check", organisation), {"text": "Forum samedi à 10 h.", "accounts": [sandbox.pk]}
    ).content.decode()
    assert "Aucune remarque." in fine
    nothing = client.post(url("check", organisation), {"text": "Bonjour"}).content.decode()
    assert "Choisissez au moins un compte" in nothing


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("affiche.png", b"not an image", "image/png"),
            "n'est pas une image lisible",
        ),
        (SimpleUploadedFile("large.png", png(20_000, 10), "image/png"), "10000 px au plus de côté"),
        (
            SimpleUploadedFile("huge.jpg", b"\xff" * (21 * 1024 * 1024), "image/jpeg"),
            "pèse 21 Mo : 20 Mo au plus",
        ),
    ],
    ids=["not-an-image", "20000-px", "21-MB"],
)
def test_a_bad_image_is_refused_in_french_and_the_text_is_kept(
    client, organisation, contributor, sandbox, *, upload, message
):
    client.force_login(contributor)
    response = client.post(
        url("new", organisation),
        {"text": "Le texte tapé", "accounts": [sandbox.pk], "image": upload, "image_alt": "x"},
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert message in page
    assert "Le texte tapé" in page
    assert not Post.objects.exists()


def test_compose_confirm_now_then_cancel_in_the_undo_window(
    client, organisation, community_manager, sandbox
):
    client.force_login(community_manager)
    image = SimpleUploadedFile("affiche.png", png(), "image/png")
    response = client.post(
        url("new", organisation),
        {
            "text": "Forum des associations samedi",
            "accounts": [sandbox.pk],
            "image": image,
            "image_alt": "Affiche du forum",
            "confirm": "",
        },
    )
    post = Post.objects.get()
    assert response["Location"] == url("confirm", organisation, pk=post.pk)
    page = client.get(response["Location"]).content.decode()
    assert "Aucune remarque." in page
    assert "Affiche du forum" in page
    client.post(
        url("confirm", organisation, pk=post.pk), {"when": "now", "revision": post.revision}
    )
    detail = client.get(url("detail", organisation, pk=post.pk)).content.decode()
    assert "Annuler l'envoi" in html.unescape(detail)
    delivery = Delivery.objects.get()
    assert delivery.media.get().alt_text == "Affiche du forum"
    response = client.post(url("cancel", organisation, pk=post.pk))
    assert response["Location"] == url("edit", organisation, pk=post.pk)
    assert Post.objects.get().state == PostState.DRAFT
    assert Delivery.objects.get().state == DeliveryState.CANCELLED


def test_a_post_is_scheduled_at_paris_time(client, organisation, community_manager, sandbox):
    client.force_login(community_manager)
    client.post(url("new", organisation), {"text": "Marché de Noël", "accounts": [sandbox.pk]})
    post = Post.objects.get()
    day = timezone.localdate() + dt.timedelta(days=3)
    client.post(
        url("confirm", organisation, pk=post.pk),
        {"when": "later", "day": day.isoformat(), "clock": "09:30", "revision": post.revision},
    )
    delivery = Delivery.objects.get()
    local = timezone.localtime(delivery.scheduled_at)
    assert (local.date(), local.hour, local.minute) == (day, 9, 30)
    assert machine.deliver(delivery.pk) == DeliveryState.PENDING  # not before its time
    listing = client.get(url("index", organisation)).content.decode()
    assert "Marché de Noël" in listing
    assert "En attente d'envoi" in html.unescape(listing)


def test_a_failure_shows_its_reason_and_a_retry_button(
    client, organisation, community_manager, sandbox
):
    from parvis.connectors.sandbox.models import SandboxProfile

    client.force_login(community_manager)
    client.post(url("new", organisation), {"text": "Alerte météo", "accounts": [sandbox.pk]})
    post = Post.objects.get()
    client.post(
        url("confirm", organisation, pk=post.pk), {"when": "now", "revision": post.revision}
    )
    delivery = Delivery.objects.get()
    Delivery.objects.update(scheduled_at=timezone.now())
    SandboxProfile.objects.update(revoked=True)
    assert machine.deliver(delivery.pk) == DeliveryState.FAILED
    listing = client.get(url("index", organisation)).content.decode()
    assert "En échec" in listing
    detail = client.get(url("detail", organisation, pk=post.pk)).content.decode()
    assert "reconnectez-le" in detail
    assert "Réessayer" in detail
    SandboxProfile.objects.update(revoked=False)
    client.post(url("retry", organisation, pk=delivery.pk))
    assert machine.deliver(delivery.pk) == DeliveryState.SENT


def test_two_editors_of_one_draft_lose_nothing(
    client, organisation, contributor, community_manager, sandbox
):
    client.force_login(contributor)
    client.post(url("new", organisation), {"text": "Première version", "accounts": [sandbox.pk]})
    post = Post.objects.get()
    opened = post.revision
    client.force_login(community_manager)
    client.post(
        url("edit", organisation, pk=post.pk),
        {"text": "Version de Carole", "accounts": [sandbox.pk], "revision": opened},
    )
    client.force_login(contributor)
    page = client.post(
        url("edit", organisation, pk=post.pk),
        {"text": "Version de Bruno", "accounts": [sandbox.pk], "revision": opened},
    ).content.decode()
    assert "a été modifié par Carole" in page
    assert "Version de Bruno" in page
    assert "Version de Carole" in page
    assert Post.objects.get().text == "Version de Carole"


def test_the_theme_comes_from_the_editorial_line(client, organisation, contributor, sandbox):
    from parvis.organisations.demo import DEMO_EDITORIAL_LINE
    from parvis.strategy import editorial

    values = {**DEMO_EDITORIAL_LINE, "themes": ["Culture", "Travaux"]}
    editorial.write(organisation, values, actor=None, note="")
    client.force_login(contributor)
    page = client.post(
        url("new", organisation), {"text": "Concert", "accounts": [sandbox.pk]}
    ).content.decode()
    assert "Ce champ est obligatoire" in page
    client.post(
        url("new", organisation), {"text": "Concert", "accounts": [sandbox.pk], "theme": "Culture"}
    )
    assert Post.objects.get().theme == "Culture"


def test_a_draft_is_deleted_but_a_confirmed_one_is_kept(
    client, organisation, community_manager, sandbox
):
    client.force_login(community_manager)
    client.post(url("new", organisation), {"text": "À jeter", "accounts": [sandbox.pk]})
    post = Post.objects.get()
    client.post(url("delete", organisation, pk=post.pk))
    assert not Post.objects.exists()
