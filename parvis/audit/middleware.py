"""Make the client address of each request available to ``record()``."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from parvis.audit.services import audit_ip


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind our TLS proxy, the last hop it added to X-Forwarded-For."""
    address = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if getattr(settings, "BEHIND_TLS_PROXY", False) and forwarded:
        # Only the right-most entry was written by our proxy; the others come from the client.
        address = forwarded.rsplit(",", maxsplit=1)[-1].strip()
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None


class AuditContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with audit_ip(client_ip(request)):
            return self.get_response(request)
