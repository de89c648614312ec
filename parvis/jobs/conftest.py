"""Fixtures of the background-work tests: real ``parvis worker`` processes on the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from parvis.jobs.tests.tasks import PROBE_TABLE

ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    """DATABASE_URL of the test database, for the worker subprocesses."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        name = str(db["NAME"])
        if "mode=memory" in name or name == ":memory:":
            pytest.skip("base SQLite en mémoire : invisible pour un autre processus")
        return f"sqlite:///{name}"
    user = quote(db.get("USER") or "")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def start_worker(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Starts ``parvis worker`` subprocesses; every one is killed by its PID at the end.

    Their logs go to ``<tmp_path>/worker-<id>.log``: a pipe nobody reads would fill up and
    block a worker in the middle of its work.
    """
    started: list[subprocess.Popen[bytes]] = []
    logs = []
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "parvis.settings",
        "DATABASE_URL": database_url(),
        "PARVIS_ENV": "test",
        "PARVIS_LOG_FORMAT": "text",
        "PARVIS_EMAIL_BACKEND": "console",
    }

    def start(worker_id: str, *extra: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"worker-{worker_id}.log").open("ab")
        logs.append(log)
        process = subprocess.Popen(  # noqa: S603 — our interpreter, our module
            [
                sys.executable,
                "-m",
                "parvis.cli",
                "worker",
                "--worker-id",
                worker_id,
                "--interval",
                "0.05",
                "--heartbeat",
                "0.5",
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    for log in logs:
        log.close()


def wait_for(condition: Callable[[], object], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.fixture
def probe_table(transactional_db: None) -> Iterator[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PROBE_TABLE} (job integer NOT NULL, worker varchar(64) NOT NULL)"
        )
    yield PROBE_TABLE
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {PROBE_TABLE}")
