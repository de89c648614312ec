"""``parvis publish``: the same checks and delivery as the composer, from a shell."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from parvis.publishing.models import Delivery

pytestmark = pytest.mark.django_db


def publish(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("publish", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "parvis-mairie.png"
    Image.new("RGB", (64, 48), "#1f5fa0").save(path)
    return path


def test_an_image_with_its_alt_text_is_published_and_its_address_printed(ville, mock, photo):
    out, err = publish(
        "Le parvis de la mairie rénové", "--account", str(ville.pk),
        "--image", str(photo), "--alt", "Le parvis pavé, des bancs et des arbres",
    )  # fmt: skip

    delivery = Delivery.objects.get()
    assert out.strip() == f"Publié : {delivery.remote_url}"
    assert err == ""
    [media] = delivery.media.all()
    assert (media.mime_type, media.width, media.height) == ("image/png", 64, 48)


def test_an_image_without_alt_text_is_refused(ville, mock, photo):
    err = io.StringIO()
    with pytest.raises(CommandError, match="Publication refusée"):
        call_command(
            "publish",
            "Sans description",
            "--account",
            str(ville.pk),
            "--image",
            str(photo),
            stderr=err,
        )
    assert "ERREUR [a11y.missing_alt]" in err.getvalue()
    assert not Delivery.objects.exists()


def test_an_image_said_decorative_is_published(ville, mock, photo):
    out, _err = publish(
        "Bonne journée",
        "--account",
        str(ville.pk),
        "--image",
        str(photo),
        "--alt",
        "image décorative",
    )
    assert out.startswith("Publié : ")


def test_a_text_too_long_is_refused_before_anything_is_sent(ville, mock):
    with pytest.raises(CommandError, match="Publication refusée"):
        publish("x" * 501, "--account", str(ville.pk))
    assert not Delivery.objects.exists()


def test_a_file_that_is_not_an_image_is_refused(ville, tmp_path):
    fake = tmp_path / "photo.png"
    fake.write_text("<html>pas une image</html>")
    with pytest.raises(CommandError, match="n'est pas une image lisible"):
        publish("Texte", "--account", str(ville.pk), "--image", str(fake))


def test_an_unknown_account_is_named(db):
    with pytest.raises(CommandError, match="Aucun compte connecté n° 999"):
        publish("Texte", "--account", "999")
