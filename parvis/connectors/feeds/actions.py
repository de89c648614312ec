"""Every change to an organisation's feed sources: one transaction, one audit event.

Network calls never happen here: creating a source, changing its address or asking for a
fetch enqueues the fetch, after commit.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.connectors.feeds import pacing
from parvis.connectors.feeds.models import FeedSource
from parvis.connectors.feeds.tasks import fetch_feed_source
from parvis.jobs.api import enqueue_after_commit
from parvis.organisations.models import Organisation

EDITABLE_FIELDS = ("name", "url", "use", "is_active")


def _state(source: FeedSource) -> dict[str, Any]:
    return {
        "name": source.name,
        "url": source.url,
        "use": source.use,
        "is_active": source.is_active,
    }


def _schedule_fetch(source: FeedSource) -> None:
    """Mark a fetch as asked for (the page shows it in progress) and enqueue it after commit."""
    now = timezone.now()
    source.fetch_requested_at = now
    # The periodic scan leaves the source alone while this fetch is on its way.
    source.next_fetch_at = now + pacing.IN_FLIGHT_LEASE
    FeedSource.objects.filter(pk=source.pk).update(
        fetch_requested_at=source.fetch_requested_at, next_fetch_at=source.next_fetch_at
    )
    enqueue_after_commit(fetch_feed_source, source.pk, True)


@transaction.atomic
def do_create_source(
    organisation: Organisation, *, actor: User, values: dict[str, Any]
) -> FeedSource:
    """Add a source and fetch it once in the background, even if it is created inactive."""
    source = FeedSource.objects.create(
        organisation=organisation,
        created_by=actor,
        **{field: values[field] for field in EDITABLE_FIELDS},
    )
    record(
        organisation=organisation,
        actor=actor,
        action="feed_source.created",
        target=source,
        after=_state(source),
        summary=str(_("Source ajoutée : %(name)s")) % {"name": source.name},
    )
    _schedule_fetch(source)
    return source


@transaction.atomic
def do_update_source(
    organisation: Organisation, *, actor: User, source_id: int, values: dict[str, Any]
) -> FeedSource:
    """Change a source; a new address forgets the old one's fetch state and is fetched at once."""
    source = FeedSource.objects.select_for_update().get(pk=source_id, organisation=organisation)
    before = _state(source)
    for field in EDITABLE_FIELDS:
        setattr(source, field, values[field])
    changed_fields = list(EDITABLE_FIELDS)
    url_changed = source.url != before["url"]
    if url_changed:
        source.etag = source.last_modified = source.suggested_url = source.last_warning = ""
        source.consecutive_failures = 0
        changed_fields += ["etag", "last_modified", "suggested_url", "last_warning"]
        changed_fields.append("consecutive_failures")
    if source.is_active and not before["is_active"]:
        source.next_fetch_at = None  # due at the next scan
        changed_fields.append("next_fetch_at")
    # Only these columns: the fetch state belongs to the worker.
    source.save(update_fields=changed_fields)
    after = _state(source)
    if after != before:
        record(
            organisation=organisation,
            actor=actor,
            action="feed_source.updated",
            target=source,
            before=before,
            after=after,
            summary=str(_("Source modifiée : %(name)s")) % {"name": source.name},
        )
    if url_changed:
        _schedule_fetch(source)
    return source


@transaction.atomic
def do_delete_source(organisation: Organisation, *, actor: User, source_id: int) -> None:
    """Remove a source and the items found in it."""
    source = FeedSource.objects.select_for_update().get(pk=source_id, organisation=organisation)
    record(
        organisation=organisation,
        actor=actor,
        action="feed_source.deleted",
        target=source,
        before={**_state(source), "items": source.items.count()},
        summary=str(_("Source supprimée : %(name)s")) % {"name": source.name},
    )
    source.delete()


@transaction.atomic
def do_request_fetch(organisation: Organisation, *, source_id: int) -> bool:
    """Fetch a source now, in the background; False when a fetch is already on its way.

    Not audited: fetching reads the outside world and changes nothing there.
    """
    source = FeedSource.objects.select_for_update().get(pk=source_id, organisation=organisation)
    if source.is_fetching:
        return False
    _schedule_fetch(source)
    return True
