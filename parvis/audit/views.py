"""The audit log of an organisation, for its administrators: list and exports."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import Any, cast

from django.core.paginator import Paginator
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from parvis.audit.actions import action_label
from parvis.audit.forms import EventFilterForm
from parvis.audit.models import AuditEvent
from parvis.organisations.access import OrgRequest, org_view
from parvis.organisations.models import Permission

PAGE_SIZE = 50
EXPORT_CHUNK = 500
# Spreadsheets run a cell that starts with one of these as a formula; labels come from outside.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filtered(request: OrgRequest) -> tuple[EventFilterForm, QuerySet[AuditEvent] | None]:
    """The filter form and the events it selects (``None`` when the filters are invalid)."""
    events = AuditEvent.objects.filter(organisation=request.organisation)
    actions = list(events.order_by("action").values_list("action", flat=True).distinct())
    form = EventFilterForm(request.GET, actions=actions)
    if not form.is_valid():
        return form, None
    return form, form.apply(events)


@org_view(Permission.MANAGE)
def event_list(request: OrgRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events if events is not None else AuditEvent.objects.none(), PAGE_SIZE)
    return render(
        request,
        "audit/event_list.html",
        {
            "organisation": request.organisation,
            "form": form,
            "page_obj": page.get_page(request.GET.get("page")),
        },
    )


@org_view(Permission.MANAGE)
def export_csv(request: OrgRequest) -> HttpResponse:
    _form, events = _filtered(request)
    if events is None:
        return HttpResponseBadRequest(_("Filtres invalides."))
    lines = _csv_lines(events, translation.get_language())
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _attachment(request, "csv")
    return _streamed(response)


@org_view(Permission.MANAGE)
def export_json(request: OrgRequest) -> HttpResponse:
    _form, events = _filtered(request)
    if events is None:
        return HttpResponseBadRequest(_("Filtres invalides."))
    response = StreamingHttpResponse(_json_chunks(events), content_type="application/json")
    response["Content-Disposition"] = _attachment(request, "json")
    return _streamed(response)


def _streamed(response: StreamingHttpResponse) -> HttpResponse:
    # ``org_view`` is typed for HttpResponse; Django serves any HttpResponseBase the same way.
    return cast(HttpResponse, response)


def _attachment(request: OrgRequest, extension: str) -> str:
    day = timezone.localdate().isoformat()
    return f'attachment; filename="journal-{request.organisation.slug}-{day}.{extension}"'


def _as_dict(event: AuditEvent) -> dict[str, Any]:
    return {
        "date": timezone.localtime(event.created_at).isoformat(timespec="seconds"),
        "action": event.action,
        "actor": event.actor_label,
        "actor_id": event.actor_id,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_label": event.target_label,
        "summary": event.summary,
        "before": event.before,
        "after": event.after,
        "ip_address": event.ip_address,
    }


def _json_chunks(events: QuerySet[AuditEvent]) -> Iterator[str]:
    yield "["
    separator = "\n"
    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        yield separator + json.dumps(_as_dict(event), cls=DjangoJSONEncoder, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


class _Echo:
    """A file-like object whose ``write`` returns the line, so that csv.writer feeds a stream."""

    def write(self, value: str) -> str:
        return value


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, sort_keys=True)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_lines(events: QuerySet[AuditEvent], language: str | None) -> Iterator[str]:
    # The body is produced after the view has returned: keep the language of the request.
    with translation.override(language):
        yield from _csv_rows(events)


def _csv_rows(events: QuerySet[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The byte order mark makes spreadsheet software read the file as UTF-8 (accents).
    yield "\ufeff" + writer.writerow(
        [
            _("Date"),
            _("Action"),
            _("Libellé de l'action"),
            _("Auteur"),
            _("Type de cible"),
            _("Identifiant de cible"),
            _("Cible"),
            _("Résumé"),
            _("Avant"),
            _("Après"),
            _("Adresse IP"),
        ]
    )
    for event in events.iterator(chunk_size=EXPORT_CHUNK):
        row = _as_dict(event)
        yield writer.writerow(
            _cell(value)
            for value in (
                row["date"],
                row["action"],
                action_label(event.action),
                row["actor"],
                row["target_type"],
                row["target_id"],
                row["target_label"],
                row["summary"],
                row["before"],
                row["after"],
                row["ip_address"],
            )
        )
