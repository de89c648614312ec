"""The real Bluesky servers for the tests that need them: one network for the whole run.

``bluesky_network`` (session scope) starts PostgreSQL when the run's own database is not
PostgreSQL (a throwaway cluster on 127.0.0.1, as ``scripts/with-postgres`` does), then the
Node harness of ``tests/bluesky/`` (PLC directory, PDS, AppView, Ozone from @atproto/dev-env,
all on 127.0.0.1). Each process is stopped by its PID by the fixture that started it.
``bluesky`` (per test) lets the outbound guard reach those ports and gives helpers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import selectors
import shutil
import signal
import socket
import string
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import jwt
import pytest

from parvis.connectors.base import AccountAccess, Connection
from parvis.connectors.bluesky.connect import login
from parvis.connectors.bluesky.connector import BlueskyConnector

ROOT = Path(__file__).resolve().parents[4]
HARNESS = ROOT / "tests" / "bluesky" / "network.mjs"
PRELOAD = ROOT / "tests" / "bluesky" / "loopback.cjs"
START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0
ACCOUNT_PASSWORD = "mot-de-passe-principal-123"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _fresh_schema() -> str:
    # dev-env wants letters and underscores only; the AppView keeps its data between runs.
    return "parvis_" + "".join(secrets.choice(string.ascii_lowercase) for _ in range(12))


def _wait_for_exit(pid: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.1)
    return False


# --- PostgreSQL ---------------------------------------------------------------------------------


@dataclass
class Postgres:
    url: str  # postgres://user@127.0.0.1:port/database
    schemas: list[str] = field(default_factory=list)

    def drop_schemas(self) -> None:
        """Drop what a run left in a server that outlives it (the run's own database)."""
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as connection:
            for schema in self.schemas:
                connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def _postgres_bin() -> Path:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not candidates:
        pytest.fail(
            "PostgreSQL introuvable, nécessaire aux tests Bluesky (l'AppView y range ses "
            "données) : installez-le (apt-get install postgresql) / PostgreSQL not found: "
            "install it (apt-get install postgresql).",
            pytrace=False,
        )
    return candidates[-1].parent


@contextlib.contextmanager
def _throwaway_cluster() -> Iterator[str]:
    """A PostgreSQL cluster in a temporary directory, on 127.0.0.1 only, stopped by its PID."""
    pg_bin = _postgres_bin()
    workdir = Path(tempfile.mkdtemp(prefix="parvis-bluesky-pg-"))
    workdir.chmod(0o755)
    as_owner: list[str] = []
    if os.geteuid() == 0:  # root cannot run initdb
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        shutil.chown(workdir, "postgres", "postgres")
        as_owner = [runuser, "-u", "postgres", "--"]
    port = _free_port()
    data = workdir / "data"
    try:
        subprocess.run(
            [*as_owner, str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"],
            check=True, capture_output=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={workdir} "
            "-c fsync=off -c max_connections=200"
        )
        subprocess.run(
            [*as_owner, str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(workdir / "log"),
             "-w", "-s", "-o", options, "start"],
            check=True, capture_output=True,
        )  # fmt: skip
    except (subprocess.CalledProcessError, OSError) as error:
        shutil.rmtree(workdir, ignore_errors=True)
        detail = (
            error.stderr.decode() if isinstance(error, subprocess.CalledProcessError) else error
        )
        pytest.fail(
            f"PostgreSQL n'a pas démarré / PostgreSQL did not start: {detail}", pytrace=False
        )
    pid = int((data / "postmaster.pid").read_text().split()[0])
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGINT)  # fast shutdown
        _wait_for_exit(pid, STOP_TIMEOUT)
        shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def postgres_for_bluesky() -> Iterator[Postgres]:
    """The run's PostgreSQL server when it has one (fresh schemas), else a throwaway one."""
    _check_node()  # before starting anything
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        postgres = Postgres(url)
        yield postgres
        postgres.drop_schemas()
        return
    with _throwaway_cluster() as throwaway:
        yield Postgres(throwaway)


@pytest.fixture(scope="session")
def bluesky_postgres() -> Iterator[Postgres]:
    with postgres_for_bluesky() as postgres:
        yield postgres


# --- The Node harness ---------------------------------------------------------------------------


@dataclass
class Network:
    pds: str
    plc: str
    appview: str
    control: str
    ports: list[int]
    jwt_secret: str
    startup_ms: int = 0

    @property
    def allowed(self) -> list[str]:
        """Outbound allowance for the network's ports, by address and by the name it uses."""
        ports = [*self.ports, urlsplit(self.control).port]
        return [f"127.0.0.1:{port}" for port in ports] + [f"localhost:{port}" for port in ports]

    def process_all(self) -> None:
        """Wait until the AppView has indexed everything written so far."""
        response = httpx.post(f"{self.control}/process-all", timeout=30)
        response.raise_for_status()


def _check_node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js (20 ou plus) est nécessaire aux tests Bluesky : installez-le "
            "(apt-get install nodejs npm) puis `npm ci` / Node.js 20+ is needed: install it, "
            "then run `npm ci`.",
            pytrace=False,
        )
    if not (ROOT / "node_modules" / "@atproto" / "dev-env").is_dir():
        pytest.fail(
            "node_modules/@atproto/dev-env manque : lancez `npm ci` à la racine du dépôt / "
            "run `npm ci` at the root of the repository.",
            pytrace=False,
        )
    return node


