"""Flooding: the same message again, or a wall of the same characters, words or emoji."""

from __future__ import annotations

import re
from collections import Counter

import regex

from parvis.analysis import text as t
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _

_RUN = re.compile(r"(.)\1{11,}|(.{2,6}?)\2{7,}", re.S)  # "!!!!!!!!!!!!", "hahahahahahaha…"
_CHAIN = regex.compile(
    r"copiez[- ]coll\w*|faites\s+tourner|partagez\s+un\s+max|sous\s+tous\s+les\s+posts", regex.I
)


def check(text: str, previous: tuple[str, ...]) -> list[Finding]:
    reason = _reason(text, previous)
    if reason is None:
        return []
    return [
        Finding(
            "moderation.flooding",
            Severity.WARNING,
            _("Flood : %(reason)s (catégorie « hors sujet et flood » de la charte de modération).")
            % {"reason": reason},
            start=0,
            end=len(text),
            score=1.0,
        )
    ]


def _reason(text: str, previous: tuple[str, ...]) -> str | None:
    key = _key(text) if previous else ""
    if key and sum(_key(other) == key for other in previous) >= 2:
        return _("le même message a déjà été envoyé plusieurs fois")
    if _RUN.search(text):
        return _("le même caractère répété des dizaines de fois")
    if _CHAIN.search(text):
        return _("un appel à copier le message partout")
    tokens = text.lower().split()
    if len(tokens) < 8 or len(set(tokens)) > len(tokens) * 0.6:
        return _repeated_lines(text)
    for size in (1, 2, 3, 4):
        grams = Counter(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1))
        if grams and len(tokens) >= 8:
            count = grams.most_common(1)[0][1]
            if count >= 4 and count * size / len(tokens) >= 0.5:
                return _("les mêmes mots répétés en boucle")
    return _repeated_lines(text)


def _repeated_lines(text: str) -> str | None:
    lines = [line.strip().lower() for line in text.splitlines() if line.strip()]
    if len(lines) >= 4 and Counter(lines).most_common(1)[0][1] >= 3:
        return _("les mêmes lignes copiées plusieurs fois")
    return None


def _key(text: str) -> str:
    return str(regex.sub(r"\W+", " ", t.fold(text))).strip()
