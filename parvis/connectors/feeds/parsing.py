"""A feed document, as bytes we fetched ourselves, turned into plain data (feedparser).

feedparser only ever receives a ``BytesIO``: given a string it would fetch URLs or open local
files itself. Every text that reaches a page goes through :mod:`parvis.connectors.sanitize`;
every link through :func:`~parvis.connectors.feeds.urlnorm.safe_url` (no ``javascript:``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import re
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any
from xml.sax import SAXParseException

import feedparser
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from parvis.connectors.feeds import charset
from parvis.connectors.feeds.errors import FeedError
from parvis.connectors.feeds.urlnorm import normalise_url, safe_url
from parvis.connectors.sanitize import html_to_text, sanitise_html, text_to_html

MAX_ENTRIES = 200
MAX_SUMMARY_INPUT = 20_000  # characters of remote HTML read for a summary
MAX_SUMMARY_TEXT = 5_000
MAX_TITLE = 500
MAX_AUTHOR = 300
FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml"})
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class ParsedEntry:
    dedup_key: str  # sha256 of the entry id, else of its link, else of its title and date
    guid: str
    title: str
    url: str
    normalised_url: str
    summary_text: str
    summary_html: str  # sanitised
    author: str
    published_at: dt.datetime | None  # aware, UTC
    image_url: str


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    site_url: str
    entries: tuple[ParsedEntry, ...]
    warnings: tuple[str, ...]  # French sentences: what was wrong but could be read anyway


def dedup_key(guid: str, normalised_url: str, title: str, date_text: str) -> str:
    """Entry id first, else the normalised link, else title and date: stable across fetches."""
    if guid:
        basis = f"id\n{guid}"
    elif normalised_url:
        basis = f"url\n{normalised_url}"
    else:
        basis = f"hash\n{title}\n{date_text}"
    return hashlib.sha256(basis.encode("utf-8", "surrogatepass")).hexdigest()


def parse_feed(body: bytes, *, url: str, content_type: str = "") -> ParsedFeed:
    """Parse an RSS or Atom document fetched from ``url``; FeedError when it is not one.

    What can be read from a malformed or mis-encoded document is kept, and the problem is
    described in ``warnings``.
    """
    if not body.strip():
        raise FeedError(_("Le serveur a renvoyé une réponse vide."), permanent=True)
    decision = charset.decide(body, content_type)
    headers = {"content-location": url, "content-type": "application/xml"}
    if decision.encoding:
        headers["content-type"] = f"application/xml; charset={decision.encoding}"
    try:
        result = feedparser.parse(io.BytesIO(body), response_headers=headers, sanitize_html=True)
    except Exception as error:  # feedparser on hostile input: a reason, never a crash
        raise FeedError(
            _("Le flux n'a pas pu être lu (%(error)s).") % {"error": type(error).__name__},
            permanent=True,
        ) from error
    if not result.get("version") and not result.get("entries"):
        raise _not_a_feed(body, url, content_type)
    warnings: list[str] = []
    if decision.overridden:
        warnings.append(
            _(
                "Le flux déclare l'encodage %(declared)s mais il est écrit en %(used)s : il a "
                "été lu en %(used)s. Si des caractères paraissent faux, signalez-le à son éditeur."
            )
            % {"declared": decision.declared.upper(), "used": decision.encoding.upper()}
        )
    problem = _syntax_problem(result)
    if problem:
        warnings.append(problem)
    raw_entries = list(result.get("entries") or [])
    if len(raw_entries) > MAX_ENTRIES:
        warnings.append(
            ngettext(
                "Le flux contient %(count)d article : seuls les %(max)d premiers sont lus.",
                "Le flux contient %(count)d articles : seuls les %(max)d premiers sont lus.",
                len(raw_entries),
            )
            % {"count": len(raw_entries), "max": MAX_ENTRIES}
        )
    entries: dict[str, ParsedEntry] = {}
    for raw in raw_entries[:MAX_ENTRIES]:
        entry = parse_entry(raw, base=url)
        entries.setdefault(entry.dedup_key, entry)  # a feed listing one item twice
    feed = result.get("feed") or {}
    return ParsedFeed(
        title=_plain(feed.get("title"), _detail_type(feed, "title"))[:MAX_TITLE],
        site_url=safe_url(feed.get("link"), base=url),
        entries=tuple(entries.values()),
        warnings=tuple(warnings),
    )


def parse_entry(raw: Any, *, base: str) -> ParsedEntry:
    guid = str(raw.get("id") or "").strip()
    url = safe_url(raw.get("link"), base=base)
    normalised = normalise_url(url)
    summary_text, summary_html, raw_html = _summary(raw)
    title = _plain(raw.get("title"), _detail_type(raw, "title"))
    date_text = str(raw.get("published") or raw.get("updated") or "").strip()
    key = dedup_key(guid, normalised, title, date_text)
    if not title:
        title = _shorten(summary_text, 120) or _("(sans titre)")
    return ParsedEntry(
        dedup_key=key,
        guid=guid[:1000],
        title=title[:MAX_TITLE],
        url=url,
        normalised_url=normalised,
        summary_text=summary_text,
        summary_html=summary_html,
        author=_plain(raw.get("author"), "text/plain")[:MAX_AUTHOR],
        published_at=_moment(raw.get("published_parsed") or raw.get("updated_parsed")),
        image_url=_image(raw, base, raw_html),
    )


# --- Texts ----------------------------------------------------------------------------------


def _detail_type(container: Any, name: str) -> str:
    detail = container.get(f"{name}_detail") or {}
    return str(detail.get("type") or "text/html")


def _plain(value: Any, kind: str) -> str:
    """A one-line text: markup removed unless the feed says the value is plain text."""
    if not isinstance(value, str):
        return ""
    text = value if kind == "text/plain" else html_to_text(value)
    return _SPACES.sub(" ", text).strip()


def _shorten(text: str, length: int) -> str:
    flat = _SPACES.sub(" ", text).strip()
    if len(flat) <= length:
        return flat
    return flat[: length - 1].rsplit(" ", 1)[0] + "…"


def _summary(raw: Any) -> tuple[str, str, str]:
    """(plain text, sanitised HTML, the remote HTML as received) of an entry's summary."""
    value, kind = raw.get("summary"), _detail_type(raw, "summary")
    if not value:
        for content in raw.get("content") or []:
            if content.get("value"):
                value, kind = content["value"], str(content.get("type") or "text/html")
                break
    if not isinstance(value, str) or not value.strip():
        return "", "", ""
    value = value[:MAX_SUMMARY_INPUT]
    if kind == "text/plain":
        return value.strip()[:MAX_SUMMARY_TEXT], text_to_html(value), ""
    return html_to_text(value)[:MAX_SUMMARY_TEXT], sanitise_html(value), value


