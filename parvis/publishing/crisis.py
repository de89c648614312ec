"""Crisis mode: one broadcast to every account at once, every other post paused meanwhile.

Starting a crisis writes a :class:`~parvis.publishing.models.Crisis`, pauses the
organisation's deliveries still waiting (``pending`` → ``paused``) and confirms the broadcast
post on every connected account, pinned where the network allows it. While it lasts, a
delivery confirmed for an ordinary post is written paused, and the claim refuses any
ordinary delivery of the organisation (a race with a confirmation cannot slip through).
Ending it resumes the paused deliveries whose time is still to come; those whose time passed
during the crisis stay paused, listed, for someone to decide whether they still make sense.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.organisations.models import Organisation
from parvis.publishing.actions import enqueue_delivery
from parvis.publishing.models import Crisis, Delivery, DeliveryState


@dataclass(frozen=True)
class Template:
    label: str | Promise
    text: str  # with {placeholders}, filled in by the person starting the crisis


# The message skeletons of the guides' usual emergencies; every placeholder is required.
TEMPLATES: dict[str, Template] = {
    "intemperies": Template(
        _lazy("Intempéries"),
        "⚠️ Vigilance {niveau} {phenomene} sur {territoire} {periode}. Limitez vos "
        "déplacements, éloignez-vous des arbres et des cours d'eau. Infos : {lien}",
    ),
    "neige": Template(
        _lazy("Neige et verglas"),
        "❄️ Neige et verglas sur {territoire} {periode}. Routes difficiles : reportez vos "
        "déplacements si vous le pouvez. Transports scolaires : {transports}. Infos : {lien}",
    ),
    "canicule": Template(
        _lazy("Canicule"),
        "🌡️ Canicule sur {territoire} {periode}. Buvez de l'eau, restez au frais, prenez des "
        "nouvelles de vos proches fragiles. Lieux rafraîchis : {lieux}. Infos : {lien}",
    ),
    "inondation": Template(
        _lazy("Inondation"),
        "🌊 Risque d'inondation sur {territoire} {periode}. Ne vous engagez pas sur une "
        "route inondée, montez à l'étage si l'eau monte. Hébergement d'urgence : {lieux}. "
        "Infos : {lien}",
    ),
    "risque_industriel": Template(
        _lazy("Risque industriel"),
        "🚨 Accident industriel {site} : mettez-vous à l'abri dans un bâtiment, fermez "
        "portes et fenêtres, n'allez pas chercher vos enfants à l'école. Écoutez {radio}. "
        "Infos : {lien}",
    ),
    "coupure_eau": Template(
        _lazy("Coupure d'eau"),
        "🚱 Coupure d'eau sur {territoire} {periode}. Points de distribution d'eau : "
        "{lieux}. Infos et rétablissement : {lien}",
    ),
}
PLACEHOLDER_LABELS: dict[str, str | Promise] = {
    "niveau": _lazy("Niveau de vigilance (orange, rouge…)"),
    "phenomene": _lazy("Phénomène (orages, vent violent…)"),
    "territoire": _lazy("Territoire concerné"),
    "periode": _lazy("Période (ce soir, jusqu'à demain 12 h…)"),
    "lien": _lazy("Lien vers les informations"),
    "transports": _lazy("État des transports scolaires"),
    "lieux": _lazy("Lieux (adresses)"),
    "site": _lazy("Site concerné"),
    "radio": _lazy("Radio à écouter"),
}


def placeholders(template: Template) -> list[str]:
    return [name for _text, name, _spec, _conv in string.Formatter().parse(template.text) if name]


def fill(template: Template, values: dict[str, str]) -> str:
    text = template.text
    for name in placeholders(template):
        text = text.replace("{" + name + "}", values[name].strip())
    return re.sub(r"[ \t]+", " ", text).strip()


def active(organisation: Organisation) -> Crisis | None:
    return Crisis.objects.filter(organisation=organisation, ended_at=None).first()


class CrisisError(Exception):
    """The crisis cannot start or end as asked; the message says why, in French."""


def pause_waiting(organisation: Organisation) -> int:
    """Pause the ordinary deliveries still waiting; those already leaving go on."""
    return Delivery.objects.filter(
        organisation=organisation, state=DeliveryState.PENDING, crisis=False
    ).update(state=DeliveryState.PAUSED)


@transaction.atomic
def start(organisation: Organisation, *, actor: User, kind: str, title: str) -> Crisis:
    """Open crisis mode and pause what was waiting (the broadcast is confirmed after)."""
    Organisation.objects.select_for_update().get(pk=organisation.pk)
    if active(organisation) is not None:
        raise CrisisError(_("Le mode crise est déjà en cours."))
    crisis = Crisis.objects.create(
        organisation=organisation, kind=kind, title=title, started_by=actor
    )
    paused = pause_waiting(organisation)
    record(
        organisation=organisation,
        actor=actor,
        action="crisis.started",
        target=crisis,
        after={"kind": kind, "title": title, "paused": paused},
        summary=str(_("Mode crise déclenché : %(title)s (%(paused)d envoi(s) en pause)"))
        % {"title": title, "paused": paused},
    )
    return crisis


@transaction.atomic
def end(crisis: Crisis, *, actor: User, now: dt.datetime | None = None) -> tuple[int, int]:
    """Close crisis mode: paused deliveries still to come resume; (resumed, left paused)."""
    now = now or timezone.now()
    closed = Crisis.objects.filter(pk=crisis.pk, ended_at=None).update(ended_at=now, ended_by=actor)
    if not closed:
        raise CrisisError(_("Ce mode crise est déjà terminé."))
    paused = Delivery.objects.filter(organisation=crisis.organisation, state=DeliveryState.PAUSED)
    to_come = list(paused.filter(scheduled_at__gt=now))
    for delivery in to_come:
        Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PAUSED).update(
            state=DeliveryState.PENDING
        )
        enqueue_delivery(delivery)
    left = paused.count()
    record(
        organisation=crisis.organisation,
        actor=actor,
        action="crisis.ended",
        target=crisis,
        after={"resumed": len(to_come), "left_paused": left},
        summary=str(_("Fin du mode crise : %(resumed)d envoi(s) repris, %(left)d à revoir"))
        % {"resumed": len(to_come), "left": left},
    )
    crisis.refresh_from_db()
    return len(to_come), left


def resume(delivery: Delivery, *, actor: User, when: dt.datetime) -> bool:
    """Send a paused delivery after all (at ``when``), once the crisis is over."""
    if active(delivery.organisation) is not None and not delivery.crisis:
        raise CrisisError(_("Le mode crise est en cours : l'envoi reprendra après."))
    resumed = Delivery.objects.filter(pk=delivery.pk, state=DeliveryState.PAUSED).update(
        state=DeliveryState.PENDING, scheduled_at=when
    )
    if resumed:
        delivery.refresh_from_db()
        enqueue_delivery(delivery)
        record(
            organisation=delivery.organisation,
            actor=actor,
            action="post.resumed",
            target=delivery,
            after={"account": delivery.account.handle, "scheduled_at": when.isoformat()},
            summary=str(_("Envoi repris sur %(handle)s")) % {"handle": delivery.account.handle},
        )
    return bool(resumed)
