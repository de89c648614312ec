"""Bluesky for one connected account: publish, engage, read, search, measure.

Every call goes to the account's PDS, which serves ``com.atproto.*`` itself and forwards
``app.bsky.*`` reads to its AppView, through :class:`~.session.Session` (tokens renewed and
saved, errors in French).

Writes are idempotent: the record key of a post comes from its idempotency key
(:func:`parvis.connectors.bluesky.tid.derive`), so a retry finds the record it may already
have written; likes, reposts and follows take a key derived from what they point to.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any, ClassVar, TypeVar

from atproto_client import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parvis.analysis.text import graphemes
from parvis.connectors.base import (
    AccountAccess,
    Capability,
    Connector,
    Draft,
    Limits,
    MediaLimits,
    RateWindow,
    Visibility,
)
from parvis.connectors.bluesky import embeds, identity, mapping, tid
from parvis.connectors.bluesky.facets import FacetKind, detect, utf8
from parvis.connectors.bluesky.session import Session
from parvis.connectors.bluesky.xrpc import XrpcError
from parvis.connectors.errors import ConnectorError, InvalidResponseError
from parvis.connectors.remote import (
    Page,
    PostMetrics,
    PublishedPost,
    RemoteAccount,
    RemoteNotification,
    RemotePost,
)

logger = logging.getLogger("parvis.connectors.bluesky")
T = TypeVar("T")

MAX_GRAPHEMES = 300  # app.bsky.feed.post: text maxGraphemes
MAX_TEXT_BYTES = 3000  # and maxLength (UTF-8 bytes)
POST = "app.bsky.feed.post"
LIKE = "app.bsky.feed.like"
REPOST = "app.bsky.feed.repost"
FOLLOW = "app.bsky.graph.follow"
GET_POSTS_MAX = 25  # app.bsky.feed.getPosts: uris maxLength
PAGE_SIZE = 50
THREAD_DEPTH = 50
ACCOUNT_POSTS = 30  # read from a followed account at each visit
_POST_URL = re.compile(r"^https?://(?:www\.)?bsky\.app/profile/([^/?#]+)/post/([^/?#]+)", re.I)


def _now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _permanent(message: str, status: int | None = None) -> ConnectorError:
    return ConnectorError(message, permanent=True, status=status)


class BlueskyConnector(Connector):
    network = "bluesky"
    label = "Bluesky"
    capabilities: ClassVar[frozenset[Capability]] = frozenset(
        {
            Capability.PUBLISH_TEXT,
            Capability.MEDIA,
            Capability.ALT_TEXT,
            Capability.THREAD,
            Capability.REPLY,
            Capability.QUOTE,
            Capability.REPOST,
            Capability.LIKE,
            Capability.DELETE,
            Capability.LINK_CARD,
            Capability.READ_MENTIONS,
            Capability.READ_NOTIFICATIONS,
            Capability.READ_REPLIES,
            Capability.READ_ACCOUNT_POSTS,
            Capability.SEARCH_POSTS,
            Capability.LOOKUP_ACCOUNTS,
            Capability.SEARCH_ACCOUNTS,
            Capability.FOLLOW,
            Capability.POST_METRICS,
            Capability.FOLLOWER_COUNT,
        }
    )
    limits = Limits(
        max_length=MAX_GRAPHEMES,
        length_rule=_lazy(
            "caractères perçus (graphèmes) : un émoji compte pour un ; 3 000 octets au plus"
        ),
        media=MediaLimits(
            max_count=embeds.MAX_IMAGES,
            image_types=embeds.IMAGE_TYPES,
            image_max_bytes=embeds.IMAGE_MAX_BYTES,
            alt_text_max_length=embeds.ALT_TEXT_MAX_GRAPHEMES,
        ),
        # https://docs.bsky.app/docs/advanced-guides/rate-limits (Bluesky's own PDS)
        rate_windows=(
            RateWindow(5000, 3600, _lazy("points d'écriture par heure (création : 3)")),
            RateWindow(35000, 86400, _lazy("points d'écriture par jour (création : 3)")),
            RateWindow(3000, 300, _lazy("requêtes par adresse IP")),
            RateWindow(30, 300, _lazy("ouvertures de session par compte")),
            RateWindow(300, 86400, _lazy("ouvertures de session par compte et par jour")),
        ),
    )

    def __init__(self, access: AccountAccess) -> None:
        super().__init__(access)
        self._session = Session(
            access, before_call=self.wait_for_quota, on_rate_limit=self.record_rate_limit
        )

    @classmethod
    def text_length(cls, text: str) -> int:
        return graphemes(text)

    @property
    def _did(self) -> str:
        return self._session.did

    def _call(self, operation: Callable[[Any], T]) -> T:
        return self._session.call(operation)

    # --- Records --------------------------------------------------------------------------------

    def _get_record(self, client: Any, uri: str) -> Any | None:
        """com.atproto.repo.getRecord (the PDS asks the AppView for other servers' records)."""
        did, collection, rkey = mapping.split_uri(uri)
        try:
            return client.com.atproto.repo.get_record(
                {"repo": did, "collection": collection, "rkey": rkey}
            )
        except XrpcError as error:
            if error.status in (400, 404) and not error.is_token_problem:
                return None
            raise

    def _strong_ref(self, client: Any, uri: str) -> Any:
        record = self._get_record(client, uri)
        if record is None or not record.cid:
            raise _permanent(
                _("Post Bluesky introuvable (supprimé ?) : %(uri)s") % {"uri": uri}, 404
            )
        return models.ComAtprotoRepoStrongRef.Main(uri=str(record.uri), cid=str(record.cid))

    def _create(self, client: Any, collection: str, rkey: str, record: Any) -> Any:
        return client.com.atproto.repo.create_record(
            models.ComAtprotoRepoCreateRecord.Data(
                repo=self._did, collection=collection, rkey=rkey, record=record
            )
        )

    def _post_uri(self, remote_id: str) -> str:
        """An at:// URI from an at:// URI or a bsky.app address of a post."""
        value = remote_id.strip()
        invalid = _permanent(
            _("Identifiant de post Bluesky invalide : « %(id)s ».") % {"id": remote_id}
        )
        if value.startswith("at://"):
            try:
                collection = mapping.split_uri(value)[1]
            except mapping.UnusableRecordError:
                raise invalid from None
            if collection != POST:
                raise invalid
            return value
        match = _POST_URL.match(value)
        if match is None:
            raise invalid
        actor, rkey = match.group(1), match.group(2)
        did = actor if identity.is_did(actor) else self._resolve_handle(actor)
        if did is None:
            raise _permanent(_("Compte Bluesky introuvable : %(handle)s") % {"handle": actor}, 404)
        return f"at://{did}/{POST}/{rkey}"

    def _resolve_handle(self, handle: str) -> str | None:
        def resolve(client: Any) -> str | None:
            try:
                answer = client.com.atproto.identity.resolve_handle({"handle": handle})
            except XrpcError as error:
                if error.status == 400 and not error.is_token_problem:
                    return None
                raise
            return str(answer.did)

        return self._call(resolve)

    # --- The account ----------------------------------------------------------------------------

    def verify(self) -> RemoteAccount:
        profile = self._call(lambda c: c.app.bsky.actor.get_profile({"actor": self._did}))
        account = mapping.account_from_profile(profile)
        known = self._session.credentials.get("handle")
        if account.handle not in (known, "handle.invalid"):  # renamed on Bluesky
            self._session.save(handle=account.handle)
        return account

    def disconnect(self) -> None:
        self._session.revoke()

    # --- Publishing -----------------------------------------------------------------------------

    def _check(self, draft: Draft) -> None:
        unsupported = self.unsupported(draft)
        if unsupported:
            raise self._refuse(unsupported[0])
        if draft.visibility is not Visibility.PUBLIC:
            raise _permanent(_("Bluesky ne publie que des posts publics."))
        if (
            not draft.text.strip()
            and not draft.media
            and not draft.link_card
            and not draft.quote_of
        ):
            raise _permanent(_("Le post est vide."))
        length = graphemes(draft.text)
        if length > MAX_GRAPHEMES:
            raise _permanent(
                _("Le texte compte %(length)d caractères : Bluesky en accepte %(max)d au plus.")
                % {"length": length, "max": MAX_GRAPHEMES}
            )
        if len(utf8(draft.text)) > MAX_TEXT_BYTES:
            raise _permanent(
                _("Le texte dépasse %(max)d octets, la limite de Bluesky.")
                % {"max": MAX_TEXT_BYTES}
            )
        embeds.check_draft_media(draft)

    def _facets(self, text: str) -> list[Any]:
        resolved: dict[str, str | None] = {}
        facets = []
        for facet in detect(text):
            index = models.AppBskyRichtextFacet.ByteSlice(
                byte_start=facet.byte_start, byte_end=facet.byte_end
            )
            if facet.kind is FacetKind.LINK:
                feature: Any = models.AppBskyRichtextFacet.Link(uri=facet.value)
            elif facet.kind is FacetKind.TAG:
                feature = models.AppBskyRichtextFacet.Tag(tag=facet.value)
            else:
                if facet.value not in resolved:
                    resolved[facet.value] = self._resolve_handle(facet.value)
                did = resolved[facet.value]
                if did is None:
                    continue  # an unknown handle stays plain text, as in the Bluesky app
                feature = models.AppBskyRichtextFacet.Mention(did=did)
            facets.append(models.AppBskyRichtextFacet.Main(features=[feature], index=index))
        return facets

    def _reply_ref(self, parent_uri: str) -> Any:
        parent = self._call(lambda c: self._get_record(c, parent_uri))
        if parent is None or not parent.cid:
            raise _permanent(
                _("Le post auquel répondre est introuvable (supprimé ?) : %(uri)s")
                % {"uri": parent_uri},
                404,
            )
        parent_ref = models.ComAtprotoRepoStrongRef.Main(uri=str(parent.uri), cid=str(parent.cid))
        value = parent.value
        root = None
        if isinstance(value, models.AppBskyFeedPost.Record) and value.reply is not None:
            root = value.reply.root
        return models.AppBskyFeedPost.ReplyRef(parent=parent_ref, root=root or parent_ref)

    def _upload(self, data: bytes, mime_type: str) -> Any:
        answer = self._call(
            lambda c: c.com.atproto.repo.upload_blob(data, headers={"Content-Type": mime_type})
        )
        return answer.blob

    def _published(self, uri: str, created_at: str | None) -> PublishedPost:
        _did, _collection, rkey = mapping.split_uri(uri)
        return PublishedPost(
            remote_id=uri,
            url=mapping.post_url(self._session.handle, rkey),
            uri=uri,
            created_at=mapping.parse_datetime(created_at),
        )

    def find_published(
        self, idempotency_key: str, *, draft: Draft | None = None, since: dt.datetime | None = None
    ) -> PublishedPost | None:
        """The post written under this key (its record key is derived from it), if any."""
        uri = f"at://{self._did}/{POST}/{tid.derive(idempotency_key)}"
        record = self._call(lambda c: self._get_record(c, uri))
        if record is None:
            return None
        return self._published(str(record.uri), getattr(record.value, "created_at", None))

    def publish(self, draft: Draft, *, idempotency_key: str) -> PublishedPost:
        self._check(draft)
        rkey = tid.derive(idempotency_key)
        with self._session.connection():
            existing = self.find_published(idempotency_key)
            if existing is not None:
                return existing
            quoted = self._strong_ref_of(self._post_uri(draft.quote_of)) if draft.quote_of else None
            record = models.AppBskyFeedPost.Record(
                created_at=_now_iso(),
                text=draft.text,
                facets=self._facets(draft.text) or None,
                langs=[draft.language] if draft.language else None,
                reply=self._reply_ref(self._post_uri(draft.in_reply_to))
                if draft.in_reply_to
                else None,
                embed=embeds.build(draft, self._upload, quoted),
            )
            try:
                created = self._call(lambda c: self._create(c, POST, rkey, record))
            except ConnectorError as error:
                # The write may have happened before the failure (a timeout, a 500 for a key
                # written meanwhile by another attempt): look before reporting it.
                if error.permanent:
                    raise
                found = self.find_published(idempotency_key)
                if found is None:
                    raise
                return found
        return self._published(str(created.uri), record.created_at)

    def _strong_ref_of(self, uri: str) -> Any:
        return self._call(lambda c: self._strong_ref(c, uri))

    def delete(self, remote_id: str) -> None:
        did, collection, rkey = mapping.split_uri(self._post_uri(remote_id))
        if did != self._did:
            raise _permanent(
                _("Ce post n'appartient pas au compte connecté : impossible de le supprimer.")
            )
        self._call(
            lambda c: c.com.atproto.repo.delete_record(
                models.ComAtprotoRepoDeleteRecord.Data(repo=did, collection=collection, rkey=rkey)
            )
        )

    def _engage(self, collection: str, remote_id: str, record_type: Any) -> str:
        """Like or repost, once: the record key comes from the post, a second call finds it.
        Returns the at:// URI of our like or repost record."""
        uri = self._post_uri(remote_id)
        rkey = tid.derive(f"{collection}:{uri}")
        with self._session.connection():
            mine = f"at://{self._did}/{collection}/{rkey}"
            if self._call(lambda c: self._get_record(c, mine)) is not None:
                return mine
            subject = self._strong_ref_of(uri)
            record = record_type(subject=subject, created_at=_now_iso())
            self._call(lambda c: self._create(c, collection, rkey, record))
        return mine

    def repost(self, remote_id: str) -> PublishedPost:
        """Our repost record; its address is the page of the post shared."""
        uri = self._post_uri(remote_id)
        mine = self._engage(REPOST, uri, models.AppBskyFeedRepost.Record)
        did, _collection, rkey = mapping.split_uri(uri)
        return PublishedPost(remote_id=mine, url=mapping.post_url(did, rkey), uri=mine)

    def like(self, remote_id: str) -> None:
        self._engage(LIKE, remote_id, models.AppBskyFeedLike.Record)

    def follow(self, account_id: str) -> None:
        actor = identity.normalise_handle(account_id)
        with self._session.connection():
            did = actor if identity.is_did(actor) else self._resolve_handle(actor)
            if did is None:
                raise _permanent(
                    _("Compte Bluesky introuvable : %(handle)s") % {"handle": account_id}, 404
                )
            rkey = tid.derive(f"{FOLLOW}:{did}")
            mine = f"at://{self._did}/{FOLLOW}/{rkey}"
            if self._call(lambda c: self._get_record(c, mine)) is not None:
                return
            record = models.AppBskyGraphFollow.Record(subject=did, created_at=_now_iso())
            self._call(lambda c: self._create(c, FOLLOW, rkey, record))

    # --- Reading --------------------------------------------------------------------------------

    def _views(self, uris: Sequence[str]) -> list[Any]:
        views: list[Any] = []
        with self._session.connection():
            for start in range(0, len(uris), GET_POSTS_MAX):
                chunk = list(uris[start : start + GET_POSTS_MAX])

                def get_posts(client: Any, chunk: list[str] = chunk) -> Any:
                    return client.app.bsky.feed.get_posts({"uris": chunk})

                views.extend(self._call(get_posts).posts)
        return views

    def _posts(self, views: Sequence[Any]) -> list[RemotePost]:
        posts = []
        for view in views:
            try:
                posts.append(mapping.post_from_view(view))
            except mapping.UnusableRecordError as error:
                logger.info("Bluesky post skipped: %s", error)
        return posts

    def get_post(self, remote_id: str) -> RemotePost:
        """The post as the AppView shows it; as the PDS stores it while not yet indexed."""
        uri = self._post_uri(remote_id)
        with self._session.connection():
            views = self._views([uri])
            try:
                if views:
                    return mapping.post_from_view(views[0])
                stored = self._call(lambda c: self._get_record(c, uri))
                if stored is None:
                    raise _permanent(
                        _("Post Bluesky introuvable (supprimé ?) : %(uri)s") % {"uri": uri}, 404
                    )
                return mapping.post_from_record(uri, stored.value, self._author_of(uri))
            except mapping.UnusableRecordError as error:
                raise InvalidResponseError(self.label, str(error)) from error

    def _author_of(self, uri: str) -> RemoteAccount:
        did = mapping.split_uri(uri)[0]
        handle = self._session.handle if did == self._did else did
        return RemoteAccount(
            network=self.network, remote_id=did, handle=handle, url=mapping.profile_url(handle)
        )

    def _notifications(
        self, cursor: str | None, reasons: frozenset[str] | None
    ) -> Page[RemoteNotification]:
        params: dict[str, Any] = {"limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        if reasons:
            params["reasons"] = sorted(reasons)
        with self._session.connection():
            answer = self._call(lambda c: c.app.bsky.notification.list_notifications(params))
            items = [
                item for item in answer.notifications if reasons is None or item.reason in reasons
            ]
            posts = {
                post.remote_id: post
                for post in self._posts(self._views(mapping.notification_post_uris(items)))
            }
        notices = []
        for item in items:
            try:
                notices.append(mapping.notification_from(item, posts))
            except mapping.UnusableRecordError as error:
                logger.info("Bluesky notification skipped: %s", error)
        return Page(items=tuple(notices), next_cursor=answer.cursor or None)

    def notifications(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        return self._notifications(cursor, None)

    def mentions(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        return self._notifications(cursor, frozenset({"mention", "reply"}))

    def replies(self, remote_id: str) -> list[RemotePost]:
        uri = self._post_uri(remote_id)
        answer = self._call(
            lambda c: c.app.bsky.feed.get_post_thread(
                {"uri": uri, "depth": THREAD_DEPTH, "parent_height": 0}
            )
        )
        return mapping.thread_replies(answer.thread)

    def account_posts(self, handle: str) -> list[RemotePost]:
        """app.bsky.feed.getAuthorFeed without replies; the account's reposts are left out."""
        actor = identity.normalise_handle(handle)
        answer = self._call(
            lambda c: c.app.bsky.feed.get_author_feed(
                {"actor": actor, "filter": "posts_no_replies", "limit": ACCOUNT_POSTS}
            )
        )
        return self._posts([item.post for item in answer.feed if item.reason is None])

    def search_posts(self, query: str, *, cursor: str | None = None) -> Page[RemotePost]:
        params: dict[str, Any] = {"q": query, "limit": PAGE_SIZE}
        if cursor:
            params["cursor"] = cursor
        answer = self._call(lambda c: c.app.bsky.feed.search_posts(params))
        return Page(items=tuple(self._posts(answer.posts)), next_cursor=answer.cursor or None)

    def lookup_account(self, handle: str) -> RemoteAccount | None:
        actor = identity.normalise_handle(handle)
        if not (identity.is_handle(actor) or identity.is_did(actor)):
            return None

        def lookup(client: Any) -> Any | None:
            try:
                return client.app.bsky.actor.get_profile({"actor": actor})
            except XrpcError as error:
                if error.status in (400, 404) and not error.is_token_problem:
                    return None
                raise

        profile = self._call(lookup)
        return None if profile is None else mapping.account_from_profile(profile)

    def search_accounts(self, query: str) -> list[RemoteAccount]:
        answer = self._call(
            lambda c: c.app.bsky.actor.search_actors({"q": query, "limit": PAGE_SIZE})
        )
        return [mapping.account_from_profile(actor) for actor in answer.actors]

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        asked = {self._post_uri(remote_id): remote_id for remote_id in remote_ids}
        return {
            asked[str(view.uri)]: mapping.metrics_from_view(view)
            for view in self._views(list(asked))
            if str(view.uri) in asked
        }
