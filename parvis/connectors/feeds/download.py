"""One GET of a feed through the outbound wrapper: conditional, size-capped, deadline-bound.

No database here: :mod:`parvis.connectors.feeds.fetch` calls this outside any transaction and
stores what comes back. Every failure is a :class:`FeedError` with a French reason.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import time
from dataclasses import dataclass

import httpx
from django.utils.translation import gettext as _

from parvis.connectors.feeds.errors import FeedError
from parvis.core import http
from parvis.core.http import (
    AddressRefusedError,
    OutboundError,
    OutboundTimeoutError,
    Policy,
    ResponseTooLargeError,
)
from parvis.core.http.ratelimit import retry_delay

# Public bodies' news feeds weigh a few hundred kilobytes; a bigger document is not a feed we
# want a worker to parse. The wrapper's own cap (PARVIS_HTTP_MAX_MB) applies when it is lower.
FEED_MAX_BYTES = 5 * 1024 * 1024
# A server may send a byte every few seconds and never finish: the read timeout alone would
# hold the worker for ever. The whole download must end within this many read timeouts.
DEADLINE_FACTOR = 4
ACCEPT = (
    "application/atom+xml, application/rss+xml, application/rdf+xml;q=0.9, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
)
PERMANENT_REDIRECTS = frozenset({301, 308})
_MAX_AGE = re.compile(r"(?:^|[,\s])(?:s-maxage|max-age)\s*=\s*\"?(\d+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Download:
    """What one fetch brought back: a document (200) or the news that nothing changed (304)."""

    status: int
    url: str  # where the document came from, after redirects
    body: bytes = b""
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    moved_to: str = ""  # the new address, when every redirect from the old one was permanent
    max_age: float | None = None  # seconds, from Cache-Control
    retry_after: float | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def feed_policy() -> Policy:
    """The outbound policy from the settings, with the size cap of a feed."""
    policy = Policy.from_settings()
    return dataclasses.replace(policy, max_bytes=min(policy.max_bytes, FEED_MAX_BYTES))


def cache_max_age(cache_control: str) -> float | None:
    """Seconds a response may be reused for, from Cache-Control; None when not said."""
    lowered = cache_control.lower()
    if not lowered or "no-store" in lowered or "no-cache" in lowered:
        return None
    match = _MAX_AGE.search(lowered)
    return float(match.group(1)) if match else None


def download(
    url: str, *, etag: str = "", last_modified: str = "", policy: Policy | None = None
) -> Download:
    """GET ``url`` with the conditional headers of the last fetch; FeedError on any failure."""
    policy = policy or feed_policy()
    headers = {"Accept": ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    try:
        return _get(url, headers, policy)
    except FeedError:
        raise
    except OutboundError as error:
        raise _explained(error, policy) from error
    except httpx.DecodingError as error:
        raise FeedError(
            _("Le serveur a envoyé un contenu compressé illisible."), permanent=True
        ) from error
    except httpx.HTTPError as error:
        raise _explained(http.from_httpx_error(error), policy) from error
    except (httpx.InvalidURL, UnicodeError, ValueError) as error:
        raise FeedError.from_outbound(AddressRefusedError(_("adresse invalide"))) from error


def _get(url: str, headers: dict[str, str], policy: Policy) -> Download:
    deadline = time.monotonic() + policy.timeout * DEADLINE_FACTOR
    with http.client(policy=policy) as client, client.stream("GET", url, headers=headers) as reply:
        if reply.status_code >= 400:
            raise _status_error(reply)
        if reply.status_code == 304:
            return _download(reply, b"")
        if 300 <= reply.status_code < 400:  # a redirect httpx could not follow
            raise FeedError(
                _("Le serveur redirige sans indiquer de nouvelle adresse (réponse %(status)d).")
                % {"status": reply.status_code},
                permanent=True,
                status=reply.status_code,
            )
        chunks: list[bytes] = []
        for chunk in reply.iter_bytes():
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise FeedError(
                    _(
                        "Le serveur envoie le flux trop lentement : téléchargement abandonné "
                        "au bout de %(seconds)d s."
                    )
                    % {"seconds": policy.timeout * DEADLINE_FACTOR},
                    permanent=False,
                )
        return _download(reply, b"".join(chunks))


def _download(reply: httpx.Response, body: bytes) -> Download:
    hops = [*reply.history, reply]
    moved_to = ""
    for hop, following in itertools.pairwise(hops):
        if hop.status_code not in PERMANENT_REDIRECTS:
            break
        moved_to = str(following.url)
    return Download(
        status=reply.status_code,
        url=str(reply.url),
        body=body,
        content_type=reply.headers.get("content-type", ""),
        etag=reply.headers.get("etag", "")[:500],
        last_modified=reply.headers.get("last-modified", "")[:100],
        moved_to=moved_to,
        max_age=cache_max_age(reply.headers.get("cache-control", "")),
        retry_after=http.parse_retry_after(reply.headers.get("retry-after")),
    )


def _status_error(reply: httpx.Response) -> FeedError:
    status = reply.status_code
    outbound = http.HTTPStatusError(status, retry_after=retry_delay(reply.headers))
    if status == 404:
        message = _("Flux introuvable (erreur 404) : l'adresse n'existe pas ou plus.")
    elif status == 410:
        message = _("Le flux a été supprimé par son éditeur (erreur 410).")
    elif status in (401, 403):
        message = _(
            "Accès au flux refusé (erreur %(status)d) : le flux est privé, ou le serveur bloque "
            "les robots."
        ) % {"status": status}
    elif status == 429:
        message = _(
            "Le serveur limite le nombre de requêtes (erreur 429) : nouvel essai plus tard."
        )
    elif status >= 500:
        message = _(
            "Le serveur du flux est en erreur (erreur %(status)d) : nouvel essai plus tard."
        ) % {"status": status}
    else:
        message = outbound.message_fr
    return FeedError(
        message,
        permanent=outbound.permanent,
        retry_after=outbound.retry_after,
        status=status,
    )


def _explained(error: OutboundError, policy: Policy) -> FeedError:
    explained = FeedError.from_outbound(error)
    if isinstance(error, ResponseTooLargeError):
        explained.message_fr = _(
            "Document refusé : il dépasse la taille maximale d'un flux (%(size)s Mo)."
        ) % {"size": f"{policy.max_bytes / 1024 / 1024:.3g}"}
    elif isinstance(error, OutboundTimeoutError):
        explained.message_fr = _(
            "Le serveur du flux n'a pas répondu dans le délai imparti (%(seconds)s s)."
        ) % {"seconds": f"{policy.timeout:g}"}
    return explained
