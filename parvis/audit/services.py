"""Record what changed the outside world or the organisation."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import math
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

from parvis.audit.models import AuditEvent

# The client address of the current request, set by ``AuditContextMiddleware``; tasks and
# commands have none.
current_ip: ContextVar[str | None] = ContextVar("parvis_audit_ip", default=None)

# Keys whose values must never reach the log, whatever a caller passes by mistake.
_SECRET_MARKERS = ("password", "secret", "token", "api_key", "private_key", "passwd")
REDACTED = "[masqué]"
_MAX_DEPTH = 8


def record(
    *,
    organisation: Any,
    actor: Any,
    action: str,
    target: models.Model | str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEvent:
    """Append one audit event. ``action`` is a dotted code such as ``member.role_changed``.

    ``actor`` is a user, a plain label (``"worker"``) or ``None`` for the system; ``target`` a
    model instance or a label. ``before``/``after`` are made JSON-safe, secrets masked.
    """
    event = AuditEvent(
        action=action,
        before=None if before is None else json_safe(before),
        after=None if after is None else json_safe(after),
        summary=str(summary),
        ip_address=current_ip.get(),
    )
    if isinstance(organisation, models.Model):
        event.organisation_id = organisation.pk
    elif organisation is not None:
        event.organisation_id = int(organisation)
    if isinstance(actor, models.Model):
        event.actor_id = actor.pk
        event.actor_label = _label(actor)
    elif actor is not None and getattr(actor, "is_authenticated", True):
        # A plain label such as "worker"; an anonymous visitor is recorded as nobody.
        event.actor_label = str(actor)[:255]
    if isinstance(target, models.Model):
        event.target_type = target._meta.label_lower
        event.target_id = "" if target.pk is None else str(target.pk)[:64]
        event.target_label = _label(target)
    elif target is not None:
        event.target_label = str(target)[:255]
    event.save(force_insert=True)
    return event


@contextmanager
def audit_ip(address: str | None) -> Iterator[None]:
    """Attribute the events recorded inside the block to ``address``."""
    token = current_ip.set(address)
    try:
        yield
    finally:
        current_ip.reset(token)


def json_safe(value: Any, depth: int = 0) -> Any:
    """``value`` as plain JSON data: dates in ISO 8601, decimals as text, models as id + label."""
    if value is None or (isinstance(value, bool | int | str) and not isinstance(value, enum.Enum)):
        return value
    if depth > _MAX_DEPTH:
        return str(value)
    for kinds, convert in _CONVERTERS:
        if isinstance(value, kinds):
            return convert(value, depth + 1)
    return str(value)


def _mapping(value: Mapping[Any, Any], depth: int) -> dict[str, Any]:
    return {
        str(key): REDACTED if _is_secret(str(key)) else json_safe(item, depth)
        for key, item in value.items()
    }


_CONVERTERS: list[tuple[type | tuple[type, ...], Callable[[Any, int], Any]]] = [
    (enum.Enum, lambda value, depth: json_safe(value.value, depth)),
    (float, lambda value, depth: value if math.isfinite(value) else str(value)),
    ((decimal.Decimal, uuid.UUID, Promise), lambda value, depth: str(value)),
    ((dt.datetime, dt.date, dt.time), lambda value, depth: value.isoformat()),
    (dt.timedelta, lambda value, depth: duration_iso_string(value)),
    (
        models.Model,
        lambda value, depth: {"id": json_safe(value.pk, depth), "label": _label(value)},
    ),
    (Mapping, _mapping),
    ((list, tuple), lambda value, depth: [json_safe(item, depth) for item in value]),
    (
        (set, frozenset),
        lambda value, depth: sorted((json_safe(item, depth) for item in value), key=repr),
    ),
    # Binary data is no audit material and may be a key: keep only its size.
    ((bytes, bytearray, memoryview), lambda value, depth: f"<{len(value)} octets>"),
]


def _is_secret(key: str) -> bool:
    lowered = key.lower()
    return any(marker in lowered for marker in _SECRET_MARKERS)


def _label(instance: models.Model) -> str:
    # str() of a model may query or fail (a deleted relation); the log must still be written.
    try:
        label = str(instance)
    except Exception:
        label = f"{instance._meta.label_lower}#{instance.pk}"
    return label[:255]
