"""What an incoming message says and how: its sentiment and its intent, always reported."""

from __future__ import annotations

from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.i18n import gettext_noop
from parvis.analysis.prediction import Prediction

SENTIMENTS = {
    "negative": gettext_noop("Sentiment négatif"),
    "neutral": gettext_noop("Sentiment neutre"),
    "positive": gettext_noop("Sentiment positif"),
}
INTENTS = {
    "question": gettext_noop("Question : la personne attend une réponse."),
    "complaint": gettext_noop("Réclamation : un problème signalé ou un mécontentement."),
    "press": gettext_noop(
        "Demande presse (journaliste, interview, tournage) : "
        "à transmettre au service communication."
    ),
    "event": gettext_noop("Demande de relais d'un événement ou d'une campagne."),
    "spam": gettext_noop("Spam ou publicité."),
    "other": gettext_noop("Autre message (remerciement, avis, réaction)."),
}


def sentiment(prediction: Prediction) -> Finding:
    label = prediction.best
    return Finding(
        f"sentiment.{label}",
        Severity.INFO,
        _("%(what)s (%(score)d %%).")
        % {"what": _(SENTIMENTS[label]), "score": round(prediction[label] * 100)},
        score=prediction[label],
    )


def intent(prediction: Prediction) -> Finding:
    label = prediction.best
    return Finding(f"intent.{label}", Severity.INFO, _(INTENTS[label]), score=prediction[label])