def _moment(parsed: Any) -> dt.datetime | None:
    """feedparser's UTC ``struct_time`` as an aware datetime; None when absent or absurd."""
    if not isinstance(parsed, time.struct_time):
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


# --- Images ---------------------------------------------------------------------------------


class _FirstImage(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.src = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img" and not self.src:
            self.src = dict(attrs).get("src") or ""


def _image(raw: Any, base: str, html: str) -> str:
    """The entry's illustration: media thumbnail, image media or enclosure, else first <img>."""
    candidates: list[Any] = [item.get("url") for item in raw.get("media_thumbnail") or []]
    candidates += [
        item.get("url")
        for item in raw.get("media_content") or []
        if item.get("medium") == "image" or str(item.get("type") or "").startswith("image/")
    ]
    candidates += [
        link.get("href")
        for link in raw.get("links") or []
        if link.get("rel") == "enclosure" and str(link.get("type") or "").startswith("image/")
    ]
    if html:
        finder = _FirstImage()
        finder.feed(html)
        candidates.append(finder.src)
    for candidate in candidates:
        url = safe_url(candidate, base=base)
        if url:
            return url
    return ""


# --- Problems -------------------------------------------------------------------------------


def _syntax_problem(result: Any) -> str:
    """A sentence on what feedparser found wrong, or ``""`` for what we already handled."""
    if not result.get("bozo"):
        return ""
    error = result.get("bozo_exception")
    if isinstance(error, feedparser.NonXMLContentType | feedparser.CharacterEncodingOverride):
        return ""  # we chose the media type and the encoding ourselves
    if isinstance(error, feedparser.CharacterEncodingUnknown):
        return _(
            "L'encodage des caractères du flux est inconnu : certains peuvent être illisibles."
        )
    if isinstance(error, SAXParseException):
        return _(
            "Le flux n'est pas un document XML valide (ligne %(line)s : %(message)s) ; les "
            "articles lisibles ont été gardés."
        ) % {"line": error.getLineNumber(), "message": error.getMessage()}
    return _("Le flux contient des erreurs (%(error)s) ; les articles lisibles ont été gardés.") % {
        "error": str(error)[:200] or type(error).__name__
    }


class _FeedLinks(HTMLParser):
    """Collects ``<link rel="alternate" type="application/rss+xml" href="…">`` of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "link":
            return
        values = {name: (value or "") for name, value in attrs}
        rels = values.get("rel", "").lower().split()
        kind = values.get("type", "").lower().split(";")[0].strip()
        if "alternate" in rels and kind in FEED_TYPES and values.get("href"):
            self.hrefs.append(values["href"])


def find_feed_links(body: bytes, *, base: str, content_type: str = "") -> list[str]:
    """The feed addresses an HTML page announces, absolute, in the page's order."""
    encoding = charset.canonical(charset.http_charset(content_type)) or "utf-8"
    finder = _FeedLinks()
    finder.feed(body[: 1024 * 1024].decode(encoding, "replace"))
    found: list[str] = []
    for href in finder.hrefs:
        url = safe_url(href, base=base)
        if url and url not in found:
            found.append(url)
    return found


def looks_like_html(body: bytes, content_type: str) -> bool:
    kind = content_type.lower().split(";")[0].strip()
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return kind in {"text/html", "application/xhtml+xml"} or head.startswith(
        (b"<!doctype html", b"<html")
    )


def _not_a_feed(body: bytes, url: str, content_type: str) -> FeedError:
    if not looks_like_html(body, content_type):
        if "json" in content_type.lower():
            message = _(
                "Le document reçu est du JSON, pas un flux RSS ou Atom (les flux JSON Feed ne "
                "sont pas pris en charge)."
            )
        else:
            message = _("Le document reçu n'est pas un flux RSS ou Atom lisible.")
        return FeedError(message, permanent=True)
    links = find_feed_links(body, base=url, content_type=content_type)
    if links:
        return FeedError(
            _(
                "Cette adresse mène à une page web, pas à un flux RSS ou Atom. La page annonce "
                "un flux : %(url)s — modifiez la source pour utiliser cette adresse."
            )
            % {"url": links[0]},
            permanent=True,
            suggested_url=links[0],
        )
    return FeedError(
        _(
            "Cette adresse mène à une page web, pas à un flux RSS ou Atom, et la page n'en "
            "annonce aucun. Cherchez sur le site un lien « RSS » ou « S'abonner »."
        ),
        permanent=True,
    )
