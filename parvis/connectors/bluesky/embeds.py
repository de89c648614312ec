"""What a post carries besides its text: images, a link card, a quoted post.

Images are checked here before anything is uploaded (type, size, readable pixels), with the
limits of the lexicon the PDS enforces (``app.bsky.embed.images``: 4 images, ``image/*``,
1,000,000 bytes each). Uploading is the caller's: these functions take an ``upload``
callable that turns bytes into a blob reference.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from atproto_client import models
from django.utils.translation import gettext as _
from PIL import Image

from parvis.analysis.text import graphemes
from parvis.connectors.base import Draft, LinkCard, MediaFile
from parvis.connectors.errors import ConnectorError

MAX_IMAGES = 4
IMAGE_MAX_BYTES = 1_000_000  # app.bsky.embed.images#image and external#thumb: maxSize
IMAGE_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})
# The lexicon sets no limit on image alt text; the Bluesky app stops at 2,000 characters.
ALT_TEXT_MAX_GRAPHEMES = 2000
_PILLOW_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "WEBP": "image/webp",
    "GIF": "image/gif",
}

Upload = Callable[[bytes, str], Any]  # (data, MIME type) -> BlobRef


def _refuse(message: str) -> ConnectorError:
    return ConnectorError(message, permanent=True)


def image_size(media: MediaFile) -> tuple[int, int]:
    """Width and height of an image: as given, else read by Pillow (which checks the file)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(media.data)) as image:
                detected = _PILLOW_FORMATS.get(image.format or "")
                size = image.size
    except (OSError, ValueError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse(
            _("« %(name)s » n'est pas une image lisible (JPEG, PNG, WebP ou GIF).")
            % {"name": media.filename}
        ) from None
    if detected != media.mime_type:
        raise _refuse(
            _("« %(name)s » est annoncée comme %(declared)s mais son contenu est %(detected)s.")
            % {"name": media.filename, "declared": media.mime_type, "detected": detected or "?"}
        )
    if media.width and media.height:
        return media.width, media.height
    return size


def check_image(media: MediaFile) -> tuple[int, int]:
    """Refuse what the PDS would refuse, with a French sentence; give the image's size."""
    if media.mime_type not in IMAGE_TYPES:
        raise _refuse(
            _("Bluesky n'accepte que des images JPEG, PNG, WebP ou GIF (« %(name)s » : %(type)s).")
            % {"name": media.filename, "type": media.mime_type}
        )
    if len(media.data) > IMAGE_MAX_BYTES:
        raise _refuse(
            _("« %(name)s » pèse %(size)s Ko : Bluesky accepte 1 000 Ko au plus par image.")
            % {"name": media.filename, "size": len(media.data) // 1000}
        )
    if graphemes(media.alt_text) > ALT_TEXT_MAX_GRAPHEMES:
        raise _refuse(
            _("La description de « %(name)s » dépasse %(max)d caractères.")
            % {"name": media.filename, "max": ALT_TEXT_MAX_GRAPHEMES}
        )
    return image_size(media)


def check_draft_media(draft: Draft) -> None:
    """Everything about the draft's media and card that can be refused before uploading."""
    if len(draft.media) > MAX_IMAGES:
        raise _refuse(
            _("Bluesky accepte %(max)d images au plus par post (%(count)d jointes).")
            % {"max": MAX_IMAGES, "count": len(draft.media)}
        )
    for media in draft.media:
        check_image(media)
    if draft.link_card is not None:
        if draft.media:
            raise _refuse(
                _("Bluesky ne permet pas une carte de lien et des images dans le même post.")
            )
        if draft.link_card.thumbnail is not None:
            check_image(draft.link_card.thumbnail)


def images_embed(media: Sequence[MediaFile], upload: Upload) -> Any:
    images = []
    for item in media:
        width, height = check_image(item)
        images.append(
            models.AppBskyEmbedImages.Image(
                alt=item.alt_text,
                image=upload(item.data, item.mime_type),
                aspect_ratio=models.AppBskyEmbedDefs.AspectRatio(width=width, height=height),
            )
        )
    return models.AppBskyEmbedImages.Main(images=images)


def external_embed(card: LinkCard, upload: Upload) -> Any:
    thumb = None
    if card.thumbnail is not None:
        check_image(card.thumbnail)
        thumb = upload(card.thumbnail.data, card.thumbnail.mime_type)
    return models.AppBskyEmbedExternal.Main(
        external=models.AppBskyEmbedExternal.External(
            uri=card.url, title=card.title, description=card.description, thumb=thumb
        )
    )


def build(draft: Draft, upload: Upload, quoted: Any | None = None) -> Any | None:
    """The embed of a draft: images, link card, quote, or a quote with images or a card.

    ``quoted`` is the strong reference (uri + cid) of the quoted post, if any.
    """
    media: Any | None = None
    if draft.media:
        media = images_embed(draft.media, upload)
    elif draft.link_card is not None:
        media = external_embed(draft.link_card, upload)
    if quoted is None:
        return media
    record = models.AppBskyEmbedRecord.Main(record=quoted)
    if media is None:
        return record
    return models.AppBskyEmbedRecordWithMedia.Main(record=record, media=media)
