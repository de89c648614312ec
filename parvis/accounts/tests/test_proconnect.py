"""ProConnect: endpoints from the domain, the signed userinfo check, the login button."""

from __future__ import annotations

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse

from parvis.accounts.oidc_endpoints import proconnect_endpoints
from parvis.accounts.proconnect import ProConnectBackend, verify_signed_userinfo

ISSUER = "https://auth.agentconnect.gouv.fr/api/v2"
CLIENT_ID = "parvis-client"
CLAIMS = {"sub": "abc", "email": "agent@interieur.gouv.fr", "iss": ISSUER, "aud": CLIENT_ID}


def test_a_host_name_gives_proconnect_endpoints_under_api_v2():
    endpoints = proconnect_endpoints("auth.agentconnect.gouv.fr")
    assert endpoints.issuer == ISSUER
    assert endpoints.authorization == f"{ISSUER}/authorize"
    assert endpoints.token == f"{ISSUER}/token"
    assert endpoints.userinfo == f"{ISSUER}/userinfo"
    assert endpoints.jwks == f"{ISSUER}/jwks"
    assert endpoints.end_session == f"{ISSUER}/session/end"
    assert endpoints.discovery == f"{ISSUER}/.well-known/openid-configuration"


def test_a_full_url_is_the_base_as_it_is_and_http_only_outside_production():
    assert proconnect_endpoints("http://127.0.0.1:8080/", allow_http=True).token == (
        "http://127.0.0.1:8080/token"
    )
    with pytest.raises(ValueError, match="https"):
        proconnect_endpoints("http://127.0.0.1:8080")
    with pytest.raises(ValueError, match="hôte"):
        proconnect_endpoints("auth.example/api")
    assert proconnect_endpoints(None).authorization == ""


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_a_userinfo_signed_by_the_provider_is_accepted():
    key = rsa_key()
    token = jwt.encode(CLAIMS, key, algorithm="RS256")
    claims = verify_signed_userinfo(token, key.public_key(), audience=CLIENT_ID, issuer=ISSUER)
    assert claims["email"] == "agent@interieur.gouv.fr"


def test_a_userinfo_signed_by_another_key_is_refused():
    provider_key, forger_key = rsa_key(), rsa_key()
    forged = jwt.encode(CLAIMS, forger_key, algorithm="RS256")
    with pytest.raises(SuspiciousOperation, match="Signature"):
        verify_signed_userinfo(forged, provider_key.public_key(), audience=CLIENT_ID, issuer=ISSUER)


def test_a_tampered_userinfo_is_refused():
    key = rsa_key()
    header, _payload, signature = jwt.encode(CLAIMS, key, algorithm="RS256").split(".")
    other = jwt.encode({**CLAIMS, "email": "intrus@example.org"}, key, algorithm="RS256")
    tampered = ".".join([header, other.split(".")[1], signature])
    with pytest.raises(SuspiciousOperation):
        verify_signed_userinfo(tampered, key.public_key(), audience=CLIENT_ID, issuer=ISSUER)


def test_an_unsigned_or_hmac_userinfo_is_refused():
    key = rsa_key()
    unsigned = jwt.encode(CLAIMS, "", algorithm="none")
    with pytest.raises(SuspiciousOperation, match="refused algorithm"):
        verify_signed_userinfo(unsigned, key.public_key(), audience=CLIENT_ID, issuer=ISSUER)
    hmac = jwt.encode(CLAIMS, "s" * 32, algorithm="HS256")
    with pytest.raises(SuspiciousOperation, match="refused algorithm"):
        verify_signed_userinfo(hmac, key.public_key(), audience=CLIENT_ID, issuer=ISSUER)


@pytest.mark.parametrize(
    "claims",
    [
        {**CLAIMS, "aud": "another-client"},
        {**CLAIMS, "iss": "https://evil.example"},
        {k: v for k, v in CLAIMS.items() if k != "aud"},
    ],
    ids=["other audience", "other issuer", "no audience"],
)
def test_a_userinfo_for_someone_else_is_refused(claims):
    key = rsa_key()
    token = jwt.encode(claims, key, algorithm="RS256")
    with pytest.raises(SuspiciousOperation):
        verify_signed_userinfo(token, key.public_key(), audience=CLIENT_ID, issuer=ISSUER)


class FakeResponse:
    def __init__(self, body, content_type):
        self.body, self.headers = body, {"content-type": content_type}
        self.text = body if isinstance(body, str) else ""

    def raise_for_status(self):
        pass

    def json(self):
        return self.body


@pytest.fixture
def enabled(settings):
    settings.PROCONNECT_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "secret"
    endpoints = proconnect_endpoints("auth.agentconnect.gouv.fr")
    settings.PROCONNECT_ISSUER = endpoints.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = endpoints.authorization
    settings.OIDC_OP_TOKEN_ENDPOINT = endpoints.token
    settings.OIDC_OP_USER_ENDPOINT = endpoints.userinfo
    settings.OIDC_OP_JWKS_ENDPOINT = endpoints.jwks


def test_plain_json_userinfo_is_accepted_when_its_sub_matches(enabled, monkeypatch):
    body = {"sub": "abc", "email": "agent@interieur.gouv.fr"}
    monkeypatch.setattr(
        "parvis.accounts.proconnect.requests.get",
        lambda *a, **kw: FakeResponse(body, "application/json; charset=utf-8"),
    )
    backend = ProConnectBackend()
    assert backend.get_userinfo("token", "id", {"sub": "abc"}) == body
    with pytest.raises(SuspiciousOperation, match="sub"):
        backend.get_userinfo("token", "id", {"sub": "someone-else"})


def test_the_login_page_offers_proconnect_only_when_enabled(client, db, enabled):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "S'identifier avec" in html
    assert 'class="fr-connect__brand">ProConnect</span>' in html
    assert reverse("accounts:oidc_authentication_init") in html
    assert "<img" not in html.split('class="proconnect"', 1)[1].split("</section>", 1)[0]


def test_proconnect_urls_answer_404_while_disabled(client, db):
    assert client.get(reverse("accounts:oidc_authentication_init")).status_code == 404


def test_the_authentication_request_carries_proconnect_scopes(client, db, enabled):
    response = client.get(reverse("accounts:oidc_authentication_init"))
    location = response["Location"]
    assert location.startswith(f"{ISSUER}/authorize?")
    assert "scope=openid+email+given_name+usual_name+siret" in location
    assert "nonce=" in location
    assert "state=" in location
