"""Mastodon's entities (validated by :mod:`wire`) into Parvis's remote models."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from parvis.connectors.errors import InvalidResponseError
from parvis.connectors.remote import (
    MediaKind,
    NotificationKind,
    PostMetrics,
    RemoteAccount,
    RemoteMedia,
    RemoteNotification,
    RemotePost,
)
from parvis.connectors.sanitize import html_to_text, sanitise_html, text_of_sanitised

from . import wire

NETWORK = "mastodon"

NOTIFICATION_KINDS = {
    "mention": NotificationKind.MENTION,
    "quote": NotificationKind.QUOTE,
    "reblog": NotificationKind.REPOST,
    "favourite": NotificationKind.LIKE,
    "follow": NotificationKind.FOLLOW,
    "poll": NotificationKind.POLL,
    "update": NotificationKind.UPDATE,
    "quoted_update": NotificationKind.UPDATE,
}
MEDIA_KINDS = {kind.value: kind for kind in MediaKind}


def validate(model: type[wire.W], data: Any) -> wire.W:
    """``data`` (JSON or what Mastodon.py made of it) as ``model``, or InvalidResponseError."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise InvalidResponseError("Mastodon", str(error)) from error


def full_handle(account: wire.Account) -> str:
    """``user@instance`` also for local accounts, whose ``acct`` lacks the instance."""
    if "@" in account.acct:
        return account.acct
    return _local_handle(account.acct, account.url or "")


@functools.lru_cache(maxsize=4096)
def _local_handle(acct: str, url: str) -> str:
    host = urlsplit(url).netloc
    return f"{acct}@{host}" if host else acct


def remote_account(account: wire.Account, *, with_bio: bool = True) -> RemoteAccount:
    """The account; a post's author goes without its bio (it repeats on every post)."""
    return RemoteAccount(
        network=NETWORK,
        remote_id=account.id,
        handle=full_handle(account),
        display_name=account.display_name or account.username,
        url=account.url or "",
        avatar_url=account.avatar or "",
        bio_text=html_to_text(account.note) if with_bio else "",
        followers_count=account.followers_count,
        following_count=account.following_count,
        posts_count=account.statuses_count,
        bot=account.bot,
        created_at=account.created_at,
    )


def remote_media(media: wire.MediaAttachment) -> RemoteMedia:
    size = media.meta.original if media.meta and media.meta.original else None
    return RemoteMedia(
        kind=MEDIA_KINDS.get(media.type, MediaKind.UNKNOWN),
        url=media.url or "",
        preview_url=media.preview_url or "",
        alt_text=media.description or "",
        width=size.width if size else None,
        height=size.height if size else None,
    )


def remote_post(status: wire.Status) -> RemotePost:
    quote = status.quote
    html = sanitise_html(status.content)
    quoted_id = ""
    if quote is not None:
        quoted_id = quote.quoted_status.id if quote.quoted_status else quote.quoted_status_id or ""
    return RemotePost(
        network=NETWORK,
        remote_id=status.id,
        url=status.url or status.uri,
        uri=status.uri,
        author=remote_account(status.account, with_bio=False),
        text=text_of_sanitised(html),
        html=html,
        created_at=status.created_at,
        language=status.language or "",
        edited_at=status.edited_at,
        content_warning=status.spoiler_text,
        sensitive=status.sensitive,
        visibility=status.visibility,
        reply_to_id=status.in_reply_to_id or "",
        reply_to_account_id=status.in_reply_to_account_id or "",
        quote_of_id=quoted_id,
        repost_of=remote_post(status.reblog) if status.reblog else None,
        metrics=metrics(status),
        media=tuple(remote_media(media) for media in status.media_attachments),
        hashtags=tuple(tag.name for tag in status.tags),
        mentions=tuple(mention.acct for mention in status.mentions),
    )


def metrics(status: wire.Status) -> PostMetrics:
    return PostMetrics(
        replies=status.replies_count,
        reposts=status.reblogs_count,
        likes=status.favourites_count,
        quotes=status.quotes_count,
    )


def post_from(data: Any) -> RemotePost:
    """A status as Mastodon.py hands it over (parsed JSON)."""
    return remote_post(validate(wire.Status, data))


def post_from_json(raw: str | bytes) -> RemotePost:
    """A status from the JSON text itself, parsed and validated in one pass (ingestion)."""
    try:
        status = wire.Status.model_validate_json(raw)
    except ValidationError as error:
        raise InvalidResponseError("Mastodon", str(error)) from error
    return remote_post(status)


def notification_kind(notification_type: str, status: wire.Status | None, own_id: str) -> str:
    kind = NOTIFICATION_KINDS.get(notification_type, NotificationKind.OTHER)
    if kind == NotificationKind.MENTION and status and status.in_reply_to_account_id == own_id:
        return NotificationKind.REPLY
    return kind


def notification_from(data: Any, own_id: str) -> RemoteNotification:
    """A v1 notification (``GET /api/v1/notifications``)."""
    item = validate(wire.Notification, data)
    return RemoteNotification(
        network=NETWORK,
        remote_id=item.id,
        kind=NotificationKind(notification_kind(item.type, item.status, own_id)),
        created_at=item.created_at,
        accounts=(remote_account(item.account),),
        post=remote_post(item.status) if item.status else None,
    )


def grouped_notifications_from(data: Any, own_id: str) -> list[RemoteNotification]:
    """v2 grouped notifications: one item per group, with the accounts of its sample."""
    results = validate(wire.GroupedNotifications, data)
    accounts: Mapping[str, RemoteAccount] = {
        account.id: remote_account(account) for account in results.accounts
    }
    partial = {
        account.id: RemoteAccount(
            network=NETWORK,
            remote_id=account.id,
            handle=account.acct,
            url=account.url or "",
            avatar_url=account.avatar or "",
            bot=account.bot,
        )
        for account in results.partial_accounts
    }
    statuses = {status.id: status for status in results.statuses}
    items = []
    for group in results.notification_groups:
        status = statuses.get(group.status_id or "")
        sample = tuple(
            accounts.get(account_id) or partial[account_id]
            for account_id in group.sample_account_ids
            if account_id in accounts or account_id in partial
        )
        items.append(
            RemoteNotification(
                network=NETWORK,
                remote_id=group.group_key,
                kind=NotificationKind(notification_kind(group.type, status, own_id)),
                created_at=group.latest_page_notification_at,
                accounts=sample,
                post=remote_post(status) if status else None,
                count=group.notifications_count,
            )
        )
    return items
