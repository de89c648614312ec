"""The editorial line: versions with what changed, exports, and the rules drafts meet."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.audit.models import AuditEvent
from parvis.strategy import charters, editorial
from parvis.strategy.models import CharterKind, EditorialLineVersion

pytestmark = pytest.mark.django_db

LINE = {
    "themes": "Travaux\nCulture\nTravaux\n",
    "tone": "Chaleureux, <i>jamais</i> familier.",
    "style_rules": "Pas d'écriture inclusive à points médians.",
    "language_level": "simple",
    "forbidden_words": "bobo*\nracaille\n",
    "forbidden_topics": "politique nationale : gouvernement, ministre",
    "cadence_mastodon": "5",
    "cadence_bluesky": "3",
    "reply_policy": "Réponse sous 24 h ouvrées.",
    "change_note": "",
}


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"strategy:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def written(client, community_manager, organisation) -> EditorialLineVersion:
    client.force_login(community_manager)
    response = client.post(url("editorial_edit", organisation), LINE)
    assert response.status_code == 302, response.content.decode()[-2000:]
    line = editorial.current(organisation)
    assert line is not None
    return line


def test_the_form_is_stored_as_data(written):
    assert written.number == 1
    assert written.themes == ["Travaux", "Culture"]  # duplicates dropped
    assert written.forbidden_words == ["bobo*", "racaille"]
    assert written.forbidden_topics == {"politique nationale": ["gouvernement", "ministre"]}
    assert written.cadence == {"mastodon": 5, "bluesky": 3}
    assert written.change_note == "Première version."


def test_a_change_is_a_new_version_that_says_what_changed(client, written, organisation):
    response = client.post(
        url("editorial_edit", organisation),
        {**LINE, "tone": "Chaleureux.", "cadence_bluesky": "", "change_note": "Moins de Bluesky"},
    )
    assert response.status_code == 302
    new = editorial.current(organisation)
    assert new is not None
    assert (new.number, new.change_note) == (2, "Moins de Bluesky")
    assert set(new.changed_fields) == {"tone", "cadence"}
    written.refresh_from_db()
    assert written.tone == "Chaleureux, <i>jamais</i> familier."  # version 1 is untouched
    html = client.get(url("editorial", organisation)).content.decode()
    assert "ton, rythme de publication" in html
    assert "&lt;i&gt;jamais&lt;/i&gt;" not in html  # the page shows version 2
    old = client.get(url("editorial_version", organisation, number=1)).content.decode()
    assert "&lt;i&gt;jamais&lt;/i&gt;" in old
    assert "plus en vigueur" in old
    assert AuditEvent.objects.filter(action="editorial_line.version_created").count() == 2


def test_the_form_is_prefilled_with_the_version_in_force(client, written, organisation):
    html = client.get(url("editorial_edit", organisation)).content.decode()
    assert "politique nationale : gouvernement, ministre" in html
    assert 'name="cadence_mastodon" value="5"' in html


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"forbidden_topics": "politique nationale"}, "Ligne 1 : écrivez le sujet, deux-points"),
        ({"themes": "x" * 100_000}, "au plus 5000 caractères"),
        ({"themes": ""}, "Ce champ est obligatoire"),
        ({"cadence_x": "-2"}, "supérieure ou égale à 0"),
    ],
)
def test_bad_input_gets_a_french_message_and_nothing_is_saved(
    client, written, organisation, bad, message
):
    response = client.post(url("editorial_edit", organisation), {**LINE, **bad})
    assert response.status_code == 200
    assert message in response.content.decode().replace("\u202f", "").replace("\xa0", "")
    assert EditorialLineVersion.objects.filter(organisation=organisation).count() == 1


def test_markdown_and_pdf_exports(client, written, organisation):
    md = client.get(url("editorial_export", organisation, number=1, fmt="md"))
    assert md["Content-Type"].startswith("text/markdown")
    assert "ligne-editoriale-commune-de-test-v1.md" in md["Content-Disposition"]
    text = md.content.decode()
    assert text.startswith("# Ligne éditoriale — Commune de Test")
    assert "- Travaux\n- Culture" in text
    assert "Mastodon : 5 publications par semaine" in text
    assert "Chaleureux, <i>jamais</i> familier." in text  # Markdown is text, not HTML
    pdf = client.get(url("editorial_export", organisation, number=1, fmt="pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert (
        client.get(url("editorial_export", organisation, number=1, fmt="docx")).status_code == 404
    )


def test_the_pdf_holds_the_text_of_the_line(written):
    from django.template.loader import render_to_string
    from weasyprint import HTML

    html = render_to_string(
        "strategy/editorial_line_pdf.html", {"line": written, "organisation": written.organisation}
    )
    assert "&lt;i&gt;jamais&lt;/i&gt;" in html
    pages = HTML(string=html).render().pages
    assert len(pages) >= 1
    assert editorial.pdf(written).startswith(b"%PDF-")


def test_drafts_are_checked_against_the_line_and_the_charter(written, organisation, admin):
    charters.write(
        organisation,
        CharterKind.MODERATION,
        charters.model_charter(CharterKind.MODERATION, organisation),
        actor=admin,
        note="",
    )
    rules = editorial.rules_for(organisation)
    assert rules.names == ("Commune de Test",)
    assert rules.forbidden_words == ("bobo*", "racaille")
    assert rules.forbidden_topics == {"politique nationale": ("gouvernement", "ministre")}
    assert rules.charter_categories is not None
    assert "insult" in rules.charter_categories
    assert rules.level == "commune"
