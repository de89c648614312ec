"""ProConnect endpoints derived from one setting; imported by the settings, so no Django here.

``PARVIS_PROCONNECT_DOMAIN`` is either a host name, as ProConnect documents it
(``auth.agentconnect.gouv.fr``, ``fca.integ01.dev-agentconnect.fr``), whose endpoints live under
``https://<host>/api/v2``, or a full base URL used as it is (``http://127.0.0.1:8080`` for the
local provider of the tests). The endpoints are fixed by ProConnect, so no discovery request is
made at start-up; the base URL is also the issuer.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class ProConnectEndpoints:
    issuer: str = ""
    authorization: str = ""
    token: str = ""
    userinfo: str = ""
    jwks: str = ""
    end_session: str = ""

    @property
    def discovery(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration" if self.issuer else ""


def proconnect_endpoints(domain: str | None, *, allow_http: bool = False) -> ProConnectEndpoints:
    """The endpoints of a ProConnect domain or base URL; empty ones when ProConnect is off."""
    if not domain:
        return ProConnectEndpoints()
    if "://" in domain:
        base = domain.rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("https", "http") or not parts.netloc:
            raise ValueError("URL https://… attendue / https://… URL expected")
        if parts.scheme == "http" and not allow_http:
            raise ValueError("https obligatoire en production / https required in production")
    else:
        host = domain.strip("/")
        if not host or "/" in host:
            raise ValueError("nom d'hôte attendu / host name expected")
        base = f"https://{host}/api/v2"
    return ProConnectEndpoints(
        issuer=base,
        authorization=f"{base}/authorize",
        token=f"{base}/token",
        userinfo=f"{base}/userinfo",
        jwks=f"{base}/jwks",
        end_session=f"{base}/session/end",
    )