def _read_ready_line(process: subprocess.Popen[bytes], log: Path) -> dict[str, Any]:
    assert process.stdout is not None
    selector = selectors.DefaultSelector()
    selector.register(process.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + START_TIMEOUT
    buffer = b""
    try:
        while time.monotonic() < deadline:
            if not selector.select(timeout=0.5):
                if process.poll() is not None:
                    break
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                with contextlib.suppress(ValueError):
                    message = json.loads(line)
                    if isinstance(message, dict) and message.get("ready"):
                        return message
    finally:
        selector.close()
    process.kill()
    process.wait()
    pytest.fail(
        f"Le réseau Bluesky local n'a pas démarré / the local Bluesky network did not start:\n"
        f"{log.read_text(errors='replace')[-4000:]}",
        pytrace=False,
    )


def _drain(stream: Any) -> None:
    """Keep reading the harness's stdout so that it never blocks on a full pipe."""
    with contextlib.suppress(OSError, ValueError):
        while stream.read(65536):
            pass


@pytest.fixture(scope="session")
def bluesky_network(bluesky_postgres: Postgres) -> Iterator[Network]:
    with running_network(bluesky_postgres) as network:
        yield network


@contextlib.contextmanager
def running_network(bluesky_postgres: Postgres) -> Iterator[Network]:
    """The Node harness (PLC, PDS, AppView, Ozone) on 127.0.0.1, stopped by its PID after."""
    node = _check_node()
    schema = _fresh_schema()
    bluesky_postgres.schemas += [f"appview_{schema}", f"ozone_{schema}"]
    log = Path(tempfile.mkstemp(prefix="parvis-bluesky-network-", suffix=".log")[1])
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", tempfile.gettempdir()),
        "DB_POSTGRES_URL": bluesky_postgres.url,
        "DB_POSTGRES_SCHEMA": schema,
        "REDIS_HOST": "127.0.0.1",  # required by dev-env, never connected to
        "NODE_ENV": "test",
    }
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [node, "--require", str(PRELOAD), str(HARNESS)],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log_file,
        )
    try:
        ready = _read_ready_line(process, log)
        threading.Thread(target=_drain, args=(process.stdout,), daemon=True).start()
        yield Network(
            pds=ready["pds"],
            plc=ready["plc"],
            appview=ready["appview"],
            control=ready["control"],
            ports=[int(port) for port in ready["ports"]],
            jwt_secret=ready["jwt_secret"],
            startup_ms=int(ready.get("startup_ms", 0)),
        )
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if process.stdin is not None:
            process.stdin.close()
        log.unlink(missing_ok=True)


# --- Accounts and connectors --------------------------------------------------------------------


@dataclass
class Person:
    """An account on the local PDS, with its main session (to act as its owner)."""

    handle: str
    did: str
    access_jwt: str
    app_password: str = ""


@dataclass
class Saved:
    """What a connector reported back to the account row."""

    credentials: list[dict[str, Any]] = field(default_factory=list)


