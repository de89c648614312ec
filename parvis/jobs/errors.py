"""Errors that tell the worker whether a failed job may be tried again."""

from __future__ import annotations


class TransientError(Exception):
    """A failure that may go away by itself (timeout, rate limit, 5xx): the job is retried.

    ``retry_after`` (seconds), when the remote side says how long to wait, takes precedence
    over the computed back-off.
    """

    def __init__(self, message: str = "", *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class PermanentError(Exception):
    """A failure that will not go away by retrying (refused content, revoked token)."""


class WorkerLost(Exception):  # noqa: N818 — a reason stored on the task row, not raised
    """Recorded on a job that was running on a worker that stopped beating."""

    REASON = "worker perdu pendant l'exécution / worker lost during execution"
