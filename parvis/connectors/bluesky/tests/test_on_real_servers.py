"""The connector against the reference Bluesky servers (PDS, PLC, AppView) run on 127.0.0.1.

One network for the whole run (see ``conftest.py``); each test makes its own posts. Reads
served by the AppView (search, notifications, threads, counts) wait for ``process_all()``.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import pytest
from PIL import Image

from parvis.connectors.base import Draft, LinkCard, MediaFile
from parvis.connectors.bluesky import tid
from parvis.connectors.bluesky.connect import login
from parvis.connectors.bluesky.connector import BlueskyConnector
from parvis.connectors.bluesky.facets import utf8
from parvis.connectors.bluesky.tests.conftest import Bluesky, Person
from parvis.connectors.errors import ConnectorError
from parvis.connectors.remote import NotificationKind

pytestmark = pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")


def jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 0, 145)).save(buffer, "JPEG")
    return buffer.getvalue()


def key(name: str) -> str:
    """An idempotency key unique to this run (the network lives for the whole run)."""
    return f"{name}-{tid.derive(str(id(name)) + name)}"


# --- Connecting ---------------------------------------------------------------------------------


def test_an_account_connects_with_its_handle_and_an_app_password(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connection = login(town_hall.handle, town_hall.app_password, bluesky.network.pds)
    assert connection.service_url == bluesky.network.pds
    assert connection.account.remote_id == town_hall.did
    assert connection.account.handle == town_hall.handle
    assert connection.account.followers_count is not None  # the AppView answered
    assert set(connection.credentials) >= {"did", "handle", "access_jwt", "refresh_jwt"}
    assert town_hall.app_password not in str(connection.credentials)


def test_without_a_server_the_handle_is_resolved_to_its_pds_through_the_plc_directory(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connection = login(
        f"@{town_hall.handle.upper()}",
        town_hall.app_password,
        plc_url=bluesky.network.plc,
        resolver_url=bluesky.network.pds,
    )
    assert connection.service_url == bluesky.network.pds  # from the DID document
    assert connection.account.remote_id == town_hall.did


def test_a_wrong_app_password_is_refused_with_a_clear_french_message(
    bluesky: Bluesky, town_hall: Person
) -> None:
    with pytest.raises(ConnectorError) as caught:
        login(town_hall.handle, "abcd-efgh-ijkl-mnop", bluesky.network.pds)
    assert caught.value.permanent
    assert caught.value.message.startswith(
        "Identifiant ou mot de passe d'application refusé par Bluesky"
    )
    assert "Invalid identifier or password" in caught.value.remote_message


def test_the_main_password_is_refused_for_an_app_password(
    bluesky: Bluesky, town_hall: Person
) -> None:
    from parvis.connectors.bluesky.tests.conftest import ACCOUNT_PASSWORD

    with pytest.raises(ConnectorError, match="mot de passe principal"):
        login(town_hall.handle, ACCOUNT_PASSWORD, bluesky.network.pds)


def test_an_unknown_handle_is_reported(bluesky: Bluesky) -> None:
    with pytest.raises(ConnectorError, match="Compte Bluesky introuvable"):
        login("personne-ici.test", "abcd-efgh-ijkl-mnop", bluesky.network.pds)


def test_an_unreachable_server_is_reported_as_worth_retrying(
    bluesky: Bluesky, settings: Any
) -> None:
    from parvis.core.http.tests.servers import free_port

    port = free_port()
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = [*bluesky.network.allowed, f"127.0.0.1:{port}"]
    with pytest.raises(ConnectorError, match="Serveur Bluesky injoignable") as caught:
        login("mairie.test", "abcd-efgh-ijkl-mnop", f"http://127.0.0.1:{port}")
    assert not caught.value.permanent


def test_verify_gives_the_account_and_its_follower_count(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    account = connector.verify()
    assert account.remote_id == town_hall.did
    assert isinstance(account.followers_count, int)


# --- Publishing ---------------------------------------------------------------------------------


def test_a_post_with_a_link_a_mention_and_a_hashtag_reads_back_with_its_facets(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    text = f"Fête 🎉 à l'été : https://www.vire.fr/fête avec @{citizen.handle} #FêteDeLaMusique"
    published = connector.publish(Draft(text=text), idempotency_key=key("facets"))

    stored = bluesky.record(published.uri)["value"]
    data = utf8(text)
    covered = {
        feature["$type"].split("#")[1]: (
            data[facet["index"]["byteStart"] : facet["index"]["byteEnd"]],
            feature,
        )
        for facet in stored["facets"]
        for feature in facet["features"]
    }
    assert covered["link"] == (b"https://www.vire.fr/f\xc3\xaate", covered["link"][1])
    assert covered["link"][1]["uri"] == "https://www.vire.fr/fête"
    assert covered["mention"][0] == f"@{citizen.handle}".encode()
    assert covered["mention"][1]["did"] == citizen.did
    assert covered["tag"][0] == "#FêteDeLaMusique".encode()
    assert stored["langs"] == ["fr"]

    bluesky.network.process_all()
    post = connector.get_post(published.remote_id)
    assert post.text == text
    assert post.url == published.url
    assert post.mentions == (citizen.handle,)
    assert post.hashtags == ("FêteDeLaMusique",)
    assert '<a href="https://www.vire.fr/fête"' in post.html


def test_an_image_is_published_with_its_alt_text_and_aspect_ratio(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    poster = MediaFile(jpeg(1200, 800), "image/jpeg", "affiche.jpg", alt_text="Affiche bleue")
    published = connector.publish(
        Draft(text="Le programme", media=(poster,)), idempotency_key=key("image")
    )
    [stored] = bluesky.record(published.uri)["value"]["embed"]["images"]
    assert stored["alt"] == "Affiche bleue"
    assert stored["aspectRatio"] == {
        "$type": "app.bsky.embed.defs#aspectRatio",
        "width": 1200,
        "height": 800,
    }
    assert stored["image"]["mimeType"] == "image/jpeg"

    bluesky.network.process_all()
    [media] = connector.get_post(published.remote_id).media
    assert (media.alt_text, media.width, media.height) == ("Affiche bleue", 1200, 800)


def test_a_link_card_is_published_with_its_thumbnail(bluesky: Bluesky, town_hall: Person) -> None:
    connector, _saved = bluesky.connector(town_hall)
    card = LinkCard(
        url="https://www.vire.fr/horaires",
        title="Horaires de la mairie",
        description="Accueil du public",
        thumbnail=MediaFile(jpeg(600, 315), "image/jpeg", "vignette.jpg"),
    )
    published = connector.publish(
        Draft(text="Nos horaires", link_card=card), idempotency_key=key("card")
    )
    external = bluesky.record(published.uri)["value"]["embed"]["external"]
    assert external["uri"] == "https://www.vire.fr/horaires"
    assert external["title"] == "Horaires de la mairie"
    assert external["thumb"]["mimeType"] == "image/jpeg"


def test_a_thread_keeps_its_first_post_as_root(bluesky: Bluesky, town_hall: Person) -> None:
    connector, _saved = bluesky.connector(town_hall)
    drafts = [Draft(text=f"Travaux rue Haute ({n}/3)") for n in (1, 2, 3)]
    first, second, third = connector.publish_thread(drafts, idempotency_key=key("thread"))

    assert "reply" not in bluesky.record(first.uri)["value"]
    second_reply = bluesky.record(second.uri)["value"]["reply"]
    third_reply = bluesky.record(third.uri)["value"]["reply"]
    assert second_reply["parent"]["uri"] == second_reply["root"]["uri"] == first.uri
    assert third_reply["parent"]["uri"] == second.uri
    assert third_reply["root"]["uri"] == first.uri


def test_a_thread_retried_after_a_crash_finds_its_parts(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    drafts = [Draft(text=f"Alerte crue ({n}/2)") for n in (1, 2)]
    thread_key = key("thread-retry")
    [first] = connector.publish_thread(drafts[:1], idempotency_key=thread_key)
    again = connector.publish_thread(drafts, idempotency_key=thread_key)
    assert again[0] == first
    assert bluesky.record(again[1].uri)["value"]["reply"]["root"]["uri"] == first.uri


def test_a_reply_to_a_citizen_points_to_their_post_and_its_root(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    resident, _ = bluesky.connector(citizen)
    question = resident.publish(
        Draft(text="La déchetterie est-elle ouverte dimanche ?"), idempotency_key=key("question")
    )
    follow_up = resident.publish(
        Draft(text="Et les jours fériés ?", in_reply_to=question.remote_id),
        idempotency_key=key("follow-up"),
    )
    connector, _saved = bluesky.connector(town_hall)
    answer = connector.publish(
        Draft(text="Oui, de 9 h à 12 h, y compris les jours fériés.", in_reply_to=follow_up.url),
        idempotency_key=key("answer"),
    )
    reply = bluesky.record(answer.uri)["value"]["reply"]
    assert reply["parent"]["uri"] == follow_up.uri
    assert reply["root"]["uri"] == question.uri


def test_a_quote_embeds_the_quoted_post_with_or_without_images(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    resident, _ = bluesky.connector(citizen)
    original = resident.publish(Draft(text="Super marché ce matin !"), idempotency_key=key("q0"))
    connector, _saved = bluesky.connector(town_hall)

    quote = connector.publish(
        Draft(text="Merci !", quote_of=original.remote_id), idempotency_key=key("q1")
    )
    embed = bluesky.record(quote.uri)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.record"
    assert embed["record"]["uri"] == original.uri

    photo = MediaFile(jpeg(400, 400), "image/jpeg", "photo.jpg", alt_text="Étals du marché")
    with_media = connector.publish(
        Draft(text="En images", quote_of=original.remote_id, media=(photo,)),
        idempotency_key=key("q2"),
    )
    embed = bluesky.record(with_media.uri)["value"]["embed"]
    assert embed["$type"] == "app.bsky.embed.recordWithMedia"
    assert embed["record"]["record"]["uri"] == original.uri
    assert embed["media"]["images"][0]["alt"] == "Étals du marché"

    bluesky.network.process_all()
    assert connector.get_post(quote.remote_id).quote_of_id == original.uri


def test_publishing_twice_with_the_same_key_gives_one_post(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    idempotency_key = key("once")
    first = connector.publish(
        Draft(text="Conseil municipal ce soir"), idempotency_key=idempotency_key
    )
    second = connector.publish(
        Draft(text="Conseil municipal ce soir"), idempotency_key=idempotency_key
    )
    assert second == first
    assert first.uri.endswith(f"/{tid.derive(idempotency_key)}")
    assert connector.find_published(idempotency_key) == first
    texts = [r["value"]["text"] for r in bluesky.records(town_hall.did, "app.bsky.feed.post")]
    assert texts.count("Conseil municipal ce soir") == 1


def test_a_retry_whose_first_write_went_through_returns_that_post(
    bluesky: Bluesky, town_hall: Person, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crash came after the write: the look-up misses once, the PDS refuses the key (500)."""
    connector, _saved = bluesky.connector(town_hall)
    idempotency_key = key("crash")
    written = connector.publish(Draft(text="Coupure d'eau"), idempotency_key=idempotency_key)

    real = BlueskyConnector.find_published
    calls: list[str] = []

    def blind_first_time(self: BlueskyConnector, idempotency_key: str) -> Any:
        calls.append(idempotency_key)
        return None if len(calls) == 1 else real(self, idempotency_key)

    monkeypatch.setattr(BlueskyConnector, "find_published", blind_first_time)
    retried = connector.publish(Draft(text="Coupure d'eau"), idempotency_key=idempotency_key)
    assert retried == written
    assert len(calls) == 2  # missed, then found after the PDS refused the duplicate


