"""Every call of the Mastodon connector, against real recorded Mastodon 4.6 traffic.

Each request must find its recording and fit Mastodon's API description, and each response
is parsed into Parvis's models (see ``replay`` and ``openapi``).
"""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlsplit

import pytest

from parvis.connectors.base import Capability, Draft, MediaFile, Poll
from parvis.connectors.errors import ConnectorError

from .replay import Interaction

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x01\x01\x01\x00\x18\xdd\x8d\xb4"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_verify_reads_the_account_and_its_followers(recorded):
    harness = recorded("test_verify_credentials")
    account = harness.connector().verify()

    me = harness.replay.recorded("GET", "/api/v1/accounts/verify_credentials").json
    assert account.remote_id == me["id"]
    assert (
        account.handle == f"{me['acct']}@{harness.replay.host}"
    )  # a local account gets its instance
    assert account.display_name == (me["display_name"] or me["username"])
    assert account.followers_count == me["followers_count"]
    assert harness.replay.requests() == ["GET /api/v1/accounts/verify_credentials"]


def test_publishing_sends_the_text_the_visibility_and_an_idempotency_key(recorded):
    harness = recorded("test_status_post[None-public]")
    published = harness.connector().publish(Draft("Toot!"), idempotency_key="post-42-account-7")

    recorded_status = harness.replay.recorded("POST", "/api/v1/statuses").json
    assert published.remote_id == recorded_status["id"]
    assert published.url == recorded_status["url"]
    [(request, _)] = harness.replay.answered
    assert request.headers["idempotency-key"] == "post-42-account-7"
    assert b"visibility=public" in request.body
    assert b"language=fr" in request.body


def test_a_content_warning_is_sent_as_spoiler_text(recorded):
    harness = recorded("test_status_post[Content warning-public]")
    harness.connector().publish(
        Draft("Toot!", content_warning="Content warning"), idempotency_key="cw-1"
    )
    [(request, _)] = harness.replay.answered
    assert b"spoiler_text=Content+warning" in request.body
    assert b"sensitive=1" in request.body or b"sensitive=True" in request.body


def test_an_image_is_uploaded_with_its_alt_text_and_focus_then_attached(recorded):
    harness = recorded("test_status_delete_media")
    media = MediaFile(PNG, "image/png", "carte.png", alt_text="Plan du quartier", focus=(0.1, -0.2))

    published = harness.connector().publish(
        Draft("Le plan des travaux", media=(media,)), idempotency_key="media-1"
    )

    upload, status = harness.replay.answered
    assert upload[0].path == "/api/v2/media"
    assert b"Plan du quartier" in upload[0].body
    assert b"0.1,-0.2" in upload[0].body
    media_id = upload[1].json["id"]
    assert f"media_ids%5B%5D={media_id}".encode() in status[0].body
    assert published.remote_id == status[1].json["id"]


def test_a_reply_names_the_status_it_answers(recorded):
    harness = recorded("test_status_reply")
    parent = harness.replay.recorded("POST", "/api/v1/statuses", 0).json["id"]
    harness.replay.recorded("POST", "/api/v1/statuses", 0).used = True

    harness.connector().publish(Draft("@admin Réponse", in_reply_to=parent), idempotency_key="r")

    [(request, _)] = harness.replay.answered
    assert f"in_reply_to_id={parent}".encode() in request.body


def test_a_quote_names_the_quoted_status(recorded):
    harness = recorded("test_status_post_with_quote")
    quoted = harness.replay.recorded("POST", "/api/v1/statuses", 0)
    quoted.used = True

    harness.connector().publish(Draft("Voir ceci", quote_of=quoted.json["id"]), idempotency_key="q")

    [(request, response)] = harness.replay.answered
    assert f"quoted_status_id={quoted.json['id']}".encode() in request.body
    assert response.json["quote"]["quoted_status"]["id"] == quoted.json["id"]


def test_a_quote_is_refused_by_an_instance_older_than_4_5(recorded):
    harness = recorded("test_status_post_with_quote")
    connector = harness.connector(version="4.2.1")
    assert Capability.QUOTE not in connector.account_capabilities()
    with pytest.raises(ConnectorError, match="ne permet pas"):
        connector.publish(Draft("Voir ceci", quote_of="1"), idempotency_key="q")
    assert harness.replay.answered == []
    for interaction in harness.replay.interactions:
        interaction.used = True  # nothing was asked, nothing is owed


def test_a_poll_is_sent_with_its_options_and_duration(recorded):
    harness = recorded("test_polls")
    harness.connector().publish(
        Draft("Quel jour pour la réunion ?", poll=Poll(("Lundi", "Mardi"), 3600)),
        idempotency_key="poll",
    )
    [(request, _)] = harness.replay.answered
    sent = request.json()  # Mastodon.py sends a poll as JSON
    assert sent["poll"]["options"] == ["Lundi", "Mardi"]
    assert sent["poll"]["expires_in"] == 3600


