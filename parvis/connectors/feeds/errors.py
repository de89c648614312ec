"""The one error of the feed connector: a French reason, and whether trying again soon may help."""

from __future__ import annotations

from parvis.core.http import OutboundError


class FeedError(Exception):
    """A fetch or a parse failed; ``message_fr`` is stored on the source and shown on its page.

    ``permanent`` failures are not retried by the jobs layer (the source is tried again at its
    next slot, later and later while it keeps failing); transient ones are, after
    ``retry_after`` seconds when the server said so. ``suggested_url`` is a feed address found
    in an HTML page given instead of a feed.
    """

    def __init__(
        self,
        message_fr: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        status: int | None = None,
        suggested_url: str = "",
    ) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr
        self.permanent = permanent
        self.retry_after = retry_after
        self.status = status
        self.suggested_url = suggested_url

    @classmethod
    def from_outbound(cls, error: OutboundError) -> FeedError:
        return cls(
            error.message_fr,
            permanent=error.permanent,
            retry_after=error.retry_after,
            status=error.status,
        )

    def __repr__(self) -> str:
        return (
            f"FeedError({self.message_fr!r}, permanent={self.permanent}, status={self.status}, "
            f"retry_after={self.retry_after})"
        )