def test_a_deleted_post_is_gone(bluesky: Bluesky, town_hall: Person) -> None:
    connector, _saved = bluesky.connector(town_hall)
    idempotency_key = key("delete")
    published = connector.publish(Draft(text="Message erroné"), idempotency_key=idempotency_key)
    connector.delete(published.remote_id)
    assert connector.find_published(idempotency_key) is None
    bluesky.network.process_all()
    with pytest.raises(ConnectorError, match="introuvable") as caught:
        connector.get_post(published.remote_id)
    assert caught.value.permanent


# --- Engaging -----------------------------------------------------------------------------------


def test_repost_and_like_count_once_each_even_when_repeated(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    resident, _ = bluesky.connector(citizen)
    post = resident.publish(Draft(text="Photo du lavoir restauré"), idempotency_key=key("lavoir"))
    connector, _saved = bluesky.connector(town_hall)
    reposts = set()
    for _ in range(2):
        connector.like(post.remote_id)
        reposts.add(connector.repost(post.url))
    [repost] = reposts  # the second call found the first repost
    assert bluesky.record(repost.remote_id)["value"]["subject"]["uri"] == post.uri
    assert len([r for r in bluesky.records(town_hall.did, "app.bsky.feed.like")
                if r["value"]["subject"]["uri"] == post.uri]) == 1  # fmt: skip

    bluesky.network.process_all()
    metrics = connector.metrics([post.remote_id])[post.remote_id]
    assert (metrics.likes, metrics.reposts, metrics.replies, metrics.quotes) == (1, 1, 0, 0)


def test_following_an_account_twice_follows_it_once(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    connector, _saved = bluesky.connector(citizen)
    connector.follow(town_hall.handle)
    connector.follow(town_hall.did)
    follows = [r for r in bluesky.records(citizen.did, "app.bsky.graph.follow")
               if r["value"]["subject"] == town_hall.did]  # fmt: skip
    assert len(follows) == 1

    bluesky.network.process_all()
    town, _ = bluesky.connector(town_hall)
    account = town.lookup_account(town_hall.handle)
    assert account is not None
    assert account.followers_count == 1


# --- Reading ------------------------------------------------------------------------------------


def test_a_citizen_mentioning_the_town_hall_shows_in_its_notifications(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    ours = connector.publish(Draft(text="Inscriptions ouvertes"), idempotency_key=key("ours"))
    resident, _ = bluesky.connector(citizen)
    mention = resident.publish(
        Draft(text=f"@{town_hall.handle} où s'inscrire pour la cantine ?"),
        idempotency_key=key("mention"),
    )
    reply = resident.publish(
        Draft(text="Merci pour l'info", in_reply_to=ours.remote_id), idempotency_key=key("reply")
    )
    resident.like(ours.remote_id)
    bluesky.network.process_all()

    notices = connector.notifications().items
    by_post = {(n.kind, n.post.remote_id if n.post else "") for n in notices}
    assert (NotificationKind.MENTION, mention.uri) in by_post
    assert (NotificationKind.REPLY, reply.uri) in by_post
    assert (NotificationKind.LIKE, ours.uri) in by_post  # the post liked is ours
    the_mention = next(n for n in notices if n.post and n.post.remote_id == mention.uri)
    assert the_mention.accounts[0].handle == citizen.handle
    assert "cantine" in (the_mention.post.text if the_mention.post else "")

    mentions = connector.mentions().items
    assert {n.kind for n in mentions} <= {NotificationKind.MENTION, NotificationKind.REPLY}
    assert {n.post.remote_id for n in mentions if n.post} >= {mention.uri, reply.uri}


def test_replies_under_a_post_are_read_oldest_first(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    ours = connector.publish(Draft(text="Vos idées pour le parc ?"), idempotency_key=key("parc"))
    resident, _ = bluesky.connector(citizen)
    first = resident.publish(
        Draft(text="Des bancs", in_reply_to=ours.remote_id), idempotency_key=key("r1")
    )
    nested = resident.publish(
        Draft(text="Et de l'ombre", in_reply_to=first.remote_id), idempotency_key=key("r2")
    )
    bluesky.network.process_all()
    replies = connector.replies(ours.remote_id)
    assert [reply.remote_id for reply in replies] == [first.uri, nested.uri]
    assert replies[1].reply_to_id == first.uri


def test_search_finds_a_published_post(bluesky: Bluesky, town_hall: Person) -> None:
    connector, _saved = bluesky.connector(town_hall)
    word = f"brocante{tid.derive(key('search'))}"
    published = connector.publish(Draft(text=f"Grande {word} dimanche"), idempotency_key=key("s"))
    bluesky.network.process_all()
    page = connector.search_posts(word)
    assert [post.remote_id for post in page.items] == [published.uri]


def test_a_followed_account_s_latest_posts_leave_out_its_replies_and_reposts(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    resident, _ = bluesky.connector(citizen)
    connector, _saved = bluesky.connector(town_hall)
    ours = connector.publish(Draft(text="Vide-grenier samedi"), idempotency_key=key("vg"))
    first = resident.publish(Draft(text="Atelier vélo à la MJC"), idempotency_key=key("f1"))
    second = resident.publish(Draft(text="Concert au kiosque"), idempotency_key=key("f2"))
    resident.publish(Draft(text="Merci !", in_reply_to=ours.uri), idempotency_key=key("f3"))
    resident.repost(ours.uri)
    bluesky.network.process_all()

    posts = connector.account_posts(f"@{citizen.handle}")

    mine = [post.remote_id for post in posts if post.remote_id in (first.uri, second.uri)]
    assert mine == [second.uri, first.uri]  # newest first
    assert ours.uri not in [post.remote_id for post in posts]  # its repost is left out
    assert all(not post.reply_to_id for post in posts)


def test_a_post_is_found_by_the_address_of_its_page(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    resident, _ = bluesky.connector(citizen)
    question = resident.publish(Draft(text="Horaires de la piscine ?"), idempotency_key=key("p"))
    bluesky.network.process_all()
    connector, _saved = bluesky.connector(town_hall)

    found = connector.find_post(question.url)

    assert found.remote_id == question.uri
    assert found.author.handle == citizen.handle
    with pytest.raises(ConnectorError) as raised:
        connector.find_post("https://exemple.fr/pas-un-post")
    assert raised.value.permanent


def test_accounts_are_looked_up_and_searched(
    bluesky: Bluesky, town_hall: Person, citizen: Person
) -> None:
    connector, _saved = bluesky.connector(town_hall)
    found = connector.lookup_account(f"@{citizen.handle}")
    assert found is not None
    assert (found.remote_id, found.handle) == (citizen.did, citizen.handle)
    assert connector.lookup_account("personne-ici.test") is None
    assert connector.lookup_account("pas un identifiant") is None
    results = connector.search_accounts(citizen.handle.split(".")[0])
    assert citizen.did in [account.remote_id for account in results]


# --- The session --------------------------------------------------------------------------------


def test_an_expired_access_token_is_renewed_and_the_new_session_saved(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connector, saved = bluesky.connector(town_hall)
    credentials = connector.access.credentials
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        credentials["access_jwt"] = bluesky.forged_access_token(
            credentials["access_jwt"], expired=True
        )
    old_refresh = credentials["refresh_jwt"]

    assert connector.verify().remote_id == town_hall.did
    [renewed] = saved.credentials
    assert renewed["refresh_jwt"] != old_refresh
    assert renewed["access_jwt"] != credentials["access_jwt"]
    assert connector.access.credentials == renewed
    connector.publish(Draft(text="Après renouvellement"), idempotency_key=key("renewed"))
    assert len(saved.credentials) == 1  # the new token serves the next calls


def test_an_access_token_the_server_refuses_is_renewed_once(
    bluesky: Bluesky, town_hall: Person
) -> None:
    connector, saved = bluesky.connector(town_hall)
    credentials = connector.access.credentials
    credentials["access_jwt"] = bluesky.forged_access_token(
        credentials["access_jwt"], expired=False, secret="not the secret of this PDS at all"
    )
    assert connector.verify().remote_id == town_hall.did
    assert len(saved.credentials) == 1


def test_a_revoked_app_password_asks_for_reconnection(bluesky: Bluesky, citizen: Person) -> None:
    password = bluesky.app_password(citizen, "a-revoquer")
    connector, saved = bluesky.connector(citizen, password)
    bluesky.revoke_app_password(citizen, "a-revoquer")
    credentials = connector.access.credentials
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        credentials["access_jwt"] = bluesky.forged_access_token(
            credentials["access_jwt"], expired=True
        )
    with pytest.raises(ConnectorError) as caught:
        connector.verify()
    assert caught.value.needs_reconnect
    assert "reconnectez le compte" in caught.value.message
    assert "Token has been revoked" in caught.value.remote_message
    assert saved.credentials == []


def test_disconnecting_revokes_the_session(bluesky: Bluesky, town_hall: Person) -> None:
    connector, _saved = bluesky.connector(town_hall, fresh=True)
    connector.disconnect()
    connector.access.credentials["access_jwt"] = ""  # the refresh token alone could renew it
    with pytest.raises(ConnectorError) as caught:
        connector.verify()
    assert caught.value.needs_reconnect
    connector.disconnect()  # again: nothing to revoke, and no error
