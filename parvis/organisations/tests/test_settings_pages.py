from __future__ import annotations

import re

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_user
from parvis.accounts.models import User
from parvis.audit.models import AuditEvent
from parvis.organisations.models import Membership, Organisation, ResourcePerson, Role
from parvis.organisations.tests.factories import png

pytestmark = pytest.mark.django_db


def url(name: str, organisation: Organisation, **kwargs: object) -> str:
    return reverse(f"organisations:{name}", kwargs={"org": organisation.slug, **kwargs})


# --- Members ---------------------------------------------------------------------------------


def test_an_admin_adds_an_existing_user_as_member(client, admin, organisation):
    bruno = make_user("bruno@commune.test", "Bruno")
    client.force_login(admin)
    response = client.post(
        url("member_add", organisation),
        {"email": "Bruno@Commune.test", "role": Role.CONTRIBUTOR},
        follow=True,
    )
    assert Membership.objects.get(organisation=organisation, user=bruno).role == Role.CONTRIBUTOR
    assert "bruno@commune.test est maintenant membre" in response.content.decode()
    event = AuditEvent.objects.get(action="member.added")
    assert event.organisation_id == organisation.pk
    assert event.actor_id == admin.pk
    assert event.after == {"email": "bruno@commune.test", "role": "contributor"}
    assert mail.outbox == []


def test_an_unknown_address_gets_an_account_and_an_invitation(
    client, admin, organisation, jobs_run_on_commit
):
    client.force_login(admin)
    with jobs_run_on_commit():
        response = client.post(
            url("member_add", organisation),
            {"email": "nouvelle@commune.test", "role": Role.COMMUNITY_MANAGER},
            follow=True,
        )
    assert "courriel d&#x27;invitation lui est envoyé" in response.content.decode()
    invited = User.objects.get(email="nouvelle@commune.test")
    assert not invited.has_usable_password()
    assert AuditEvent.objects.filter(action="member.invited").count() == 1

    [message] = mail.outbox
    assert message.to == ["nouvelle@commune.test"]
    assert message.subject == "Invitation à rejoindre Commune de Test sur Parvis"
    assert "Alice vous invite à rejoindre Commune de Test" in message.body
    link = re.search(r"https?://\S+", str(message.body))
    assert link is not None

    # The invited person follows the link, chooses a password and can log in.
    client.logout()
    path = link.group(0).split("://", 1)[1].split("/", 1)[1]
    form_page = client.get("/" + path, follow=True)
    assert form_page.status_code == 200
    assert "Vous êtes invité à rejoindre Commune de Test" in form_page.content.decode()
    set_password = client.post(
        form_page.redirect_chain[-1][0],
        {
            "new_password1": "un mot de passe solide 2026",
            "new_password2": "un mot de passe solide 2026",
        },
    )
    assert set_password.status_code == 302
    invited.refresh_from_db()
    assert invited.check_password("un mot de passe solide 2026")
    # The link served once.
    assert client.get("/" + path).status_code == 404


def test_adding_someone_twice_is_refused(client, admin, community_manager, organisation):
    client.force_login(admin)
    response = client.post(
        url("member_add", organisation), {"email": community_manager.email, "role": Role.ADMIN}
    )
    assert response.status_code == 200
    assert "est déjà membre de cette organisation" in response.content.decode()
    assert Membership.objects.get(user=community_manager).role == Role.COMMUNITY_MANAGER


