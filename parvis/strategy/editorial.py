"""The editorial line: immutable versions, each change recorded with what changed and why.

It is also read by the rest of Parvis: ``rules_for`` turns it (with the moderation charter)
into the rules the text analysis checks drafts and messages against.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from parvis.accounts.models import User
from parvis.analysis.context import Level, Rules
from parvis.audit.services import record
from parvis.organisations.models import Organisation, OrganisationKind
from parvis.strategy import charters
from parvis.strategy.models import CharterKind, EditorialLineVersion
from parvis.strategy.versioning import write_version

FIELDS = (
    "themes",
    "tone",
    "style_rules",
    "language_level",
    "forbidden_words",
    "forbidden_topics",
    "cadence",
    "reply_policy",
)


_LEVELS: dict[str, Level] = {
    OrganisationKind.COMMUNE: Level.COMMUNE,
    OrganisationKind.DEPARTEMENT: Level.DEPARTEMENT,
    OrganisationKind.REGION: Level.REGION,
    OrganisationKind.STATE_SERVICE: Level.STATE,
    OrganisationKind.STATE_STARTUP: Level.STATE,
}


def current(organisation: Organisation) -> EditorialLineVersion | None:
    return (
        EditorialLineVersion.objects.filter(organisation=organisation).order_by("-number").first()
    )


def values_of(version: EditorialLineVersion | None) -> dict[str, Any]:
    if version is None:
        return {}
    return {field: getattr(version, field) for field in FIELDS}


def write(
    organisation: Organisation, values: dict[str, Any], *, actor: User | None, note: str
) -> EditorialLineVersion:
    """A new version holding ``values`` (every field of FIELDS)."""
    return write_version(lambda: _write(organisation, values, actor=actor, note=note))


def _write(
    organisation: Organisation, values: dict[str, Any], *, actor: User | None, note: str
) -> EditorialLineVersion:
    before = current(organisation)
    previous = values_of(before)
    changed = [field for field in FIELDS if values[field] != previous.get(field, values[field])]
    version = EditorialLineVersion.objects.create(
        organisation=organisation,
        number=(before.number if before else 0) + 1,
        change_note=note,
        changed_fields=changed if before else [],
        author=actor,
        **{field: values[field] for field in FIELDS},
    )
    record(
        organisation=organisation,
        actor=actor,
        action="editorial_line.version_created",
        target=version,
        before=previous or None,
        after=values_of(version),
        summary=note,
    )
    return version


def field_labels(names: list[str]) -> list[str]:
    fields = {field.name: field for field in EditorialLineVersion._meta.fields}
    return [str(fields[name].verbose_name) for name in names if name in fields]


def markdown(version: EditorialLineVersion) -> str:
    """The editorial line as Markdown: the dossier a network asks for to certify an account."""
    return render_to_string(
        "strategy/editorial_line.md", {"line": version, "organisation": version.organisation}
    )


def pdf(version: EditorialLineVersion) -> bytes:
    """The same dossier as a PDF, laid out by WeasyPrint from the instance's own HTML."""
    html = render_to_string(
        "strategy/editorial_line_pdf.html",
        {"line": version, "organisation": version.organisation},
    )
    return pdf_of(html)


def pdf_of(html: str) -> bytes:
    """``html`` laid out as a PDF by WeasyPrint, with nothing fetched from anywhere."""
    from weasyprint import HTML  # about 1 s to import: only when a PDF is asked for

    document: bytes = HTML(string=html, url_fetcher=_no_fetch).write_pdf()
    return document


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Nothing is fetched while laying out a PDF: no third-party call, no local file."""
    raise ValueError(_("Aucune ressource extérieure n'est chargée : %(url)s") % {"url": url})


def rules_for(organisation: Organisation) -> Rules:
    """What the text analysis checks this organisation's texts against."""
    line = current(organisation)
    charter = charters.current(organisation, CharterKind.MODERATION)
    categories = (
        frozenset(a.category for a in charter.articles.all() if a.category) if charter else None
    )
    return Rules(
        names=(organisation.name,),
        level=_LEVELS.get(organisation.kind),
        forbidden_words=tuple(line.forbidden_words) if line else (),
        forbidden_topics={t: tuple(words) for t, words in line.forbidden_topics.items()}
        if line
        else {},
        charter_categories=categories,
    )
