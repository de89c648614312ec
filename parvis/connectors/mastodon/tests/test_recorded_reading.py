"""Reading through the Mastodon connector, against real recorded Mastodon 4.6 traffic."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from parvis.connectors.base import Draft
from parvis.connectors.errors import ConnectorError
from parvis.connectors.remote import NotificationKind

from .conftest import OWN_ID


def test_a_status_is_read_as_plain_text_and_sanitised_html(recorded):
    harness = recorded("test_status")
    recorded_status = harness.replay.recorded("GET", "/api/v1/statuses/").json

    post = harness.connector().get_post(recorded_status["id"])

    assert post.remote_id == recorded_status["id"]
    assert post.text == "Toot!"
    assert post.html == "<p>Toot!</p>"
    assert post.author.handle == f"mastodonpy_test@{harness.replay.host}"
    assert post.created_at == dt.datetime.fromisoformat(recorded_status["created_at"])
    assert post.created_at.tzinfo is not None
    assert post.metrics.likes == recorded_status["favourites_count"]


def test_grouped_notifications_give_one_item_per_group_with_its_count(recorded):
    harness = recorded("test_grouped_notifications")
    groups = harness.replay.recorded("GET", "/api/v2/notifications").json["notification_groups"]

    page = harness.connector().notifications()

    assert [n.remote_id for n in page.items] == [g["group_key"] for g in groups]
    favourite = page.items[0]
    assert favourite.kind == NotificationKind.LIKE
    assert favourite.count == groups[0]["notifications_count"]
    assert favourite.accounts  # who did it
    assert favourite.post is not None
    [(request, _)] = harness.replay.answered
    assert "expand_accounts=partial_avatars" in request.path


def test_an_instance_before_4_3_gets_ungrouped_notifications(recorded):
    harness = recorded("test_notifications")
    page = harness.connector(version="4.2.8").notifications()

    mention = page.items[0]
    assert mention.kind in {NotificationKind.MENTION, NotificationKind.REPLY}
    assert mention.accounts[0].handle == f"admin@{harness.replay.host}"
    assert mention.post is not None
    assert "@" in mention.post.text
    assert page.next_cursor == page.items[-1].remote_id
    assert harness.replay.requests() == ["GET /api/v1/notifications"]


def test_mentions_ask_only_for_mentions(recorded):
    harness = recorded("test_notifications_mentions_only")
    page = harness.connector().mentions()

    [(request, _)] = harness.replay.answered
    assert "types%5B%5D=mention" in request.path
    assert {n.kind for n in page.items} <= {NotificationKind.MENTION, NotificationKind.REPLY}


def test_private_conversations_give_their_latest_message(recorded):
    harness = recorded("test_conversations")
    harness.replay.recorded("GET", "/api/v1/accounts/verify_credentials").used = True
    harness.replay.recorded("POST", "/api/v1/statuses").used = True
    conversations = harness.replay.recorded("GET", "/api/v1/conversations").json

    page = harness.connector().direct_messages()

    assert [m.remote_id for m in page.items] == [c["last_status"]["id"] for c in conversations]
    assert {m.visibility for m in page.items} == {"direct"}
    assert page.next_cursor == conversations[-1]["id"]
    for interaction in harness.replay.interactions:
        interaction.used = True


def test_the_replies_of_a_post_come_from_its_context(recorded):
    harness = recorded("test_status_context")
    status_id = harness.replay.recorded("GET", "/api/v1/statuses/").path.split("/")[4]

    assert harness.connector().replies(status_id) == []  # nobody answered that one
    assert harness.replay.requests() == [f"GET /api/v1/statuses/{status_id}/context"]


def test_a_hashtag_is_listened_to_through_its_timeline(recorded):
    harness = recorded("test_hashtag_tl")
    page = harness.connector().search_posts("#hoot")

    # Mastodon.py first reads the instance (once per client) to know its timelines.
    assert harness.replay.requests() == ["GET /api/v2/instance/", "GET /api/v1/timelines/tag/hoot"]
    assert page.items
    assert all("hoot" in post.hashtags for post in page.items)


def test_words_are_searched_with_full_text_search(recorded):
    harness = recorded("test_search")
    page = harness.connector().search_posts("mastodonpy_test")

    [(request, _)] = harness.replay.answered
    assert request.path.startswith("/api/v2/search?")
    assert "type=statuses" in request.path
    assert page.items == ()  # the recorded instance had no such post
    assert page.next_cursor is None


def test_looking_up_an_account_by_handle_and_an_unknown_one(recorded):
    harness = recorded("test_account_lookup")
    harness.replay.recorded("GET", "/api/v1/accounts/verify_credentials").used = True
    connector = harness.connector()

    assert connector.lookup_account("@kljadklajsdkljlkjlkjlkjasdasd") is None
    found = connector.lookup_account("mastodonpy_test")
    assert found is not None
    assert found.handle == f"mastodonpy_test@{harness.replay.host}"


def test_searching_accounts_and_following_one(recorded):
    harness = recorded("test_account_search", "test_account_follow_unfollow")
    connector = harness.connector()

    accounts = connector.search_accounts("admin")
    assert f"admin@{harness.replay.host}" in {account.handle for account in accounts}
    admin = next(a for a in accounts if a.handle == f"admin@{harness.replay.host}")
    connector.follow(admin.remote_id)

    assert harness.replay.requests()[-1] == f"POST /api/v1/accounts/{admin.remote_id}/follow"
    for interaction in harness.replay.interactions:
        interaction.used = True  # the rest of the recorded scenario is not ours


def test_metrics_of_our_recent_posts_take_one_request(recorded):
    harness = recorded("test_get_pagination_info")
    listed = harness.replay.recorded("GET", f"/api/v1/accounts/{OWN_ID}/statuses").json

    metrics = harness.connector().metrics([status["id"] for status in listed[:3]])

    assert set(metrics) == {status["id"] for status in listed[:3]}
    assert metrics[listed[0]["id"]].reposts == listed[0]["reblogs_count"]
    assert harness.replay.requests() == [f"GET /api/v1/accounts/{OWN_ID}/statuses"]
    for interaction in harness.replay.interactions:
        interaction.used = True


def test_the_quota_announced_by_the_instance_is_recorded(recorded):
    harness = recorded("test_status_missing")
    answer = harness.replay.recorded("GET", "/api/v1/statuses/0")
    announced_reset = dt.datetime.fromisoformat(answer.headers["x-ratelimit-reset"])
    recorded_at = announced_reset - dt.timedelta(seconds=30)  # the quota was still running

    with time_machine.travel(recorded_at, tick=False), pytest.raises(ConnectorError):
        harness.connector().get_post("0")

    [limit] = harness.saved_limits
    assert (limit.limit, limit.remaining) == (300, 299)
    assert limit.reset_at is not None
    assert abs((limit.reset_at - announced_reset).total_seconds()) < 1


def test_a_missing_status_is_a_permanent_error_that_says_so(recorded):
    harness = recorded("test_status_missing")
    with pytest.raises(ConnectorError) as caught:
        harness.connector().get_post("0")

    assert caught.value.permanent
    assert caught.value.status == 404
    assert "Introuvable" in caught.value.message
    assert caught.value.remote_message == "Not Found"


def test_a_refused_status_keeps_the_instance_s_words(recorded):
    harness = recorded("test_lang_for_errors")
    with pytest.raises(ConnectorError) as caught:
        harness.connector().publish(Draft("x" * 501), idempotency_key="long")

    assert caught.value.permanent
    assert caught.value.status == 422
    assert "500" in caught.value.remote_message
    harness.replay.interactions[1].used = True
