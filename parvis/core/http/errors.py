"""One exception hierarchy for every outbound call, whatever the client library.

``message_fr`` is the sentence shown to people (French, translated through gettext);
``remote_message`` keeps what the remote side said, for logs and for the curious.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

# Statuses worth trying again in the same call (the request was not processed).
RETRYABLE_STATUSES = frozenset({429, 502, 503, 504})


class OutboundError(Exception):
    """An outbound HTTP call failed; ``permanent`` says whether trying again may help."""

    def __init__(
        self,
        message_fr: str,
        *,
        permanent: bool,
        status: int | None = None,
        retry_after: float | None = None,
        remote_message: str = "",
    ) -> None:
        super().__init__(message_fr)
        self.message_fr = message_fr
        self.permanent = permanent
        self.status = status
        self.retry_after = retry_after
        self.remote_message = remote_message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message_fr!r}, permanent={self.permanent}, "
            f"status={self.status}, retry_after={self.retry_after})"
        )


class AddressRefusedError(OutboundError):
    """The URL or the address it resolves to is not allowed (private, loopback, bad scheme…)."""

    def __init__(self, reason_fr: str) -> None:
        super().__init__(_("Adresse refusée : %(reason)s.") % {"reason": reason_fr}, permanent=True)


class OutboundTimeoutError(OutboundError):
    def __init__(self, detail: str = "") -> None:
        super().__init__(
            _("Le serveur distant n'a pas répondu à temps."),
            permanent=False,
            remote_message=detail,
        )


class ConnectionFailedError(OutboundError):
    """Name resolution, TCP, TLS or protocol failure: nothing usable came back."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(
            _("Connexion au serveur distant impossible."), permanent=False, remote_message=detail
        )


class ResponseTooLargeError(OutboundError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            _("Réponse trop volumineuse : plus de %(size)s Mo.")
            % {"size": f"{limit / 1024 / 1024:.3g}"},
            permanent=True,
        )
        self.limit = limit


class TooManyRedirectsError(OutboundError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            _("Trop de redirections (plus de %(limit)d).") % {"limit": limit}, permanent=True
        )


class HTTPStatusError(OutboundError):
    """The remote side answered with an error status (4xx or 5xx)."""

    def __init__(
        self, status: int, *, remote_message: str = "", retry_after: float | None = None
    ) -> None:
        permanent = not (status >= 500 or status in (408, 425, 429))
        explanation = _status_explanation(status)
        if remote_message:
            message = _("Le serveur distant a répondu %(status)d (%(explanation)s) : %(remote)s")
        else:
            message = _("Le serveur distant a répondu %(status)d (%(explanation)s).")
        super().__init__(
            message % {"status": status, "explanation": explanation, "remote": remote_message},
            permanent=permanent,
            status=status,
            retry_after=retry_after,
            remote_message=remote_message,
        )


def _status_explanation(status: int) -> str:
    if status in (401, 403):
        return _("accès refusé : vérifiez le jeton d'accès et ses droits")
    if status in (404, 410):
        return _("adresse introuvable")
    if status == 429:
        return _("trop de requêtes, limite de débit atteinte")
    if status == 413:
        return _("contenu trop volumineux")
    if status >= 500:
        return _("serveur distant indisponible")
    return _("requête refusée")
