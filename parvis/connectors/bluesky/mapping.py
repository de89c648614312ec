"""From the SDK's validated models to Parvis's plain remote data (posts, accounts, notices).

Every function takes what the SDK built from a response (pydantic models) and returns the
frozen dataclasses of :mod:`parvis.connectors.remote`. A record that does not fit the post
lexicon raises :class:`UnusableRecordError`: a list skips it, a single read reports it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from atproto_client import models

from parvis.connectors.bluesky.facets import Facet, FacetKind, render_html, utf8
from parvis.connectors.remote import (
    MediaKind,
    NotificationKind,
    PostMetrics,
    RemoteAccount,
    RemoteMedia,
    RemoteNotification,
    RemotePost,
)

NETWORK = "bluesky"
APP_URL = "https://bsky.app"
POST_COLLECTION = "app.bsky.feed.post"
# Self-labels a post can carry (app.bsky: com.atproto.label.defs#selfLabels).
SENSITIVE_LABELS = frozenset({"porn", "sexual", "nudity", "graphic-media", "gore"})

NOTIFICATION_KINDS = {
    "mention": NotificationKind.MENTION,
    "reply": NotificationKind.REPLY,
    "quote": NotificationKind.QUOTE,
    "repost": NotificationKind.REPOST,
    "like": NotificationKind.LIKE,
    "follow": NotificationKind.FOLLOW,
}
# Reasons whose notification URI is a post (theirs); for the others it is a like, repost or
# follow record, and ``reasonSubject`` names our post.
POST_REASONS = frozenset({"mention", "reply", "quote"})


class UnusableRecordError(ValueError):
    """A record that does not fit the lexicon it claims."""


def parse_datetime(value: str | None) -> dt.datetime | None:
    """An aware datetime from an ATProto datetime string; None when missing or garbled."""
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment


def split_uri(uri: str) -> tuple[str, str, str]:
    """``at://did/collection/rkey`` as (did, collection, rkey)."""
    if not uri.startswith("at://"):
        raise UnusableRecordError(f"not an at:// URI: {uri!r}")
    parts = uri[len("at://") :].split("/")
    if len(parts) != 3 or not all(parts):
        raise UnusableRecordError(f"not a record URI: {uri!r}")
    return parts[0], parts[1], parts[2]


def profile_url(handle_or_did: str) -> str:
    return f"{APP_URL}/profile/{handle_or_did}"


def post_url(handle_or_did: str, rkey: str) -> str:
    return f"{APP_URL}/profile/{handle_or_did}/post/{rkey}"


def account_from_profile(profile: Any) -> RemoteAccount:
    """A RemoteAccount from any profile view (basic, plain or detailed)."""
    handle = str(profile.handle)
    shown = handle if handle != "handle.invalid" else str(profile.did)
    return RemoteAccount(
        network=NETWORK,
        remote_id=str(profile.did),
        handle=handle,
        display_name=getattr(profile, "display_name", None) or "",
        url=profile_url(shown),
        avatar_url=getattr(profile, "avatar", None) or "",
        bio_text=getattr(profile, "description", None) or "",
        followers_count=getattr(profile, "followers_count", None),
        following_count=getattr(profile, "follows_count", None),
        posts_count=getattr(profile, "posts_count", None),
        bot=_is_bot(profile),
        created_at=parse_datetime(getattr(profile, "created_at", None)),
    )


def _is_bot(profile: Any) -> bool:
    labels = getattr(profile, "labels", None) or ()
    return any(getattr(label, "val", "") == "bot" for label in labels)


def record_facets(record: Any) -> list[Facet]:
    """The facets of a post record, as :class:`Facet` (mentions carry the DID)."""
    found: list[Facet] = []
    for facet in getattr(record, "facets", None) or ():
        index = facet.index
        for feature in facet.features:
            if isinstance(feature, models.AppBskyRichtextFacet.Link):
                kind, value = FacetKind.LINK, str(feature.uri)
            elif isinstance(feature, models.AppBskyRichtextFacet.Mention):
                kind, value = FacetKind.MENTION, str(feature.did)
            elif isinstance(feature, models.AppBskyRichtextFacet.Tag):
                kind, value = FacetKind.TAG, str(feature.tag)
            else:
                continue
            found.append(Facet(kind, index.byte_start, index.byte_end, value))
            break
    return found


def _mentioned_handles(text: str, facets: Iterable[Facet]) -> tuple[str, ...]:
    data = utf8(text)
    handles = []
    for facet in facets:
        if facet.kind is not FacetKind.MENTION:
            continue
        try:
            label = data[facet.byte_start : facet.byte_end].decode("utf-8")
        except UnicodeDecodeError:
            continue
        handle = label.lstrip("@").strip().lower()
        if handle and handle not in handles:
            handles.append(handle)
    return tuple(handles)


def _hashtags(record: Any, facets: Iterable[Facet]) -> tuple[str, ...]:
    tags: list[str] = []
    for tag in [f.value for f in facets if f.kind is FacetKind.TAG] + list(record.tags or ()):
        if tag and tag.lower() not in (t.lower() for t in tags):
            tags.append(tag)
    return tuple(tags)


def _image_media(images: Any) -> list[RemoteMedia]:
    media = []
    for image in images:
        ratio = getattr(image, "aspect_ratio", None)
        media.append(
            RemoteMedia(
                kind=MediaKind.IMAGE,
                url=str(image.fullsize),
                preview_url=str(image.thumb),
                alt_text=image.alt or "",
                width=ratio.width if ratio else None,
                height=ratio.height if ratio else None,
            )
        )
    return media


