"""``parvis demo``: both demo organisations, every role, idempotent, marked, kept as edited."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from parvis.accounts.models import User
from parvis.notify.models import NotificationChannel
from parvis.organisations.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo
from parvis.organisations.models import (
    Membership,
    Organisation,
    OrganisationKind,
    ResourcePerson,
    Role,
    Theme,
)
from parvis.strategy.models import CharterVersion, EditorialLineVersion, Objective

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (
            Organisation,
            User,
            Membership,
            ResourcePerson,
            NotificationChannel,
            CharterVersion,
            EditorialLineVersion,
            Objective,
        )
    }


def test_the_demo_has_a_commune_and_a_state_startup_with_every_role():
    ville, startup = load_demo()

    assert ville.kind == OrganisationKind.COMMUNE
    assert ville.effective_theme == Theme.NEUTRAL
    assert startup.kind == OrganisationKind.STATE_STARTUP
    assert startup.effective_theme == Theme.DSFR
    assert ville.is_demo
    assert startup.is_demo
    roles = set(Membership.objects.filter(organisation=ville).values_list("role", flat=True))
    assert roles == {Role.ADMIN, Role.COMMUNITY_MANAGER, Role.CONTRIBUTOR, Role.READER}
    assert ResourcePerson.objects.filter(organisation=ville).count() >= 3
    assert NotificationChannel.objects.filter(organisation=startup).exists()


def test_loading_the_demo_twice_changes_nothing():
    load_demo()
    before = counts()
    call_command("demo")
    assert counts() == before


def test_changes_made_to_the_demo_survive_a_second_run():
    ville, _ = load_demo()
    Organisation.objects.filter(pk=ville.pk).update(name="Ville Renommée")
    cm = User.objects.get(email="cm@ville-de-demo.test")
    Membership.objects.filter(organisation=ville, user=cm).update(role=Role.READER)
    cm.set_password("un autre mot de passe")
    cm.save()

    load_demo()

    assert Organisation.objects.get(pk=ville.pk).name == "Ville Renommée"
    assert Membership.objects.get(organisation=ville, user=cm).role == Role.READER
    assert User.objects.get(pk=cm.pk).check_password("un autre mot de passe")


def log_in(client, email: str) -> None:
    response = client.post(
        reverse("accounts:login"), {"username": email, "password": DEMO_PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()


@pytest.mark.parametrize(("email", "_description"), DEMO_LOGINS)
def test_every_printed_demo_login_works(client, email, _description):
    load_demo()
    log_in(client, email)
    assert client.get(reverse("front:home")).status_code in {200, 302}
    assert client.session["_auth_user_id"] == str(User.objects.get(email=email).pk)


def test_demo_pages_say_they_are_a_demonstration(client):
    ville, _ = load_demo()
    log_in(client, "admin@ville-de-demo.test")

    choose = client.get(reverse("front:home")).content.decode()
    assert choose.count(">démo</span>") == 2
    page = client.get(reverse("front:dashboard", kwargs={"org": ville.slug})).content.decode()
    assert "Organisation de démonstration" in page


def test_a_real_organisation_carries_no_demo_notice(client, admin, organisation):
    client.force_login(admin)
    page = client.get(reverse("front:dashboard", kwargs={"org": organisation.slug}))
    assert "Organisation de démonstration" not in page.content.decode()


def test_the_demo_is_refused_in_production_unless_asked_for(settings):
    settings.PARVIS_ENV = "production"
    with pytest.raises(CommandError, match="mot de passe public"):
        call_command("demo")
    assert not Organisation.objects.exists()
    call_command("demo", "--production")
    assert Organisation.objects.filter(is_demo=True).count() == 2


def test_the_demo_charter_of_moderation_is_public(client):
    ville, _ = load_demo()
    response = client.get(reverse("charters:charter", kwargs={"org": ville.slug}))
    assert response.status_code == 200
    assert "Insultes et attaques personnelles" in response.content.decode()


def test_the_demo_objectives_show_progress_computed_from_its_training_accounts():
    from parvis.strategy import objectives
    from parvis.strategy.models import Kpi, Objective

    ville, _ = load_demo()
    found = {
        item.kpi: objectives.measure(item).progress(item)
        for item in Objective.objects.filter(organisation=ville)
    }
    # 2,400 followers on the way from 1,800 to 3,000; 3.5 posts a week on the way from 2 to 5.
    assert found[Kpi.FOLLOWERS] == pytest.approx(0.5)
    assert found[Kpi.POSTS_PER_WEEK] == pytest.approx(0.5)
    assert found[Kpi.RESPONSE_TIME] is None
    accounts = ville.connected_accounts.all()
    assert {a.network for a in accounts} == {"sandbox"}
    load_demo()
    assert ville.posts.count() == 14  # a second run publishes nothing more
