"""ProConnect end to end, against a real OpenID provider (panva's oidc-provider, run by Node).

The provider (tests/oidc_provider/server.mjs) listens on 127.0.0.1, signs its userinfo answers
(application/jwt) as ProConnect does, and is stopped by PID at the end of the module.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.urls import reverse

from conftest import make_user
from parvis.accounts import proconnect as proconnect_module
from parvis.accounts.models import User
from parvis.accounts.oidc_endpoints import proconnect_endpoints
from parvis.organisations.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]
SERVER = ROOT / "tests" / "oidc_provider" / "server.mjs"
CLIENT_ID = "parvis-test-client"
CLIENT_SECRET = "parvis-test-secret-that-is-long-enough"
AGENT = {
    "email": "Camille.Agent@Interieur.Gouv.fr",
    "given_name": "Camille",
    "usual_name": "Agent",
    "siret": "11000101300017",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def oidc_provider(live_server) -> Iterator[str]:
    """Start the provider for this module's live server; yield its base URL (the issuer)."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "oidc-provider").is_dir():
        pytest.skip(
            "Node or node_modules/oidc-provider missing: run `npm ci` (scripts/check-system)"
        )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URI": f"{live_server.url}{reverse('accounts:oidc_authentication_callback')}",
        "OIDC_POST_LOGOUT_REDIRECT_URI": f"{live_server.url}{reverse('accounts:login')}",
        "OIDC_ACCOUNT_CLAIMS": json.dumps(AGENT),
    }
    process = subprocess.Popen(
        [node, str(SERVER), str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                discovery = requests.get(f"{base}/.well-known/openid-configuration", timeout=1)
                if discovery.ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read().decode() if process.stdout else ""
                pytest.fail(f"the OpenID provider did not start:\n{output}")
            time.sleep(0.1)
        assert discovery.json()["issuer"] == base
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture
def proconnect(settings, oidc_provider: str) -> str:
    """Parvis configured as it would be with PARVIS_PROCONNECT_DOMAIN=<provider URL>."""
    endpoints = proconnect_endpoints(oidc_provider, allow_http=True)
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.PROCONNECT_ISSUER = endpoints.issuer
    settings.PROCONNECT_END_SESSION_ENDPOINT = endpoints.end_session
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = endpoints.authorization
    settings.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
    settings.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
    settings.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "parvis.accounts.proconnect.ProConnectBackend",
    ]
    return oidc_provider


class FormParser(HTMLParser):
    """The first form of a page: its action and its named fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action: str | None = None
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and self.action is None:
            self.action = values.get("action") or ""
        elif tag == "input" and self.action is not None and values.get("name"):
            self.fields[str(values["name"])] = values.get("value") or ""


def submit_form(session: requests.Session, page: requests.Response, **fields: str):
    parser = FormParser()
    parser.feed(page.text)
    assert parser.action is not None, page.text
    data = {**parser.fields, **fields}
    return session.post(urljoin(page.url, parser.action), data=data, timeout=10)


def log_in_with_proconnect(live_server, login: str) -> tuple[requests.Session, requests.Response]:
    """A browser's journey: Parvis → provider's login and consent pages → back to Parvis."""
    session = requests.Session()
    page = session.get(f"{live_server.url}{reverse('accounts:login')}", timeout=10)
    assert "S'identifier avec" in page.text
    page = session.get(
        f"{live_server.url}{reverse('accounts:oidc_authentication_init')}", timeout=10
    )
    assert 'name="login"' in page.text, page.text  # the provider's sign-in page
    page = submit_form(session, page, login=login, password="anything")
    if 'name="prompt" value="consent"' in page.text:
        page = submit_form(session, page)
    return session, page


def test_a_new_agent_logs_in_with_proconnect_and_gets_an_account(
    live_server, proconnect, monkeypatch
):
    verified: list[dict[str, object]] = []
    original = proconnect_module.verify_signed_userinfo

    def spy(token, key, **kwargs):
        claims = original(token, key, **kwargs)
        verified.append(claims)
        return claims

    monkeypatch.setattr(proconnect_module, "verify_signed_userinfo", spy)
    session, page = log_in_with_proconnect(live_server, "agent-sub-42")
    assert [claims["siret"] for claims in verified] == [AGENT["siret"]]  # a signed JWT came
    assert page.url == f"{live_server.url}/"
    assert "Demandez à un administrateur de vous inviter" in page.text
    user = User.objects.get(email__iexact=AGENT["email"])
    assert user.email == "camille.agent@interieur.gouv.fr"
    assert user.proconnect_sub == "agent-sub-42"
    assert user.full_name == "Camille Agent"
    assert not user.has_usable_password()
    assert not Membership.objects.filter(user=user).exists()
    account = session.get(f"{live_server.url}{reverse('accounts:account')}", timeout=10)
    assert "Ce compte est relié à ProConnect." in account.text
    assert "Camille Agent" in account.text


def test_an_existing_account_is_matched_by_email_whatever_its_case(live_server, proconnect):
    existing = make_user("camille.agent@interieur.gouv.fr", "Camille A.")
    session, page = log_in_with_proconnect(live_server, "agent-sub-43")
    assert page.url == f"{live_server.url}/"
    assert User.objects.count() == 1
    existing.refresh_from_db()
    assert existing.proconnect_sub == "agent-sub-43"
    assert existing.full_name == "Camille A."  # a name the person chose is kept

    # Logging out also closes the ProConnect session, with the id_token_hint it needs.
    csrf = session.cookies.get("csrftoken") or session.get(
        f"{live_server.url}{reverse('accounts:account')}", timeout=10
    ).cookies.get("csrftoken")
    response = session.post(
        f"{live_server.url}{reverse('accounts:logout')}",
        data={"csrfmiddlewaretoken": session.cookies.get("csrftoken", csrf)},
        headers={"Referer": live_server.url + "/"},
        allow_redirects=False,
        timeout=10,
    )
    location = response.headers["Location"]
    assert location.startswith(f"{proconnect}/session/end?")
    query = parse_qs(urlsplit(location).query)
    assert query["id_token_hint"][0].count(".") == 2
    assert query["post_logout_redirect_uri"] == [f"{live_server.url}{reverse('accounts:login')}"]
    assert session.get(
        f"{live_server.url}{reverse('accounts:account')}", timeout=10
    ).url.startswith(f"{live_server.url}{reverse('accounts:login')}")


def test_an_agent_with_two_factor_still_owes_a_code(live_server, proconnect):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = make_user("camille.agent@interieur.gouv.fr", "Camille")
    TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    _session, page = log_in_with_proconnect(live_server, "agent-sub-44")
    assert page.url.startswith(f"{live_server.url}{reverse('accounts:two_factor_verify')}")
