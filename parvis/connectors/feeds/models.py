"""RSS and Atom feeds an organisation follows, and the items found in them."""

from __future__ import annotations

import datetime as dt
from typing import Self

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.organisations.models import Organisation

MAX_URL_LENGTH = 1000  # a unique index on (organisation, url) stays small enough everywhere


class SourceUse(models.TextChoices):
    SHARING = "sharing", _("Suggestions de partage")
    LISTENING = "listening", _("Veille")


class Health(models.TextChoices):
    PENDING = "pending", _("Pas encore récupérée")
    OK = "ok", _("Opérationnelle")
    FAILING = "failing", _("En erreur")
    PAUSED = "paused", _("Désactivée")


class FeedSourceQuerySet(models.QuerySet["FeedSource"]):
    def of(self, organisation: Organisation) -> Self:
        return self.filter(organisation=organisation)

    def with_item_count(self) -> Self:
        return self.annotate(item_count=Count("items"))

    def due(self, now: dt.datetime) -> Self:
        """Active sources whose next fetch time has come (or was never set)."""
        return self.filter(is_active=True).filter(
            Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
        )


class FeedSource(models.Model):
    """A feed followed by an organisation: for sharing suggestions, or for listening.

    The fetch state lives on the row: the conditional-GET validators of the last document
    (``etag``, ``last_modified``), the health of the last fetches and the reason of the last
    failure, in French, shown on the source's page.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="feed_sources"
    )
    name = models.CharField(_("nom"), max_length=200)
    url = models.URLField(
        _("adresse du flux"),
        max_length=MAX_URL_LENGTH,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Adresse d'un flux RSS ou Atom, en http:// ou https://."),
    )
    use = models.CharField(
        _("usage"), max_length=20, choices=SourceUse.choices, default=SourceUse.SHARING
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Une source désactivée n'est plus récupérée.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Conditional GET: the validators of the last document received.
    etag = models.CharField(max_length=500, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    # What the feed says about itself.
    feed_title = models.CharField(_("titre du flux"), max_length=500, blank=True)
    site_url = models.URLField(_("site"), max_length=2000, blank=True)

    # Health and pace.
    fetch_requested_at = models.DateTimeField(null=True, blank=True)
    next_fetch_at = models.DateTimeField(null=True, blank=True)
    last_fetched_at = models.DateTimeField(_("dernière récupération"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("dernière réussite"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_error_at = models.DateTimeField(_("date de la dernière erreur"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Problems of the last fetch that did not prevent reading it (encoding, syntax, new address).
    last_warning = models.TextField(_("avertissement"), blank=True)
    # A feed address announced by the HTML page given instead of a feed.
    suggested_url = models.URLField(max_length=2000, blank=True)

    objects = FeedSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "url"], name="feeds_source_url_unique_per_org"
            )
        ]
        indexes = [models.Index(fields=["is_active", "next_fetch_at"], name="feeds_source_due")]

    def __str__(self) -> str:
        return self.name

    @property
    def health(self) -> str:
        if not self.is_active:
            return Health.PAUSED
        if self.last_attempt_failed:
            return Health.FAILING
        if self.last_success_at is None:
            return Health.PENDING
        return Health.OK

    @property
    def last_attempt_failed(self) -> bool:
        """Whether the most recent fetch failed (its reason is ``last_error``)."""
        if not self.last_error or self.last_error_at is None:
            return False
        return self.last_success_at is None or self.last_error_at >= self.last_success_at

    @property
    def is_fetching(self) -> bool:
        """A fetch was asked for (creation, "fetch now") and has not ended yet."""
        if self.fetch_requested_at is None:
            return False
        if timezone.now() - self.fetch_requested_at > dt.timedelta(hours=1):
            return False  # lost; the page must not say "in progress" for ever
        return self.last_fetched_at is None or self.last_fetched_at < self.fetch_requested_at


class FeedItemQuerySet(models.QuerySet["FeedItem"]):
    def of(self, organisation: Organisation) -> Self:
        return self.filter(source__organisation=organisation)

    def newest_first(self) -> Self:
        return self.annotate(moment=Coalesce("published_at", "fetched_at")).order_by(
            F("moment").desc(), "-pk"
        )

    def copies_of(self, item: FeedItem) -> Self:
        """The same story (same normalised address) in the organisation's other sources."""
        if not item.normalised_url:
            return self.none()
        return self.filter(
            source__organisation_id=item.source.organisation_id,
            normalised_url=item.normalised_url,
        ).exclude(source_id=item.source_id)

    def with_copy_count(self) -> Self:
        """Annotate ``copy_count``: in how many other sources of the organisation it appears."""
        copies = (
            FeedItem.objects.filter(
                source__organisation_id=OuterRef("source__organisation_id"),
                normalised_url=OuterRef("normalised_url"),
            )
            .exclude(normalised_url="")
            .exclude(source_id=OuterRef("source_id"))
            .order_by()
            .values("normalised_url")
            .annotate(count=Count("source_id", distinct=True))
            .values("count")
        )
        return self.annotate(copy_count=Coalesce(Subquery(copies), 0))

    def distinct_stories(self) -> Self:
        """One item per story: the first one seen, where several sources carry it."""
        earlier = FeedItem.objects.filter(
            source__organisation_id=OuterRef("source__organisation_id"),
            normalised_url=OuterRef("normalised_url"),
            pk__lt=OuterRef("pk"),
        )
        return self.filter(Q(normalised_url="") | ~Exists(earlier))


class FeedItem(models.Model):
    """One entry of a feed, kept once per source whatever the number of fetches."""

    source = models.ForeignKey(FeedSource, on_delete=models.CASCADE, related_name="items")
    dedup_key = models.CharField(max_length=64)  # see parsing.dedup_key
    guid = models.TextField(blank=True)
    title = models.CharField(_("titre"), max_length=500)
    url = models.URLField(_("adresse"), max_length=2000, blank=True)
    # The address reduced to what identifies the page (urlnorm.normalise_url): the same story
    # in two sources has the same value.
    normalised_url = models.CharField(max_length=2000, blank=True)
    summary_text = models.TextField(_("résumé"), blank=True)
    summary_html = models.TextField(blank=True)  # sanitised: safe to put in a page
    author = models.CharField(_("auteur"), max_length=300, blank=True)
    image_url = models.URLField(_("image"), max_length=2000, blank=True)
    published_at = models.DateTimeField(_("date de publication"), null=True, blank=True)
    fetched_at = models.DateTimeField(_("date de découverte"), default=timezone.now)

    objects = FeedItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("article de flux")
        verbose_name_plural = _("articles de flux")
        constraints = [
            models.UniqueConstraint(fields=["source", "dedup_key"], name="feeds_item_unique_key")
        ]
        indexes = [
            models.Index(fields=["source", "-published_at"], name="feeds_item_recent"),
            models.Index(fields=["normalised_url"], name="feeds_item_story"),
        ]

    def __str__(self) -> str:
        return self.title
