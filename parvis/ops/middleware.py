from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

from parvis.ops import logcontext
from parvis.ops.metrics import observe_request

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestMetricsMiddleware:
    """Counts requests and their duration for /metrics; sets the request id of log records.

    First in MIDDLEWARE, so it times the whole stack. An ``X-Request-ID`` sent by the reverse
    proxy is reused when it looks sane, otherwise one is made; it is echoed in the response.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        given = request.headers.get("X-Request-ID", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        tokens = [logcontext.request_id.set(request_id)]
        try:
            response = self.get_response(request)
        finally:
            for variable in (logcontext.user_id, logcontext.org_slug):
                # Set by process_view below; reset so that nothing leaks to the next request.
                variable.set(None)
            for token in tokens:
                logcontext.request_id.reset(token)
        response["X-Request-ID"] = request_id
        observe_request(request.method or "", response.status_code, time.perf_counter() - started)
        return response

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> None:
        # Runs after the authentication middleware; the user is loaded by the view anyway.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            logcontext.user_id.set(user.pk)
        org = view_kwargs.get("org")
        if isinstance(org, str):
            logcontext.org_slug.set(org)
