"""Reposting praise: a public body never shares what praises itself."""

from __future__ import annotations

from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.prediction import Prediction


def check(laudatory: Prediction, threshold: float) -> list[Finding]:
    score = laudatory["laudatory"]
    if score < threshold:
        return []
    words, span = laudatory.evidence("laudatory")
    return [
        Finding(
            "repost.laudatory",
            Severity.BLOCKING,
            _(
                "Ce contenu fait l'éloge de votre organisation ou de ses services "
                "(%(score)d %%%(words)s). "
                "La règle : ne jamais republier un contenu élogieux à son propre sujet ; "
                "remerciez plutôt son auteur en réponse."
            )
            % {
                "score": round(score * 100),
                "words": " : " + ", ".join(f"« {w} »" for w in words) if words else "",
            },
            start=span[0] if span else None,
            end=span[1] if span else None,
            score=score,
        )
    ]
