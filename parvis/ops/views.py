"""/healthz for load balancers and supervisors, /metrics for Prometheus."""

from __future__ import annotations

import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

from parvis.ops import health, metrics

LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers and a worker beat recently; 503 otherwise, saying why."""
    problems: list[str] = []
    if not health.database_ok():
        return JsonResponse(
            {
                "status": "error",
                "database": "error",
                "worker": None,
                "queue": None,
                "problems": ["database"],
            },
            status=503,
        )
    state = health.worker_state()
    if state.status in {"stale", "absent"}:
        problems.append(f"worker_{state.status}")
    body = {
        "status": "error" if problems else "ok",
        "database": "ok",
        "worker": {
            "status": state.status,
            "alive": state.alive,
            "last_heartbeat_age_seconds": state.last_heartbeat_age,
            "stale_after_seconds": settings.PARVIS_WORKER_STALE_SECONDS,
        },
        "queue": {"ready": health.ready_count()},
        "problems": problems,
    }
    return JsonResponse(body, status=503 if problems else 200)


def _may_read_metrics(request: HttpRequest) -> bool:
    token: str | None = settings.PARVIS_METRICS_TOKEN
    if token:
        scheme, _sep, given = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            given.strip().encode(), token.encode()
        )
    return request.META.get("REMOTE_ADDR") in LOOPBACK


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _may_read_metrics(request):
        return HttpResponse(
            _("Accès aux métriques refusé."), status=403, content_type="text/plain; charset=utf-8"
        )
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)