def test_an_admin_changes_a_role(client, admin, contributor, organisation):
    membership = Membership.objects.get(user=contributor)
    client.force_login(admin)
    response = client.post(
        url("member_role", organisation, pk=membership.pk), {"role": Role.COMMUNITY_MANAGER}
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == Role.COMMUNITY_MANAGER
    event = AuditEvent.objects.get(action="member.role_changed")
    assert event.before == {"email": contributor.email, "role": "contributor"}
    assert event.after == {"email": contributor.email, "role": "community_manager"}


def test_with_htmx_the_role_changes_in_place(client, admin, contributor, organisation):
    membership = Membership.objects.get(user=contributor)
    client.force_login(admin)
    response = client.post(
        url("member_role", organisation, pk=membership.pk),
        {"role": Role.READER},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="membre-{membership.pk}">')
    assert 'role="status"' in html
    assert "<html" not in html


def test_an_admin_removes_a_member(client, admin, reader, organisation):
    membership = Membership.objects.get(user=reader)
    client.force_login(admin)
    confirm = client.get(url("member_remove", organisation, pk=membership.pk))
    assert "Son compte est conservé" in confirm.content.decode()
    response = client.post(url("member_remove", organisation, pk=membership.pk))
    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.filter(pk=reader.pk).exists()
    event = AuditEvent.objects.get(action="member.removed")
    assert event.before == {"email": reader.email, "role": "reader"}
    assert event.after is None


def test_the_last_admin_cannot_be_removed(client, admin, organisation):
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(url("member_remove", organisation, pk=membership.pk), follow=True)
    assert Membership.objects.filter(pk=membership.pk).exists()
    assert "doit garder au moins un administrateur" in response.content.decode()
    assert not AuditEvent.objects.filter(action="member.removed").exists()


def test_the_last_admin_cannot_be_demoted_even_inline(client, admin, organisation):
    membership = Membership.objects.get(user=admin)
    client.force_login(admin)
    response = client.post(
        url("member_role", organisation, pk=membership.pk),
        {"role": Role.READER},
        headers={"HX-Request": "true"},
    )
    assert 'role="alert"' in response.content.decode()
    assert "doit garder au moins un administrateur" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.ADMIN


def test_with_two_admins_one_may_leave(client, admin, organisation):
    second = make_user("second@commune.test")
    Membership.objects.create(organisation=organisation, user=second, role=Role.ADMIN)
    client.force_login(admin)
    response = client.post(
        url("member_remove", organisation, pk=Membership.objects.get(user=admin).pk)
    )
    assert response["Location"] == reverse("front:home")
    assert list(organisation.memberships.values_list("user__email", flat=True)) == [
        "second@commune.test"
    ]


def test_the_members_list_makes_a_bounded_number_of_queries(client, admin, organisation):
    client.force_login(admin)
    page = url("members", organisation)
    client.get(page)  # warm the session and the content types
    with CaptureQueriesContext(connection) as few:
        assert client.get(page).status_code == 200
    for number in range(15):
        user = make_user(f"membre{number}@commune.test")
        Membership.objects.create(organisation=organisation, user=user, role=Role.CONTRIBUTOR)
    with CaptureQueriesContext(connection) as many:
        response = client.get(page)
    assert "membre14@commune.test" in response.content.decode()
    assert len(many) == len(few)
    assert len(many) <= 9  # the shell reads whether crisis mode is on: one query a page


# --- Profile -------------------------------------------------------------------------------------


def _profile(organisation: Organisation, **changes: object) -> dict[str, object]:
    return {
        "name": organisation.name,
        "kind": organisation.kind,
        "theme": "",
        "communication_email": "communication@commune.test",
        **changes,
    }


def test_an_admin_updates_the_profile_with_a_logo(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        url("profile_edit", organisation),
        _profile(organisation, name="Ville de Test", logo=png()),
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name == "Ville de Test"
    assert organisation.logo.name.startswith("logos/")
    event = AuditEvent.objects.get(action="organisation.updated")
    assert event.before == {"name": "Commune de Test", "communication_email": "", "logo": ""}
    assert event.after is not None
    assert event.after["name"] == "Ville de Test"
    # The neutral theme shows the logo instead of the name.
    dashboard = client.get(reverse("front:dashboard", kwargs={"org": organisation.slug}))
    assert re.search(
        rf'src="{organisation.logo.url}"\s+alt="Ville de Test"', dashboard.content.decode()
    )


def test_a_logo_that_is_not_an_image_is_refused(client, admin, organisation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(admin)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", content_type="image/png")
    response = client.post(url("profile_edit", organisation), _profile(organisation, logo=fake))
    assert response.status_code == 200
    assert "n&#x27;est pas une image lisible" in response.content.decode()
    organisation.refresh_from_db()
    assert not organisation.logo


def test_a_logo_of_more_than_4000_pixels_is_refused(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        url("profile_edit", organisation), _profile(organisation, logo=png(4001, 10))
    )
    assert "4000 pixels de côté au plus" in response.content.decode()


def test_a_commune_cannot_choose_the_state_design_system(client, admin, organisation):
    client.force_login(admin)
    response = client.post(url("profile_edit", organisation), _profile(organisation, theme="dsfr"))
    assert response.status_code == 200
    assert "réservé aux services et startups de l&#x27;État" in response.content.decode()


# --- Resource persons ---------------------------------------------------------------------


def test_an_admin_manages_resource_persons(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        url("resource_person_create", organisation),
        {
            "name": "Urbanisme — Marc Roux",
            "email": "urbanisme@commune.test",
            "chat_handle": "@marc.roux-commune:agent.tchap.gouv.fr",
            "subjects_text": "urbanisme, permis de construire,, Urbanisme , travaux",
        },
    )
    assert response.status_code == 302
    person = ResourcePerson.objects.get(organisation=organisation)
    assert person.subjects == ["urbanisme", "permis de construire", "travaux"]

    edit = client.get(url("resource_person_edit", organisation, pk=person.pk))
    assert 'value="urbanisme, permis de construire, travaux"' in edit.content.decode()
    client.post(
        url("resource_person_edit", organisation, pk=person.pk),
        {"name": "Urbanisme", "email": "urbanisme@commune.test", "subjects_text": "travaux"},
    )
    person.refresh_from_db()
    assert (person.name, person.subjects, person.chat_handle) == ("Urbanisme", ["travaux"], "")

    client.post(url("resource_person_delete", organisation, pk=person.pk))
    assert not ResourcePerson.objects.exists()
    assert list(
        AuditEvent.objects.filter(organisation=organisation)
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["resource_person.created", "resource_person.updated", "resource_person.deleted"]


def test_a_resource_person_needs_a_way_to_be_reached(client, admin, organisation):
    client.force_login(admin)
    response = client.post(
        url("resource_person_create", organisation),
        {"name": "Sans contact", "chat_handle": "pas-un-identifiant"},
    )
    assert "Identifiant Tchap/Matrix attendu" in response.content.decode()
    assert not ResourcePerson.objects.exists()


def test_members_read_the_resource_persons(client, reader, organisation):
    ResourcePerson.objects.create(
        organisation=organisation, name="État civil", subjects=["état civil", "élections"]
    )
    client.force_login(reader)
    html = client.get(url("resource_persons", organisation)).content.decode()
    assert "état civil, élections" in html
    assert "Modifier" not in html
