"""End-to-end flows against mastodon-mock, a stateful imitation of Mastodon run as a process.

It is still an imitation: the recordings (``test_recorded*``) and the API description keep
the connector honest; these tests check that the pieces work together over time.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from parvis.connectors.base import AccountAccess, Draft, MediaFile, Visibility
from parvis.connectors.errors import ConnectorError
from parvis.connectors.mastodon import oauth
from parvis.connectors.mastodon.connector import MastodonConnector
from parvis.connectors.remote import MediaKind, NotificationKind

from .mock_server import MockInstance
from .test_recorded import PNG

CALLBACK = "https://parvis.exemple.gouv.fr/o/ville/parametres/comptes/mastodon/retour/"


def connected(mock: MockInstance, name: str) -> MastodonConnector:
    connection = oauth.connect_with_token(mock.url, mock.tokens[name])
    return MastodonConnector(
        AccountAccess(
            service_url=connection.service_url,
            handle=connection.account.handle,
            remote_id=connection.account.remote_id,
            credentials=connection.credentials,
        )
    )


def test_an_administrator_connects_an_account_through_the_oauth_code_flow(mock):
    application = oauth.register_application(mock.url, CALLBACK, "https://parvis.test")
    url = oauth.authorization_url(mock.url, application, CALLBACK, state="etat-123")

    # The administrator approves on the instance, which sends the browser back to Parvis.
    picker = requests.get(url, timeout=5)
    assert picker.status_code == 200
    approved = requests.post(
        f"{mock.url}/oauth/authorize",
        data={"username": "ville", "redirect_uri": CALLBACK, "client_id": application.client_id,
              "scope": "read write", "state": "etat-123"},
        allow_redirects=False,
        timeout=5,
    )  # fmt: skip
    back = parse_qs(urlsplit(approved.headers["Location"]).query)
    assert back["state"] == ["etat-123"]

    connection = oauth.exchange_code(mock.url, application, back["code"][0], CALLBACK)

    assert connection.account.handle == f"ville@127.0.0.1:{mock.port}"
    assert connection.credentials["client_id"] == application.client_id
    assert connection.credentials["version"] == "4.6.0"
    verified = MastodonConnector(
        AccountAccess(service_url=mock.url, credentials=connection.credentials)
    ).verify()
    assert verified.remote_id == connection.account.remote_id


def test_publish_with_an_image_and_read_it_back(mock):
    ville = connected(mock, "ville")
    image = MediaFile(PNG, "image/png", "plan.png", alt_text="Plan de la déviation")

    published = ville.publish(
        Draft("Travaux rue de la Mairie : déviation par #CentreVille", media=(image,)),
        idempotency_key="flow-media",
    )
    post = ville.get_post(published.remote_id)

    assert "déviation" in post.text
    assert [tag.lower() for tag in post.hashtags] == ["centreville"]
    [media] = post.media
    assert media.kind == MediaKind.IMAGE
    assert media.alt_text == "Plan de la déviation"


def test_the_same_idempotency_key_never_gives_two_posts(mock):
    ville = connected(mock, "ville")
    first = ville.publish(Draft("Conseil municipal jeudi 19 h"), idempotency_key="flow-once")
    again = ville.publish(Draft("Conseil municipal jeudi 19 h"), idempotency_key="flow-once")
    assert again.remote_id == first.remote_id


def test_a_mention_is_read_as_a_notification_and_the_reply_under_our_post(mock):
    ville, habitant = connected(mock, "ville"), connected(mock, "habitant")
    ours = ville.publish(Draft("La piscine rouvre lundi."), idempotency_key="flow-pool")

    question = habitant.publish(
        Draft("@ville à quelle heure ?", in_reply_to=ours.remote_id),
        idempotency_key="flow-question",
    )

    mentions = ville.mentions().items
    mention = next(n for n in mentions if n.post and n.post.remote_id == question.remote_id)
    assert mention.kind == NotificationKind.REPLY  # a reply to one of our posts
    assert mention.accounts[0].handle.startswith("habitant@")
    notifications = ville.notifications().items
    assert any(n.post and n.post.remote_id == question.remote_id for n in notifications)
    assert [reply.remote_id for reply in ville.replies(ours.remote_id)] == [question.remote_id]

    answer = ville.publish(Draft("Dès 9 h !", in_reply_to=question.remote_id), idempotency_key="a")
    assert ville.get_post(answer.remote_id).reply_to_id == question.remote_id


def test_a_thread_chains_each_part_to_the_previous_one(mock):
    ville = connected(mock, "ville")
    parts = ville.publish_thread(
        [Draft("1/3 Le budget 2027"), Draft("2/3 Les investissements"), Draft("3/3 La suite")],
        idempotency_key="flow-thread",
    )
    assert ville.get_post(parts[1].remote_id).reply_to_id == parts[0].remote_id
    assert ville.get_post(parts[2].remote_id).reply_to_id == parts[1].remote_id


def test_likes_and_reposts_show_in_the_metrics_and_the_notifications(mock):
    ville, habitant = connected(mock, "ville"), connected(mock, "habitant")
    ours = ville.publish(Draft("Merci aux bénévoles du forum !"), idempotency_key="flow-thanks")

    habitant.like(ours.remote_id)
    habitant.repost(ours.remote_id)

    metrics = ville.metrics([ours.remote_id])[ours.remote_id]
    assert (metrics.likes, metrics.reposts) == (1, 1)
    kinds = {
        n.kind for n in ville.notifications().items if n.post and n.post.remote_id == ours.remote_id
    }
    assert {NotificationKind.LIKE, NotificationKind.REPOST} <= kinds


def test_listening_finds_a_hashtag_and_accounts_are_looked_up_and_followed(mock):
    ville, habitant = connected(mock, "ville"), connected(mock, "habitant")
    habitant.publish(Draft("Marché de Noël place du village #MarcheDeNoel"), idempotency_key="noel")

    found = ville.search_posts("#MarcheDeNoel").items
    assert any("Marché de Noël" in post.text for post in found)
    account = ville.lookup_account(f"habitant@127.0.0.1:{mock.port}")
    assert account is not None
    assert ville.lookup_account("personne") is None
    ville.follow(account.remote_id)
    assert ville.verify().following_count == 1


def test_a_deleted_post_is_gone(mock):
    ville = connected(mock, "ville")
    published = ville.publish(Draft("Message publié par erreur"), idempotency_key="flow-oops")

    ville.delete(published.remote_id)

    with pytest.raises(ConnectorError) as caught:
        ville.get_post(published.remote_id)
    assert caught.value.status == 404


def test_a_post_that_may_have_gone_out_is_found_again_by_its_text(mock):
    ville = connected(mock, "ville")
    draft = Draft("Fermeture exceptionnelle de la mairie vendredi.")
    published = ville.publish(draft, idempotency_key="flow-maybe")

    assert ville.find_published("flow-maybe", draft=draft).remote_id == published.remote_id  # type: ignore[union-attr]
    assert ville.find_published("other", draft=Draft("Jamais publié")) is None


def test_disconnecting_revokes_the_token(mock):
    application = oauth.register_application(mock.url, CALLBACK, "https://parvis.test")
    connection = oauth.connect_with_token(
        mock.url, mock.tokens["journaliste"], application=application
    )
    connector = MastodonConnector(
        AccountAccess(service_url=mock.url, credentials=connection.credentials)
    )

    connector.disconnect()

    connected_again = MastodonConnector(
        AccountAccess(service_url=mock.url, credentials=connection.credentials)
    )
    with pytest.raises(ConnectorError) as caught:
        connected_again.verify()
    assert caught.value.needs_reconnect
    assert re.search("reconnectez", caught.value.message)


def test_a_private_message_is_read_in_the_conversations(mock):
    ville, habitant = connected(mock, "ville"), connected(mock, "habitant")
    habitant.publish(
        Draft("@ville bonjour, ma carte d'identité est prête ?", visibility=Visibility.DIRECT),
        idempotency_key="flow-dm",
    )

    messages = ville.direct_messages().items

    assert any("carte d'identité" in message.text for message in messages)
    assert all(message.visibility == "direct" for message in messages)
