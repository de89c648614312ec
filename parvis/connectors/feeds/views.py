"""Settings > Sources: the RSS and Atom feeds an organisation follows.

Reading needs ``Permission.VIEW``. Adding, changing, removing a source and asking for a fetch
need ``Permission.PUBLISH`` (community managers and administrators): choosing what to share
and what to watch is editorial work, the community manager's, not the administration of the
organisation. Changes go through ``parvis.connectors.feeds.actions``; fetches are enqueued,
never made inside a request.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from parvis.connectors.feeds import actions
from parvis.connectors.feeds.forms import SourceForm
from parvis.connectors.feeds.models import FeedItem, FeedSource
from parvis.connectors.feeds.urlnorm import safe_url
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import Permission
from parvis.organisations.settings_pages import settings_page

TAB = "sources"
EDIT_PERMISSION = Permission.PUBLISH
LATEST_ITEMS = 50


def _page(request: OrgRequest, template: str, context: dict[str, object]) -> HttpResponse:
    # can_edit shows the sources' forms (editorial work, Permission.PUBLISH).
    can_edit = request.membership.allows(EDIT_PERMISSION)
    return settings_page(request, template, TAB, {"can_edit": can_edit, **context})


def _source(request: OrgRequest, pk: int) -> FeedSource:
    return get_object_or_404(FeedSource, pk=pk, organisation=request.organisation)


def _back(request: OrgRequest) -> HttpResponse:
    return redirect("feeds:sources", org=request.organisation.slug)


@org_view(Permission.VIEW)
def sources(request: OrgRequest) -> HttpResponse:
    rows = FeedSource.objects.of(request.organisation).with_item_count()
    return _page(request, "feeds/sources.html", {"sources": rows})


@org_view(EDIT_PERMISSION)
def source_create(request: OrgRequest) -> HttpResponse:
    form = SourceForm(request.POST or None, organisation=request.organisation)
    if request.method == "POST" and form.is_valid():
        source = actions.do_create_source(
            request.organisation, actor=request.user, values=form.values()
        )
        messages.success(
            request,
            _("La source %(name)s est enregistrée ; sa première récupération est en cours.")
            % {"name": source.name},
        )
        return redirect("feeds:source_detail", org=request.organisation.slug, pk=source.pk)
    return _page(request, "feeds/source_form.html", {"form": form})


@org_view(Permission.VIEW)
def source_detail(request: OrgRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    items = FeedItem.objects.filter(source=source).newest_first().with_copy_count()
    return _page(
        request, "feeds/source_detail.html", {"source": source, "items": items[:LATEST_ITEMS]}
    )


@org_view(Permission.VIEW)
@require_GET
def source_status(request: OrgRequest, pk: int) -> HttpResponse:
    """The fetch status block, polled by htmx while a fetch is in progress."""
    source = _source(request, pk)
    if not getattr(request, "htmx", False):
        return redirect("feeds:source_detail", org=request.organisation.slug, pk=source.pk)
    if not source.is_fetching:
        response = HttpResponse(status=204)
        response["HX-Refresh"] = "true"  # done: reload the page, items included
        return response
    return _page(request, "feeds/_fetch_status.html", {"source": source})


@org_view(EDIT_PERMISSION)
def source_edit(request: OrgRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    initial = {}
    suggested = safe_url(request.GET.get("url", ""))
    if request.method == "GET" and suggested:
        initial["url"] = suggested  # "use the feed this page announces"
    form = SourceForm(
        request.POST or None, instance=source, initial=initial, organisation=request.organisation
    )
    if request.method == "POST" and form.is_valid():
        actions.do_update_source(
            request.organisation, actor=request.user, source_id=pk, values=form.values()
        )
        messages.success(request, _("La source %(name)s est enregistrée.") % {"name": source.name})
        return redirect("feeds:source_detail", org=request.organisation.slug, pk=pk)
    return _page(request, "feeds/source_form.html", {"form": form, "source": source})


@org_view(EDIT_PERMISSION)
def source_delete(request: OrgRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    if request.method == "POST":
        actions.do_delete_source(request.organisation, actor=request.user, source_id=pk)
        messages.success(request, _("La source %(name)s est supprimée.") % {"name": source.name})
        return _back(request)
    return _page(
        request,
        "feeds/source_delete.html",
        {"source": source, "item_count": source.items.count()},
    )


@org_view(EDIT_PERMISSION)
@require_POST
def source_fetch(request: OrgRequest, pk: int) -> HttpResponse:
    source = _source(request, pk)
    if actions.do_request_fetch(request.organisation, source_id=pk):
        messages.info(
            request,
            _("Récupération de %(name)s en cours : le résultat s'affiche sur cette page.")
            % {"name": source.name},
        )
    else:
        messages.info(
            request,
            _("Une récupération de %(name)s est déjà en cours.") % {"name": source.name},
        )
    return redirect("feeds:source_detail", org=request.organisation.slug, pk=pk)
