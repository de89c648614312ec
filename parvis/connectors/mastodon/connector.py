"""The Mastodon connector: any instance, through Mastodon.py on the guarded session."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar
from urllib.parse import urlsplit

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from mastodon import Mastodon

from parvis.connectors.base import (
    Capability,
    Connector,
    Draft,
    Limits,
    MediaFile,
    MediaLimits,
    RateWindow,
)
from parvis.connectors.errors import ConnectorError
from parvis.connectors.remote import (
    Page,
    PostMetrics,
    PublishedPost,
    RemoteAccount,
    RemoteNotification,
    RemotePost,
)
from parvis.connectors.sanitize import html_to_text

from . import client, mapping, wire

T = TypeVar("T")

IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp", "image/avif"})
VIDEO_TYPES = frozenset({"video/mp4", "video/webm", "video/quicktime"})
# Videos are processed after the upload: how long a publication waits for them.
MEDIA_PROCESSING_WAIT_SECONDS = 60.0
# Own statuses read in one request: for metrics, and to find a post whose first attempt may
# have gone through (reconciliation).
RECENT_STATUSES = 40
ACCOUNT_POSTS = 30  # read from a followed account at each visit


def _version_at_least(version: str, wanted: tuple[int, ...]) -> bool:
    numbers = []
    for part in version.split("+", 1)[0].split("-", 1)[0].split(".")[:3]:
        numbers.append(int(part) if part.isdigit() else 0)
    return tuple(numbers) >= wanted


def _normalised(text: str) -> str:
    return " ".join(text.split())


class MastodonConnector(Connector):
    network = "mastodon"
    label = "Mastodon"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.PUBLISH_TEXT,
            Capability.MEDIA,
            Capability.ALT_TEXT,
            Capability.CONTENT_WARNING,
            Capability.THREAD,
            Capability.REPLY,
            Capability.QUOTE,
            Capability.REPOST,
            Capability.LIKE,
            Capability.DELETE,
            Capability.EDIT,
            Capability.PIN,
            Capability.POLL,
            Capability.READ_MENTIONS,
            Capability.READ_NOTIFICATIONS,
            Capability.READ_REPLIES,
            Capability.READ_ACCOUNT_POSTS,
            Capability.DIRECT_MESSAGES,
            Capability.SEARCH_POSTS,
            Capability.LOOKUP_ACCOUNTS,
            Capability.SEARCH_ACCOUNTS,
            Capability.FOLLOW,
            Capability.POST_METRICS,
            Capability.FOLLOWER_COUNT,
        }
    )
    # Mastodon's defaults; an instance may set others (see account_limits).
    limits: ClassVar[Limits] = Limits(
        max_length=500,
        length_rule=_lazy(
            "caractères, un lien compte pour 23, une mention sans son instance, "
            "l'avertissement de contenu compris"
        ),
        media=MediaLimits(
            max_count=4,
            image_types=IMAGE_TYPES,
            image_max_bytes=16 * 1024 * 1024,
            video_types=VIDEO_TYPES,
            video_max_bytes=99 * 1024 * 1024,
            alt_text_max_length=1500,
        ),
        max_poll_options=4,
        content_warning_max_length=500,
        rate_windows=(
            RateWindow(300, 300, _lazy("toutes les requêtes du compte")),
            RateWindow(30, 1800, _lazy("envois de médias")),
            RateWindow(30, 1800, _lazy("suppressions de publications")),
        ),
    )

    # --- Plumbing ---------------------------------------------------------------------------

    @property
    def _credentials(self) -> dict[str, Any]:
        return self.access.credentials

    @property
    def _version(self) -> str:
        return str(self._credentials.get("version") or client.FALLBACK_VERSION)

    def _api(self) -> Mastodon:
        api = getattr(self, "_api_client", None)
        if api is None:
            api = client.make_api(
                self.access.service_url,
                access_token=self._credentials.get("access_token"),
                client_id=self._credentials.get("client_id"),
                client_secret=self._credentials.get("client_secret"),
                version=self._version,
            )
            self._api_client = api
        return api

    def _call(self, operation: Callable[[Mastodon], T]) -> T:
        self.wait_for_quota()
        api = self._api()
        return client.run(api, lambda: operation(api), self.record_rate_limit)

    def _own_id(self) -> str:
        return self.access.remote_id

    @classmethod
    def text_length(cls, text: str) -> int:
        return int(Mastodon.get_status_length(text))

    def account_capabilities(self) -> frozenset[Capability]:
        if _version_at_least(self._version, (4, 5, 0)):
            return self.capabilities
        return self.capabilities - {Capability.QUOTE}

    def account_limits(self) -> Limits:
        instance = self._credentials.get("instance")
        if not instance:
            return self.limits
        configuration = mapping.validate(wire.Configuration, instance)
        statuses, media = configuration.statuses, configuration.media_attachments
        images = frozenset(t for t in media.supported_mime_types if t.startswith("image/"))
        videos = frozenset(t for t in media.supported_mime_types if t.startswith("video/"))
        return Limits(
            max_length=statuses.max_characters,
            length_rule=self.limits.length_rule,
            media=MediaLimits(
                max_count=statuses.max_media_attachments,
                image_types=images or IMAGE_TYPES,
                image_max_bytes=media.image_size_limit,
                video_types=videos or VIDEO_TYPES,
                video_max_bytes=media.video_size_limit,
                alt_text_max_length=media.description_limit,
            ),
            max_poll_options=configuration.polls.max_options,
            content_warning_max_length=statuses.max_characters,
            rate_windows=self.limits.rate_windows,
        )

    # --- The account ----------------------------------------------------------------------------

    def verify(self) -> RemoteAccount:
        data = self._call(lambda api: api.account_verify_credentials())
        return mapping.remote_account(mapping.validate(wire.Account, data))

    def disconnect(self) -> None:
        if not self._credentials.get("client_secret"):
            return
        # The token is forgotten here anyway; the instance may be gone.
        with contextlib.suppress(ConnectorError):
            self._call(lambda api: api.revoke_access_token(allow_http=self._allow_http))

    @property
    def _allow_http(self) -> bool:
        # http only reaches the local test servers the outbound guard lets through.
        return self.access.service_url.startswith("http://")

    # --- Publishing -----------------------------------------------------------------------------

    def _upload(self, media: MediaFile) -> str:
        uploaded = self._call(
            lambda api: api.media_post(
                media.data,
                mime_type=media.mime_type,
                description=media.alt_text or None,
                focus=media.focus,
                file_name=media.filename,
            )
        )
        attachment = mapping.validate(wire.MediaAttachment, uploaded)
        deadline = time.monotonic() + MEDIA_PROCESSING_WAIT_SECONDS
        while attachment.url is None:  # processed in the background (videos)
            if time.monotonic() > deadline:
                raise ConnectorError(
                    str(_lazy("L'instance n'a pas fini de traiter le média : nouvel essai.")),
                    permanent=False,
                    retry_after=60.0,
                )
            time.sleep(1.0)
            attachment = self._media(attachment.id)
        return attachment.id

    def _media(self, media_id: str) -> wire.MediaAttachment:
        return mapping.validate(wire.MediaAttachment, self._call(lambda api: api.media(media_id)))

    def _status(self, remote_id: str) -> wire.Status:
        return mapping.validate(wire.Status, self._call(lambda api: api.status(remote_id)))

    def _own_statuses(self) -> list[wire.Status]:
        """Our latest statuses (a page of them), newest first."""
        data = self._call(lambda api: api.account_statuses(self._own_id(), limit=RECENT_STATUSES))
        return [mapping.validate(wire.Status, item) for item in data]

    def _status_arguments(self, draft: Draft) -> dict[str, Any]:
        arguments: dict[str, Any] = {
            "status": draft.text,
            "spoiler_text": draft.content_warning or None,
            "sensitive": bool(draft.content_warning),
            "language": draft.language or None,
            "media_ids": [self._upload(media) for media in draft.media] or None,
        }
        if draft.poll is not None:
            arguments["poll"] = self._api().make_poll(
                list(draft.poll.options),
                expires_in=draft.poll.expires_in_seconds,
                multiple=draft.poll.multiple,
            )
        return arguments

    def publish(self, draft: Draft, *, idempotency_key: str) -> PublishedPost:
        refused = [c for c in draft.required_capabilities() if c not in self.account_capabilities()]
        if refused:
            raise self._refuse(refused[0])
        arguments = self._status_arguments(draft)
        in_reply_to = self._status_id(draft.in_reply_to)
        quote_of = self._status_id(draft.quote_of)
        status = self._call(
            lambda api: api.status_post(
                **arguments,
                visibility=draft.visibility.value,
                in_reply_to_id=in_reply_to or None,
                quoted_status_id=quote_of or None,
                # The instance answers a repeated key with the status it already created.
                idempotency_key=idempotency_key,
            )
        )
        return self._published(status)

    def _published(self, data: Any) -> PublishedPost:
        status = data if isinstance(data, wire.Status) else mapping.validate(wire.Status, data)
        return PublishedPost(
            remote_id=status.id,
            url=status.url or status.uri,
            uri=status.uri,
            created_at=status.created_at,
        )

    def find_published(
        self, idempotency_key: str, *, draft: Draft | None = None, since: dt.datetime | None = None
    ) -> PublishedPost | None:
        """Mastodon keeps idempotency keys about an hour: look for the text among our posts."""
        if draft is None or not self._own_id():
            return None
        wanted = _normalised(draft.text)
        in_reply_to = self._status_id(draft.in_reply_to) or None
        for status in self._own_statuses():
            if since is not None and status.created_at < since:
                break
            if status.in_reply_to_id == in_reply_to and (
                _normalised(html_to_text(status.content)) == wanted
            ):
                return self._published(status)
        return None

    def edit(self, remote_id: str, draft: Draft) -> PublishedPost:
        arguments = self._status_arguments(draft)
        del arguments["language"]  # the language of a status cannot be edited
        status = self._call(lambda api: api.status_update(remote_id, **arguments))
        return self._published(status)

    def delete(self, remote_id: str) -> None:
        self._call(lambda api: api.status_delete(remote_id))

    def repost(self, remote_id: str) -> PublishedPost:
        """The instance answers a second reblog of a status with the first one."""
        status_id = self._status_id(remote_id)
        return self._published(self._call(lambda api: api.status_reblog(status_id)))

    def like(self, remote_id: str) -> None:
        self._call(lambda api: api.status_favourite(remote_id))

    def pin(self, remote_id: str) -> None:
        self._call(lambda api: api.status_pin(remote_id))

    # --- Reading --------------------------------------------------------------------------------

    def get_post(self, remote_id: str) -> RemotePost:
        return mapping.remote_post(self._status(remote_id))

    def find_post(self, address: str) -> RemotePost:
        """A status id is read; an address is looked up by the instance, which fetches a
        status of another server (search with ``resolve``) and gives it a local id."""
        value = address.strip()
        if not value.lower().startswith(("https://", "http://")):
            return self.get_post(value)
        results = mapping.validate(
            wire.SearchResults,
            self._call(
                lambda api: api.search_v2(value, resolve=True, result_type="statuses", limit=1)
            ),
        )
        if not results.statuses:
            raise ConnectorError(
                _("Publication introuvable depuis %(server)s : %(address)s")
                % {"server": urlsplit(self.access.service_url).netloc, "address": value},
                permanent=True,
                status=404,
            )
        return mapping.remote_post(results.statuses[0])

    def _status_id(self, reference: str) -> str:
        """The local id of a status named by its id or by its address ("" stays "")."""
        if not reference or reference.isdigit():
            return reference
        return self.find_post(reference).remote_id

    def account_posts(self, handle: str) -> list[RemotePost]:
        wanted = handle.strip().lstrip("@").lower()
        # The lookup knows the accounts the instance has seen; the search fetches the others.
        account = self.lookup_account(handle) or next(
            (found for found in self.search_accounts(wanted) if found.handle.lower() == wanted),
            None,
        )
        if account is None:
            raise ConnectorError(
                _("Compte Mastodon introuvable : %(handle)s") % {"handle": handle},
                permanent=True,
                status=404,
            )
        data = self._call(
            lambda api: api.account_statuses(
                account.remote_id, exclude_replies=True, exclude_reblogs=True, limit=ACCOUNT_POSTS
            )
        )
        return [mapping.remote_post(mapping.validate(wire.Status, item)) for item in data]

    def notifications(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        if _version_at_least(self._version, (4, 3, 0)):
            data = self._call(
                lambda api: api.grouped_notifications(
                    max_id=cursor, limit=40, expand_accounts="partial_avatars"
                )
            )
            items = mapping.grouped_notifications_from(data, self._own_id())
            groups = mapping.validate(wire.GroupedNotifications, data).notification_groups
            last = groups[-1].page_min_id if groups else None
            return Page(tuple(items), next_cursor=last)
        data = self._call(lambda api: api.notifications(max_id=cursor, limit=40))
        return self._notification_page(data)

    def _notification_page(self, data: Any) -> Page[RemoteNotification]:
        items = tuple(mapping.notification_from(item, self._own_id()) for item in data)
        return Page(items, next_cursor=items[-1].remote_id if items else None)

    def mentions(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        data = self._call(lambda api: api.notifications(types=["mention"], max_id=cursor, limit=40))
        return self._notification_page(data)

    def direct_messages(self, *, cursor: str | None = None) -> Page[RemotePost]:
        """Private conversations (statuses of ``direct`` visibility): their latest message.

        Writing one is publishing with ``Visibility.DIRECT`` and the recipient mentioned.
        """
        data = self._call(lambda api: api.conversations(max_id=cursor, limit=40))
        conversations = [mapping.validate(wire.Conversation, item) for item in data]
        posts = tuple(
            mapping.remote_post(conversation.last_status)
            for conversation in conversations
            if conversation.last_status is not None
        )
        return Page(posts, next_cursor=conversations[-1].id if conversations else None)

    def replies(self, remote_id: str) -> list[RemotePost]:
        context = mapping.validate(
            wire.Context, self._call(lambda api: api.status_context(remote_id))
        )
        return [mapping.remote_post(status) for status in context.descendants]

    def search_posts(self, query: str, *, cursor: str | None = None) -> Page[RemotePost]:
        """A hashtag reads its timeline (complete); other words go through full-text search."""
        tag = query.strip()
        if tag.startswith("#") and " " not in tag:
            data = self._call(lambda api: api.timeline_hashtag(tag[1:], max_id=cursor, limit=40))
            posts = tuple(mapping.post_from(item) for item in data)
            return Page(posts, next_cursor=posts[-1].remote_id if posts else None)
        offset = int(cursor) if cursor and cursor.isdigit() else 0
        results = mapping.validate(
            wire.SearchResults,
            self._call(
                lambda api: api.search_v2(
                    query, resolve=False, result_type="statuses", offset=offset, limit=40
                )
            ),
        )
        found = tuple(mapping.remote_post(status) for status in results.statuses)
        return Page(found, next_cursor=str(offset + len(found)) if found else None)

    def lookup_account(self, handle: str) -> RemoteAccount | None:
        acct = handle.strip().lstrip("@")
        own_host = urlsplit(self.access.service_url).netloc
        acct = acct.removesuffix(f"@{own_host}")  # a local account is known by its name
        try:
            data = self._call(lambda api: api.account_lookup(acct))
        except ConnectorError as error:
            if error.status == 404:
                return None
            raise
        return mapping.remote_account(mapping.validate(wire.Account, data))

    def search_accounts(self, query: str) -> list[RemoteAccount]:
        data = self._call(lambda api: api.account_search(query, limit=20, resolve=True))
        return [mapping.remote_account(mapping.validate(wire.Account, item)) for item in data]

    def follow(self, account_id: str) -> None:
        self._call(lambda api: api.account_follow(account_id))

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        """Counts of our posts: the recent ones in one request, older ones one by one."""
        wanted = set(remote_ids)
        found = {
            status.id: mapping.metrics(status)
            for status in self._own_statuses()
            if status.id in wanted
        }
        for remote_id in sorted(wanted - set(found)):
            status = self._status(remote_id)
            found[status.id] = mapping.metrics(status)
        return found
