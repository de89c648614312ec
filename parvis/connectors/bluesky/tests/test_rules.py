"""What Bluesky declares and refuses before any call: capabilities, limits, drafts it cannot take.

The connector points at an address the guard refuses: a draft refused for its content must be
refused with its own French sentence, never with an address error (no call was made).
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from parvis.connectors.base import (
    AccountAccess,
    Capability,
    Draft,
    LinkCard,
    MediaFile,
    Poll,
    Visibility,
)
from parvis.connectors.bluesky.connector import BlueskyConnector
from parvis.connectors.bluesky.embeds import image_size
from parvis.connectors.errors import ConnectorError, NotSupportedError
from parvis.connectors.registry import connector_class


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (0, 0, 145)).save(buffer, "PNG")
    return buffer.getvalue()


def image(**overrides: Any) -> MediaFile:
    values: dict[str, Any] = {"data": png(), "mime_type": "image/png", "filename": "a.png"}
    values.update(overrides)
    return MediaFile(**values)


@pytest.fixture
def connector(settings: Any) -> BlueskyConnector:
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    access = AccountAccess(
        service_url="http://127.0.0.1:9",
        credentials={"did": "did:plc:zcfw4pekutjgvlp5hdfqeevp", "access_jwt": "x"},
    )
    return BlueskyConnector(access)


def test_the_registry_finds_the_bluesky_connector() -> None:
    assert connector_class("bluesky") is BlueskyConnector


def test_it_declares_what_it_implements_and_nothing_else() -> None:
    assert BlueskyConnector.can(Capability.THREAD)
    assert BlueskyConnector.can(Capability.LINK_CARD)
    assert BlueskyConnector.can(Capability.FOLLOWER_COUNT)
    for missing in (
        Capability.EDIT,
        Capability.POLL,
        Capability.PIN,
        Capability.CONTENT_WARNING,
        Capability.DIRECT_MESSAGES,
        Capability.MODERATE_REPLIES,
    ):
        assert not BlueskyConnector.can(missing)


def test_limits_are_the_lexicons() -> None:
    limits = BlueskyConnector.limits
    assert limits.max_length == 300
    assert limits.media.max_count == 4
    assert limits.media.image_max_bytes == 1_000_000
    assert limits.media.image_types == {"image/jpeg", "image/png", "image/webp", "image/gif"}
    assert not limits.media.video_types
    windows = {(window.requests, window.seconds) for window in limits.rate_windows}
    assert {(5000, 3600), (35000, 86400), (3000, 300)} <= windows


def test_the_length_is_counted_in_graphemes() -> None:
    assert BlueskyConnector.text_length("Fête 🇫🇷 👩‍👩‍👧") == 8
    assert BlueskyConnector.text_length("é" * 300) == 300


def test_301_characters_are_refused(connector: BlueskyConnector) -> None:
    with pytest.raises(ConnectorError, match="301 caractères"):
        connector.publish(Draft(text="a" * 301), idempotency_key="k")


def test_300_graphemes_over_3000_bytes_are_refused(connector: BlueskyConnector) -> None:
    with pytest.raises(ConnectorError, match="3000 octets"):
        connector.publish(Draft(text="👩‍👩‍👧" * 300), idempotency_key="k")


@pytest.mark.parametrize(
    ("draft", "expected"),
    [
        (Draft(text="Attention", content_warning="violence"), "content_warning"),
        (Draft(text="Sondage", poll=Poll(options=("oui", "non"))), "poll"),
    ],
)
def test_what_bluesky_cannot_do_is_refused(
    connector: BlueskyConnector, draft: Draft, expected: str
) -> None:
    with pytest.raises(NotSupportedError, match=expected):
        connector.publish(draft, idempotency_key="k")


@pytest.mark.parametrize(
    ("draft", "message"),
    [
        (Draft(text=""), "Le post est vide"),
        (Draft(text="x", visibility=Visibility.UNLISTED), "posts publics"),
        (Draft(text="x", media=(image(),) * 5), "4 images au plus"),
        (Draft(text="x", media=(image(mime_type="video/mp4"),)), "JPEG, PNG, WebP ou GIF"),
        (Draft(text="x", media=(image(data=b"x" * 1_000_001),)), "1 000 Ko au plus"),
        (Draft(text="x", media=(image(data=b"pas une image"),)), "pas une image lisible"),
        (Draft(text="x", media=(image(mime_type="image/jpeg"),)), "son contenu est image/png"),
        (Draft(text="x", media=(image(alt_text="é" * 2001),)), "dépasse 2000 caractères"),
        (
            Draft(text="x", media=(image(),), link_card=LinkCard(url="https://x.fr", title="X")),
            "carte de lien et des images",
        ),
    ],
)
def test_drafts_bluesky_would_refuse_are_refused_before_any_call(
    connector: BlueskyConnector, draft: Draft, message: str
) -> None:
    with pytest.raises(ConnectorError, match=message) as caught:
        connector.publish(draft, idempotency_key="k")
    assert caught.value.permanent


@pytest.mark.parametrize(
    "remote_id",
    ["12345", "https://x.fr/post/1", "at://did:plc:x", "at://did:plc:x/app.bsky.feed.like/3k"],
)
def test_a_post_id_that_is_not_bluesky_is_refused(
    connector: BlueskyConnector, remote_id: str
) -> None:
    with pytest.raises(ConnectorError, match="Identifiant de post Bluesky invalide"):
        connector.get_post(remote_id)


def test_deleting_someone_elses_post_is_refused(connector: BlueskyConnector) -> None:
    with pytest.raises(ConnectorError, match="n'appartient pas"):
        connector.delete("at://did:plc:bbwnnri7yhtoydsa5ywqxsv5/app.bsky.feed.post/3kiurvhqzhi7u")


def test_an_image_size_is_read_from_its_pixels_unless_given() -> None:
    assert image_size(image(data=png(1200, 800))) == (1200, 800)
    assert image_size(image(data=png(1200, 800), width=3, height=2)) == (3, 2)


def test_a_connector_without_a_session_asks_for_reconnection(settings: Any) -> None:
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = []
    connector = BlueskyConnector(AccountAccess(service_url="http://127.0.0.1:9"))
    with pytest.raises(ConnectorError) as caught:
        connector.verify()
    assert caught.value.needs_reconnect
