"""Small text facts the analyzers share: emoji, hashtags, URLs, folded forms."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import regex

# Longer texts are read up to here: a 100,000-character paste must not stall the composer.
MAX_CHARS = 20_000

URL = regex.compile(r"https?://[^\s<>\"']+|www\.[^\s<>\"']+", regex.IGNORECASE)
HASHTAG = regex.compile(r"(?<![\w#&])#(\w{2,})", regex.UNICODE)
_GRAPHEME = regex.compile(r"\X")
_EMOJI = regex.compile(r"\p{Extended_Pictographic}|\p{Regional_Indicator}")
WORD = regex.compile(r"\w+(?:['’-]\w+)*")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int


def clip(text: str) -> str:
    return text[:MAX_CHARS]


def _accents() -> dict[int, int]:
    """Each accented letter to its base letter, one character for one (spans stay valid)."""
    table = {}
    for code in range(0x80, 0x2000):
        decomposed = unicodedata.normalize("NFKD", chr(code))
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if len(base) == 1 and base != chr(code) and base.isalpha():
            table[code] = ord(base.lower())
    return table


_ACCENTS = _accents()


def fold(text: str) -> str:
    """Lower case without accents: « Élection » and « election » read the same."""
    return text.lower().translate(_ACCENTS)


def emoji_spans(text: str) -> list[Token]:
    """Each emoji as the reader sees it (one grapheme, even a family or a flag)."""
    found: list[Token] = []
    if not _EMOJI.search(text):
        return found
    for match in _GRAPHEME.finditer(text):
        if _EMOJI.search(match.group()):
            found.append(Token(match.group(), match.start(), match.end()))
    return found


def mostly_capitals(text: str, *, letters: int, share: float) -> bool:
    """At least ``letters`` letters, and more than ``share`` of them capitals: shouting."""
    if len(text) < letters:
        return False
    found = sum(map(str.isalpha, text))
    return found >= letters and sum(map(str.isupper, text)) / found > share


def graphemes(text: str) -> int:
    """User-perceived characters: how Bluesky counts the 300 of a post."""
    return len(_GRAPHEME.findall(text))
