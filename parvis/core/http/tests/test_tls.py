"""Over TLS, the connection goes to the vetted address but SNI and certificate use the name."""

from __future__ import annotations

import datetime as dt
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from parvis.core import http
from parvis.core.http.guard import Guard, parse_allowance
from parvis.core.http.tests.servers import RecordingServer, Reply
from parvis.core.http.tests.test_client import local_policy
from parvis.core.http.tests.test_guard import fake_resolver

NAME = "mastodon.test"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(NAME)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    folder = tmp_path_factory.mktemp("tls")
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return folder / "cert.pem", folder / "key.pem"


@pytest.fixture
def tls_server(certificate):
    cert, key = certificate
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server_names: list[str | None] = []
    context.sni_callback = lambda _sock, name, _ctx: server_names.append(name)
    server = RecordingServer(lambda _r: Reply(200, "ok"), tls=context).start()
    server.server_names = server_names  # type: ignore[attr-defined]
    yield server
    server.stop()


def named_policy():
    guard = Guard(
        allowance=parse_allowance(["127.0.0.1"]), resolver=fake_resolver({NAME: ["127.0.0.1"]})
    )
    return local_policy(guard=guard)


def test_httpx_sends_sni_and_checks_the_certificate_of_the_name(tls_server, certificate):
    trust = ssl.create_default_context(cafile=str(certificate[0]))
    with http.client(policy=named_policy(), verify=trust) as client:
        response = client.get(f"https://{NAME}:{tls_server.port}/")
    assert response.text == "ok"
    assert tls_server.server_names == [NAME]
    assert tls_server.received[0].headers["host"] == f"{NAME}:{tls_server.port}"


def test_requests_sends_sni_and_checks_the_certificate_of_the_name(tls_server, certificate):
    session = http.session(policy=named_policy())
    session.verify = str(certificate[0])
    response = session.get(f"https://{NAME}:{tls_server.port}/")
    assert response.text == "ok"
    assert tls_server.server_names == [NAME]
    assert tls_server.received[0].headers["host"] == f"{NAME}:{tls_server.port}"
