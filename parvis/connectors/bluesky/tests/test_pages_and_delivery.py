"""Through Parvis itself: an administrator connects the town hall's Bluesky account from the
settings page, then a post is delivered exactly once (the real Bluesky servers, locally)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from parvis.connectors.models import ConnectedAccount, Health, Network
from parvis.publishing.models import Delivery

pytestmark = pytest.mark.django_db


def connect_page(organisation) -> str:
    return reverse("connectors:bluesky_connect", kwargs={"org": organisation.slug})


def test_an_admin_connects_a_bluesky_account_with_an_app_password(
    client, admin, organisation, bluesky, town_hall
):
    client.force_login(admin)
    response = client.post(
        connect_page(organisation),
        {
            "handle": town_hall.handle,
            "app_password": town_hall.app_password,
            "service": bluesky.network.pds,
        },
    )

    assert response.status_code == 302, response.content.decode()
    account = ConnectedAccount.objects.get(organisation=organisation)
    assert (account.network, account.handle, account.remote_id) == (
        Network.BLUESKY, town_hall.handle, town_hall.did,
    )  # fmt: skip
    assert account.health == Health.OK
    assert town_hall.app_password not in account.credentials  # the password is not kept
    page = client.get(reverse("connectors:accounts", kwargs={"org": organisation.slug}))
    assert town_hall.handle in page.content.decode()


def test_a_wrong_app_password_is_refused_in_french(client, admin, organisation, bluesky, town_hall):
    client.force_login(admin)
    response = client.post(
        connect_page(organisation),
        {
            "handle": town_hall.handle,
            "app_password": "aaaa-bbbb-cccc-dddd",
            "service": bluesky.network.pds,
        },
    )
    assert response.status_code == 200
    assert "mot de passe d&#x27;application refusé" in response.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_parvis_publish_delivers_once_on_bluesky(admin, organisation, bluesky, town_hall):
    out = io.StringIO()
    call_command(
        "account", "add", "bluesky", "--org", organisation.slug, "--handle", town_hall.handle,
        "--app-password", town_hall.app_password, "--service", bluesky.network.pds, stdout=out,
    )  # fmt: skip
    account = ConnectedAccount.objects.get(organisation=organisation)

    call_command(
        "publish", "La médiathèque ouvre le dimanche dès janvier #Culture",
        "--account", str(account.pk), stdout=out,
    )  # fmt: skip

    delivery = Delivery.objects.get()
    assert f"Publié : {delivery.remote_url}" in out.getvalue()
    assert delivery.remote_url.startswith("https://bsky.app/profile/")
    posts = [
        r for r in bluesky.records(town_hall.did, "app.bsky.feed.post")
        if "médiathèque" in r["value"]["text"]
    ]  # fmt: skip
    assert len(posts) == 1
    assert posts[0]["uri"] == delivery.remote_id
