"""Absolute links to the instance, for e-mails and chat messages sent from background jobs."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse


def absolute_url(viewname: str, **kwargs: Any) -> str:
    """``PARVIS_BASE_URL`` followed by the path of ``viewname`` (``kwargs`` fill the URL)."""
    return f"{settings.PARVIS_BASE_URL}{reverse(viewname, kwargs=kwargs or None)}"
