"""The one error every connector raises: permanent or transient, with the network's words.

``message`` is French, for people (shown on the account and on the failed post);
``remote_message`` is what the network said, kept as it was.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from parvis.core.http import OutboundError


class ConnectorError(Exception):
    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        retry_after: float | None = None,
        needs_reconnect: bool = False,
        status: int | None = None,
        remote_message: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.permanent = permanent
        self.retry_after = retry_after
        self.needs_reconnect = needs_reconnect
        self.status = status
        self.remote_message = remote_message

    @property
    def rate_limited(self) -> bool:
        return self.status == 429 or (not self.permanent and self.retry_after is not None)

    @classmethod
    def from_outbound(cls, error: OutboundError) -> ConnectorError:
        needs_reconnect = error.status == 401
        message = error.message_fr
        if needs_reconnect:
            message = _(
                "Le réseau refuse l'accès au compte (jeton révoqué ou expiré) : reconnectez-le."
            )
            if error.remote_message:
                message = f"{message} ({error.remote_message})"
        return cls(
            message,
            permanent=error.permanent,
            retry_after=error.retry_after,
            needs_reconnect=needs_reconnect,
            status=error.status,
            remote_message=error.remote_message,
        )

    def __repr__(self) -> str:
        return (
            f"ConnectorError({self.message!r}, permanent={self.permanent}, "
            f"retry_after={self.retry_after}, needs_reconnect={self.needs_reconnect}, "
            f"status={self.status})"
        )


class NotSupportedError(ConnectorError):
    """The network cannot do this (the capability is not declared)."""

    def __init__(self, network: str, capability: str) -> None:
        super().__init__(
            _("%(network)s ne permet pas cette action (%(capability)s).")
            % {"network": network, "capability": capability},
            permanent=True,
        )


class InvalidResponseError(ConnectorError):
    """The network answered something that does not fit its own API."""

    def __init__(self, network: str, detail: str) -> None:
        super().__init__(
            _("Réponse inattendue de %(network)s : le réseau a peut-être changé son API.")
            % {"network": network},
            permanent=False,
            remote_message=detail[:500],
        )
