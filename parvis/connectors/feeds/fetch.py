"""Fetch a source and store what came back: the service behind the background task.

The network call happens outside any transaction; the outcome is then written in one short
transaction on the locked source row. Every failure ends stored on the source, with its French
reason: :func:`fetch_source` never raises for a broken feed, whatever the feed does.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.audit.services import record
from parvis.connectors.feeds import pacing
from parvis.connectors.feeds.download import Download, download
from parvis.connectors.feeds.errors import FeedError
from parvis.connectors.feeds.models import MAX_URL_LENGTH, FeedItem, FeedSource
from parvis.connectors.feeds.parsing import ParsedEntry, ParsedFeed, parse_feed

logger = logging.getLogger("parvis.feeds")

# Items kept per source (newest first); a feed lists far fewer (parsing.MAX_ENTRIES).
KEEP_ITEMS = 500
CONTENT_FIELDS = (
    "guid", "title", "url", "normalised_url", "summary_text", "summary_html", "author",
    "image_url", "published_at",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one fetch ended; ``to_dict()`` is the JSON return value of the task."""

    status: str  # "ok", "not_modified", "failed" or "skipped"
    new_items: int = 0
    updated_items: int = 0
    reason: str = ""
    permanent: bool = True
    retry_after: float | None = None

    @property
    def failed(self) -> bool:
        return self.status == "failed"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def fetch_source(source_id: int, *, manual: bool = False) -> Outcome:
    """Fetch the source now and store the result on it. Call it outside a transaction.

    An inactive source is fetched only when someone asked for it (``manual``).
    """
    source = FeedSource.objects.filter(pk=source_id).first()
    if source is None:
        return Outcome("skipped", reason=_("Source supprimée."))
    if not source.is_active and not manual:
        return Outcome("skipped", reason=_("Source désactivée."))
    url = source.url
    try:
        fetched = download(url, etag=source.etag, last_modified=source.last_modified)
        parsed = None
        if not fetched.not_modified:
            parsed = parse_feed(fetched.body, url=fetched.url, content_type=fetched.content_type)
    except FeedError as error:
        return _record_failure(source_id, url, error)
    except Exception:
        # A bug met on a strange feed: the reason is stored, the details go to the log.
        logger.exception("feed source %s: unexpected failure while fetching %s", source_id, url)
        return _record_failure(
            source_id,
            url,
            FeedError(
                _(
                    "Erreur inattendue pendant la lecture du flux ; le détail est dans le "
                    "journal du serveur."
                ),
                permanent=True,
            ),
        )
    return _record_success(source_id, url, fetched, parsed)


def _locked(source_id: int, url: str) -> FeedSource | None:
    """The source row, locked, if it still exists at the address that was fetched."""
    source = FeedSource.objects.select_for_update().filter(pk=source_id).first()
    if source is None or source.url != url:
        return None  # deleted, or given another address meanwhile (that one is being fetched)
    return source


def _record_failure(source_id: int, url: str, error: FeedError) -> Outcome:
    now = timezone.now()
    with transaction.atomic():
        source = _locked(source_id, url)
        if source is None:
            return Outcome("skipped", reason=_("Source supprimée ou modifiée entre-temps."))
        failures = source.consecutive_failures + 1
        FeedSource.objects.filter(pk=source_id).update(
            last_fetched_at=now,
            last_error=error.message_fr,
            last_error_at=now,
            last_status=error.status,
            consecutive_failures=failures,
            suggested_url=error.suggested_url,
            next_fetch_at=pacing.after_failure(
                now, failures=failures, retry_after=error.retry_after
            ),
        )
    logger.info(
        "feed source %s: fetch failed (%s): %s",
        source_id,
        "permanent" if error.permanent else "transient",
        error.message_fr,
    )
    return Outcome(
        "failed",
        reason=error.message_fr,
        permanent=error.permanent,
        retry_after=pacing.retry_wait(error.retry_after),
    )


