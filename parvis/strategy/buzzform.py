"""The BuzzForm: the strategy questionnaire of the beta.gouv guide, as data.

A draft is kept as typed; a completed questionnaire becomes a numbered version that is never
changed, exported as a PDF laid out like a form, and sent to the communication service. Its
answers seed the editorial line (themes, cadence) when there is none yet.
"""

from __future__ import annotations

from typing import Any

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from parvis.accounts.models import User
from parvis.audit.services import record
from parvis.organisations.models import Organisation
from parvis.strategy import editorial
from parvis.strategy.models import BuzzFormDraft, BuzzFormVersion
from parvis.strategy.versioning import write_version

AUDIENCES = {
    "public": _("Grand public et utilisateurs finaux"),
    "developers": _("Développeurs et contributeurs"),
    "organisations": _("Entreprises et organismes publics et privés"),
    "professionals": _("Réseau professionnel spécialisé"),
    "other": _("Autre"),
}
SUBJECTS = {
    "news": _("Actualité et promotion du projet"),
    "updates": _("Mises à jour du projet"),
    "watch": _("Veille sur le thème"),
    "support": _("Support et alertes maintenance"),
    "tech": _("Actualité et veille technologique"),
    "team": _("Recrutement et équipe"),
    "other": _("Autre"),
}
METHODS = {
    "posts": _("Messages écrits et statuts"),
    "visuals": _("Créations visuelles, infographies, vidéos"),
    "blog": _("Billets de blog"),
    "sharing": _("Partage de contenus d'autres comptes"),
    "other": _("Autre"),
}
# The seven steps of the questionnaire, with the publications a week each one means.
FREQUENCIES = {
    "daily": (_("Tous les jours"), 7),
    "several_weekly": (_("Plusieurs fois par semaine"), 3),
    "weekly": (_("Une fois par semaine"), 1),
    "several_monthly": (_("Plusieurs fois par mois"), 1),
    "monthly": (_("Une fois par mois"), 0),
    "rarely": (_("Rarement"), 0),
    "never": (_("Jamais"), 0),
}
ACCOUNTS = 5


def latest(organisation: Organisation) -> BuzzFormVersion | None:
    return BuzzFormVersion.objects.filter(organisation=organisation).order_by("-number").first()


def draft_of(organisation: Organisation) -> BuzzFormDraft | None:
    return BuzzFormDraft.objects.filter(organisation=organisation).first()


def save_draft(organisation: Organisation, answers: dict[str, Any], *, actor: User) -> None:
    BuzzFormDraft.objects.update_or_create(
        organisation=organisation, defaults={"answers": answers, "updated_by": actor}
    )


def submit(organisation: Organisation, answers: dict[str, Any], *, actor: User) -> BuzzFormVersion:
    """A new version from complete answers; the draft, if any, is done with."""

    def write() -> BuzzFormVersion:
        before = latest(organisation)
        version = BuzzFormVersion.objects.create(
            organisation=organisation,
            number=(before.number if before else 0) + 1,
            answers=answers,
            author=actor,
        )
        BuzzFormDraft.objects.filter(organisation=organisation).delete()
        record(
            organisation=organisation,
            actor=actor,
            action="buzzform.submitted",
            target=version,
            after={"version": version.number},
        )
        return version

    return write_version(write)


def labelled(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with their labels, as the page, the PDF and the e-mail show them."""

    def names(choices: dict[str, Any], keys: list[str]) -> list[str]:
        return [str(choices[key]) for key in keys if key in choices]

    frequency = FREQUENCIES.get(answers.get("frequency", ""))
    return {
        **answers,
        "accounts": [a for a in answers.get("accounts", []) if a],
        "audiences": names(AUDIENCES, answers.get("audiences", [])),
        "subjects": names(SUBJECTS, answers.get("subjects", [])),
        "methods": names(METHODS, answers.get("methods", [])),
        "frequency": str(frequency[0]) if frequency else "",
    }


def pdf(version: BuzzFormVersion) -> bytes:
    html = render_to_string(
        "strategy/buzzform_pdf.html",
        {
            "version": version,
            "answers": labelled(version.answers),
            "organisation": version.organisation,
            "audiences": AUDIENCES,
            "subjects": SUBJECTS,
            "methods": METHODS,
            "frequencies": {key: label for key, (label, _n) in FREQUENCIES.items()},
            "raw": version.answers,
        },
    )
    return editorial.pdf_of(html)


def send(version: BuzzFormVersion, address: str, *, actor: User | None) -> None:
    """E-mail the PDF to ``address`` (the communication service); recorded in the audit log."""
    organisation = version.organisation
    context = {
        "version": version,
        "organisation": organisation,
        "answers": labelled(version.answers),
    }
    message = EmailMessage(
        subject=str(
            _("Questionnaire de stratégie des réseaux sociaux — %(name)s") % {"name": organisation}
        ),
        body=render_to_string("strategy/email/buzzform.txt", context),
        from_email=None,
        to=[address],
        reply_to=[version.author.email] if version.author else None,
    )
    message.attach(
        f"buzzform-{organisation.slug}-v{version.number}.pdf", pdf(version), "application/pdf"
    )
    message.send()
    version.sent_to, version.sent_at = address, timezone.now()
    version.save(update_fields=["sent_to", "sent_at"])
    record(
        organisation=organisation,
        actor=actor,
        action="buzzform.sent",
        target=version,
        after={"version": version.number, "to": address},
    )


def editorial_seed(organisation: Organisation) -> dict[str, Any]:
    """What the latest questionnaire says of the editorial line: its themes and cadence."""
    version = latest(organisation)
    if version is None:
        return {}
    answers = labelled(version.answers)
    per_week = FREQUENCIES.get(version.answers.get("frequency", ""), ("", 0))[1]
    networks = {network for account in answers["accounts"] for network in _networks_of(account)}
    return {
        "themes": "\n".join(answers["subjects"]),
        **{f"cadence_{network}": per_week for network in networks if per_week},
    }


def _networks_of(account: str) -> list[str]:
    text = account.lower()
    hints = {
        "bsky": "bluesky",
        "bluesky": "bluesky",
        "mastodon": "mastodon",
        "x.com": "x",
        "twitter": "x",
        "facebook": "facebook",
        "instagram": "instagram",
        "linkedin": "linkedin",
    }
    return [network for hint, network in hints.items() if hint in text]
