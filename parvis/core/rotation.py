"""Re-encrypt every ``EncryptedTextField`` value with the current key (``parvis rotate-keys``).

Each value is rewritten by a conditional UPDATE (``WHERE pk = … AND column = <old token>``), one
batch per transaction: a crash leaves only rows that are either old or new, both readable, and a
concurrent write is never overwritten with a stale value. Running it again finishes the work.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import models, transaction
from django.db.models.functions import Cast

from parvis.core import crypto
from parvis.core.fields import EncryptedTextField


@dataclass
class RotationCount:
    label: str
    seen: int = 0
    rotated: int = 0
    skipped: int = 0  # changed by someone else between our read and our write
    failed: list[object] = field(default_factory=list)  # primary keys we could not decrypt


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    # Local fields only: a field inherited from a concrete parent is rotated with the parent.
    return [f for f in model._meta.local_concrete_fields if isinstance(f, EncryptedTextField)]


def encrypted_models() -> list[type[models.Model]]:
    """Every installed model that stores at least one encrypted field in its own table."""
    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy and model._meta.managed and encrypted_fields(model)
    ]


def _raw(name: str) -> str:
    return f"_raw_{name}"


def rotate_model(
    model: type[models.Model], batch_size: int = 500, using: str = "default"
) -> list[RotationCount]:
    """Rotate the encrypted fields of one model, keyset-paginated on the primary key."""
    counts = []
    manager = model._base_manager.using(using)
    pk_name = model._meta.pk.attname
    for encrypted in encrypted_fields(model):
        count = RotationCount(label=f"{model._meta.label}.{encrypted.name}")
        column, alias = encrypted.attname, _raw(encrypted.name)
        # Cast to a plain text column so the ORM hands us the stored token, not the clear text.
        raw = manager.annotate(**{alias: Cast(column, models.TextField())})
        candidates = raw.exclude(**{f"{column}__isnull": True}).order_by(pk_name)
        last_pk = None
        while True:
            batch = candidates if last_pk is None else candidates.filter(pk__gt=last_pk)
            rows = list(batch.values_list(pk_name, alias)[:batch_size])
            if not rows:
                break
            last_pk = rows[-1][0]
            with transaction.atomic(using=using):
                for pk, token in rows:
                    if not token:
                        continue
                    count.seen += 1
                    try:
                        new_token = crypto.reencrypt(token)
                    except crypto.DecryptionError:
                        count.failed.append(pk)
                        continue
                    if new_token is None:
                        continue
                    updated = raw.filter(**{"pk": pk, alias: token}).update(
                        **{column: models.Value(new_token, models.TextField())}
                    )
                    if updated:
                        count.rotated += 1
                    else:
                        count.skipped += 1
        counts.append(count)
    return counts


def rotate_all(
    models_to_rotate: Iterable[type[models.Model]] | None = None,
    batch_size: int = 500,
    using: str = "default",
) -> list[RotationCount]:
    """Rotate every encrypted field of every model; returns one count per field."""
    counts: list[RotationCount] = []
    for model in encrypted_models() if models_to_rotate is None else models_to_rotate:
        counts.extend(rotate_model(model, batch_size=batch_size, using=using))
    return counts
