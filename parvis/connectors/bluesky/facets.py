"""Rich text of Bluesky posts: links, mentions and hashtags as facets, on UTF-8 byte offsets.

Bluesky stores a post as plain text plus *facets*: byte ranges of the UTF-8 encoded text,
each with a feature (a link's URI, a mentioned account's DID, a hashtag). An accented letter
takes two bytes and most emoji four, so character positions are not byte positions.

Pure functions, no network: :func:`detect` finds the candidates in a draft (mentions carry
the handle; the connector resolves it to a DID), :func:`render_html` turns a stored post and
its facets back into safe HTML.
"""

from __future__ import annotations

import enum
import html as html_lib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

import regex

from parvis.analysis.text import graphemes
from parvis.connectors.sanitize import sanitise_html

PROFILE_URL = "https://bsky.app/profile/{actor}"
HASHTAG_URL = "https://bsky.app/hashtag/{tag}"
TAG_MAX_GRAPHEMES = 64  # app.bsky.richtext.facet#tag
TAG_MAX_BYTES = 640

# Top-level domains recognised in a bare address ("service-public.fr/demarches"); an address
# with http:// or https:// is always a link.
# fmt: off
BARE_TLDS = frozenset({
    "fr", "eu", "com", "org", "net", "info", "io", "app", "dev", "social", "gouv", "edu", "gov",
    "int", "be", "ch", "lu", "mc", "ca", "qc", "de", "es", "it", "pt", "nl", "uk", "us", "co",
    "me", "tv", "xyz", "online", "site", "blog", "news", "art", "museum", "coop", "bzh", "paris",
    "alsace", "corsica", "eus", "cat", "re", "gp", "mq", "gf", "yt", "pm", "nc", "pf", "wf", "bl",
    "mf", "tf", "radio",
})
# fmt: on

_TRAILING_PUNCTUATION = ".,;:!?'\"\u00bb\u2026\u201d\u2019"
_URL = regex.compile(
    r"(?<![\w@/.\-])"
    r"(?:https?://[^\s<>\"]+"
    r"|(?:[\p{L}\p{N}](?:[\p{L}\p{N}\-]*[\p{L}\p{N}])?\.)+(?P<tld>[a-z]{2,24})"
    r"(?![\p{L}\p{N}\-])(?:[:/?#][^\s<>\"]*)?)",
    regex.IGNORECASE,
)
_MENTION = regex.compile(
    r"(?<![\w@.])@(?P<handle>(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+"
    r"[a-z](?:[a-z0-9\-]{0,61}[a-z0-9])?)(?![\w\-])",
    regex.IGNORECASE,
)
_HASHTAG = regex.compile(r"(?<!\S)[#\uff03](?P<tag>\S+)")
_TAG_END_PUNCTUATION = regex.compile(r"\p{P}+$")
_INVISIBLE = regex.compile(r"[\u00ad\u2060\u200a\u200b\u200c\u200d\u20e2\ufe0f]")
_PARAGRAPHS = re.compile(r"\n{2,}")


class FacetKind(enum.StrEnum):
    LINK = "link"
    MENTION = "mention"
    TAG = "tag"


@dataclass(frozen=True, slots=True)
class Facet:
    """A range of the UTF-8 text (start inclusive, end exclusive) and what it stands for.

    ``value`` is the URI of a link, the handle (detection) or the DID (stored posts) of a
    mention, the tag of a hashtag without its ``#``.
    """

    kind: FacetKind
    byte_start: int
    byte_end: int
    value: str


def utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def byte_offsets(text: str) -> list[int]:
    """The byte offset of each character position of ``text``, and of its end."""
    offsets = [0]
    for character in text:
        offsets.append(offsets[-1] + len(utf8(character)))
    return offsets


def _trim_url(url: str) -> str:
    while url and url[-1] in _TRAILING_PUNCTUATION:
        url = url[:-1]
    # A closing parenthesis ends the URL unless the URL opened one: "(voir https://x.fr/a)".
    while url.endswith(")") and url.count(")") > url.count("("):
        url = url[:-1]
        while url and url[-1] in _TRAILING_PUNCTUATION:
            url = url[:-1]
    return url