def test_edit_repost_like_pin_and_delete_address_the_status(recorded):
    harness = recorded(
        "test_status_edit", "test_status_reblog_unreblog", "test_status_fav_unfav",
        "test_status_pin_unpin",
    )  # fmt: skip
    connector = harness.connector()
    edited = harness.replay.recorded("PUT", "/api/v1/statuses/").path.rsplit("/", 1)[1]
    reblogged = harness.replay.recorded("POST", "/api/v1/statuses/", 0).path.split("/")[4]
    liked = harness.replay.recorded("POST", "/api/v1/statuses/", 2).path.split("/")[4]
    pinned = harness.replay.recorded("POST", "/api/v1/statuses/", 4).path.split("/")[4]

    assert connector.edit(edited, Draft("Texte corrigé")).remote_id == edited
    reblog = connector.repost(reblogged)
    connector.like(liked)
    connector.pin(pinned)
    connector.delete(pinned)

    assert reblog.remote_id == harness.replay.recorded("POST", "/api/v1/statuses/", 0).json["id"]
    assert reblog.remote_id != reblogged  # the reblog is a status of its own
    assert harness.replay.requests() == [
        f"PUT /api/v1/statuses/{edited}",
        f"POST /api/v1/statuses/{reblogged}/reblog",
        f"POST /api/v1/statuses/{liked}/favourite",
        f"POST /api/v1/statuses/{pinned}/pin",
        f"DELETE /api/v1/statuses/{pinned}",
    ]


def _search_answer(*statuses: dict[str, object]) -> Interaction:
    """The instance's answer to a search, in the documented shape (``SearchV2``), holding
    statuses recorded elsewhere: no recording searches for an address."""
    body = {"accounts": [], "statuses": list(statuses), "hashtags": []}
    return Interaction(
        "GET", "/api/v2/search", [], 200, {"content-type": "application/json; charset=utf-8"},
        json.dumps(body).encode(),
    )  # fmt: skip


def test_a_pasted_address_is_looked_up_by_the_instance_then_answered(recorded):
    harness = recorded("test_status_reply")
    parent = harness.replay.recorded("POST", "/api/v1/statuses", 0)
    parent.used = True
    harness.replay.interactions.insert(0, _search_answer(parent.json))
    address = "https://autre.instance.exemple/@mairie/110000000000000001"

    harness.connector().publish(Draft("@admin Réponse", in_reply_to=address), idempotency_key="r")

    (search, _), (status, _) = harness.replay.answered
    query = parse_qs(urlsplit(search.path).query)
    assert query["q"] == [address]
    assert query["resolve"] == ["1"]  # the instance fetches a status of another server
    assert query["type"] == ["statuses"]
    assert f"in_reply_to_id={parent.json['id']}".encode() in status.body


def test_an_address_the_instance_cannot_find_is_a_permanent_error_that_says_so(recorded):
    harness = recorded("test_search")
    address = "https://autre.instance.exemple/@mairie/110000000000000001"

    with pytest.raises(ConnectorError) as raised:
        harness.connector().find_post(address)

    assert raised.value.permanent
    assert raised.value.status == 404
    assert "Publication introuvable" in raised.value.message
    assert address in raised.value.message


def test_an_id_is_read_without_a_search(recorded):
    harness = recorded("test_status")
    created = harness.replay.recorded("POST", "/api/v1/statuses").json
    harness.replay.recorded("POST", "/api/v1/statuses").used = True

    assert harness.connector().find_post(created["id"]).remote_id == created["id"]
    assert harness.replay.requests() == [f"GET /api/v1/statuses/{created['id']}"]


def test_an_account_s_latest_posts_leave_out_its_replies_and_reposts(recorded):
    harness = recorded("test_account_lookup", "test_fetch_next_previous")
    page = harness.replay.recorded("GET", "/api/v1/accounts/117020565966271181/statuses").json

    posts = harness.connector().account_posts("@mastodonpy_test")

    assert [post.remote_id for post in posts] == [status["id"] for status in page]
    lookup, statuses = (received for received, _ in harness.replay.answered)
    assert parse_qs(urlsplit(lookup.path).query)["acct"] == ["mastodonpy_test"]
    query = parse_qs(urlsplit(statuses.path).query)
    assert query["exclude_replies"] == ["1"]
    assert query["exclude_reblogs"] == ["1"]


def test_an_unknown_account_to_follow_is_searched_then_refused_in_french(recorded):
    harness = recorded("test_account_lookup", "test_account_search")

    with pytest.raises(ConnectorError) as raised:
        harness.connector().account_posts("kljadklajsdkljlkjlkjlkjasdasd")

    assert raised.value.permanent
    assert "Compte Mastodon introuvable" in raised.value.message
    assert [r.split()[1] for r in harness.replay.requests()] == [
        "/api/v1/accounts/lookup", "/api/v1/accounts/search",
    ]  # fmt: skip
