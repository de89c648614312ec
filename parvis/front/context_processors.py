from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from parvis.organisations.models import memberships_of


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page needs to draw the shell: theme, current organisation, memberships."""
    organisation = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    memberships = list(memberships_of(user)) if user is not None and user.is_authenticated else []
    theme = organisation.effective_theme if organisation else settings.PARVIS_DEFAULT_THEME
    return {
        "instance_name": settings.PARVIS_INSTANCE_NAME,
        "organisation": organisation,
        "membership": getattr(request, "membership", None),
        "memberships": memberships,
        "theme": theme,
        "base_template": f"front/{theme}/base.html",
    }
