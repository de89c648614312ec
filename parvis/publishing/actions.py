"""Creating deliveries: checked, stored with their media, enqueued after commit."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from parvis.accounts.models import User
from parvis.analysis.findings import Finding, blocking
from parvis.connectors import services
from parvis.connectors.base import Draft, MediaFile
from parvis.connectors.models import ConnectedAccount
from parvis.jobs.api import enqueue_after_commit
from parvis.publishing.checks import check_draft
from parvis.publishing.models import Delivery, DeliveryMedia, DeliveryState, Post
from parvis.publishing.tasks import deliver
from parvis.strategy.editorial import rules_for

# Decompression bombs: an image of more pixels than this is refused before anything else.
MAX_IMAGE_PIXELS = 50_000_000
# A side longer than this is refused: the networks shrink or refuse such images.
MAX_IMAGE_SIDE = 10_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


class MediaRefusedError(ValueError):
    """An uploaded file is not an image Parvis can send; the message says why, in French."""


def read_image(data: bytes, filename: str, alt_text: str = "") -> MediaFile:
    """An uploaded image, its type and size read from its content, never from its name."""
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError):
        raise MediaRefusedError(
            _("%(name)s n'est pas une image lisible (JPEG, PNG, GIF ou WebP).") % {"name": filename}
        ) from None
    if kind not in IMAGE_TYPES:
        raise MediaRefusedError(
            _("%(name)s : format %(kind)s non accepté (JPEG, PNG, GIF ou WebP).")
            % {"name": filename, "kind": kind}
        )
    if max(width, height) > MAX_IMAGE_SIDE:
        raise MediaRefusedError(
            _(
                "%(name)s mesure %(width)d sur %(height)d px : %(max)d px au plus de côté "
                "(les réseaux réduisent ou refusent les images plus grandes)."
            )
            % {"name": filename, "width": width, "height": height, "max": MAX_IMAGE_SIDE}
        )
    return MediaFile(
        data=data,
        mime_type=IMAGE_TYPES[kind],
        filename=filename,
        alt_text=alt_text,
        width=width,
        height=height,
    )


@dataclass(frozen=True)
class Prepared:
    delivery: Delivery | None
    findings: list[Finding]


def store_delivery(
    account: ConnectedAccount,
    draft: Draft,
    *,
    actor: User | None,
    post: Post | None = None,
    scheduled_at: dt.datetime | None = None,
    crisis: bool = False,
    paused: bool = False,
    thread_parent: Delivery | None = None,
) -> Delivery:
    """Write one delivery and its media, and enqueue it (due at ``scheduled_at``) on commit.

    ``crisis``: a crisis broadcast (leaves during crisis mode, pinned); ``paused``: written
    paused, because crisis mode is on, and not enqueued. A later part of a thread
    (``thread_parent``) is enqueued when the part it answers is sent.
    """
    with transaction.atomic():
        delivery = Delivery.objects.create(
            organisation=account.organisation,
            account=account,
            post=post,
            scheduled_at=scheduled_at,
            crisis=crisis,
            pin=crisis and thread_parent is None,
            thread_parent=thread_parent,
            position=thread_parent.position + 1 if thread_parent else 0,
            state=DeliveryState.PAUSED if paused else DeliveryState.PENDING,
            created_by=actor,
            text=draft.text,
            content_warning=draft.content_warning,
            language=draft.language,
            visibility=draft.visibility.value,
            in_reply_to=draft.in_reply_to,
            quote_of=draft.quote_of,
            repost_of=draft.repost_of,
        )
        for position, media in enumerate(draft.media):
            DeliveryMedia.objects.create(
                delivery=delivery,
                file=ContentFile(media.data, name=media.filename),
                mime_type=media.mime_type,
                alt_text=media.alt_text,
                width=media.width,
                height=media.height,
                position=position,
            )
        if not paused and thread_parent is None:
            enqueue_delivery(delivery)
    return delivery


def enqueue_delivery(delivery: Delivery) -> None:
    """Enqueue the delivery's job on commit, to run when it is due.

    A backend that cannot defer (the immediate one, for debugging) runs it at once: the
    claim then finds a delivery not yet due and leaves it.
    """
    later = delivery.scheduled_at is not None and deliver.get_backend().supports_defer
    task = deliver.using(run_after=delivery.scheduled_at) if later else deliver
    enqueue_after_commit(task, delivery.pk)


def do_create_delivery(account: ConnectedAccount, *, actor: User | None, draft: Draft) -> Prepared:
    """Check the draft against the account's network; if nothing blocks, store and enqueue it."""
    # Against the account's network and the organisation's editorial line and charter.
    rules = rules_for(account.organisation)
    findings = check_draft(draft, services.connector_for(account), rules)
    if blocking(findings):
        return Prepared(None, findings)
    return Prepared(store_delivery(account, draft, actor=actor), findings)
