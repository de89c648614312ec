"""Who an account is and where it lives: handle → DID → DID document → PDS.

A handle (``mairie-exemple.fr``, ``ville.bsky.social``) points to a DID, proven by a DNS TXT
record or an HTTPS file; the DID document, kept by the PLC directory (``did:plc``) or by the
domain itself (``did:web``), names the account's server, its PDS. Every request goes
through the outbound wrapper; DNS TXT is read by asking a service that does
(``com.atproto.identity.resolveHandle``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, urlsplit

from parvis.connectors.bluesky.xrpc import XrpcError, sdk_client
from parvis.core.http import OutboundError, request

DEFAULT_PLC_DIRECTORY = "https://plc.directory"
# Bluesky's public AppView answers resolveHandle for DNS- and HTTPS-verified handles alike.
DEFAULT_HANDLE_RESOLVER = "https://public.api.bsky.app"
PDS_SERVICE_ID = "#atproto_pds"
PDS_SERVICE_TYPE = "AtprotoPersonalDataServer"

_HANDLE = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)
_DID = re.compile(r"^did:(?:plc:[a-z2-7]{24}|web:[a-zA-Z0-9.%:-]+)$")
_PROFILE_URL = re.compile(r"^https?://(?:www\.)?bsky\.app/profile/([^/?#]+)", re.IGNORECASE)


def normalise_handle(text: str) -> str:
    """``@Ville.bsky.social``, a bsky.app profile address or a DID, as the bare identifier."""
    value = text.strip()
    match = _PROFILE_URL.match(value)
    if match:
        value = match.group(1)
    value = value.lstrip("@").strip()
    return value if value.startswith("did:") else value.lower().rstrip(".")


def is_handle(value: str) -> bool:
    return bool(_HANDLE.match(value))


def is_did(value: str) -> bool:
    return bool(_DID.match(value))


def resolve_handle(handle: str, service_url: str) -> str | None:
    """The DID of ``handle`` according to ``service_url``; None when it knows no such handle."""
    with sdk_client(service_url) as client:
        try:
            answer = client.com.atproto.identity.resolve_handle({"handle": handle})
        except XrpcError as error:
            if error.status in (400, 404):
                return None
            raise
    did = str(answer.did)
    return did if is_did(did) else None


def well_known_did(handle: str) -> str | None:
    """The DID published at ``https://<handle>/.well-known/atproto-did``, if any."""
    try:
        response = request("GET", f"https://{handle}/.well-known/atproto-did")
    except OutboundError:
        return None
    did = response.text.strip()
    return did if is_did(did) else None


def did_document(did: str, plc_url: str = DEFAULT_PLC_DIRECTORY) -> dict[str, Any]:
    """The DID document of ``did`` (PLC directory or did:web host); OutboundError if none."""
    if did.startswith("did:web:"):
        host = did[len("did:web:") :].replace("%3A", ":")
        url = f"https://{host}/.well-known/did.json"
    else:
        url = f"{plc_url.rstrip('/')}/{quote(did, safe=':')}"
    response = request("GET", url, headers={"Accept": "application/json"})
    document = response.json()
    return document if isinstance(document, dict) else {}


def pds_endpoint(document: Mapping[str, Any] | Any) -> str | None:
    """The PDS a DID document names (service ``#atproto_pds``), or None."""
    if not isinstance(document, Mapping):
        to_dict = getattr(document, "to_dict", None)
        document = to_dict() if callable(to_dict) else {}
    for service in document.get("service") or ():
        if not isinstance(service, Mapping):
            continue
        identifier = str(service.get("id") or "")
        if not identifier.endswith(PDS_SERVICE_ID) or service.get("type") != PDS_SERVICE_TYPE:
            continue
        endpoint = service.get("serviceEndpoint")
        if isinstance(endpoint, str) and urlsplit(endpoint).scheme in ("http", "https"):
            return endpoint.rstrip("/")
    return None
