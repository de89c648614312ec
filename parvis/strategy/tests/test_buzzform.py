"""The BuzzForm: drafts kept as typed, versions, the PDF, the e-mail, the editorial seed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from parvis.audit.models import AuditEvent
from parvis.strategy import buzzform
from parvis.strategy.models import BuzzFormDraft, BuzzFormVersion

pytestmark = pytest.mark.django_db

ANSWERS = {
    "organisation_name": "Commune de Test",
    "person": "Léa Dubois",
    "email": "lea@commune.test",
    "phone": "01 02 03 04 05",
    "account_1": "https://mastodon.test/@ville",
    "account_2": "@ville.bsky.social",
    "audiences": ["public", "organisations"],
    "subjects": ["news", "support"],
    "methods": ["posts", "visuals"],
    "frequency": "several_weekly",
    "strategy": "Informer vite, <b>répondre</b> mieux.",
}


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"strategy:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def submitted(client, community_manager, organisation) -> BuzzFormVersion:
    client.force_login(community_manager)
    response = client.post(url("buzzform_edit", organisation), {**ANSWERS, "action": "submit"})
    assert response.status_code == 302, response.content.decode()[-2000:]
    version = buzzform.latest(organisation)
    assert version is not None
    return version


def test_a_half_filled_form_is_kept_as_a_draft_and_resumed(client, community_manager, organisation):
    client.force_login(community_manager)
    half = {"organisation_name": "Commune de Test", "email": "lea@comm", "action": "draft"}
    response = client.post(url("buzzform_edit", organisation), half)
    assert response.status_code == 302
    draft = BuzzFormDraft.objects.get(organisation=organisation)
    assert draft.answers["email"] == "lea@comm"  # kept as typed, even unfinished
    assert not BuzzFormVersion.objects.exists()
    page = client.get(url("buzzform_edit", organisation)).content.decode()
    assert 'value="lea@comm"' in page
    assert "Brouillon repris" in page
    refused = client.post(url("buzzform_edit", organisation), {**half, "action": "submit"})
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Ce champ est obligatoire" in html
    assert "Saisissez une adresse de courriel valide." in html
    assert BuzzFormDraft.objects.filter(organisation=organisation).exists()  # nothing lost


def test_a_complete_form_is_a_version_and_the_draft_is_done_with(submitted, organisation):
    assert submitted.number == 1
    assert submitted.answers["accounts"] == ["https://mastodon.test/@ville", "@ville.bsky.social"]
    assert submitted.answers["frequency"] == "several_weekly"
    assert not BuzzFormDraft.objects.filter(organisation=organisation).exists()
    assert AuditEvent.objects.filter(action="buzzform.submitted").count() == 1


def test_the_page_escapes_html_and_the_pdf_is_laid_out_like_a_form(client, submitted, organisation):
    html = client.get(url("buzzform", organisation)).content.decode()
    assert "&lt;b&gt;répondre&lt;/b&gt;" in html
    assert "Grand public et utilisateurs finaux" in html
    response = client.get(url("buzzform_pdf", organisation, number=1))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


def test_sending_mails_the_pdf_to_the_communication_service(
    client, submitted, organisation, jobs_run_on_commit
):
    organisation.communication_email = "com@commune.test"
    organisation.save()
    with jobs_run_on_commit():
        client.post(url("buzzform_send", organisation, number=1))
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["com@commune.test"]
    assert message.reply_to == [submitted.author.email]
    assert "Commune de Test" in message.subject
    name, content, kind = message.attachments[0]
    assert (name, kind) == ("buzzform-commune-de-test-v1.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    submitted.refresh_from_db()
    assert submitted.sent_to == "com@commune.test"
    event = AuditEvent.objects.get(action="buzzform.sent")
    assert event.after is not None
    assert event.after["to"] == "com@commune.test"


def test_sending_without_an_address_says_where_to_set_it(client, submitted, organisation):
    response = client.post(url("buzzform_send", organisation, number=1), follow=True)
    assert "Aucune adresse du service communication" in response.content.decode()
    assert len(mail.outbox) == 0


def test_the_answers_seed_a_first_editorial_line(client, submitted, organisation):
    seed = buzzform.editorial_seed(organisation)
    assert seed["themes"] == "Actualité et promotion du projet\nSupport et alertes maintenance"
    assert seed["cadence_mastodon"] == 3
    assert seed["cadence_bluesky"] == 3
    html = client.get(url("editorial_edit", organisation)).content.decode()
    assert "Support et alertes maintenance" in html
    assert 'name="cadence_mastodon" value="3"' in html


def test_a_field_of_100000_characters_is_refused(client, community_manager, organisation):
    client.force_login(community_manager)
    response = client.post(
        url("buzzform_edit", organisation),
        {**ANSWERS, "strategy": "x" * 100_000, "action": "draft"},
    )
    assert response.status_code == 200
    assert "Assurez-vous que cette valeur comporte au plus" in response.content.decode()
    assert not BuzzFormDraft.objects.exists()
