from __future__ import annotations

from email.utils import parseaddr

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from parvis.front.sections import SECTIONS_BY_KEY
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import memberships_of


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send the user to their current organisation, or let them choose one."""
    memberships = list(memberships_of(request.user))  # type: ignore[arg-type]
    current = request.session.get("current_org")
    slugs = [m.organisation.slug for m in memberships]
    if current in slugs:
        return redirect("front:dashboard", org=current)
    if len(memberships) == 1:
        return redirect("front:dashboard", org=slugs[0])
    return render(request, "front/choose_organisation.html", {"choices": memberships})


@org_view()
def dashboard(request: OrgRequest) -> HttpResponse:
    return render(request, "front/dashboard.html")


@org_view()
def placeholder(request: OrgRequest, section: str) -> HttpResponse:
    """A section built by a later issue: say honestly what it will do."""
    return render(request, "front/placeholder.html", {"section": SECTIONS_BY_KEY[section]})


def accessibility(request: HttpRequest) -> HttpResponse:
    """The accessibility statement (RGAA), public."""
    _name, contact_email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return render(
        request,
        "front/accessibility.html",
        {"contact_email": contact_email, "base_url": settings.PARVIS_BASE_URL},
    )
