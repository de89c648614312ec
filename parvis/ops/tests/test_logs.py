from __future__ import annotations

import io
import json
import logging

import pytest
from pythonjsonlogger.json import JsonFormatter

from parvis.ops import logcontext
from parvis.ops.logcontext import ContextFilter


@pytest.fixture
def json_logger():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("%(levelname)s %(name)s %(message)s"))
    handler.addFilter(ContextFilter())
    logger = logging.getLogger("parvis.tests.logs")
    logger.addHandler(handler)
    logger.propagate = False
    yield logger, stream
    logger.removeHandler(handler)


def lines(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_the_context_of_the_request_is_added_to_json_log_lines(json_logger):
    logger, stream = json_logger
    with (
        logcontext.bound(logcontext.request_id, "abc123def"),
        logcontext.bound(logcontext.org_slug, "commune-de-test"),
        logcontext.bound(logcontext.user_id, 7),
    ):
        logger.warning("quelque chose")
    logger.warning("hors requête")

    inside, outside = lines(stream)
    assert inside["request_id"] == "abc123def"
    assert inside["org"] == "commune-de-test"
    assert inside["user_id"] == 7
    assert "request_id" not in outside
    assert "org" not in outside


def test_the_middleware_gives_each_request_an_id_and_echoes_a_sane_one(client, db):
    generated = client.get("/healthz")["X-Request-ID"]
    assert len(generated) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="proxy-req-12345")["X-Request-ID"] == (
        "proxy-req-12345"
    )
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"
    assert logcontext.request_id.get() is None  # nothing leaks after the request


def test_the_org_and_user_of_a_view_are_bound_while_it_runs(client, admin, organisation):
    from parvis.ops.middleware import RequestMetricsMiddleware

    seen: dict[str, object] = {}

    class Request:
        user = admin

    middleware = RequestMetricsMiddleware(lambda request: None)  # type: ignore[arg-type,return-value]
    middleware.process_view(Request(), lambda: None, (), {"org": organisation.slug})  # type: ignore[arg-type]
    seen["org"], seen["user"] = logcontext.org_slug.get(), logcontext.user_id.get()
    logcontext.org_slug.set(None)
    logcontext.user_id.set(None)
    assert seen == {"org": "commune-de-test", "user": admin.pk}
