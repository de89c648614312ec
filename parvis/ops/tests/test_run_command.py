"""``parvis run`` (what ``make run`` ends with): web server and worker, stopped by Ctrl-C."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from parvis.core.http.tests.servers import free_port
from parvis.jobs.conftest import database_url, wait_for
from parvis.ops.management.commands.run import port_is_free

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def run_parvis() -> Iterator[list[subprocess.Popen[str]]]:
    """``parvis run`` processes, each in its own process group, killed by group at the end."""
    started: list[subprocess.Popen[str]] = []
    yield started
    for process in started:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def start(started: list[subprocess.Popen[str]], port: int) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "parvis.cli", "run", "--port", str(port)],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "parvis.settings",
            "DATABASE_URL": database_url(),
            "PARVIS_ENV": "test",
            "PARVIS_LOG_FORMAT": "text",
        },
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own group, as a terminal gives to `make run`
    )
    started.append(process)
    return process


def health(port: int) -> dict[str, Any]:
    """/healthz as JSON, whether it answers 200 or 503 (no worker yet)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return dict(json.load(response))
    except urllib.error.HTTPError as error:
        return dict(json.load(error))


def group_is_gone(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return True
    return False


def test_run_serves_once_ready_and_ctrl_c_stops_the_web_server_and_the_worker(run_parvis):
    port = free_port()
    process = start(run_parvis, port)
    assert process.stdout is not None
    banner = [process.stdout.readline() for _ in range(2)]

    # The address is printed once the server answers, followed by the demo logins.
    assert banner[0].strip().endswith(f"Parvis est prêt : http://127.0.0.1:{port}/")
    assert "demo-parvis-2026" in banner[1]
    assert health(port)["database"] == "ok"
    wait_for(lambda: health(port)["worker"]["status"] == "ok", 60, "the worker's heartbeat")

    os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in the terminal
    assert process.wait(timeout=30) == 0
    assert "Parvis est arrêté." in process.stdout.read()
    wait_for(lambda: group_is_gone(process.pid), 10, "every child process to exit")
    assert port_is_free("127.0.0.1", port)  # as a new `parvis run` would check it


def test_run_on_a_port_in_use_says_so_and_starts_nothing(run_parvis):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        process = start(run_parvis, port)
        _, errors = process.communicate(timeout=60)

    assert process.returncode != 0
    assert f"Le port {port} est déjà utilisé" in errors
    assert "Parvis est prêt" not in errors
    time.sleep(0.2)
    assert group_is_gone(process.pid)
