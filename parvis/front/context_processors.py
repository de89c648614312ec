from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from parvis.front.sections import current_section, navigation
from parvis.organisations.models import Membership, Organisation, memberships_of
from parvis.publishing import crisis


@dataclass(frozen=True)
class SwitchChoice:
    """An entry of the organisation switcher: the same section in another organisation."""

    organisation: Organisation
    role_label: str
    url: str
    current: bool


def _switch_choices(
    request: HttpRequest, memberships: list[Membership], organisation: Organisation | None
) -> list[SwitchChoice]:
    section = current_section(request, organisation.slug) if organisation else None
    url_name = section.url_name if section else "front:dashboard"
    return [
        SwitchChoice(
            organisation=membership.organisation,
            role_label=str(membership.get_role_display()),
            url=reverse(url_name, kwargs={"org": membership.organisation.slug}),
            current=organisation is not None and membership.organisation_id == organisation.pk,
        )
        for membership in memberships
    ]


def shell(request: HttpRequest) -> dict[str, Any]:
    """What every page needs to draw the shell: theme, current organisation, memberships."""
    organisation: Organisation | None = getattr(request, "organisation", None)
    user = getattr(request, "user", None)
    memberships = list(memberships_of(user)) if user is not None and user.is_authenticated else []
    theme = organisation.effective_theme if organisation else settings.PARVIS_DEFAULT_THEME
    return {
        "instance_name": settings.PARVIS_INSTANCE_NAME,
        "organisation": organisation,
        "membership": getattr(request, "membership", None),
        "memberships": memberships,
        "organisation_choices": _switch_choices(request, memberships, organisation),
        "navigation": navigation(request, organisation.slug) if organisation else [],
        "crisis": crisis.active(organisation) if organisation else None,
        "theme": theme,
        "base_template": f"front/{theme}/base.html",
    }
