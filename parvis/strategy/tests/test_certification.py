"""Certification: every account listed, its network's steps, the dossier."""

from __future__ import annotations

import pytest
from django.urls import reverse

from parvis.audit.models import AuditEvent
from parvis.connectors.models import ConnectedAccount
from parvis.strategy import certification
from parvis.strategy.models import Certification, CertificationStatus

pytestmark = pytest.mark.django_db


def url(name: str, organisation, **kwargs) -> str:
    return reverse(f"strategy:{name}", kwargs={"org": organisation.slug, **kwargs})


@pytest.fixture
def accounts(organisation) -> list[ConnectedAccount]:
    return [
        ConnectedAccount.objects.create(
            organisation=organisation,
            network="bluesky",
            service_url="https://bsky.social",
            remote_id="did:plc:ville",
            handle="ville.bsky.social",
        ),
        ConnectedAccount.objects.create(
            organisation=organisation,
            network="mastodon",
            service_url="https://mastodon.test",
            remote_id="1",
            handle="ville@mastodon.test",
        ),
    ]


def test_connected_accounts_are_listed_with_their_network_steps(
    client, community_manager, organisation, accounts
):
    client.force_login(community_manager)
    html = client.get(url("certifications", organisation)).content.decode()
    assert "ville.bsky.social" in html
    assert "ville@mastodon.test" in html
    bluesky = Certification.objects.get(network="bluesky")
    assert bluesky.account == accounts[0]
    keys = [step.key for step, _done in certification.checklist(bluesky)]
    assert keys[:2] == ["domain", "dns"]
    mastodon = Certification.objects.get(network="mastodon")
    assert next(s.key for s, _ in certification.checklist(mastodon)) == "rel_me"
    client.get(url("certifications", organisation))  # seen twice, listed once
    assert Certification.objects.count() == 2


def test_parvis_sees_whether_a_bluesky_handle_is_a_domain(organisation):
    for handle, domain in (("ville.bsky.social", False), ("ville-exemple.fr", True)):
        item = Certification(organisation=organisation, network="bluesky", handle=handle)
        assert certification.observed(item) == {"domain": domain}
    assert certification.observed(Certification(network="x", handle="@ville")) == {}


def test_steps_and_status_are_saved_and_audited(client, community_manager, organisation, accounts):
    client.force_login(community_manager)
    client.get(url("certifications", organisation))
    item = Certification.objects.get(network="mastodon")
    response = client.post(
        url("certification", organisation, pk=item.pk),
        {"status": "submitted", "done": ["rel_me", "field"], "notes": "<b>Envoyé</b> le 3"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.done) == (CertificationStatus.SUBMITTED, ["rel_me", "field"])
    event = AuditEvent.objects.get(action="certification.updated")
    assert event.after == {"status": "submitted", "done": ["rel_me", "field"]}
    bad = client.post(
        url("certification", organisation, pk=item.pk), {"status": "verified", "done": ["dns"]}
    )
    assert bad.status_code == 200  # a step of another network is refused
    assert "Sélectionnez un choix valide. dns n\u2019en fait pas partie." in bad.content.decode()


def test_an_account_of_another_network_is_declared_once(client, community_manager, organisation):
    client.force_login(community_manager)
    response = client.post(
        url("certification_declare", organisation), {"network": "x", "handle": "@VilleDeTest"}
    )
    item = Certification.objects.get(network="x")
    assert response.url == url("certification", organisation, pk=item.pk)
    again = client.post(
        url("certification_declare", organisation), {"network": "x", "handle": "@VilleDeTest"}
    )
    assert "Ce compte est déjà suivi." in again.content.decode()
    empty = client.post(
        url("certification_declare", organisation), {"network": "meta", "handle": " "}
    )
    assert "Ce champ est obligatoire" in empty.content.decode()
    assert Certification.objects.count() == 1


def test_the_dossier_is_a_pdf_with_the_steps_and_the_editorial_line(
    client, reader, organisation, accounts
):
    client.force_login(reader)
    client.get(url("certifications", organisation))
    item = Certification.objects.get(network="bluesky")
    response = client.get(url("certification_dossier", organisation, pk=item.pk))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "dossier-certification-bluesky-commune-de-test.pdf" in response["Content-Disposition"]
    page = client.get(url("certification", organisation, pk=item.pk)).content.decode()
    assert "n'est pas un nom de domaine" in page
    assert "la ligne éditoriale n'est pas encore écrite" in page
    assert client.post(url("certification", organisation, pk=item.pk), {}).status_code == 403