def _view_media(embed: Any) -> list[RemoteMedia]:
    if isinstance(embed, models.AppBskyEmbedImages.View):
        return _image_media(embed.images)
    if isinstance(embed, models.AppBskyEmbedVideo.View):
        ratio = embed.aspect_ratio
        return [
            RemoteMedia(
                kind=MediaKind.VIDEO,
                url=str(embed.playlist),
                preview_url=str(embed.thumbnail or ""),
                alt_text=embed.alt or "",
                width=ratio.width if ratio else None,
                height=ratio.height if ratio else None,
            )
        ]
    if isinstance(embed, models.AppBskyEmbedRecordWithMedia.View):
        return _view_media(embed.media)
    return []


def _quoted_uri(record: Any) -> str:
    embed = record.embed
    if isinstance(embed, models.AppBskyEmbedRecord.Main):
        return str(embed.record.uri)
    if isinstance(embed, models.AppBskyEmbedRecordWithMedia.Main):
        return str(embed.record.record.uri)
    return ""


def _language(record: Any) -> str:
    langs = record.langs or ()
    return str(langs[0]) if langs else ""


def _sensitive_labels(record: Any) -> list[str]:
    labels = record.labels
    values = getattr(labels, "values", None) or ()
    return [str(label.val) for label in values if str(label.val) in SENSITIVE_LABELS]


def post_record(value: Any) -> Any:
    """``value`` when it is a valid post record; UnusableRecordError otherwise."""
    if not isinstance(value, models.AppBskyFeedPost.Record):
        raise UnusableRecordError("not a valid app.bsky.feed.post record")
    return value


def post_from_record(
    uri: str,
    record: Any,
    author: RemoteAccount,
    *,
    indexed_at: str | None = None,
    metrics: PostMetrics | None = None,
    media: Iterable[RemoteMedia] = (),
) -> RemotePost:
    """A RemotePost from a post record and its author (a view adds metrics and media)."""
    record = post_record(record)
    _did, collection, rkey = split_uri(uri)
    if collection != POST_COLLECTION:
        raise UnusableRecordError(f"not a post: {uri}")
    created_at = parse_datetime(record.created_at) or parse_datetime(indexed_at)
    if created_at is None:
        raise UnusableRecordError(f"no usable date on {uri}")
    facets = record_facets(record)
    labels = _sensitive_labels(record)
    reply_to = str(record.reply.parent.uri) if record.reply else ""
    shown = author.handle if author.handle != "handle.invalid" else author.remote_id
    return RemotePost(
        network=NETWORK,
        remote_id=uri,
        url=post_url(shown, rkey),
        author=author,
        text=record.text,
        html=render_html(record.text, facets),
        created_at=created_at,
        uri=uri,
        language=_language(record),
        content_warning=", ".join(labels),
        sensitive=bool(labels),
        visibility="public",
        reply_to_id=reply_to,
        reply_to_account_id=split_uri(reply_to)[0] if reply_to else "",
        quote_of_id=_quoted_uri(record),
        metrics=metrics or PostMetrics(),
        media=tuple(media),
        hashtags=_hashtags(record, facets),
        mentions=_mentioned_handles(record.text, facets),
    )


def metrics_from_view(view: Any) -> PostMetrics:
    return PostMetrics(
        replies=view.reply_count,
        reposts=view.repost_count,
        likes=view.like_count,
        quotes=view.quote_count,
    )


def post_from_view(view: Any) -> RemotePost:
    """A RemotePost from an app.bsky.feed.defs#postView."""
    return post_from_record(
        str(view.uri),
        view.record,
        account_from_profile(view.author),
        indexed_at=view.indexed_at,
        metrics=metrics_from_view(view),
        media=_view_media(view.embed),
    )


def notification_from(item: Any, posts: Mapping[str, RemotePost]) -> RemoteNotification:
    """A RemoteNotification; ``posts`` holds the hydrated posts by URI, where there are some."""
    reason = str(item.reason)
    kind = NOTIFICATION_KINDS.get(reason, NotificationKind.OTHER)
    author = account_from_profile(item.author)
    uri = str(item.uri)
    post: RemotePost | None
    if reason in POST_REASONS:
        post = posts.get(uri)
        if post is None:
            try:
                post = post_from_record(uri, item.record, author, indexed_at=item.indexed_at)
            except UnusableRecordError:
                post = None
    else:
        post = posts.get(str(item.reason_subject or ""))
    created_at = parse_datetime(item.indexed_at)
    if created_at is None:
        raise UnusableRecordError(f"no usable date on notification {uri}")
    return RemoteNotification(
        network=NETWORK,
        remote_id=uri,
        kind=kind,
        created_at=created_at,
        accounts=(author,),
        post=post,
    )


def notification_post_uris(items: Iterable[Any]) -> list[str]:
    """The posts worth hydrating for a page of notifications, each once, in order."""
    uris: list[str] = []
    for item in items:
        reason = str(item.reason)
        if reason in POST_REASONS:
            uri = str(item.uri)
        elif reason in ("like", "repost"):
            uri = str(item.reason_subject or "")
        else:
            continue
        if uri.startswith("at://") and uri not in uris:
            uris.append(uri)
    return uris


def thread_replies(thread: Any) -> list[RemotePost]:
    """Every reply under a thread view (all depths), oldest first; unusable ones skipped."""
    found: list[RemotePost] = []
    pending = list(getattr(thread, "replies", None) or ())
    while pending:
        node = pending.pop()
        if not isinstance(node, models.AppBskyFeedDefs.ThreadViewPost):
            continue  # not found, blocked, or a type this SDK does not know
        with contextlib.suppress(UnusableRecordError):
            found.append(post_from_view(node.post))
        pending.extend(node.replies or ())
    return sorted(found, key=lambda post: post.created_at)