class Bluesky:
    """Helpers of a test: create people, connect them, forge tokens, wait for the AppView."""

    def __init__(self, network: Network, sessions: dict[str, Connection] | None = None) -> None:
        self.network = network
        self.xrpc = httpx.Client(base_url=f"{network.pds}/xrpc", timeout=30)
        # Opening a session costs the PDS a scrypt per app password: one per person and run.
        self._sessions = sessions if sessions is not None else {}

    def close(self) -> None:
        self.xrpc.close()

    def person(self, name: str) -> Person:
        """A new account ``<name>-<random>.test`` with an app password."""
        handle = f"{name}-{secrets.token_hex(3)}.test"
        response = self.xrpc.post(
            "/com.atproto.server.createAccount",
            json={"handle": handle, "email": f"{handle}@example.org", "password": ACCOUNT_PASSWORD},
        )
        response.raise_for_status()
        created = response.json()
        person = Person(handle=handle, did=created["did"], access_jwt=created["accessJwt"])
        person.app_password = self.app_password(person, "parvis")
        return person

    def app_password(self, person: Person, name: str) -> str:
        response = self.xrpc.post(
            "/com.atproto.server.createAppPassword",
            json={"name": name},
            headers={"Authorization": f"Bearer {person.access_jwt}"},
        )
        response.raise_for_status()
        return str(response.json()["password"])

    def revoke_app_password(self, person: Person, name: str) -> None:
        response = self.xrpc.post(
            "/com.atproto.server.revokeAppPassword",
            json={"name": name},
            headers={"Authorization": f"Bearer {person.access_jwt}"},
        )
        response.raise_for_status()

    def connector(
        self, person: Person, password: str | None = None, *, fresh: bool = False
    ) -> tuple[BlueskyConnector, Saved]:
        """A connector for ``person``, connected as an administrator would, and its reports.

        The session is shared by the tests of the run unless ``fresh`` (or another password)
        asks for one of its own, for a test that revokes it.
        """
        if fresh or password is not None or person.handle not in self._sessions:
            connection = login(person.handle, password or person.app_password, self.network.pds)
            if not fresh and password is None:
                self._sessions[person.handle] = connection
        else:
            connection = self._sessions[person.handle]
        saved = Saved()

        def save(credentials: dict[str, Any]) -> None:
            saved.credentials.append(dict(credentials))

        access = AccountAccess(
            service_url=connection.service_url,
            handle=connection.account.handle,
            remote_id=connection.account.remote_id,
            credentials=dict(connection.credentials),
            save_credentials=save,
        )
        return BlueskyConnector(access), saved

    def record(self, uri: str) -> dict[str, Any]:
        """A record as the PDS stores it (com.atproto.repo.getRecord, raw JSON)."""
        did, collection, rkey = uri[len("at://") :].split("/")
        response = self.xrpc.get(
            "/com.atproto.repo.getRecord",
            params={"repo": did, "collection": collection, "rkey": rkey},
        )
        response.raise_for_status()
        return dict(response.json())

    def records(self, did: str, collection: str) -> list[dict[str, Any]]:
        response = self.xrpc.get(
            "/com.atproto.repo.listRecords",
            params={"repo": did, "collection": collection, "limit": 100},
        )
        response.raise_for_status()
        return list(response.json()["records"])

    def forged_access_token(self, access_jwt: str, *, expired: bool, secret: str = "") -> str:
        """The same access token, expired (signed with the PDS's secret) or not signed right."""
        claims = jwt.decode(access_jwt, options={"verify_signature": False})
        now = int(dt.datetime.now(dt.UTC).timestamp())
        claims["exp"] = now - 60 if expired else now + 3600
        claims["iat"] = now - 120
        return jwt.encode(
            claims,
            secret or self.network.jwt_secret,
            algorithm="HS256",
            headers={"typ": "at+jwt"},
        )


@pytest.fixture(scope="session")
def _sessions() -> dict[str, Connection]:
    return {}


@pytest.fixture
def bluesky(
    settings: Any, bluesky_network: Network, _sessions: dict[str, Connection]
) -> Iterator[Bluesky]:
    settings.PARVIS_HTTP_ALLOWED_PRIVATE = bluesky_network.allowed
    helper = Bluesky(bluesky_network, _sessions)
    yield helper
    helper.close()


@pytest.fixture(scope="session")
def _people(bluesky_network: Network) -> dict[str, Person]:
    helper = Bluesky(bluesky_network)
    try:
        return {name: helper.person(name) for name in ("mairie", "alice")}
    finally:
        helper.close()


@pytest.fixture
def town_hall(_people: dict[str, Person]) -> Person:
    """The account Parvis manages (the town hall's)."""
    return _people["mairie"]


@pytest.fixture
def citizen(_people: dict[str, Person]) -> Person:
    """Someone on Bluesky who talks to the town hall."""
    return _people["alice"]
