"""The pages under Paramètres share their tabs; every app's settings views render through here."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import render

from parvis.organisations.access import OrgRequest
from parvis.organisations.models import Permission


def settings_page(
    request: OrgRequest, template: str, tab: str, context: dict[str, Any] | None = None
) -> HttpResponse:
    """``template`` (extending ``organisations/settings_base.html``) with tab ``tab`` current."""
    return render(
        request,
        template,
        {
            "tab": tab,
            # The tabs show the audit log, and the pages their forms, to administrators only.
            "can_manage": request.membership.allows(Permission.MANAGE),
            **(context or {}),
        },
    )
