"""Moderation of incoming messages against the categories of the public moderation charter.

Criticism, even harsh, is not a violation: a public body that removes it commits an error.
The model was trained to tell the two apart, and its threshold set so that few legitimate
complaints are flagged (docs/analysis-quality.md measures both sides).
"""

from __future__ import annotations

from parvis.analysis.analyzers import personal_data
from parvis.analysis.context import Rules
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.i18n import gettext_noop
from parvis.analysis.prediction import Prediction

# The categories of the public charter (DESIGN §2), as the findings name them.
CATEGORIES: dict[str, str] = {
    "insult": gettext_noop("insulte ou attaque personnelle"),
    "hate": gettext_noop("haine ou discrimination"),
    "threat": gettext_noop("menace ou harcèlement"),
    "defamation": gettext_noop("diffamation"),
    "personal_data": gettext_noop("données personnelles d'un tiers"),
    "spam": gettext_noop("publicité ou spam"),
    "propaganda": gettext_noop("propagande électorale ou religieuse"),
    "flooding": gettext_noop("hors sujet et flood"),
}
_DATA_KINDS = {
    personal_data.DataKind.PHONE: gettext_noop("un numéro de téléphone"),
    personal_data.DataKind.EMAIL: gettext_noop("une adresse e-mail"),
    personal_data.DataKind.ADDRESS: gettext_noop("une adresse postale"),
    personal_data.DataKind.NIR: gettext_noop("un numéro de sécurité sociale"),
    personal_data.DataKind.IBAN: gettext_noop("un IBAN"),
}


def check(
    text: str, violation: Prediction, category: Prediction | None, threshold: float, rules: Rules
) -> list[Finding]:
    """``violation`` reads none / violation; ``category`` which one (read for violations only)."""
    findings = [
        *_model_findings(violation, category, threshold),
        *personal_data_findings(text, rules),
    ]
    allowed = rules.charter_categories
    return [f for f in findings if allowed is None or f.code.split(".", 1)[1] in allowed]


def _model_findings(
    violation: Prediction, category: Prediction | None, threshold: float
) -> list[Finding]:
    score = violation["violation"]
    if score < threshold or category is None:
        return []
    ranked = sorted(category.probabilities, key=category.__getitem__, reverse=True)
    best = category[ranked[0]]
    words, span = violation.evidence("violation")
    findings = []
    for label in ranked:
        if category[label] < best / 2:
            break
        findings.append(
            Finding(
                f"moderation.{label}",
                Severity.WARNING,
                _(
                    "Ce message semble relever de la catégorie « %(category)s » de la charte de "
                    "modération (%(score)d %%)%(words)s. Vérifiez avant de masquer : une "
                    "critique, même vive, n'est pas une infraction."
                )
                % {
                    "category": _(CATEGORIES[label]),
                    "score": round(score * 100),
                    "words": " : " + ", ".join(f"« {w} »" for w in words) if words else "",
                },
                start=span[0] if span else None,
                end=span[1] if span else None,
                score=score,
            )
        )
    return findings


def personal_data_findings(text: str, rules: Rules) -> list[Finding]:
    return [
        Finding(
            "moderation.personal_data",
            Severity.WARNING,
            _(
                "Le message contient %(what)s : si ce sont les données d'une autre personne, la "
                "charte demande de le masquer (catégorie « %(category)s »)."
            )
            % {"what": _(_DATA_KINDS[datum.kind]), "category": _(CATEGORIES["personal_data"])},
            start=datum.start,
            end=datum.end,
            score=1.0 if datum.certain else 0.8,
        )
        for datum in personal_data.find(text, rules)
    ]
