"""Exactly-once delivery of one post to one account: the row's state decides what runs.

- ``pending`` is claimed by a conditional UPDATE (one run wins) and becomes ``sending``;
- the post goes out with the delivery's idempotency key (Mastodon's ``Idempotency-Key``,
  Bluesky's record key), so the network itself refuses to make a second post of it;
- any retry — after a transient error, or after a worker died while ``sending`` — first asks
  the network whether the post is already there (:meth:`Connector.find_published`);
- a transient error puts the row back to ``pending`` and is raised for the jobs layer to
  retry with back-off; a permanent one ends in ``failed`` with the network's reason, shown
  to the user, and the delivery can be retried by hand (:func:`retry`).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from parvis.audit.services import record
from parvis.connectors import services
from parvis.connectors.base import Capability
from parvis.connectors.errors import ConnectorError
from parvis.connectors.remote import PublishedPost
from parvis.core.links import absolute_url
from parvis.jobs.api import enqueue_after_commit
from parvis.jobs.errors import TransientError
from parvis.publishing.models import Crisis, Delivery, DeliveryState

logger = logging.getLogger("parvis.publishing")


@dataclass(frozen=True)
class Claim:
    delivery: Delivery
    reconcile: bool  # an earlier attempt may have reached the network


def claim(delivery_id: int, now: dt.datetime | None = None) -> Claim | None:
    """Take the delivery for this run, or None when it is not ours to send.

    A ``pending`` row is taken once it is due (its time has come: a job enqueued before a
    rescheduling finds it not due and leaves it) and unless crisis mode holds it back; a
    ``sending`` row only when its claim is older than the worker-stale delay (its worker
    died: the jobs layer recovered the job), never while another run may still be sending it.
    """
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.PARVIS_WORKER_STALE_SECONDS)
    due = Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now)
    # While crisis mode is on, only its broadcast leaves (a confirmation racing the start of
    # the crisis cannot slip through); a delivery already on its way is still reconciled.
    in_crisis = Exists(Crisis.objects.filter(organisation=OuterRef("organisation"), ended_at=None))
    allowed = Q(crisis=True) | ~Q(in_crisis)
    claimable = (Q(state=DeliveryState.PENDING) & due & allowed) | Q(
        state=DeliveryState.SENDING, claimed_at__lt=stale
    )
    claimed = Delivery.objects.filter(claimable, pk=delivery_id).update(
        state=DeliveryState.SENDING,
        attempts=F("attempts") + 1,
        first_attempt_at=Coalesce(F("first_attempt_at"), now),
        claimed_at=now,
    )
    if not claimed:
        return None
    delivery = Delivery.objects.select_related("account", "organisation", "created_by").get(
        pk=delivery_id
    )
    return Claim(delivery, reconcile=delivery.attempts > 1)


def _parent_not_sent(delivery_id: int) -> str | None:
    """For a later part of a thread: why it cannot leave yet (None: it can).

    It is enqueued when the part it answers is sent; until then a job finds it waiting, and
    a part whose predecessor failed or was cancelled fails with it.
    """
    row = (
        Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING)
        .exclude(thread_parent=None)
        .values_list("thread_parent__state", flat=True)
        .first()
    )
    if row is None or row == DeliveryState.SENT:
        return None
    if row in (DeliveryState.FAILED, DeliveryState.CANCELLED):
        reason = _("La publication précédente du fil n'est pas partie.")
        if Delivery.objects.filter(pk=delivery_id, state=DeliveryState.PENDING).update(
            state=DeliveryState.FAILED, last_error=reason
        ):
            return DeliveryState.FAILED
    return DeliveryState.PENDING


def _mark_sent(delivery: Delivery, published: PublishedPost, *, reconciled: bool) -> None:
    with transaction.atomic():
        Delivery.objects.filter(pk=delivery.pk).update(
            state=DeliveryState.SENT,
            remote_id=published.remote_id,
            remote_url=published.url[:500],
            sent_at=timezone.now(),
            last_error="",
        )
        # The next part of a thread, enqueued in this transaction: never lost, never early.
        for child in Delivery.objects.filter(
            thread_parent=delivery, state=DeliveryState.PENDING
        ).values_list("pk", flat=True):
            _enqueue_now(child)
        record(
            organisation=delivery.organisation,
            actor=delivery.created_by,
            action="post.published",
            target=delivery,
            after={
                "account": delivery.account.handle,
                "network": delivery.account.network,
                "remote_id": published.remote_id,
                "url": published.url,
                "reconciled": reconciled,
            },
            summary=str(_("Publié sur %(handle)s : %(url)s"))
            % {"handle": delivery.account.handle, "url": published.url},
        )


def _mark_failed(delivery: Delivery, reason: str) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(state=DeliveryState.FAILED, last_error=reason)
    logger.warning("delivery %s failed: %s", delivery.pk, reason)
    from parvis.publishing.tasks import notify_failure  # the tasks module imports this one

    enqueue_after_commit(notify_failure, delivery.pk)


def notify_failure(delivery_id: int) -> str:
    """Tell the author (and whoever confirmed it) by e-mail, with the reason and a link."""
    delivery = (
        Delivery.objects.select_related("account", "created_by", "post__created_by")
        .filter(pk=delivery_id, state=DeliveryState.FAILED)
        .first()
    )
    if delivery is None:
        return "not failed"  # retried meanwhile
    people = {delivery.created_by, delivery.post.created_by if delivery.post else None}
    addresses = sorted(person.email for person in people if person is not None)
    if not addresses:
        return "nobody"
    link = (
        absolute_url("publishing:detail", org=delivery.organisation.slug, pk=delivery.post_id)
        if delivery.post_id
        else absolute_url("publishing:index", org=delivery.organisation.slug)
    )
    EmailMessage(
        subject=str(_("Échec de publication sur %(handle)s")) % {"handle": delivery.account.handle},
        body=render_to_string("publishing/email/failed.txt", {"delivery": delivery, "link": link}),
        to=addresses,
    ).send()
    return "sent"


def _not_claimed(delivery_id: int, now: dt.datetime) -> str:
    """The state of a delivery this run could not take; raises while another run holds it."""
    row = Delivery.objects.filter(pk=delivery_id).values("state", "claimed_at").first()
    if row is None:
        return "gone"
    if row["state"] == DeliveryState.SENDING and row["claimed_at"] is not None:
        # Another run holds it, or held it and died: this job must not end here, or a
        # delivery whose worker died could stay "sending" for ever. Come back once the
        # claim is stale; then the delivery is reconciled, or found sent meanwhile.
        stale_at = row["claimed_at"] + dt.timedelta(seconds=settings.PARVIS_WORKER_STALE_SECONDS)
        raise TransientError(
            _("Envoi en cours par un autre processus."),
            retry_after=max(1.0, (stale_at - now).total_seconds() + 1),
        )
    return str(row["state"])


def _enqueue_now(delivery_id: int) -> None:
    from parvis.publishing.tasks import deliver as task  # the tasks module imports this one

    task.enqueue(delivery_id)


def deliver(delivery_id: int) -> str:
    """Send the delivery if it is ours to send; returns its state afterwards.

    Raises :class:`TransientError` when trying again later may succeed.
    """
    now = timezone.now()
    waiting = _parent_not_sent(delivery_id)
    if waiting is not None:
        return waiting
    taken = claim(delivery_id, now)
    if taken is None:
        return _not_claimed(delivery_id, now)
    delivery, account = taken.delivery, taken.delivery.account
    if not account.is_connected:
        _mark_failed(
            delivery, _("Le compte %(handle)s a été déconnecté.") % {"handle": account.handle}
        )
        return DeliveryState.FAILED
    draft = delivery.draft()
    if delivery.thread_parent_id:
        parent = Delivery.objects.values_list("remote_id", flat=True).get(
            pk=delivery.thread_parent_id
        )
        draft = replace(draft, in_reply_to=parent)
    key = str(delivery.idempotency_key)
    try:
        if draft.repost_of:
            # A second repost of a post finds the first one: a retry needs no reading back.
            published = services.call(account, lambda c: c.repost(draft.repost_of))
        else:
            if taken.reconcile:
                found = services.call(
                    account,
                    lambda c: c.find_published(key, draft=draft, since=delivery.first_attempt_at),
                )
                if found is not None:
                    _mark_sent(delivery, found, reconciled=True)
                    return DeliveryState.SENT
            published = services.call(account, lambda c: c.publish(draft, idempotency_key=key))
    except ConnectorError as error:
        if error.permanent:
            _mark_failed(delivery, error.message)
            return DeliveryState.FAILED
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.SENDING).update(
            state=DeliveryState.PENDING, last_error=error.message
        )
        raise TransientError(error.message, retry_after=error.retry_after) from error
    _mark_sent(delivery, published, reconciled=False)
    if delivery.pin:
        _pin(delivery, published)
    return DeliveryState.SENT


def _pin(delivery: Delivery, published: PublishedPost) -> None:
    """Pin a crisis broadcast where the network can; a refusal is noted, never a failure."""
    account = delivery.account
    if not services.connector_for(account).can(Capability.PIN):
        return
    try:
        services.call(account, lambda c: c.pin(published.remote_id))
    except ConnectorError as error:
        Delivery.objects.filter(pk=delivery.pk).update(
            last_error=_("Publié, mais pas épinglé : %(reason)s") % {"reason": error.message}
        )


def gave_up(delivery_id: int, *, reason: str) -> None:
    """The delivery's job has no attempt left (transient errors all along, or a crash each
    time): the delivery fails with the last reason, shown with *Réessayer*, and the people
    concerned are told. One already sent, cancelled or paused is left as it is."""
    delivery = (
        Delivery.objects.select_related("account")
        .filter(pk=delivery_id, state__in=(DeliveryState.PENDING, DeliveryState.SENDING))
        .first()
    )
    if delivery is None:
        return
    _mark_failed(
        delivery,
        _("Abandonné après %(n)d essais : %(reason)s")
        % {"n": delivery.attempts, "reason": delivery.last_error or reason},
    )


def retry(delivery: Delivery) -> bool:
    """Put a failed delivery back in line (by hand, after its cause was fixed), due now."""
    return bool(
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.FAILED).update(
            state=DeliveryState.PENDING, scheduled_at=None
        )
    )
