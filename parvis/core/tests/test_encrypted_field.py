from __future__ import annotations

import io

import pytest
from django.core.checks import Tags, run_checks
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection, models
from django.test.utils import isolate_apps

from parvis.cli import main
from parvis.core import crypto, rotation
from parvis.core.checks import check_encryption_keys
from parvis.core.fields import EncryptedTextField

OLD_KEY = "ancienne-cle-" + "a" * 40
NEW_KEY = "nouvelle-cle-" + "b" * 40
TOKEN = "jeton-mastodon-tres-secret-42"


@pytest.fixture
def probe(transactional_db, settings):
    """A throwaway model with an encrypted field, and its table (no production table)."""
    settings.PARVIS_ENCRYPTION_KEYS = [OLD_KEY]
    with isolate_apps("parvis.core"):

        class SecretProbe(models.Model):
            secret = EncryptedTextField(blank=True, null=True)

            class Meta:
                app_label = "core"

            def __str__(self) -> str:
                return f"probe #{self.pk}"

        with connection.schema_editor() as editor:
            editor.create_model(SecretProbe)
        try:
            yield SecretProbe
        finally:
            with connection.schema_editor() as editor:
                editor.delete_model(SecretProbe)


def stored(model) -> list[str | None]:
    """What the table really holds, read without the ORM."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT secret FROM {table} ORDER BY id")  # noqa: S608
        return [row[0] for row in cursor.fetchall()]


def test_a_secret_reads_back_in_clear(probe):
    probe.objects.create(secret=TOKEN)
    assert probe.objects.get().secret == TOKEN


def test_the_table_never_holds_the_clear_text(probe):
    probe.objects.create(secret=TOKEN)
    (raw,) = stored(probe)
    assert raw is not None
    assert raw.startswith("pv1:")
    assert TOKEN not in raw


def test_two_encryptions_of_the_same_value_differ(probe):
    probe.objects.create(secret=TOKEN)
    probe.objects.create(secret=TOKEN)
    first, second = stored(probe)
    assert first != second
    assert [p.secret for p in probe.objects.order_by("id")] == [TOKEN, TOKEN]


def test_empty_and_null_values_are_stored_as_they_are(probe):
    probe.objects.create(secret="")
    probe.objects.create(secret=None)
    assert stored(probe) == ["", None]
    assert probe.objects.filter(secret__isnull=True).count() == 1


def test_searching_on_ciphertext_is_refused(probe):
    with pytest.raises(FieldError):
        list(probe.objects.filter(secret=TOKEN))


def test_a_tampered_value_fails_with_a_clear_error(probe):
    row = probe.objects.create(secret=TOKEN)
    (raw,) = stored(probe)
    assert raw is not None
    body = raw.rsplit(":", 1)[1]
    tampered = raw[: -len(body)] + ("A" if body[0] != "A" else "B") + body[1:]
    table = connection.ops.quote_name(probe._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [tampered, row.pk])  # noqa: S608
    with pytest.raises(crypto.DecryptionError, match=r"altérée.*altered"):
        probe.objects.get()


def test_a_value_relabelled_with_another_key_id_is_refused(settings):
    settings.PARVIS_ENCRYPTION_KEYS = [OLD_KEY, NEW_KEY]
    token = crypto.encrypt(TOKEN)
    new_id = crypto.Key.from_secret(NEW_KEY).id
    version, _old_id, body = token.split(":")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(f"{version}:{new_id}:{body}")


def test_a_value_of_a_removed_key_names_the_missing_key(settings):
    settings.PARVIS_ENCRYPTION_KEYS = [OLD_KEY]
    token = crypto.encrypt(TOKEN)
    settings.PARVIS_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(crypto.DecryptionError, match=crypto.key_id_of(token)):
        crypto.decrypt(token)


def test_clear_text_is_not_mistaken_for_a_token(settings):
    with pytest.raises(crypto.DecryptionError, match="pv1:"):
        crypto.decrypt(TOKEN)


def test_rotation_moves_every_value_to_the_new_key(probe, settings, monkeypatch):
    for index in range(7):
        probe.objects.create(secret=f"{TOKEN}-{index}")
    probe.objects.create(secret="")
    monkeypatch.setattr(rotation, "encrypted_models", lambda: [probe])

    settings.PARVIS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    call_command("rotate_keys", batch_size=3, stdout=(out := io.StringIO()))
    assert "7 rechiffrée(s)" in out.getvalue()

    new_id = crypto.Key.from_secret(NEW_KEY).id
    assert all(crypto.key_id_of(raw) == new_id for raw in stored(probe) if raw)

    settings.PARVIS_ENCRYPTION_KEYS = [NEW_KEY]
    assert sorted(p.secret for p in probe.objects.all()) == sorted(
        ["", *(f"{TOKEN}-{index}" for index in range(7))]
    )


def test_rotation_can_run_again_after_an_interruption(probe, settings):
    for index in range(5):
        probe.objects.create(secret=f"{TOKEN}-{index}")
    settings.PARVIS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    # A crash after the first batch leaves some rows on each key, all readable.
    first = probe.objects.order_by("id").first()
    first.secret = first.secret  # re-saved by the application: encrypted with the new key
    first.save()

    (count,) = rotation.rotate_all([probe], batch_size=2)
    assert (count.seen, count.rotated, count.failed) == (5, 4, [])
    (again,) = rotation.rotate_all([probe], batch_size=2)
    assert (again.seen, again.rotated) == (5, 0)


def test_rotation_reports_unreadable_values_and_goes_on(probe, settings):
    probe.objects.create(secret=TOKEN)
    bad = probe.objects.create(secret=TOKEN)
    table = connection.ops.quote_name(probe._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", ["pv1:x:AAAA", bad.pk])  # noqa: S608
    settings.PARVIS_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    (count,) = rotation.rotate_all([probe])
    assert count.rotated == 1
    assert count.failed == [bad.pk]


def test_the_installed_models_can_be_rotated(db):
    call_command("rotate_keys", stdout=(out := io.StringIO()))
    assert "rechiffré" in out.getvalue()


def test_the_parvis_command_accepts_the_hyphenated_name(db, capsys):
    main(["parvis", "rotate-keys"])
    assert "rechiffré" in capsys.readouterr().out


def test_a_short_key_is_refused_by_the_system_check(settings):
    settings.PARVIS_ENCRYPTION_KEYS = [NEW_KEY, "trop-courte"]
    (error,) = check_encryption_keys()
    assert error.id == "parvis.E020"
    assert "n° 2 est trop courte" in error.msg
    assert "key #2 is too short" in error.msg
    assert any(message.id == "parvis.E020" for message in run_checks(tags=[Tags.security]))


def test_no_key_at_all_is_refused(settings):
    settings.PARVIS_ENCRYPTION_KEYS = []
    (error,) = check_encryption_keys()
    assert "vide" in error.msg
    with pytest.raises(crypto.KeyConfigurationError):
        crypto.encrypt(TOKEN)


def test_the_configured_keys_pass_the_check():
    assert check_encryption_keys() == []
