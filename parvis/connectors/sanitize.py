"""Remote HTML, made safe to display and turned into plain text (nh3, Rust's Ammonia).

Pure functions, no Django: every connector calls them at the edge, so that no remote HTML
reaches a page, a log or an analyzer without going through here. One sanitiser is built once
(building it costs as much as cleaning a status).
"""

from __future__ import annotations

import html as html_lib
import re

import nh3

ALLOWED_TAGS = frozenset(
    {"p", "br", "a", "span", "strong", "b", "em", "i", "u", "s", "del", "code", "pre",
     "blockquote", "ul", "ol", "li"}
)  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": frozenset({"href", "title"})}
URL_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow noopener noreferrer ugc"

_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    url_schemes=set(URL_SCHEMES),
    link_rel=LINK_REL,
)
# One pass over the tags of sanitised HTML: a line break, the end of a block, or any other
# tag (quoted attribute values may hold ">").
_TAGS = re.compile(
    r"""(?P<br><br\s*/?>)|(?P<block></(?:p|li|blockquote|pre)\s*>)|<(?:[^>"']|"[^"]*"|'[^']*')*>""",
    re.IGNORECASE,
)
_BLANK_LINES = re.compile(r"\n{3,}")


def _tag_to_text(match: re.Match[str]) -> str:
    if match.lastgroup == "br":
        return "\n"
    return "\n\n" if match.lastgroup == "block" else ""


def sanitise_html(html: str) -> str:
    """Only harmless formatting and http(s) links survive; links get ``rel=nofollow…``."""
    return _CLEANER.clean(html) if html else ""


def text_of_sanitised(html: str) -> str:
    """The text of HTML that :func:`sanitise_html` produced (well-formed, no script)."""
    if not html:
        return ""
    text = _TAGS.sub(_tag_to_text, html)
    if "&" in text:
        text = html_lib.unescape(text)
    if "\n\n\n" in text:
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


def html_to_text(html: str) -> str:
    """The text a person reads of any remote HTML: line breaks kept, entities decoded."""
    return text_of_sanitised(sanitise_html(html))


def text_to_html(text: str) -> str:
    """Plain text (Bluesky, feeds without HTML) as safe HTML paragraphs."""
    paragraphs = [part for part in re.split(r"\n{2,}", text.strip()) if part]
    return "".join(
        "<p>" + html_lib.escape(part).replace("\n", "<br>") + "</p>" for part in paragraphs
    )
