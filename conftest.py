"""Fixtures shared by every test: named people for each role, and an outsider."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from parvis.accounts.models import User
from parvis.organisations.models import Membership, Organisation, OrganisationKind, Role

PASSWORD = "correct horse battery staple"  # noqa: S105


def raw_column(instance: Any, field: str) -> str:
    """What the database itself holds in ``field`` of ``instance``'s row (no field decoding)."""
    column = instance._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {instance._meta.db_table} WHERE id = %s",  # noqa: S608
            [instance.pk],
        )
        return str(cursor.fetchone()[0])


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


@pytest.fixture
def jobs_run_on_commit(settings, django_capture_on_commit_callbacks):
    """``with jobs_run_on_commit():`` runs the jobs enqueued inside, once committed.

    The jobs run in the test's process (django-tasks' immediate backend), on Parvis's queues.
    """
    queues = settings.TASKS["default"].get("QUEUES", [])
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": queues,
        }
    }
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture(autouse=True)
def _french(settings) -> None:
    settings.LANGUAGE_CODE = "fr"


# --- Database of the test run (parvis.jobs) ----------------------------------------------------
@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix: None) -> None:
    """SQLite test database in a file, not in memory: worker subprocesses must see it."""
    from django.conf import settings
    from django.db import connections

    database: dict[str, Any] = connections["default"].settings_dict
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database["TEST"].get("NAME"):
        database["TEST"]["NAME"] = str(settings.DATA_DIR / "test.sqlite3")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``postgres_only`` are skipped unless the database is PostgreSQL."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip = pytest.mark.skip(reason="PostgreSQL uniquement (scripts/with-postgres)")
        for item in items:
            if item.get_closest_marker("postgres_only"):
                item.add_marker(skip)
