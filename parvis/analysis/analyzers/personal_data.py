"""Personal data of third parties in a text: phone numbers, e-mails, addresses, NIR, IBAN.

Patterns, not a model: each datum has a shape, and NIR and IBAN carry a checksum that tells a
real number from a dossier reference. The organisation's own public contacts are allowed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import regex

from parvis.analysis.context import Rules


class DataKind(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    ADDRESS = "address"
    NIR = "nir"
    IBAN = "iban"


@dataclass(frozen=True)
class Datum:
    kind: DataKind
    start: int
    end: int
    certain: bool  # a checksum held, or the shape leaves no doubt


_SEP = r"[ \t.\-/]?"
_AT = r"(?:\s?@\s?|\s?[\(\[\{]\s?(?:at|arobase|@)\s?[\)\]\}]\s?|\s(?:at|arobase|chez)\s)"
_DOT = r"(?:\.|\s?[\(\[\{]\s?(?:dot|point|\.)\s?[\)\]\}]\s?|\s(?:dot|point)\s)"
EMAIL = regex.compile(
    rf"(?<![\w.+-])[\w.+-]+{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,}}(?![\w])",
    regex.I,
)
PHONE = regex.compile(
    r"(?<![\w+\-/.,])(?:"
    # French: 0X XX XX XX XX, +33 (0)X…, 0033 X…
    rf"(?:(?:\+|00)33{_SEP}(?:\(0\){_SEP})?|0)[1-9](?:{_SEP}\d\d){{4}}"
    # International: +CC then 6 to 12 digits in groups
    rf"|(?:\+|00)(?!33)[1-9]\d{{0,2}}{_SEP}(?:\(0\){_SEP})?\d{{1,4}}(?:{_SEP}\d{{2,4}}){{2,4}}"
    r")(?![\w])"
)
NIR = regex.compile(
    r"(?<![\w])[12][ .]?\d\d[ .]?(?:0[1-9]|1[0-2]|[2-9]\d)[ .]?(?:\d\d|2[AB])[ .]?\d{3}[ .]?\d{3}"
    r"(?:[ .]?(\d\d))?(?![\w])",
    regex.I,
)
IBAN = regex.compile(
    r"(?<![\w])[A-Z]{2}\d\d(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?(?![\w])", regex.I
)
_STREET = (
    r"rue|avenue|av\.?|boulevard|bd|blvd|place|pl\.|all[ée]e|chemin|ch\.|impasse|imp\.|route|rte"
    r"|quai|cours|square|passage|sentier|voie|rond-point|esplanade|promenade|r[ée]sidence|cit[ée]"
    r"|lotissement|faubourg|fg|hameau|parvis|mont[ée]e|venelle|villa|clos|cour|port"
)
_NAME_WORD = r"[\p{Lu}][\p{L}'’\-]+"
_PLACE_NAME = (
    rf"(?-i:{_NAME_WORD}(?:\s+(?:{_NAME_WORD}|de|du|des|la|le|les|sur|sous|en|d'|l')){{0,5}})"
)
_CITY = rf"(?:,?\s*\d{{5}}(?:\s+{_PLACE_NAME})?)"
ADDRESS = regex.compile(
    rf"(?<![\w:/.,])(?:\d{{1,4}}(?:\s?(?:bis|ter|quater|[a-d])\b)?,?\s+(?:{_STREET})(?!\w)"
    r"[^\n,;:!?()«»\"]{2,60}?"
    r"(?=\s*(?:[,;:!?()«»\"\n]|$|\s\d{5}\b|\s(?:à|a|au|dans|pour|et|svp|stp|depuis|chez|ou|que|qui)\s))"
    rf"{_CITY}?"
    rf"|(?:lieu[- ]dit|hameau\s+d[eu']s?)\s*(?:(?:le|la|les)\s+|l')?{_PLACE_NAME}{_CITY}?)",
    regex.I | regex.V1,
)
_NIR_CUE = regex.compile(
    r"s[ée]cu|s[ée]curit[ée] sociale|\bnir\b|\bss\b|carte vitale|insee", regex.I
)
_IBAN_CUE = regex.compile(r"\biban\b|\brib\b|virement|compte", regex.I)
# What every e-mail needs, and a number needs digits: most messages skip the long patterns.
_AT_HINT = regex.compile(r"@|[\(\[\{]\s?(?:at|arobase)|\s(?:at|arobase|chez)\s", regex.I)
_DIGIT = regex.compile(r"\d")


def find(text: str, rules: Rules | None = None) -> list[Datum]:
    """Every personal datum in ``text`` but the organisation's own public contacts."""
    found: list[Datum] = []
    if _AT_HINT.search(text):
        for match in EMAIL.finditer(text):
            found.append(Datum(DataKind.EMAIL, match.start(), match.end(), certain=True))
    digits = len(_DIGIT.findall(text))
    if digits < 8:  # a phone number has 8 digits at least, an IBAN or a NIR more
        found += _addresses(text)
        return _allowed(_without_overlaps(found), text, rules)
    for match in IBAN.finditer(text):
        valid = _iban_valid(match.group())
        if valid or _IBAN_CUE.search(_around(text, match)):
            found.append(Datum(DataKind.IBAN, match.start(), match.end(), certain=valid))
    for match in NIR.finditer(text):
        key = match.group(1)
        valid = key is not None and _nir_valid(match.group())
        if valid or _NIR_CUE.search(_around(text, match)):
            found.append(Datum(DataKind.NIR, match.start(), match.end(), certain=valid))
    for match in PHONE.finditer(text):
        if match.group().startswith(("+", "00")) and len(regex.sub(r"\D", "", match.group())) < 10:
            continue  # "00123456" is a reference, not an international number
        found.append(Datum(DataKind.PHONE, match.start(), match.end(), certain=True))
    found += _addresses(text)
    return _allowed(_without_overlaps(found), text, rules)


def _addresses(text: str) -> list[Datum]:
    return [
        Datum(DataKind.ADDRESS, match.start(), match.end(), certain=False)
        for match in ADDRESS.finditer(text)
    ]


def _allowed(found: list[Datum], text: str, rules: Rules | None) -> list[Datum]:
    """All but the organisation's own public contacts, in the order of the text."""
    if rules and rules.public_contacts:
        public = {_digits_or_lower(contact) for contact in rules.public_contacts}
        found = [d for d in found if _digits_or_lower(text[d.start : d.end]) not in public]
    return sorted(found, key=lambda d: d.start)


def _around(text: str, match: regex.Match[str], width: int = 40) -> str:
    return text[max(0, match.start() - width) : match.end() + width]


def _without_overlaps(found: list[Datum]) -> list[Datum]:
    """An IBAN or NIR contains digits that look like a phone number: the first kind found wins."""
    kept: list[Datum] = []
    for datum in found:
        if all(datum.end <= other.start or datum.start >= other.end for other in kept):
            kept.append(datum)
    return kept


def _digits_or_lower(value: str) -> str:
    digits = str(regex.sub(r"\D", "", value))
    if "@" in value or len(digits) < 6:
        return str(regex.sub(r"\s", "", value.lower()))
    return digits[-9:]  # +33 6 12… and 06 12… are the same number


def _iban_valid(value: str) -> bool:
    compact = regex.sub(r"\s", "", value).upper()
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return int(digits) % 97 == 1


def _nir_valid(value: str) -> bool:
    compact = regex.sub(r"[\s.]", "", value).upper()
    body, key = compact[:13], compact[13:]
    body = body.replace("2A", "19").replace("2B", "18")
    if not body.isdigit() or not key.isdigit():
        return False
    return 97 - int(body) % 97 == int(key)
