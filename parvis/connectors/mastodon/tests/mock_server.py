"""mastodon-mock (a third party's stateful imitation of the Mastodon API) as a real process.

Started on 127.0.0.1 with two seeded local accounts and stopped by its process id.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from parvis.core.http.tests.servers import free_port

ACCOUNTS = {"ville": "ville_token", "habitant": "habitant_token", "journaliste": "presse_token"}


@dataclass(frozen=True)
class MockInstance:
    url: str
    port: int
    tokens: dict[str, str]


def _config(port: int) -> str:
    accounts = "\n".join(
        f'[[seed.accounts]]\nusername = "{name}"\ndisplay_name = "{name.capitalize()}"\n'
        f'access_token = "{token}"\n'
        for name, token in ACCOUNTS.items()
    )
    return (
        f'domain = "127.0.0.1:{port}"\nurl_scheme = "http"\ntitle = "Instance de test"\n'
        f'[server]\nhost = "127.0.0.1"\nport = {port}\n'
        f'[database]\npath = ":memory:"\n{accounts}'
    )


@contextlib.contextmanager
def running_mock(folder: Path) -> Iterator[MockInstance]:
    port = free_port()
    config = folder / "mastodon_mock.toml"
    config.write_text(_config(port))
    log = (folder / "mastodon_mock.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "mastodon_mock", "serve", "--config", str(config),
         "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=folder,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/api/v1/instance", timeout=2):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"mastodon-mock did not start: {(folder / 'mastodon_mock.log').read_text()}"
                    ) from None
                time.sleep(0.1)
        yield MockInstance(url=url, port=port, tokens=dict(ACCOUNTS))
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        log.close()
