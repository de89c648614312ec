"""Backup and restore of a real SQLite instance, through the ``parvis`` command."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def instance(tmp_path: Path):
    """A migrated SQLite instance in a temporary data directory, driven by subprocesses."""
    data = tmp_path / "data"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parvis.settings",
        "PARVIS_ENV": "test",
        "PARVIS_DATA_DIR": str(data),
        "DATABASE_URL": f"sqlite:///{data / 'parvis.sqlite3'}",
        "PARVIS_LOG_LEVEL": "WARNING",
    }

    def parvis(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        completed = subprocess.run(
            [sys.executable, "-m", "parvis.cli", *args],
            check=False,
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        if check:
            assert completed.returncode == 0, completed.stderr
        return completed

    parvis("migrate", "--no-input", "-v", "0")
    parvis.data = data  # type: ignore[attr-defined]
    return parvis


def organisations(database: Path) -> list[str]:
    with sqlite3.connect(database) as db:
        return [row[0] for row in db.execute("SELECT slug FROM organisations_organisation")]


CREATE_ORG = (
    "from parvis.organisations.models import Organisation; "
    "Organisation.objects.create(name='Avant', slug='avant', kind='commune')"
)
BEAT = (
    "from django.utils import timezone; from parvis.jobs.models import WorkerHeartbeat; "
    "now = timezone.now(); WorkerHeartbeat.objects.create(worker_id='w', hostname='h', pid=1, "
    "started_at=now, last_seen=now)"
)


def test_a_backup_restores_the_database_and_the_media(instance):
    data: Path = instance.data
    database = data / "parvis.sqlite3"
    instance("shell", "-c", CREATE_ORG)
    (data / "media" / "logos").mkdir(parents=True)
    (data / "media" / "logos" / "blason.png").write_bytes(b"avant")

    out = instance("backup").stdout
    [backup] = sorted((data / "backups").glob("parvis-*.sqlite3"))
    assert str(backup) in out
    assert backup.with_name(backup.stem + "-media.tar.gz").is_file()
    assert oct(backup.stat().st_mode & 0o777) == "0o600"

    # Life goes on after the backup.
    instance(
        "shell",
        "-c",
        "from parvis.organisations.models import Organisation as O; O.objects.all().delete()",
    )
    (data / "media" / "logos" / "blason.png").write_bytes(b"apres")
    assert organisations(database) == []

    instance("restore", str(backup))

    assert organisations(database) == ["avant"]
    assert (data / "media" / "logos" / "blason.png").read_bytes() == b"avant"
    assert organisations(data / "parvis.sqlite3.before-restore") == []
    assert (data / "media.before-restore" / "logos" / "blason.png").read_bytes() == b"apres"


def test_a_backup_can_be_written_to_a_chosen_file(instance, tmp_path):
    target = tmp_path / "elsewhere" / "copie.sqlite3"
    instance("backup", str(target))
    assert target.is_file()
    assert (tmp_path / "elsewhere" / "copie-media.tar.gz").is_file()
    assert instance("backup", str(target), check=False).returncode != 0  # never overwrites


def test_restore_refuses_while_a_worker_is_alive_unless_forced(instance):
    instance("backup")
    [backup] = (instance.data / "backups").glob("*.sqlite3")
    instance("shell", "-c", BEAT)

    refused = instance("restore", str(backup), check=False)
    assert refused.returncode != 0
    assert "worker" in refused.stderr
    assert "--force" in refused.stderr

    instance("restore", "--force", str(backup))


def test_restore_refuses_a_damaged_file(instance, tmp_path):
    damaged = tmp_path / "abime.sqlite3"
    damaged.write_bytes(b"SQLite format 3\x00" + b"\xff" * 5000)
    refused = instance("restore", str(damaged), check=False)
    assert refused.returncode != 0
    assert "abime.sqlite3" in refused.stderr
    assert organisations(instance.data / "parvis.sqlite3") == []  # untouched


def test_backup_and_restore_point_to_pg_dump_on_postgresql(instance, tmp_path):
    for command in (["backup"], ["restore", str(tmp_path / "x.sqlite3")]):
        completed = subprocess.run(
            [sys.executable, "-m", "parvis.cli", *command],
            check=False,
            cwd=ROOT,
            env={
                **os.environ,
                "PARVIS_ENV": "test",
                "PARVIS_DATA_DIR": str(instance.data),
                "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",
            },
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert completed.returncode != 0
        assert "pg_dump" in completed.stderr
        assert "pg_restore" in completed.stderr
