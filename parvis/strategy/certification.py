"""Certification of the organisation's accounts: the steps each network asks for.

The steps come from the networks' own procedures: a domain handle on Bluesky, a verified
``rel="me"`` link on Mastodon, the platforms' forms for public bodies on X and Meta. Parvis
lists the connected accounts itself; accounts on networks it does not publish to are declared.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.connectors.models import ConnectedAccount
from parvis.organisations.models import Organisation
from parvis.strategy import editorial
from parvis.strategy.models import Certification, CertificationNetwork


@dataclass(frozen=True)
class Step:
    key: str
    label: str | Promise


_PROFILE = Step(
    "profile", _("Nom, avatar et biographie officiels ; lien vers la charte de modération")
)
_DOSSIER = Step(
    "dossier",
    _("Dossier prêt : ligne éditoriale exportée (quoi, pourquoi, à quel rythme, pour qui)"),
)
CHECKLISTS: dict[str, tuple[Step, ...]] = {
    CertificationNetwork.BLUESKY: (
        Step("domain", _("L'identifiant est le domaine officiel (par exemple @ville-exemple.fr)")),
        Step(
            "dns",
            _(
                "Le domaine le prouve : enregistrement DNS TXT « _atproto » ou fichier "
                "/.well-known/atproto-did sur le site officiel"
            ),
        ),
        _PROFILE,
    ),
    CertificationNetwork.MASTODON: (
        Step(
            "rel_me",
            _('Le site officiel a un lien rel="me" vers le profil Mastodon'),
        ),
        Step("field", _("Le profil affiche le site officiel dans ses métadonnées")),
        Step("checked", _("Le lien apparaît vérifié (coche verte) sur le profil")),
        _PROFILE,
    ),
    CertificationNetwork.X: (
        _PROFILE,
        _DOSSIER,
        Step(
            "form",
            _("Demande déposée par le formulaire de X pour les organisations gouvernementales"),
        ),
        Step("badge", _("Badge gris obtenu")),
    ),
    CertificationNetwork.META: (
        _PROFILE,
        _DOSSIER,
        Step(
            "form",
            _("Demande déposée par le formulaire de vérification de Meta pour les administrations"),
        ),
        Step("badge", _("Badge obtenu sur Facebook et Instagram")),
    ),
}


def checklist(certification: Certification) -> list[tuple[Step, bool]]:
    return [(step, step.key in certification.done) for step in CHECKLISTS[certification.network]]


def observed(certification: Certification) -> dict[str, bool]:
    """What Parvis sees by itself: a Bluesky handle is a domain unless it is a bsky.social one."""
    if certification.network != CertificationNetwork.BLUESKY:
        return {}
    handle = certification.handle.lstrip("@").lower()
    return {"domain": "." in handle and not handle.endswith(".bsky.social")}


def for_organisation(organisation: Organisation) -> list[Certification]:
    """One certification per account: each connected account gets its own on first sight."""
    # Training accounts (the sandbox) are never certified: only the networks' own accounts.
    for account in ConnectedAccount.objects.filter(
        organisation=organisation,
        disconnected_at__isnull=True,
        network__in=CertificationNetwork.values,
    ):
        Certification.objects.get_or_create(
            organisation=organisation,
            network=account.network,
            handle=account.handle,
            defaults={"account": account},
        )
    return list(Certification.objects.filter(organisation=organisation))


def update(
    certification: Certification,
    *,
    status: str,
    done: list[str],
    notes: str,
    actor: User | None,
) -> Certification:
    keys = {step.key for step in CHECKLISTS[certification.network]}
    before = {"status": certification.status, "done": list(certification.done)}
    with transaction.atomic():
        certification.status = status
        certification.done = [key for key in done if key in keys]
        certification.notes = notes
        certification.updated_by = actor
        certification.save()
        record(
            organisation=certification.organisation,
            actor=actor,
            action="certification.updated",
            target=certification,
            before=before,
            after={"status": certification.status, "done": certification.done},
        )
    return certification


def dossier_pdf(certification: Certification) -> bytes:
    """The certification dossier: the account, its steps, and the editorial line in force."""
    html = render_to_string(
        "strategy/certification_pdf.html",
        {
            "certification": certification,
            "steps": checklist(certification),
            "organisation": certification.organisation,
            "line": editorial.current(certification.organisation),
        },
    )
    return editorial.pdf_of(html)
