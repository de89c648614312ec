"""Which character encoding a feed is really written in: pure functions, no network.

Declarations lie often: an Apache server adds ``charset=ISO-8859-1`` to UTF-8 files, a CMS
writes ``encoding="UTF-8"`` above Latin-1 bytes. feedparser copes with some of these cases and
silently garbles others ("RÃ©publique"), so the decision is taken here, from the bytes: a
document that decodes as UTF-8 and has non-ASCII characters is UTF-8 (Latin-1 text with accents
is almost never valid UTF-8); otherwise the declaration is followed when it decodes, and
Windows-1252 (a superset of Latin-1 used by most French legacy sites) is the fallback.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from email.message import Message

_XML_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
         codecs.BOM_UTF32_BE)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Decision:
    """``encoding`` to read the document with (``""``: let the parser decide, e.g. a BOM).

    ``declared`` is what the server or the document said, when it was wrong (else ``""``).
    """

    encoding: str
    declared: str = ""

    @property
    def overridden(self) -> bool:
        return bool(self.declared)


def http_charset(content_type: str) -> str:
    """The ``charset`` parameter of a Content-Type header, or ``""``."""
    if not content_type:
        return ""
    message = Message()
    message["content-type"] = content_type
    charset = message.get_param("charset")
    return charset.strip().strip("\"'") if isinstance(charset, str) else ""


def xml_declared_encoding(body: bytes) -> str:
    match = _XML_DECLARATION.match(body[:512])
    return match.group(1).decode("ascii") if match else ""


def canonical(name: str) -> str:
    """Python's name of an encoding, so that ``latin1`` and ``ISO-8859-1`` compare equal."""
    try:
        return codecs.lookup(name).name
    except LookupError:
        return ""


def _decodes(body: bytes, encoding: str) -> bool:
    try:
        body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return False
    return True


def decide(body: bytes, content_type: str = "") -> Decision:
    """The encoding ``body`` is written in, and the declaration it contradicts, if any."""
    if body.startswith(_BOMS):
        return Decision("")
    declared = http_charset(content_type) or xml_declared_encoding(body)
    declared_name = canonical(declared) if declared else ""
    if _decodes(body, "utf-8"):
        if not body.isascii() and declared_name and declared_name != "utf-8":
            return Decision("utf-8", declared=declared)
        return Decision("utf-8")
    if declared_name and declared_name != "utf-8" and _decodes(body, declared_name):
        return Decision(declared_name)
    # ISO-8859-1 decodes any byte; Windows-1252 leaves five of them undefined.
    fallback = "windows-1252" if _decodes(body, "windows-1252") else "iso-8859-1"
    return Decision(fallback, declared=declared or "UTF-8")
