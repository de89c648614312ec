from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.audit.actions import action_label
from parvis.audit.models import AuditEvent

FAMILY_SUFFIX = ".*"


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class EventFilterForm(forms.Form):
    """Filters of the audit log: one action or a family of actions, and a range of days."""

    action = forms.ChoiceField(label=_("Action"), required=False)
    start = forms.DateField(label=_("Du"), required=False, widget=DateInput())
    end = forms.DateField(label=_("Au (inclus)"), required=False, widget=DateInput())

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        families = sorted({code.split(".", maxsplit=1)[0] for code in actions if "." in code})
        choices: list[tuple[str, Any]] = [("", _("Toutes les actions"))]
        choices += [
            (family + FAMILY_SUFFIX, _("Toutes : %(family)s.*") % {"family": family})
            for family in families
        ]
        choices += [(code, f"{action_label(code)} ({code})") for code in actions]
        self.fields["action"].choices = choices  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("La date de début est postérieure à la date de fin."))
        return cleaned

    def apply(self, events: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        """``events`` narrowed to the valid filters of this form."""
        action: str = self.cleaned_data.get("action") or ""
        if action.endswith(FAMILY_SUFFIX):
            events = events.filter(action__startswith=action.removesuffix("*"))
        elif action:
            events = events.filter(action=action)
        # Days are those of the instance's time zone, as shown on the page.
        if start := self.cleaned_data.get("start"):
            events = events.filter(created_at__gte=_midnight(start))
        if end := self.cleaned_data.get("end"):
            events = events.filter(created_at__lt=_midnight(end + dt.timedelta(days=1)))
        return events


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
