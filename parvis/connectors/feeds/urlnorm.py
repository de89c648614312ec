"""Web addresses reduced to what identifies a page: pure functions, no Django.

Two feeds often link to the same article with different decorations: ``http`` or ``https``,
``www.`` or not, a trailing slash, a ``#fragment``, and tracking parameters (``utm_*``, and
``xtor``, the AT Internet tag used by many French public sites). The normalised form drops them,
so that the same story is recognised across the sources of an organisation.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, unquote, urlencode, urljoin, urlsplit, urlunsplit

SAFE_SCHEMES = frozenset({"http", "https"})
MAX_URL_LENGTH = 2000

# Query parameters that say where a click came from, never which page it is.
_TRACKING_PREFIXES = ("utm_", "at_", "mtm_", "pk_")
_TRACKING_NAMES = frozenset(
    {"xtor", "xtref", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid",
     "ref_src", "_hsenc", "_hsmi", "wt.mc_id", "at_medium", "at_campaign", "ocid", "cmpid"}
)  # fmt: skip
_DEFAULT_PORTS = {"http": 80, "https": 443}


def is_tracking_parameter(name: str) -> bool:
    lowered = name.lower()
    return lowered in _TRACKING_NAMES or lowered.startswith(_TRACKING_PREFIXES)


def safe_url(value: object, base: str = "") -> str:
    """``value`` as an absolute http(s) URL (resolved against ``base``), or ``""``.

    Feeds carry ``javascript:``, ``data:`` and relative links; only absolute web addresses of
    reasonable length may reach a page or a database column.
    """
    if not isinstance(value, str):
        return ""
    text = value.strip()
    if not text:
        return ""
    try:
        absolute = urljoin(base, text) if base else text
        parts = urlsplit(absolute)
        parts.port  # noqa: B018 — raises ValueError on a bad port
    except ValueError:
        return ""
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return ""
    if len(absolute) > MAX_URL_LENGTH or any(char.isspace() for char in absolute):
        return ""
    return absolute


def normalise_url(url: str) -> str:
    """The identity of a page: no scheme, host without ``www.``, no tracking, sorted query.

    ``https://www.Exemple.fr/a/?utm_source=rss&b=2#top`` and ``http://exemple.fr/a?b=2`` both
    give ``exemple.fr/a?b=2``. Returns ``""`` for anything but an http(s) URL.
    """
    if not safe_url(url):
        return ""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().rstrip(".")
    host = host.removeprefix("www.")
    port = parts.port
    if port is not None and port != _DEFAULT_PORTS.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    # Decoding then re-encoding gives one spelling to %C3%A9 and é, %7E and ~.
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~")
    path = path.rstrip("/")
    query = urlencode(
        sorted(
            (name, value)
            for name, value in parse_qsl(parts.query, keep_blank_values=True)
            if not is_tracking_parameter(name)
        )
    )
    normalised = urlunsplit(("", host, path, query, "")).removeprefix("//")
    return normalised[:MAX_URL_LENGTH]
