"""The organisation's own words: what its editorial line and internal charter forbid."""

from __future__ import annotations

import regex

from parvis.analysis.context import Rules
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.text import fold


def check(text: str, rules: Rules) -> list[Finding]:
    folded = fold(text)  # same length as text for Latin script: spans stay valid
    aligned = len(folded) == len(text)
    findings = []
    for word in rules.forbidden_words:
        for start, end in _occurrences(folded, word):
            findings.append(
                Finding(
                    "editorial.forbidden_word",
                    Severity.BLOCKING,
                    _("« %(word)s » fait partie des mots que votre ligne éditoriale exclut.")
                    % {"word": text[start:end] if aligned else word},
                    start=start if aligned else None,
                    end=end if aligned else None,
                )
            )
    for topic, cues in rules.forbidden_topics.items():
        hits = [hit for cue in cues for hit in _occurrences(folded, cue)]
        if hits:
            start, end = min(hits)
            findings.append(
                Finding(
                    "editorial.forbidden_topic",
                    Severity.WARNING,
                    _(
                        "Ce texte semble aborder « %(topic)s » (« %(cue)s »), un sujet que votre "
                        "charte interne demande de ne pas traiter."
                    )
                    % {"topic": topic, "cue": text[start:end] if aligned else cues[0]},
                    start=start if aligned else None,
                    end=end if aligned else None,
                )
            )
    return findings


def _occurrences(folded: str, phrase: str) -> list[tuple[int, int]]:
    """Whole-word matches of ``phrase`` (folded); a trailing ``*`` matches any ending."""
    target = fold(phrase.strip())
    if not target:
        return []
    stem = target.endswith("*")
    pattern = regex.escape(target.rstrip("*")) + (r"\w*" if stem else "")
    return [(m.start(), m.end()) for m in regex.finditer(rf"(?<!\w){pattern}(?!\w)", folded)]