def _record_success(
    source_id: int, url: str, fetched: Download, parsed: ParsedFeed | None
) -> Outcome:
    now = timezone.now()
    with transaction.atomic():
        source = _locked(source_id, url)
        if source is None:
            return Outcome("skipped", reason=_("Source supprimée ou modifiée entre-temps."))
        changes: dict[str, Any] = {
            "last_fetched_at": now,
            "last_success_at": now,
            "last_status": fetched.status,
            "consecutive_failures": 0,
            "suggested_url": "",
            "next_fetch_at": pacing.after_success(
                now, max_age=fetched.max_age, retry_after=fetched.retry_after
            ),
        }
        new = updated = 0
        warnings: list[str] = []
        if parsed is not None:
            new, updated = store_items(source, parsed.entries, now)
            prune_items(source)
            warnings += parsed.warnings
            changes.update(
                etag=fetched.etag,
                last_modified=fetched.last_modified,
                feed_title=parsed.title,
                site_url=parsed.site_url[:2000],
            )
        if fetched.moved_to and fetched.moved_to != source.url:
            warnings.append(_follow_move(source, fetched.moved_to))
        if parsed is not None or warnings:
            changes["last_warning"] = "\n".join(warnings)
        FeedSource.objects.filter(pk=source_id).update(**changes)
    status = "not_modified" if parsed is None else "ok"
    logger.info("feed source %s: %s, %d new item(s)", source_id, status, new)
    return Outcome(status, new_items=new, updated_items=updated)


def _follow_move(source: FeedSource, new_url: str) -> str:
    """Take the address a permanent redirect gave, when it is safe to; say what happened."""
    old_url = source.url
    values = {"old": old_url, "new": new_url}
    if old_url.startswith("https:") and not new_url.startswith("https:"):
        return (
            _(
                "Le flux redirige définitivement vers une adresse non chiffrée (%(new)s) : "
                "l'adresse de la source n'a pas été changée."
            )
            % values
        )
    taken = (
        FeedSource.objects.filter(organisation_id=source.organisation_id, url=new_url)
        .exclude(pk=source.pk)
        .exists()
    )
    if taken or len(new_url) > MAX_URL_LENGTH:
        return (
            _(
                "Le flux a déménagé définitivement vers %(new)s, mais une autre source de "
                "l'organisation suit déjà cette adresse : l'adresse n'a pas été changée."
            )
            % values
        )
    FeedSource.objects.filter(pk=source.pk).update(url=new_url)
    record(
        organisation=source.organisation_id,
        actor=None,
        action="feed_source.updated",
        target=source,
        before={"url": old_url},
        after={"url": new_url},
        summary=_("Adresse de la source %(name)s mise à jour après une redirection permanente")
        % {"name": source.name},
    )
    return (
        _(
            "Le flux a déménagé définitivement (redirection permanente) : l'adresse de la source "
            "est passée de %(old)s à %(new)s."
        )
        % values
    )


def _values(entry: ParsedEntry) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in CONTENT_FIELDS}


def store_items(
    source: FeedSource, entries: tuple[ParsedEntry, ...], now: dt.datetime
) -> tuple[int, int]:
    """Add the entries not seen before, update the ones that changed: (added, updated)."""
    keys = [entry.dedup_key for entry in entries]
    existing = {
        item.dedup_key: item for item in FeedItem.objects.filter(source=source, dedup_key__in=keys)
    }
    new = [
        FeedItem(source=source, dedup_key=entry.dedup_key, fetched_at=now, **_values(entry))
        for entry in entries
        if entry.dedup_key not in existing
    ]
    # ignore_conflicts: a concurrent fetch of the same source may have added them meanwhile.
    FeedItem.objects.bulk_create(new, batch_size=100, ignore_conflicts=True)
    changed: list[FeedItem] = []
    for entry in entries:
        item = existing.get(entry.dedup_key)
        if item is None:
            continue
        values = _values(entry)
        if any(getattr(item, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(item, name, value)
            changed.append(item)
    FeedItem.objects.bulk_update(changed, CONTENT_FIELDS, batch_size=100)
    return len(new), len(changed)


def prune_items(source: FeedSource, keep: int = KEEP_ITEMS) -> int:
    """Forget the oldest items of a source beyond ``keep``; returns how many."""
    stale = list(
        FeedItem.objects.filter(source=source).newest_first().values_list("pk", flat=True)[keep:]
    )
    if not stale:
        return 0
    deleted, _counts = FeedItem.objects.filter(pk__in=stale).delete()
    return deleted
