"""The interface every network implements, with what it can do and its limits.

A connector is built for one connected account (:class:`AccountAccess`: where, who, with which
credentials) and talks to its network through the outbound HTTP wrapper. It raises only
:class:`~parvis.connectors.errors.ConnectorError`. It knows nothing of Django models: the
service layer (:mod:`parvis.connectors.services`) builds it and records what happened.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from django.utils.functional import Promise
from django.utils.translation import gettext as _

from parvis.connectors.errors import ConnectorError, NotSupportedError
from parvis.connectors.remote import (
    Page,
    PostMetrics,
    PublishedPost,
    RemoteAccount,
    RemoteNotification,
    RemotePost,
)
from parvis.core.http import RateLimit


class Capability(enum.StrEnum):
    PUBLISH_TEXT = "publish_text"
    MEDIA = "media"
    ALT_TEXT = "alt_text"
    CONTENT_WARNING = "content_warning"
    THREAD = "thread"
    REPLY = "reply"
    QUOTE = "quote"
    REPOST = "repost"
    LIKE = "like"
    DELETE = "delete"
    EDIT = "edit"
    PIN = "pin"
    POLL = "poll"
    LINK_CARD = "link_card"
    READ_MENTIONS = "read_mentions"
    READ_NOTIFICATIONS = "read_notifications"
    READ_REPLIES = "read_replies"
    READ_ACCOUNT_POSTS = "read_account_posts"  # another account's latest posts (a source)
    DIRECT_MESSAGES = "direct_messages"
    MODERATE_REPLIES = "moderate_replies"  # hide or delete a comment under our post
    SEARCH_POSTS = "search_posts"
    LOOKUP_ACCOUNTS = "lookup_accounts"
    SEARCH_ACCOUNTS = "search_accounts"
    FOLLOW = "follow"
    POST_METRICS = "post_metrics"
    FOLLOWER_COUNT = "follower_count"


class Visibility(enum.StrEnum):
    PUBLIC = "public"
    UNLISTED = "unlisted"
    FOLLOWERS = "private"
    DIRECT = "direct"


@dataclass(frozen=True)
class MediaLimits:
    max_count: int
    image_types: frozenset[str]
    image_max_bytes: int
    video_types: frozenset[str] = frozenset()
    video_max_bytes: int = 0
    alt_text_max_length: int = 0
    # Several kinds in one post (image + video)? Mastodon and Bluesky say no.
    mixed_kinds: bool = False


@dataclass(frozen=True)
class RateWindow:
    """A published quota: ``requests`` per ``seconds`` (headers give the live figures)."""

    requests: int
    seconds: int
    scope: (
        str | Promise
    )  # what it applies to, in French ("toutes les requêtes", "créations de posts")


@dataclass(frozen=True)
class Limits:
    max_length: int
    length_rule: str | Promise  # how the length is counted, in French, shown next to the counter
    media: MediaLimits
    max_poll_options: int = 0
    content_warning_max_length: int = 0
    rate_windows: tuple[RateWindow, ...] = ()


@dataclass(frozen=True)
class MediaFile:
    data: bytes
    mime_type: str
    filename: str = "media"
    alt_text: str = ""
    focus: tuple[float, float] | None = None  # (x, y) in [-1, 1], Mastodon's focal point
    width: int | None = None
    height: int | None = None


@dataclass(frozen=True)
class Poll:
    options: tuple[str, ...]
    expires_in_seconds: int = 86400
    multiple: bool = False


@dataclass(frozen=True)
class LinkCard:
    """An external link preview, for networks that do not build it themselves (Bluesky)."""

    url: str
    title: str
    description: str = ""
    thumbnail: MediaFile | None = None


@dataclass(frozen=True)
class Draft:
    """One post to publish on one network (a variant of the composer)."""

    text: str
    media: tuple[MediaFile, ...] = ()
    content_warning: str = ""
    language: str = "fr"
    visibility: Visibility = Visibility.PUBLIC
    in_reply_to: str = ""  # remote id of the post answered
    quote_of: str = ""  # remote id of the post quoted
    repost_of: str = ""  # the post shared as it is (no text of ours): a repost, not a post
    poll: Poll | None = None
    link_card: LinkCard | None = None

    def required_capabilities(self) -> set[Capability]:
        if self.repost_of:
            return {Capability.REPOST}
        needed = {Capability.PUBLISH_TEXT}
        if self.media:
            needed.add(Capability.MEDIA)
        if any(media.alt_text for media in self.media):
            needed.add(Capability.ALT_TEXT)
        if self.content_warning:
            needed.add(Capability.CONTENT_WARNING)
        if self.in_reply_to:
            needed.add(Capability.REPLY)
        if self.quote_of:
            needed.add(Capability.QUOTE)
        if self.poll:
            needed.add(Capability.POLL)
        if self.link_card:
            needed.add(Capability.LINK_CARD)
        return needed


@dataclass
class AccountAccess:
    """Everything a connector needs about one connected account, and how to report back.

    ``credentials`` is the decrypted JSON object stored on the account (tokens, sessions…).
    ``save_credentials`` is called when the connector refreshed them (a new Bluesky session);
    ``save_rate_limit`` after every response that announced a quota.
    """

    service_url: str  # Mastodon instance, Bluesky PDS
    handle: str = ""
    remote_id: str = ""
    credentials: dict[str, Any] = field(default_factory=dict)
    save_credentials: Callable[[dict[str, Any]], None] = lambda _credentials: None
    rate_limit: RateLimit | None = None
    save_rate_limit: Callable[[RateLimit], None] = lambda _limit: None


@dataclass(frozen=True)
class Connection:
    """What connecting an account gives: where it lives, who it is, what to store (encrypted)."""

    service_url: str
    account: RemoteAccount
    credentials: dict[str, Any]


class Connector:
    """One network. Subclasses declare ``network``, ``label``, ``capabilities`` and ``limits``
    and implement the methods of the capabilities they declare; the others raise
    :class:`NotSupportedError`.
    """

    network: ClassVar[str]
    label: ClassVar[str]
    capabilities: ClassVar[frozenset[Capability]]
    limits: ClassVar[Limits]

    def __init__(self, access: AccountAccess) -> None:
        self.access = access

    # --- What the network can do -----------------------------------------------------------

    @classmethod
    def can(cls, capability: Capability) -> bool:
        return capability in cls.capabilities

    def account_capabilities(self) -> frozenset[Capability]:
        """What this account's server can do: a server may lack what the network offers."""
        return self.capabilities

    def account_limits(self) -> Limits:
        """The limits of this account's server (a Mastodon instance sets its own)."""
        return self.limits

    @classmethod
    def text_length(cls, text: str) -> int:
        """The length of ``text`` as the network counts it against ``limits.max_length``."""
        return len(text)

    @classmethod
    def unsupported(cls, draft: Draft) -> list[Capability]:
        """What ``draft`` asks for that this network cannot do."""
        return sorted(draft.required_capabilities() - cls.capabilities)

    def _refuse(self, capability: Capability) -> NotSupportedError:
        return NotSupportedError(self.label, capability.value)

    # --- Rate limits --------------------------------------------------------------------------

    def wait_for_quota(self, now: dt.datetime | None = None) -> None:
        """Refuse a call the last announced quota already rules out, rather than hitting 429."""
        limit = self.access.rate_limit
        if limit is None or not limit.exhausted:
            return
        seconds = limit.seconds_until_reset(now)
        if seconds:
            raise ConnectorError(
                _("Limite de débit de %(network)s atteinte : nouvel essai dans %(seconds)d s.")
                % {"network": self.label, "seconds": int(seconds) + 1},
                permanent=False,
                retry_after=seconds,
                status=429,
            )

    def record_rate_limit(self, limit: RateLimit | None) -> None:
        if limit is not None:
            self.access.rate_limit = limit
            self.access.save_rate_limit(limit)

    # --- The account itself -------------------------------------------------------------------

    def verify(self) -> RemoteAccount:
        """The connected account as the network sees it (checks the credentials)."""
        raise NotImplementedError

    def disconnect(self) -> None:
        """Revoke the credentials on the network where it allows it; never raises."""

    # --- Publishing -----------------------------------------------------------------------------

    def publish(self, draft: Draft, *, idempotency_key: str) -> PublishedPost:
        """Publish one post. The same ``idempotency_key`` never gives two posts."""
        raise self._refuse(Capability.PUBLISH_TEXT)

    def publish_thread(
        self, drafts: Sequence[Draft], *, idempotency_key: str
    ) -> list[PublishedPost]:
        """Each draft answers the previous one; a retry finds the parts already published."""
        if len(drafts) > 1 and not self.can(Capability.THREAD):
            raise self._refuse(Capability.THREAD)
        published: list[PublishedPost] = []
        for index, draft in enumerate(drafts):
            part = replace(draft, in_reply_to=published[-1].remote_id) if published else draft
            published.append(self.publish(part, idempotency_key=f"{idempotency_key}-{index}"))
        return published

    def find_published(
        self, idempotency_key: str, *, draft: Draft | None = None, since: dt.datetime | None = None
    ) -> PublishedPost | None:
        """The post published earlier with this key (or, where the network keeps no key, the
        post of ``draft`` published since ``since``), if any: the reconciliation of a retry."""
        return None

    def delete(self, remote_id: str) -> None:
        raise self._refuse(Capability.DELETE)

    def edit(self, remote_id: str, draft: Draft) -> PublishedPost:
        raise self._refuse(Capability.EDIT)

    def repost(self, remote_id: str) -> PublishedPost:
        """Share the post as it is; a second call finds the first repost, never makes two."""
        raise self._refuse(Capability.REPOST)

    def like(self, remote_id: str) -> None:
        raise self._refuse(Capability.LIKE)

    def pin(self, remote_id: str) -> None:
        raise self._refuse(Capability.PIN)

    # --- Reading --------------------------------------------------------------------------------

    def get_post(self, remote_id: str) -> RemotePost:
        raise NotImplementedError

    def find_post(self, address: str) -> RemotePost:
        """The post at ``address`` (the address of its page, as a user pastes it, or its id)
        as this account's server knows it: its ``remote_id`` is what reply, quote and repost
        take. Raises a permanent :class:`ConnectorError` (404) when there is none."""
        return self.get_post(address)

    def account_posts(self, handle: str) -> list[RemotePost]:
        """The latest posts of another account (not its replies or reposts), newest first."""
        raise self._refuse(Capability.READ_ACCOUNT_POSTS)

    def notifications(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        raise self._refuse(Capability.READ_NOTIFICATIONS)

    def mentions(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        raise self._refuse(Capability.READ_MENTIONS)

    def direct_messages(self, *, cursor: str | None = None) -> Page[RemotePost]:
        """The latest message of each private conversation of the account, newest first."""
        raise self._refuse(Capability.DIRECT_MESSAGES)

    def replies(self, remote_id: str) -> list[RemotePost]:
        """The replies under one of our posts, oldest first."""
        raise self._refuse(Capability.READ_REPLIES)

    def search_posts(self, query: str, *, cursor: str | None = None) -> Page[RemotePost]:
        raise self._refuse(Capability.SEARCH_POSTS)

    def lookup_account(self, handle: str) -> RemoteAccount | None:
        raise self._refuse(Capability.LOOKUP_ACCOUNTS)

    def search_accounts(self, query: str) -> list[RemoteAccount]:
        raise self._refuse(Capability.SEARCH_ACCOUNTS)

    def follow(self, account_id: str) -> None:
        raise self._refuse(Capability.FOLLOW)

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        raise self._refuse(Capability.POST_METRICS)
