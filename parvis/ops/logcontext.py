"""Request id, organisation and user attached to every log record of a request or a job.

The middleware (or the worker, for a job) sets context variables; a logging filter copies them
onto each record, so the JSON formatter writes them as fields without any call site changing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

request_id: ContextVar[str | None] = ContextVar("parvis_request_id", default=None)
org_slug: ContextVar[str | None] = ContextVar("parvis_org_slug", default=None)
user_id: ContextVar[int | None] = ContextVar("parvis_user_id", default=None)
task_id: ContextVar[str | None] = ContextVar("parvis_task_id", default=None)

_FIELDS: tuple[tuple[str, ContextVar[Any]], ...] = (
    ("request_id", request_id),
    ("org", org_slug),
    ("user_id", user_id),
    ("task_id", task_id),
)


class ContextFilter(logging.Filter):
    """Adds the fields that are set (and only those) to the record; never filters out."""

    def filter(self, record: logging.LogRecord) -> bool:
        for name, variable in _FIELDS:
            value = variable.get()
            if value is not None and not hasattr(record, name):
                setattr(record, name, value)
        return True


@contextmanager
def bound(variable: ContextVar[Any], value: Any) -> Iterator[None]:
    """Set a context variable for the duration of a block."""
    token = variable.set(value)
    try:
        yield
    finally:
        variable.reset(token)
