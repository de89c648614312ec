"""The training network ("bac à sable"): a connector whose network lives in the instance.

It behaves as the real connectors do — limits, capabilities, idempotent publication, errors
in French, reading back mentions and replies — but writes to its own tables
(:mod:`.models`) instead of calling a server. Nothing posted to it leaves the instance.
Scripted reactions (:mod:`.scenarios`) play citizens answering, mentioning, or a bad buzz.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import ClassVar

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parvis.connectors.base import (
    Capability,
    Connection,
    Connector,
    Draft,
    Limits,
    MediaLimits,
)
from parvis.connectors.errors import ConnectorError
from parvis.connectors.remote import (
    MediaKind,
    NotificationKind,
    Page,
    PostMetrics,
    PublishedPost,
    RemoteAccount,
    RemoteMedia,
    RemoteNotification,
    RemotePost,
)
from parvis.connectors.sandbox.models import SandboxPost, SandboxProfile
from parvis.core.links import absolute_url

NETWORK = "sandbox"
LABEL = _lazy("Bac à sable")
PAGE_SIZE = 40
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def _post_id(reference: str) -> str:
    """The id of a post named by its id or by its address (``…/bac-a-sable/x/#post-<id>``)."""
    return reference.strip().rsplit("#post-", 1)[-1]


def profile_url(handle: str) -> str:
    return absolute_url("sandbox:timeline", handle=handle)


def remote_account(profile: SandboxProfile) -> RemoteAccount:
    return RemoteAccount(
        network=NETWORK,
        remote_id=profile.remote_id,
        handle=profile.handle,
        display_name=profile.display_name,
        url=profile_url(profile.handle),
        followers_count=profile.followers_count,
        created_at=profile.created_at,
    )


def connection_for(profile: SandboxProfile) -> Connection:
    """What "connecting" a training account gives: nothing secret to store."""
    return Connection(
        service_url=absolute_url("front:home"), account=remote_account(profile), credentials={}
    )


class SandboxConnector(Connector):
    network: ClassVar[str] = NETWORK
    label: ClassVar[str] = LABEL  # type: ignore[assignment]  # lazy, translated when shown
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
            Capability.PIN,
            Capability.READ_MENTIONS,
            Capability.READ_NOTIFICATIONS,
            Capability.READ_REPLIES,
            Capability.READ_ACCOUNT_POSTS,
            Capability.POST_METRICS,
            Capability.FOLLOWER_COUNT,
        }
    )
    # Mastodon's defaults: what a community manager trains on is what they will meet.
    limits: ClassVar[Limits] = Limits(
        max_length=500,
        length_rule=_lazy("caractères"),
        media=MediaLimits(
            max_count=4,
            image_types=IMAGE_TYPES,
            image_max_bytes=10 * 1024 * 1024,
            alt_text_max_length=1500,
        ),
        content_warning_max_length=500,
    )

    # --- the account ------------------------------------------------------------------------

    def _profile(self) -> SandboxProfile:
        profile = SandboxProfile.objects.filter(remote_id=self.access.remote_id).first()
        if profile is None:
            raise ConnectorError(
                _("Ce compte n'existe plus dans le bac à sable."), permanent=True, status=404
            )
        if profile.revoked:
            raise ConnectorError(
                _(
                    "Le réseau refuse l'accès au compte (jeton révoqué ou expiré) : "
                    "reconnectez-le. (Exercice du bac à sable.)"
                ),
                permanent=True,
                needs_reconnect=True,
                status=401,
            )
        return profile

    def verify(self) -> RemoteAccount:
        return remote_account(self._profile())

    # --- publishing ---------------------------------------------------------------------------

    def _published(self, post: SandboxPost) -> PublishedPost:
        return PublishedPost(
            remote_id=post.remote_id,
            url=f"{profile_url(post.profile.handle)}#post-{post.remote_id}",
            uri=f"sandbox://{post.profile.handle}/{post.remote_id}",
            created_at=post.created_at,
        )

    def find_published(
        self, idempotency_key: str, *, draft: Draft | None = None, since: dt.datetime | None = None
    ) -> PublishedPost | None:
        profile = self._profile()
        post = SandboxPost.objects.filter(profile=profile, idempotency_key=idempotency_key).first()
        return None if post is None else self._published(post)

    def publish(self, draft: Draft, *, idempotency_key: str) -> PublishedPost:
        profile = self._profile()
        length = self.text_length(draft.text)
        if length > self.limits.max_length:
            raise ConnectorError(
                _("Texte trop long pour le bac à sable : %(n)d caractères sur %(max)d.")
                % {"n": length, "max": self.limits.max_length},
                permanent=True,
                status=422,
            )
        # What a reply or a quote names is stored by its id, as a network's server does.
        in_reply_to, quote_of = (
            self._exists(profile, reference).remote_id if reference else ""
            for reference in (draft.in_reply_to, draft.quote_of)
        )
        try:
            with transaction.atomic():
                post, _created = SandboxPost.objects.get_or_create(
                    profile=profile,
                    idempotency_key=idempotency_key,
                    defaults={
                        "ours": True,
                        "author_handle": profile.handle,
                        "author_name": profile.display_name,
                        "text": draft.text,
                        "content_warning": draft.content_warning,
                        "language": draft.language,
                        "visibility": draft.visibility.value,
                        "in_reply_to": in_reply_to,
                        "quote_of": quote_of,
                        "media": [
                            {
                                "mime_type": media.mime_type,
                                "alt_text": media.alt_text,
                                "width": media.width,
                                "height": media.height,
                                "size": len(media.data),
                            }
                            for media in draft.media
                        ],
                    },
                )
        except IntegrityError:  # another attempt wrote it meanwhile
            post = SandboxPost.objects.get(profile=profile, idempotency_key=idempotency_key)
        return self._published(post)

    def _exists(
        self, profile: SandboxProfile, remote_id: str, *, ours: bool = False
    ) -> SandboxPost:
        """A post of the training network (``ours``: of this account), by id or address."""
        posts = SandboxPost.objects.filter(remote_id=_post_id(remote_id), deleted_at=None)
        if ours:
            posts = posts.filter(profile=profile, ours=True)
        post = posts.select_related("profile").first()
        if post is None:
            raise ConnectorError(
                _("Cette publication n'existe pas (ou plus) dans le bac à sable."),
                permanent=True,
                status=404,
            )
        return post

    def delete(self, remote_id: str) -> None:
        post = self._exists(self._profile(), remote_id, ours=True)
        SandboxPost.objects.filter(pk=post.pk).update(deleted_at=timezone.now())

    def repost(self, remote_id: str) -> PublishedPost:
        """A repost is a post of ours naming the post shared; a second one finds the first."""
        profile = self._profile()
        post = self._exists(profile, remote_id)
        with transaction.atomic():
            repost, created = SandboxPost.objects.get_or_create(
                profile=profile,
                idempotency_key=f"repost:{post.remote_id}",
                defaults={
                    "ours": True,
                    "author_handle": profile.handle,
                    "author_name": profile.display_name,
                    "text": "",
                    "repost_of": post.remote_id,
                },
            )
            if created:
                SandboxPost.objects.filter(pk=post.pk).update(reposts=F("reposts") + 1)
        return self._published(repost)

    def like(self, remote_id: str) -> None:
        post = self._exists(self._profile(), remote_id)
        SandboxPost.objects.filter(pk=post.pk).update(likes=post.likes + 1)

    def pin(self, remote_id: str) -> None:
        profile = self._profile()
        post = self._exists(profile, remote_id, ours=True)
        SandboxPost.objects.filter(profile=profile, pinned=True).update(pinned=False)
        SandboxPost.objects.filter(pk=post.pk).update(pinned=True)

    # --- reading ------------------------------------------------------------------------------

    def _remote(self, post: SandboxPost) -> RemotePost:
        author = RemoteAccount(
            network=NETWORK,
            remote_id=post.author_handle,
            handle=post.author_handle,
            display_name=post.author_name,
        )
        return RemotePost(
            network=NETWORK,
            remote_id=post.remote_id,
            url=self._published(post).url,
            author=author,
            text=post.text,
            html="",
            created_at=post.created_at,
            uri=f"sandbox://{post.profile.handle}/{post.remote_id}",
            language=post.language,
            content_warning=post.content_warning,
            visibility=post.visibility,
            reply_to_id=post.in_reply_to,
            quote_of_id=post.quote_of,
            metrics=self._metrics(post),
            media=tuple(
                RemoteMedia(kind=MediaKind.IMAGE, url="", alt_text=item.get("alt_text", ""))
                for item in post.media
            ),
        )

    @staticmethod
    def _metrics(post: SandboxPost) -> PostMetrics:
        replies = SandboxPost.objects.filter(in_reply_to=post.remote_id, deleted_at=None).count()
        return PostMetrics(replies=replies, reposts=post.reposts, likes=post.likes, quotes=0)

    def get_post(self, remote_id: str) -> RemotePost:
        return self._remote(self._exists(self._profile(), remote_id))

    def account_posts(self, handle: str) -> list[RemotePost]:
        self._profile()
        other = SandboxProfile.objects.filter(handle=handle.strip().lstrip("@")).first()
        if other is None:
            raise ConnectorError(
                _("Ce compte n'existe pas dans le bac à sable : %(handle)s") % {"handle": handle},
                permanent=True,
                status=404,
            )
        posts = SandboxPost.objects.filter(
            profile=other, ours=True, deleted_at=None, in_reply_to="", repost_of=""
        ).select_related("profile")
        return [self._remote(post) for post in posts.order_by("-created_at", "-pk")[:PAGE_SIZE]]

    def _page(self, posts: Sequence[SandboxPost]) -> Page[RemoteNotification]:
        items = []
        for post in posts[:PAGE_SIZE]:
            kind = NotificationKind.REPLY if post.in_reply_to else NotificationKind.MENTION
            remote = self._remote(post)
            items.append(
                RemoteNotification(
                    network=NETWORK,
                    remote_id=post.remote_id,
                    kind=kind,
                    created_at=post.created_at,
                    accounts=(remote.author,),
                    post=remote,
                )
            )
        next_cursor = str(posts[PAGE_SIZE - 1].pk) if len(posts) > PAGE_SIZE else None
        return Page(tuple(items), next_cursor)

    def _reactions(self, cursor: str | None) -> list[SandboxPost]:
        profile = self._profile()
        posts = SandboxPost.objects.filter(profile=profile, ours=False, deleted_at=None)
        posts = posts.select_related("profile").order_by("-pk")
        if cursor:
            posts = posts.filter(pk__lt=int(cursor))
        return list(posts[: PAGE_SIZE + 1])

    def notifications(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        return self._page(self._reactions(cursor))

    def mentions(self, *, cursor: str | None = None) -> Page[RemoteNotification]:
        return self._page(self._reactions(cursor))

    def replies(self, remote_id: str) -> list[RemotePost]:
        profile = self._profile()
        self._exists(profile, remote_id)
        posts = SandboxPost.objects.filter(
            profile=profile, in_reply_to=remote_id, deleted_at=None
        ).select_related("profile")
        return [self._remote(post) for post in posts.order_by("created_at", "pk")]

    def metrics(self, remote_ids: Sequence[str]) -> dict[str, PostMetrics]:
        profile = self._profile()
        posts = SandboxPost.objects.filter(profile=profile, remote_id__in=list(remote_ids))
        return {post.remote_id: self._metrics(post) for post in posts}
