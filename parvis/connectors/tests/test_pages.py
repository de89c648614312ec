"""Settings > Comptes des réseaux: an administrator connects, checks and disconnects accounts.

The Mastodon flow goes through the real pages and a real OAuth code flow against
mastodon-mock, the browser's part played by ``requests``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.urls import reverse

from conftest import raw_column
from parvis.audit.models import AuditEvent
from parvis.connectors.mastodon import oauth
from parvis.connectors.models import ConnectedAccount, Health, MastodonApplication, Network

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs: object) -> str:
    return reverse(f"connectors:{name}", kwargs={"org": organisation.slug, **kwargs})


def approve_on_the_instance(authorize_url: str, username: str) -> str:
    """What the administrator does on the instance: pick the account, approve; → our URL."""
    query = parse_qs(urlsplit(authorize_url).query)
    answer = requests.post(
        authorize_url.split("?", 1)[0],
        data={
            "username": username,
            "redirect_uri": query["redirect_uri"][0],
            "client_id": query["client_id"][0],
            "scope": query["scope"][0],
            "state": query["state"][0],
        },
        allow_redirects=False,
        timeout=5,
    )
    return str(answer.headers["Location"])


def connect_mastodon(client, organisation, mock, username: str = "ville") -> ConnectedAccount:
    response = client.post(url("mastodon_connect", organisation), {"instance": mock.url})
    assert response.status_code == 302, response.content.decode()
    assert response["Location"].startswith(f"{mock.url}/oauth/authorize?")
    back = urlsplit(approve_on_the_instance(response["Location"], username))
    assert back.path == reverse("connectors_oauth:mastodon_callback")
    done = client.get(f"{back.path}?{back.query}")
    assert done.status_code == 302
    return ConnectedAccount.objects.get(organisation=organisation, handle__startswith=username)


def test_an_admin_connects_a_mastodon_account_through_the_instance(
    client, admin, organisation, mock
):
    client.force_login(admin)

    account = connect_mastodon(client, organisation, mock)

    assert account.network == Network.MASTODON
    assert account.handle == f"ville@127.0.0.1:{mock.port}"
    assert account.connected_by == admin
    assert account.health == Health.OK
    token = account.credentials_dict()["access_token"]
    assert token not in raw_column(account, "credentials")  # encrypted at rest
    assert MastodonApplication.objects.get(instance_url=mock.url).redirect_uri.endswith(
        "/reseaux/mastodon/retour/"
    )
    event = AuditEvent.objects.get(action="account.connected")
    assert event.after["handle"] == account.handle  # type: ignore[index]
    page = client.get(url("accounts", organisation)).content.decode()
    assert account.handle in page
    assert "Opérationnel" in page
    assert token not in page


def test_parvis_registers_once_per_instance(client, admin, organisation, mock):
    client.force_login(admin)
    connect_mastodon(client, organisation, mock, "ville")
    connect_mastodon(client, organisation, mock, "habitant")
    assert MastodonApplication.objects.filter(instance_url=mock.url).count() == 1
    assert ConnectedAccount.objects.filter(organisation=organisation).count() == 2


def test_connecting_the_same_account_again_reconnects_it(client, admin, organisation, mock):
    client.force_login(admin)
    first = connect_mastodon(client, organisation, mock)
    ConnectedAccount.objects.filter(pk=first.pk).update(health=Health.RECONNECT, last_error="x")

    again = connect_mastodon(client, organisation, mock)

    assert again.pk == first.pk
    assert again.health == Health.OK
    assert again.last_error == ""


def test_a_refusal_on_the_instance_connects_nothing_and_says_so(client, admin, organisation, mock):
    client.force_login(admin)
    response = client.post(url("mastodon_connect", organisation), {"instance": mock.url})
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]

    back = client.get(
        reverse("connectors_oauth:mastodon_callback"),
        {"state": state, "error": "access_denied"},
        follow=True,
    )

    assert "refusée ou annulée" in back.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_a_return_with_an_unknown_state_is_refused(client, admin, mock):
    client.force_login(admin)
    response = client.get(
        reverse("connectors_oauth:mastodon_callback"), {"state": "forged", "code": "x"}
    )
    assert response.status_code == 404
    assert not ConnectedAccount.objects.exists()


def test_a_state_is_only_good_for_the_person_who_started(
    client, admin, outsider, organisation, mock
):
    client.force_login(admin)
    response = client.post(url("mastodon_connect", organisation), {"instance": mock.url})
    location = approve_on_the_instance(response["Location"], "ville")
    client.force_login(outsider)  # another session: the state is not in it
    back = urlsplit(location)
    assert client.get(f"{back.path}?{back.query}").status_code == 404
    assert not ConnectedAccount.objects.exists()


def test_an_instance_without_https_is_refused(client, admin, organisation, settings):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    client.force_login(admin)
    response = client.post(
        url("mastodon_connect", organisation), {"instance": "http://mastodon.test"}
    )
    assert response.status_code == 200
    assert "doit être joint en https" in response.content.decode()


def test_an_unreachable_instance_is_explained(client, admin, organisation, settings):
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    client.force_login(admin)
    response = client.post(url("mastodon_connect", organisation), {"instance": "https://127.0.0.1"})
    assert "Adresse refusée" in response.content.decode()
    assert not MastodonApplication.objects.exists()


def test_the_account_page_shows_what_the_network_allows_and_the_instance_limits(
    client, admin, organisation, mock
):
    client.force_login(admin)
    account = connect_mastodon(client, organisation, mock)

    page = client.get(url("account_detail", organisation, pk=account.pk)).content.decode()

    assert "sondage" in page
    assert "<del>masquer ou supprimer un commentaire</del>" in page
    limit = account.credentials_dict()["instance"]["statuses"]["max_characters"]
    assert f"{limit} caractères, un lien compte pour 23" in page


def test_a_revoked_token_shows_a_reconnection_is_needed(
    client, admin, organisation, mock, jobs_run_on_commit
):
    client.force_login(admin)
    account = connect_mastodon(client, organisation, mock)
    credentials = account.credentials_dict()
    oauth_app = MastodonApplication.objects.get()
    requests.post(
        f"{mock.url}/oauth/revoke",
        data={"token": credentials["access_token"], "client_id": oauth_app.client_id,
              "client_secret": oauth_app.client_secret},
        timeout=5,
    )  # fmt: skip  # the token is revoked on the instance, behind Parvis's back

    with jobs_run_on_commit():
        client.post(url("account_check", organisation, pk=account.pk))

    account.refresh_from_db()
    assert account.health == Health.RECONNECT
    page = client.get(url("account_detail", organisation, pk=account.pk)).content.decode()
    assert "Reconnexion nécessaire" in page
    assert "reconnectez" in page
    assert "Reconnecter" in page


def test_disconnecting_stops_at_once_then_revokes_and_forgets_the_token(
    client, admin, organisation, mock, jobs_run_on_commit
):
    client.force_login(admin)
    account = connect_mastodon(client, organisation, mock)
    token = account.credentials_dict()["access_token"]

    with jobs_run_on_commit():
        client.post(url("account_disconnect", organisation, pk=account.pk))

    account.refresh_from_db()
    assert account.health == Health.DISCONNECTED
    assert account.credentials == ""
    assert AuditEvent.objects.filter(action="account.disconnected").count() == 1
    with pytest.raises(Exception, match="reconnectez"):
        oauth.connect_with_token(mock.url, token)