def _links(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _URL.finditer(text):
        tld = match.group("tld")
        if tld is not None and tld.lower() not in BARE_TLDS:
            continue
        url = _trim_url(match.group(0))
        if not url or url.lower() in ("http://", "https://"):
            continue
        uri = url if regex.match(r"https?://", url, regex.IGNORECASE) else f"https://{url}"
        yield match.start(), match.start() + len(url), uri


def _mentions(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _MENTION.finditer(text):
        yield match.start(), match.end(), match.group("handle").lower()


def _tags(text: str) -> Iterable[tuple[int, int, str]]:
    for match in _HASHTAG.finditer(text):
        tag = _TAG_END_PUNCTUATION.sub("", match.group("tag"))
        if not tag or tag.isdigit() or _INVISIBLE.match(tag):
            continue
        if graphemes(tag) > TAG_MAX_GRAPHEMES or len(utf8(tag)) > TAG_MAX_BYTES:
            continue
        start = match.start()
        yield start, start + 1 + len(tag), tag


def detect(text: str) -> list[Facet]:
    """Links, mentions (by handle) and hashtags of ``text``, by byte range, in text order.

    Ranges never overlap: a link wins over what it contains (``https://x.fr/#ancre``), then
    mentions, then hashtags.
    """
    offsets = byte_offsets(text)
    taken: list[tuple[int, int]] = []
    found: list[Facet] = []
    sources = (
        (FacetKind.LINK, _links(text)),
        (FacetKind.MENTION, _mentions(text)),
        (FacetKind.TAG, _tags(text)),
    )
    for kind, candidates in sources:
        for start, end, value in candidates:
            if any(start < taken_end and taken_start < end for taken_start, taken_end in taken):
                continue
            taken.append((start, end))
            found.append(Facet(kind, offsets[start], offsets[end], value))
    return sorted(found, key=lambda facet: facet.byte_start)


def _href(facet: Facet) -> str | None:
    if facet.kind is FacetKind.LINK:
        lowered = facet.value.lower()
        return facet.value if lowered.startswith(("http://", "https://")) else None
    if facet.kind is FacetKind.MENTION:
        return PROFILE_URL.format(actor=quote(facet.value, safe=":."))
    return HASHTAG_URL.format(tag=quote(facet.value, safe=""))


def _usable(data: bytes, facets: Iterable[Facet]) -> list[Facet]:
    """The facets that fit the text: in range, in order, not overlapping, on character limits."""
    kept: list[Facet] = []
    position = 0
    for facet in sorted(facets, key=lambda item: (item.byte_start, item.byte_end)):
        if not position <= facet.byte_start < facet.byte_end <= len(data):
            continue
        try:
            data[facet.byte_start : facet.byte_end].decode("utf-8")
            data[: facet.byte_start].decode("utf-8")
        except UnicodeDecodeError:
            continue
        kept.append(facet)
        position = facet.byte_end
    return kept


def render_html(text: str, facets: Iterable[Facet]) -> str:
    """Safe HTML of a post: paragraphs, line breaks, and its facets as links.

    Facets that do not fit the text (a client's bug, a hostile record) are ignored.
    """
    data = utf8(text)
    pieces: list[str] = []
    position = 0
    for facet in _usable(data, facets):
        pieces.append(html_lib.escape(data[position : facet.byte_start].decode("utf-8")))
        label = html_lib.escape(data[facet.byte_start : facet.byte_end].decode("utf-8"))
        href = _href(facet)
        if href is None:
            pieces.append(label)
        else:
            label = label.replace("\n", " ")
            pieces.append(f'<a href="{html_lib.escape(href, quote=True)}">{label}</a>')
        position = facet.byte_end
    pieces.append(html_lib.escape(data[position:].decode("utf-8", "replace")))
    marked = "".join(pieces).strip()
    paragraphs = [part for part in _PARAGRAPHS.split(marked) if part]
    return sanitise_html("".join(f"<p>{part.replace(chr(10), '<br>')}</p>" for part in paragraphs))
