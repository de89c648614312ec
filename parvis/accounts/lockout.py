"""How django-axes names the person behind a login attempt."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def username_from_request(request: HttpRequest, credentials: dict[str, Any] | None) -> str:
    """The e-mail typed, lower-cased: addresses match case-insensitively, so must attempts."""
    field = settings.AXES_USERNAME_FORM_FIELD
    source: Any = credentials if credentials else getattr(request, "data", request.POST)
    value = source.get(field) if source is not None else None
    return str(value or "").strip().lower()
