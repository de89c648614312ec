"""Mastodon's JSON as typed models: what Parvis reads of it, validated at the edge.

Only the fields Parvis uses are declared; others are ignored. Ids are strings (Mastodon.py
may hand them over as numbers), dates aware datetimes. Field names follow the API
(https://docs.joinmastodon.org/entities/).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator


def _as_str(value: Any) -> Any:
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Id = Annotated[str, BeforeValidator(_as_str)]


class Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


W = TypeVar("W", bound=Wire)


class Settings(Wire):
    """A null field means its default (some servers send null for "unknown" or "none")."""

    @model_validator(mode="before")
    @classmethod
    def _nulls_are_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict):
            return {key: value for key, value in data.items() if value is not None}
        return data


class Account(Wire):
    id: Id
    username: str
    acct: str
    display_name: str = ""
    url: str | None = None
    avatar: str | None = None
    note: str = ""
    followers_count: int | None = None
    following_count: int | None = None
    statuses_count: int | None = None
    bot: bool = False
    created_at: dt.datetime | None = None


class MediaSize(Wire):
    width: int | None = None
    height: int | None = None


class MediaMeta(Wire):
    original: MediaSize | None = None


class MediaAttachment(Wire):
    id: Id
    type: str
    url: str | None = None
    preview_url: str | None = None
    description: str | None = None
    meta: MediaMeta | None = None


class Mention(Wire):
    acct: str


class Tag(Wire):
    name: str


class Quote(Wire):
    state: str = ""
    quoted_status: Status | None = None
    quoted_status_id: Id | None = None


class Status(Wire):
    id: Id
    uri: str = ""
    url: str | None = None
    created_at: dt.datetime
    edited_at: dt.datetime | None = None
    content: str = ""
    spoiler_text: str = ""
    sensitive: bool = False
    visibility: str = ""
    language: str | None = None
    in_reply_to_id: Id | None = None
    in_reply_to_account_id: Id | None = None
    reblog: Status | None = None
    quote: Quote | None = None
    account: Account
    media_attachments: list[MediaAttachment] = Field(default_factory=list)
    mentions: list[Mention] = Field(default_factory=list)
    tags: list[Tag] = Field(default_factory=list)
    replies_count: int | None = None
    reblogs_count: int | None = None
    favourites_count: int | None = None
    quotes_count: int | None = None


class Notification(Wire):
    id: Id
    type: str
    created_at: dt.datetime
    account: Account
    status: Status | None = None


class NotificationGroup(Wire):
    group_key: str
    notifications_count: int = 1
    type: str
    most_recent_notification_id: Id
    page_max_id: Id | None = None
    page_min_id: Id | None = None
    latest_page_notification_at: dt.datetime
    sample_account_ids: list[Id] = Field(default_factory=list)
    status_id: Id | None = None


class PartialAccount(Wire):
    """``expand_accounts=partial_avatars``: just enough to show who it was."""

    id: Id
    acct: str
    url: str | None = None
    avatar: str | None = None
    bot: bool = False


class GroupedNotifications(Settings):
    accounts: list[Account] = Field(default_factory=list)
    partial_accounts: list[PartialAccount] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)
    notification_groups: list[NotificationGroup] = Field(default_factory=list)


class Conversation(Wire):
    id: Id
    unread: bool = False
    accounts: list[Account] = Field(default_factory=list)
    last_status: Status | None = None


class Context(Wire):
    ancestors: list[Status] = Field(default_factory=list)
    descendants: list[Status] = Field(default_factory=list)


class SearchResults(Wire):
    accounts: list[Account] = Field(default_factory=list)
    statuses: list[Status] = Field(default_factory=list)


class StatusesConfiguration(Settings):
    max_characters: int = 500
    max_media_attachments: int = 4
    characters_reserved_per_url: int = 23


class MediaConfiguration(Settings):
    supported_mime_types: list[str] = Field(default_factory=list)
    image_size_limit: int = 16 * 1024 * 1024
    video_size_limit: int = 99 * 1024 * 1024
    description_limit: int = 1500


class PollsConfiguration(Settings):
    max_options: int = 4


class Configuration(Settings):
    statuses: StatusesConfiguration = Field(default_factory=StatusesConfiguration)
    media_attachments: MediaConfiguration = Field(default_factory=MediaConfiguration)
    polls: PollsConfiguration = Field(default_factory=PollsConfiguration)


class Instance(Settings):
    """``GET /api/v2/instance``: the version and the limits of the server."""

    domain: str = ""
    title: str = ""
    version: str = ""
    configuration: Configuration = Field(default_factory=Configuration)
