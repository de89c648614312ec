"""Fixtures shared by every test: named people for each role, and an outsider."""

from __future__ import annotations

import pytest

from parvis.accounts.models import User
from parvis.organisations.models import Membership, Organisation, OrganisationKind, Role

PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(email: str, full_name: str = "") -> User:
    return User.objects.create_user(email, PASSWORD, full_name=full_name)


@pytest.fixture
def organisation(db: None) -> Organisation:
    return Organisation.objects.create(
        name="Commune de Test", slug="commune-de-test", kind=OrganisationKind.COMMUNE
    )


@pytest.fixture
def other_organisation(db: None) -> Organisation:
    return Organisation.objects.create(
        name="Préfecture de Test", slug="prefecture-de-test", kind=OrganisationKind.STATE_SERVICE
    )


def _member(organisation: Organisation, email: str, role: str) -> User:
    user = make_user(email, email.split("@", maxsplit=1)[0].capitalize())
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


@pytest.fixture
def admin(organisation: Organisation) -> User:
    return _member(organisation, "alice@commune.test", Role.ADMIN)


@pytest.fixture
def community_manager(organisation: Organisation) -> User:
    return _member(organisation, "carole@commune.test", Role.COMMUNITY_MANAGER)


@pytest.fixture
def contributor(organisation: Organisation) -> User:
    return _member(organisation, "bruno@commune.test", Role.CONTRIBUTOR)


@pytest.fixture
def reader(organisation: Organisation) -> User:
    return _member(organisation, "denise@commune.test", Role.READER)


@pytest.fixture
def outsider(other_organisation: Organisation) -> User:
    """A member of another organisation, who must see nothing of ``organisation``."""
    return _member(other_organisation, "oscar@prefecture.test", Role.ADMIN)


@pytest.fixture(autouse=True)
def _french(settings) -> None:  # type: ignore[no-untyped-def]
    settings.LANGUAGE_CODE = "fr"
