"""Settings > Notifications: where an organisation's notifications go.

Reading needs ``Permission.VIEW`` (secrets are never shown); every change needs
``Permission.MANAGE`` and goes through ``parvis.notify.actions``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from parvis.notify import actions
from parvis.notify.forms import ChannelForm
from parvis.notify.models import NotificationChannel
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import Permission
from parvis.organisations.settings_pages import settings_page

TAB = "notifications"


def _back(request: OrgRequest) -> HttpResponse:
    return redirect("notify:channels", org=request.organisation.slug)


@org_view(Permission.VIEW)
def channels(request: OrgRequest) -> HttpResponse:
    rows = NotificationChannel.objects.filter(organisation=request.organisation)
    return settings_page(request, "notify/channels.html", TAB, {"channels": rows})


@org_view(Permission.MANAGE)
def channel_create(request: OrgRequest) -> HttpResponse:
    form = ChannelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        channel = actions.do_create_channel(
            request.organisation, actor=request.user, values=form.values()
        )
        messages.success(request, _("Le canal %(name)s est enregistré.") % {"name": channel.name})
        return _back(request)
    return settings_page(request, "notify/channel_form.html", TAB, {"form": form})


@org_view(Permission.MANAGE)
def channel_edit(request: OrgRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(NotificationChannel, pk=pk, organisation=request.organisation)
    form = ChannelForm(request.POST or None, instance=channel)
    if request.method == "POST" and form.is_valid():
        actions.do_update_channel(
            request.organisation, actor=request.user, channel_id=pk, values=form.values()
        )
        messages.success(request, _("Le canal %(name)s est enregistré.") % {"name": channel.name})
        return _back(request)
    return settings_page(
        request, "notify/channel_form.html", TAB, {"form": form, "channel": channel}
    )


@org_view(Permission.MANAGE)
def channel_delete(request: OrgRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(NotificationChannel, pk=pk, organisation=request.organisation)
    if request.method == "POST":
        actions.do_delete_channel(request.organisation, actor=request.user, channel_id=pk)
        messages.success(request, _("Le canal %(name)s est supprimé.") % {"name": channel.name})
        return _back(request)
    return settings_page(request, "notify/channel_delete.html", TAB, {"channel": channel})


@org_view(Permission.MANAGE)
@require_POST
def channel_test(request: OrgRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(NotificationChannel, pk=pk, organisation=request.organisation)
    actions.do_send_test(request.organisation, actor=request.user, channel_id=pk)
    messages.info(
        request,
        _(
            "Message d'essai en cours d'envoi sur %(name)s : le résultat s'affiche dans la "
            "colonne « Dernier envoi » (rechargez la page)."
        )
        % {"name": channel.name},
    )
    return _back(request)
