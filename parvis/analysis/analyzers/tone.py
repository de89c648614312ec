"""Tone of a draft: impertinent is allowed, aggressive never is (the guides' rule)."""

from __future__ import annotations

import regex

from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.prediction import Prediction
from parvis.analysis.text import mostly_capitals

_CAPS_WORD = regex.compile(r"\b\p{Lu}{3,}\b")


def check(text: str, tone: Prediction, threshold: float, blocking: float) -> list[Finding]:
    """``tone`` reads aggressive / impertinent / neutral. From ``threshold`` (tuned on our
    drafts for recall) the draft is flagged; from ``blocking`` (tuned so that almost no
    impertinent or neutral draft reaches it) it cannot leave as it is."""
    aggressive = tone["aggressive"]
    if aggressive >= threshold:
        words, span = tone.evidence("aggressive")
        because = (
            _(" Les mots qui y contribuent le plus : %(words)s.")
            % {"words": ", ".join(f"« {w} »" for w in words)}
            if words
            else ""
        )
        sure = aggressive >= blocking
        what = (
            _(
                "Ton agressif (%(score)d %%) : insulte, mépris, moquerie des usagers ou "
                "menace. Un compte public peut être impertinent, jamais agressif."
            )
            if sure
            else _(
                "Ton peut-être agressif (%(score)d %%) : relisez-le comme la personne visée le "
                "lirait. Un compte public peut être impertinent, jamais agressif."
            )
        )
        return [
            Finding(
                "tone.aggressive",
                Severity.BLOCKING if sure else Severity.WARNING,
                what % {"score": round(aggressive * 100)} + because,
                start=span[0] if span else None,
                end=span[1] if span else None,
                score=aggressive,
            )
        ]
    if _shouting(text):
        return [
            Finding(
                "tone.aggressive",
                Severity.WARNING,
                _("Le texte est presque entièrement en capitales : il se lit comme un cri."),
                start=0,
                end=len(text),
                score=aggressive,
            )
        ]
    if tone.best == "impertinent" and tone["impertinent"] >= 0.5:
        return [
            Finding(
                "tone.impertinent",
                Severity.INFO,
                _(
                    "Ton impertinent (humour, ironie) : c'est permis, tant que personne n'est "
                    "visé. Relisez en pensant à la personne la plus susceptible de vous lire."
                ),
                score=tone["impertinent"],
            )
        ]
    return []


def _shouting(text: str) -> bool:
    return mostly_capitals(text, letters=20, share=0.7) and len(_CAPS_WORD.findall(text)) >= 3
