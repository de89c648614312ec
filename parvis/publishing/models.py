"""Posts as the team writes them, and what goes out: one delivery per account, exactly once.

A :class:`Post` is written in the composer, shared in the team while it is a draft, with one
:class:`Variant` per selected account and its media. Confirming it writes one
:class:`Delivery` per variant, due at the time chosen (or at the end of the undo window).

The state machine on a delivery decides what runs (see :mod:`parvis.publishing.delivery`):
pending → sending → sent, or failed with its reason, or cancelled while still pending; a
crash leaves "sending", which the next run reconciles with the network before sending.
"""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parvis.connectors.base import Draft, MediaFile, Visibility
from parvis.connectors.models import ConnectedAccount
from parvis.organisations.models import Organisation


def stored_media(item: PostMedia | DeliveryMedia, filename: str) -> MediaFile:
    """A stored image as the connectors take it, its bytes read from storage."""
    with item.file.open("rb") as stream:
        data = stream.read()
    return MediaFile(
        data=data,
        mime_type=item.mime_type,
        filename=filename,
        alt_text=item.alt_text,
        width=item.width,
        height=item.height,
    )


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("En attente d'envoi")
    SENDING = "sending", _("Envoi en cours")
    SENT = "sent", _("Publié")
    FAILED = "failed", _("Échec")
    CANCELLED = "cancelled", _("Annulé")
    PAUSED = "paused", _("En pause (mode crise)")


# Not claimed yet: waiting for its time or paused by a crisis; it can still be moved or cancelled.
NOT_CLAIMED = (DeliveryState.PENDING, DeliveryState.PAUSED)
# Not on the network yet: not claimed, or on its way.
UNFINISHED = (*NOT_CLAIMED, DeliveryState.SENDING)


class PostState(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    SCHEDULED = "scheduled", _("Confirmée")  # its deliveries exist: they say where it stands


class PostKind(models.TextChoices):
    POST = "post", _("Publication")
    REPLY = "reply", _("Réponse à une publication")
    QUOTE = "quote", _("Citation d'une publication")
    REPOST = "repost", _("Repartage d'une publication")


# The kinds that name another post (its address, in ``Post.target``).
REFERRING = (PostKind.REPLY, PostKind.QUOTE, PostKind.REPOST)


class Post(models.Model):
    """One publication as the team writes it: common text, theme, media, and its variants."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="posts")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("texte"), blank=True)
    theme = models.CharField(_("thème"), max_length=200, blank=True)
    content_warning = models.CharField(_("avertissement de contenu"), max_length=500, blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    kind = models.CharField(
        _("type"), max_length=10, choices=PostKind.choices, default=PostKind.POST
    )
    # The post answered, quoted or reposted: its address as pasted (each account's server
    # finds it under its own id when the delivery leaves).
    target = models.CharField(_("publication visée"), max_length=500, blank=True)
    # A thread: the posts that follow the first one, each answering the one before.
    thread = models.JSONField(default=list, blank=True)
    # The crisis template it was prepared from (a crisis broadcast still to trigger), if any.
    crisis_kind = models.CharField(max_length=30, blank=True)
    state = models.CharField(
        _("état"), max_length=10, choices=PostState.choices, default=PostState.DRAFT
    )
    # Raised at every save: an editor working on an older revision is told, nothing is lost.
    revision = models.PositiveIntegerField(default=1)
    scheduled_at = models.DateTimeField(_("date de publication"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The feed item it shares, when it comes from the curated sources' suggestions.
    source_item = models.ForeignKey(
        "feeds.FeedItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # An administrator sent it despite a blocking finding: why (also in the audit log).
    override_reason = models.TextField(_("motif du passage outre"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "state", "scheduled_at"])]

    def __str__(self) -> str:
        return self.text[:60] or str(_("(publication sans texte)"))


class Variant(models.Model):
    """The post as it goes to one account; an empty text means the post's own text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="variants")
    account = models.ForeignKey(ConnectedAccount, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("texte pour ce compte"), blank=True)

    class Meta:
        ordering = ["account__network", "account__handle"]
        constraints = [
            models.UniqueConstraint(fields=["post", "account"], name="one_variant_per_account")
        ]

    def __str__(self) -> str:
        return f"{self.post_id} → {self.account}"

    @property
    def effective_text(self) -> str:
        return self.text or self.post.text


class PostMedia(models.Model):
    """An image of the post, with its description (required before it can be confirmed)."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="posts/%Y/%m/")
    filename = models.CharField(max_length=200)
    mime_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    alt_text = models.TextField(_("texte alternatif"), blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.filename


class Delivery(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    # The composer's post it comes from (none for `parvis publish`): deliveries are its record.
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="deliveries"
    )
    # Not claimed before this time: the scheduled time, or the end of the undo window.
    scheduled_at = models.DateTimeField(null=True, blank=True)
    # A crisis broadcast: it leaves while crisis mode pauses everything else, and is pinned.
    crisis = models.BooleanField(default=False)
    pin = models.BooleanField(default=False)
    # A later part of a thread: it answers this delivery, and is enqueued once that one is sent.
    thread_parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="thread_children"
    )
    position = models.PositiveSmallIntegerField(default=0)  # 0: the post, 1…: its thread
    account = models.ForeignKey(
        ConnectedAccount, on_delete=models.PROTECT, related_name="deliveries"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("texte"))
    content_warning = models.CharField(_("avertissement de contenu"), max_length=500, blank=True)
    language = models.CharField(_("langue"), max_length=8, default="fr")
    visibility = models.CharField(max_length=10, default=Visibility.PUBLIC)
    in_reply_to = models.CharField(_("en réponse à"), max_length=500, blank=True)
    quote_of = models.CharField(_("cite"), max_length=500, blank=True)
    repost_of = models.CharField(_("repartage"), max_length=500, blank=True)
    # Sent with every attempt: the network recognises a retry of the same delivery.
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    state = models.CharField(
        _("état"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    first_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["state", "created_at"]),
            models.Index(fields=["state", "scheduled_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.account} — {self.text[:40]}"

    def draft(self) -> Draft:
        """The post as the connector takes it (media read from storage)."""
        media = tuple(
            stored_media(item, item.file.name.rsplit("/", 1)[-1])
            for item in self.media.order_by("position")
        )
        return Draft(
            text=self.text,
            media=media,
            content_warning=self.content_warning,
            language=self.language,
            visibility=Visibility(self.visibility),
            in_reply_to=self.in_reply_to,
            quote_of=self.quote_of,
            repost_of=self.repost_of,
        )


class Crisis(models.Model):
    """A crisis mode of an organisation: open until someone ends it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="crises")
    kind = models.CharField(_("type"), max_length=30)
    title = models.CharField(_("intitulé"), max_length=200)
    post = models.ForeignKey(
        Post, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mode crise")
        verbose_name_plural = _("modes crise")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(ended_at=None),
                name="one_open_crisis_per_organisation",
            )
        ]

    def __str__(self) -> str:
        return self.title


