"""From real AppView answers (recorded from the local servers, see ``recorded/``) to Parvis data.

The recordings were made against @atproto/dev-env 0.3.215 (bsky 0.0.221): a town hall posts
an image with a link, a hashtag and a mention; a citizen replies, quotes, likes, reposts and
follows. No network here: the JSON goes through the SDK's models as a response would.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from atproto_client import models

from parvis.connectors.bluesky import mapping
from parvis.connectors.remote import MediaKind, NotificationKind, PostMetrics

RECORDED = Path(__file__).parent / "recorded"
TOWN_HALL = "did:plc:zcfw4pekutjgvlp5hdfqeevp"
CITIZEN = "did:plc:bbwnnri7yhtoydsa5ywqxsv5"
ANNOUNCEMENT = f"at://{TOWN_HALL}/app.bsky.feed.post/3kiurvhqzhi7u"


def recorded(name: str) -> dict[str, Any]:
    return dict(json.loads((RECORDED / name).read_text()))


def posts_answer(data: dict[str, Any] | None = None) -> Any:
    return models.AppBskyFeedGetPosts.Response.model_validate(data or recorded("get_posts.json"))


def test_a_post_view_becomes_a_remote_post_with_its_facets_as_links() -> None:
    post = mapping.post_from_view(posts_answer().posts[0])
    assert post.remote_id == post.uri == ANNOUNCEMENT
    assert post.url == "https://bsky.app/profile/mairie-de-vire.test/post/3kiurvhqzhi7u"
    assert post.author.handle == "mairie-de-vire.test"
    assert post.author.display_name == "Mairie de Vire"
    assert post.text.startswith("Marché de Noël 🎄 place de la mairie")
    assert '<a href="https://www.vire.fr/noël" rel="nofollow noopener noreferrer ugc">' in post.html
    assert f'<a href="https://bsky.app/profile/{CITIZEN}"' in post.html
    assert '<a href="https://bsky.app/hashtag/VireNormandie"' in post.html
    assert post.hashtags == ("VireNormandie",)
    assert post.mentions == ("alice-martin.test",)
    assert post.language == "fr"
    assert post.created_at.tzinfo is not None
    assert post.metrics == PostMetrics(replies=1, reposts=1, likes=1, quotes=1)


def test_an_image_keeps_its_alt_text_and_aspect_ratio() -> None:
    [image] = mapping.post_from_view(posts_answer().posts[0]).media
    assert image.kind is MediaKind.IMAGE
    assert image.alt_text == "Affiche du marché de Noël, fond bleu"
    assert (image.width, image.height) == (1200, 800)
    assert "feed_fullsize" in image.url
    assert "feed_thumbnail" in image.preview_url


def test_a_reply_points_to_its_parent_and_its_author() -> None:
    reply = mapping.post_from_view(posts_answer().posts[1])
    assert reply.reply_to_id == ANNOUNCEMENT
    assert reply.reply_to_account_id == TOWN_HALL
    assert reply.mentions == ("mairie-de-vire.test",)


def test_a_quote_points_to_the_quoted_post() -> None:
    quote = mapping.post_from_view(posts_answer().posts[2])
    assert quote.quote_of_id == ANNOUNCEMENT
    assert quote.text == "À ne pas manquer 👇"


def test_a_link_card_is_not_taken_for_media() -> None:
    card = mapping.post_from_view(posts_answer().posts[3])
    assert card.media == ()
    assert card.html == "<p>Tous les horaires</p>"


def test_notifications_map_each_reason_and_attach_the_post_concerned() -> None:
    answer = models.AppBskyNotificationListNotifications.Response.model_validate(
        recorded("list_notifications.json")
    )
    posts = {post.remote_id: post for post in map(mapping.post_from_view, posts_answer().posts)}
    assert mapping.notification_post_uris(answer.notifications)[0] == ANNOUNCEMENT
    notices = [mapping.notification_from(item, posts) for item in answer.notifications]
    kinds = [notice.kind for notice in notices]
    assert kinds == [
        NotificationKind.FOLLOW,
        NotificationKind.REPOST,
        NotificationKind.LIKE,
        NotificationKind.QUOTE,
        NotificationKind.MENTION,
    ]
    follow, repost, like, quote, mention = notices
    assert follow.post is None
    assert follow.accounts[0].handle == "alice-martin.test"
    assert like.post is not None
    assert like.post.remote_id == ANNOUNCEMENT  # our post, liked
    assert repost.post is not None
    assert repost.post.remote_id == ANNOUNCEMENT
    assert quote.post is not None
    assert quote.post.quote_of_id == ANNOUNCEMENT  # their post, quoting ours
    assert mention.post is not None
    assert "crêpes" in mention.post.text
    assert all(notice.created_at.tzinfo is not None for notice in notices)


def test_a_mention_not_hydrated_is_built_from_its_record() -> None:
    answer = models.AppBskyNotificationListNotifications.Response.model_validate(
        recorded("list_notifications.json")
    )
    mention = mapping.notification_from(answer.notifications[-1], {})
    assert mention.post is not None
    assert mention.post.author.remote_id == CITIZEN
    assert mention.post.metrics == PostMetrics()


def test_unknown_reasons_are_kept_as_other() -> None:
    data = recorded("list_notifications.json")
    data["notifications"][0]["reason"] = "starterpack-joined"
    answer = models.AppBskyNotificationListNotifications.Response.model_validate(data)
    assert mapping.notification_from(answer.notifications[0], {}).kind is NotificationKind.OTHER


def test_a_thread_gives_every_reply_oldest_first() -> None:
    answer = models.AppBskyFeedGetPostThread.Response.model_validate(
        recorded("get_post_thread.json")
    )
    replies = mapping.thread_replies(answer.thread)
    assert [reply.reply_to_id for reply in replies] == [ANNOUNCEMENT]
    assert replies[0].author.remote_id == CITIZEN


def test_a_profile_gives_the_counts() -> None:
    profile = models.AppBskyActorDefs.ProfileViewDetailed.model_validate(
        recorded("get_profile.json")
    )
    account = mapping.account_from_profile(profile)
    assert account.remote_id == TOWN_HALL
    assert account.url == "https://bsky.app/profile/mairie-de-vire.test"
    assert (account.followers_count, account.following_count, account.posts_count) == (1, 0, 2)
    assert account.bio_text == "Compte de démonstration"


def test_search_results_are_accounts() -> None:
    answer = models.AppBskyActorSearchActors.Response.model_validate(recorded("search_actors.json"))
    [account] = [mapping.account_from_profile(actor) for actor in answer.actors]
    assert account.handle == "mairie-de-vire.test"


def test_a_record_that_is_not_a_post_is_unusable() -> None:
    data = copy.deepcopy(recorded("get_posts.json"))
    data["posts"][0]["record"] = {"$type": "app.bsky.feed.post", "text": 42}
    view = posts_answer(data).posts[0]
    with pytest.raises(mapping.UnusableRecordError):
        mapping.post_from_view(view)


def test_self_labels_mark_a_post_sensitive() -> None:
    data = copy.deepcopy(recorded("get_posts.json"))
    data["posts"][3]["record"]["labels"] = {
        "$type": "com.atproto.label.defs#selfLabels",
        "values": [{"val": "graphic-media"}],
    }
    post = mapping.post_from_view(posts_answer(data).posts[3])
    assert post.sensitive
    assert post.content_warning == "graphic-media"


def test_hostile_facets_in_a_record_do_not_break_the_html() -> None:
    data = copy.deepcopy(recorded("get_posts.json"))
    data["posts"][3]["record"]["facets"] = [
        {
            "index": {"byteStart": 0, "byteEnd": 4000},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "https://x.fr"}],
        },
        {
            "index": {"byteStart": 0, "byteEnd": 4},
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": "javascript:x"}],
        },
    ]
    post = mapping.post_from_view(posts_answer(data).posts[3])
    assert post.html == "<p>Tous les horaires</p>"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-12-01T20:55:37.814Z", dt.datetime(2026, 12, 1, 20, 55, 37, 814000, tzinfo=dt.UTC)),
        ("2026-12-01T21:55:37+01:00", dt.datetime(2026, 12, 1, 20, 55, 37, tzinfo=dt.UTC)),
        ("2026-12-01T20:55:37", dt.datetime(2026, 12, 1, 20, 55, 37, tzinfo=dt.UTC)),
        ("hier", None),
        ("", None),
    ],
)
def test_dates_are_read_aware(value: str, expected: dt.datetime | None) -> None:
    assert mapping.parse_datetime(value) == expected


@pytest.mark.parametrize(
    "uri", ["https://bsky.app/x", "at://did:plc:x", "at://a/b/c/d", "at:///b/c"]
)
def test_malformed_uris_are_refused(uri: str) -> None:
    with pytest.raises(mapping.UnusableRecordError):
        mapping.split_uri(uri)
