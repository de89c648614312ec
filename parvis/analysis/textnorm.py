"""Text normalisation for the fast linear classifiers (pure Python, no Django).

One function, :func:`tokens`, turns any string into the list of folded tokens that the
featuriser of :mod:`parvis.analysis.linear` reads. Everything here runs at C speed
(``str.translate`` and compiled regular expressions) because it is on the ingestion path:
the fast tier reads thousands of texts per second on one core.

What it does, in order:

* keeps the first ``max_chars`` characters (a 100,000-character paste stays fast);
* control characters (NUL included) become spaces;
* URLs become ``url`` and mentions ``@user`` (the convention of the public tweet sets);
* a run of capitals (≥ 4 letters, mostly upper case) adds the pseudo-token ``<caps>``;
* lower case, accents removed (« Élection » → « election »), ligatures split, typographic
  apostrophes and quotes made plain;
* a character repeated 3 times or more is kept twice (« nooooon » → « noon »);
* leetspeak inside a word that mixes digits and letters is undone (« m3rd3 » → « merde »);
* numbers become ``0``;
* a short list of teen / SMS spellings is expanded (« pk » → « pourquoi », « tg » → « ta gueule »),
  so that both spellings share what the model learnt.
"""

from __future__ import annotations

import re
import unicodedata

DEFAULT_MAX_CHARS = 5_000


def _fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0x80, 0x2000):
        ch = chr(cp)
        low = ch.lower()
        decomposed = unicodedata.normalize("NFKD", low)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base != ch and base.isascii() and base:
            table[cp] = base
    for cp in range(0x41, 0x5B):  # A-Z
        table[cp] = chr(cp + 32)
    table.update(
        {
            ord("œ"): "oe",
            ord("Œ"): "oe",
            ord("æ"): "ae",
            ord("Æ"): "ae",
            ord("ß"): "ss",
            ord("\u2019"): "'",
            ord("\u2018"): "'",
            ord("\u02bc"): "'",
            ord("`"): "'",
            ord("\u00b4"): "'",
            ord("\u00ab"): '"',
            ord("\u00bb"): '"',
            ord("\u201c"): '"',
            ord("\u201d"): '"',
            ord("\u201e"): '"',
            ord("\u2026"): "...",
            ord("\u2013"): "-",
            ord("\u2014"): "-",
            ord("\u00a0"): " ",
            ord("\u202f"): " ",
            ord("\u200b"): "",
            ord("\u200d"): "",
            ord("\ufe0f"): "",
        }
    )
    for cp in range(0x20):
        table[cp] = " "
    table[0x7F] = " "
    return table


_FOLD = _fold_table()

_URL = re.compile(r"(?:https?://|www\.)\S+|\bhttps?\b")
_MENTION = re.compile(r"@\w+")
_CAPS = re.compile(r"[A-ZÀ-Ý]{4,}")
_UPPER = re.compile(r"[A-ZÀ-Þ]")
_LOWER = re.compile(r"[a-zß-ÿ]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_DIGIT = re.compile(r"\d")
_REPEAT = re.compile(r"(.)\1{2,}")
_LEET_WORD = re.compile(r"\b(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]*[a-z][a-z\d]*\b")
_LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_TOKEN = re.compile(r"@user|<caps>|\w+|[^\w\s']")

# Teen and SMS spellings of the chat data, expanded to the plain words (one-way, small and
# conservative: only forms that are not ordinary French words themselves).
SPELLINGS: dict[str, str] = {
    "pk": "pourquoi",
    "pq": "pourquoi",
    "pkoi": "pourquoi",
    "pourkoi": "pourquoi",
    "koi": "quoi",
    "kwa": "quoi",
    "ki": "qui",
    "kel": "quel",
    "kelle": "quelle",
    "tkt": "t inquiete",
    "jsp": "je sais pas",
    "chui": "je suis",
    "chuis": "je suis",
    "jsuis": "je suis",
    "jsui": "je suis",
    "chu": "je suis",
    "stp": "s il te plait",
    "svp": "s il vous plait",
    "bcp": "beaucoup",
    "bcq": "beaucoup",
    "slt": "salut",
    "mtn": "maintenant",
    "mnt": "maintenant",
    "pcq": "parce que",
    "pck": "parce que",
    "psk": "parce que",
    "jte": "je te",
    "jme": "je me",
    "jle": "je le",
    "jvais": "je vais",
    "jvai": "je vais",
    "jai": "j ai",
    "jsais": "je sais",
    "ya": "il y a",
    "wsh": "wesh",
    "vrmt": "vraiment",
    "vrm": "vraiment",
    "dac": "d accord",
    "dak": "d accord",
    "tg": "ta gueule",
    "ftg": "ferme ta gueule",
    "fdp": "fils de pute",
    "ntm": "nique ta mere",
    "nsm": "nique sa mere",
    "ptn": "putain",
    "tjr": "toujours",
    "tjrs": "toujours",
    "qd": "quand",
    "qnd": "quand",
    "bjr": "bonjour",
    "msg": "message",
    "keske": "qu est ce que",
    "kesk": "qu est ce que",
    "ske": "ce que",
    "ct": "c etait",
    "oklm": "au calme",
    "mdrr": "mdr",
    "ptdrr": "ptdr",
    "grv": "grave",
    "tt": "tout",
    "ds": "dans",
    "pr": "pour",
    "nn": "non",
}


_SPELLING_KEYS = frozenset(SPELLINGS)


def _unleet(match: re.Match[str]) -> str:
    return match.group(0).translate(_LEET)


def normalise(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The folded text (a string), before tokenisation."""
    text = text[:max_chars]
    lowered = text.lower()
    caps = " <caps> " if lowered != text and _CAPS.search(text) and _mostly_upper(text) else ""
    # Each pass below is skipped when a cheap test shows it has nothing to do.
    text = lowered.translate(_FOLD) if not lowered.isascii() else _CONTROL.sub(" ", lowered)
    if "http" in text or "www." in text:
        text = _URL.sub(" url ", text)
    if "@" in text:
        text = _MENTION.sub(" @user ", text)
    text = _REPEAT.sub(r"\1\1", text)
    if _DIGIT.search(text):
        text = _LEET_WORD.sub(_unleet, text)
        text = _NUMBER.sub("0", text)
    return text + caps


def _mostly_upper(text: str) -> bool:
    return len(_UPPER.findall(text)) > len(_LOWER.findall(text))


def tokens(text: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[str]:
    """Folded word and symbol tokens of ``text`` (apostrophes split the words)."""
    found = _TOKEN.findall(normalise(text, max_chars))
    get = SPELLINGS.get
    if not _SPELLING_KEYS.isdisjoint(found):
        return " ".join([get(t, t) for t in found]).split()
    return found