class GapWarning(models.Model):
    """A gap in an account's publication already announced: one warning per gap."""

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="+")
    gap_at = models.DateTimeField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["account", "gap_at"], name="one_warning_per_gap")
        ]

    def __str__(self) -> str:
        return f"{self.account} — {self.gap_at:%Y-%m-%d %H:%M}"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("lundi")
    TUESDAY = 1, _("mardi")
    WEDNESDAY = 2, _("mercredi")
    THURSDAY = 3, _("jeudi")
    FRIDAY = 4, _("vendredi")
    SATURDAY = 5, _("samedi")
    SUNDAY = 6, _("dimanche")


class QueueSlot(models.Model):
    """A time slot of an account's queue: a weekday and a time, Paris time."""

    account = models.ForeignKey(ConnectedAccount, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    time = models.TimeField(_("heure"))

    class Meta:
        ordering = ["weekday", "time"]
        constraints = [
            models.UniqueConstraint(fields=["account", "weekday", "time"], name="one_slot")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.time:%H:%M}"


class SuggestionDismissal(models.Model):
    """A suggested feed item the team chose not to share: no longer suggested."""

    item = models.OneToOneField("feeds.FeedItem", on_delete=models.CASCADE, related_name="+")
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return str(self.item_id)


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """The private link of an organisation's iCalendar feed (whoever holds it reads it)."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.organisation)


class DeliveryMedia(models.Model):
    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="media")
    file = models.FileField(upload_to="deliveries/%Y/%m/")
    mime_type = models.CharField(max_length=100)
    alt_text = models.TextField(_("texte alternatif"), blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return str(self.file.name)


class FollowedAccount(models.Model):
    """Another account on a network, followed as a curated source: its posts are suggested
    for sharing. It is read through one of the organisation's connected accounts."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="followed_accounts"
    )
    account = models.ForeignKey(
        ConnectedAccount,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("lu par le compte"),
    )
    handle = models.CharField(_("compte suivi"), max_length=300)
    display_name = models.CharField(max_length=200, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_read_at = models.DateTimeField(_("dernière lecture"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)

    class Meta:
        verbose_name = _("compte suivi")
        verbose_name_plural = _("comptes suivis")
        ordering = ["handle"]
        constraints = [
            models.UniqueConstraint(fields=["account", "handle"], name="follow_once_per_account")
        ]

    def __str__(self) -> str:
        return self.handle


class FollowedPost(models.Model):
    """A post of a followed account, as read: suggested until shared or set aside."""

    followed = models.ForeignKey(FollowedAccount, on_delete=models.CASCADE, related_name="posts")
    remote_id = models.CharField(max_length=300)
    url = models.URLField(max_length=500)
    text = models.TextField()
    published_at = models.DateTimeField()
    read_at = models.DateTimeField(auto_now_add=True)
    dismissed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["followed", "remote_id"], name="one_followed_post")
        ]

    def __str__(self) -> str:
        return self.text[:60]
