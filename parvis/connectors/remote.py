"""What comes back from a network, in one shape for every network: plain frozen data.

Connectors build these from the network's validated JSON; the rest of Parvis reads only these.
``html`` fields are already sanitised (:mod:`parvis.connectors.sanitize`); ``text`` is plain.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from typing import Generic, TypeVar


class MediaKind(enum.StrEnum):
    IMAGE = "image"
    VIDEO = "video"
    GIFV = "gifv"
    AUDIO = "audio"
    UNKNOWN = "unknown"


class NotificationKind(enum.StrEnum):
    MENTION = "mention"  # our account is named in a post (replies included)
    REPLY = "reply"  # a reply to one of our posts, when the network tells it apart
    QUOTE = "quote"
    REPOST = "repost"
    LIKE = "like"
    FOLLOW = "follow"
    POLL = "poll"
    UPDATE = "update"  # a post we interacted with was edited
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class RemoteAccount:
    network: str
    remote_id: str  # Mastodon account id, Bluesky DID
    handle: str  # user@instance, or the Bluesky handle
    display_name: str = ""
    url: str = ""
    avatar_url: str = ""
    bio_text: str = ""
    followers_count: int | None = None
    following_count: int | None = None
    posts_count: int | None = None
    bot: bool = False
    created_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class RemoteMedia:
    kind: MediaKind
    url: str
    preview_url: str = ""
    alt_text: str = ""
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True, slots=True)
class PostMetrics:
    """Counts as the network gives them; ``None`` where it gives nothing."""

    replies: int | None = None
    reposts: int | None = None
    likes: int | None = None
    quotes: int | None = None
    impressions: int | None = None


@dataclass(frozen=True, slots=True)
class RemotePost:
    network: str
    remote_id: str  # Mastodon status id, Bluesky at:// URI
    url: str  # the public page of the post
    author: RemoteAccount
    text: str  # plain text, for analysis and search
    html: str  # sanitised HTML, safe to put in a page
    created_at: dt.datetime
    uri: str = ""  # ActivityPub id / at:// URI
    language: str = ""
    edited_at: dt.datetime | None = None
    content_warning: str = ""
    sensitive: bool = False
    visibility: str = ""  # Mastodon: public, unlisted, private, direct
    reply_to_id: str = ""
    reply_to_account_id: str = ""
    quote_of_id: str = ""
    repost_of: RemotePost | None = None
    metrics: PostMetrics = field(default_factory=PostMetrics)
    media: tuple[RemoteMedia, ...] = ()
    hashtags: tuple[str, ...] = ()
    mentions: tuple[str, ...] = ()  # handles of the accounts named


@dataclass(frozen=True, slots=True)
class RemoteNotification:
    network: str
    remote_id: str
    kind: NotificationKind
    created_at: dt.datetime
    accounts: tuple[RemoteAccount, ...]  # who did it; several for a grouped notification
    post: RemotePost | None = None  # the post concerned (the mention, the reply, ours…)
    count: int = 1  # how many events a grouped notification stands for


@dataclass(frozen=True, slots=True)
class PublishedPost:
    """What a network says about a post we just published (or found again)."""

    remote_id: str
    url: str
    uri: str = ""
    created_at: dt.datetime | None = None


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """Items, newest first, and the cursor of the next (older) page, if any."""

    items: tuple[T, ...]
    next_cursor: str | None = None
