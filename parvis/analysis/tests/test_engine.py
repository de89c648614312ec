"""The engine with its shipped models: what a community manager would see for real texts."""

from __future__ import annotations

import pytest

from parvis.analysis import engine
from parvis.analysis.analyzers import tone
from parvis.analysis.context import Context, Kind, Media, Rules
from parvis.analysis.findings import Severity
from parvis.analysis.prediction import Prediction

INCOMING = Context(kind=Kind.INCOMING)


def codes(text: str, context: Context) -> list[str]:
    return [finding.code for finding in engine.analyse(text, context)]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "🎉🎉🎉",
        "x" * 100_000,
        "Bonjour, where is the town hall? Danke schön",
        "\x00\ufffd",
    ],
)
def test_an_incoming_text_always_gets_one_sentiment_and_one_intent(text: str) -> None:
    found = codes(text, INCOMING)
    assert sum(code.startswith("sentiment.") for code in found) == 1
    assert sum(code.startswith("intent.") for code in found) == 1


def test_a_very_long_text_is_analysed_on_its_beginning_and_says_so() -> None:
    findings = engine.analyse("Les travaux avancent. " * 5_000, INCOMING)
    truncated = [f for f in findings if f.code == "input.truncated"]
    assert truncated
    assert "20000" in truncated[0].message.replace("\u202f", "").replace(" ", "")


def test_an_empty_draft_cannot_leave() -> None:
    findings = engine.analyse("  ", Context(kind=Kind.DRAFT))
    assert [(f.code, f.severity) for f in findings] == [("length.empty", Severity.BLOCKING)]


def test_an_insult_is_flagged_and_harsh_criticism_is_not() -> None:
    assert "moderation.insult" in codes("Bande de connards, vous êtes des ordures finies", INCOMING)
    criticism = codes("C'est inadmissible, vous êtes incompétents sur ce dossier !", INCOMING)
    assert not [code for code in criticism if code.startswith("moderation.")]
    assert "sentiment.negative" in criticism


def test_personal_data_of_a_third_party_is_flagged_on_its_span() -> None:
    text = "Mon voisin fait du bruit, appelez-le au 06 12 34 56 78"
    findings = [f for f in engine.analyse(text, INCOMING) if f.code == "moderation.personal_data"]
    assert findings
    assert text[findings[0].start : findings[0].end] == "06 12 34 56 78"


def test_a_press_request_and_a_question_are_recognised() -> None:
    assert "intent.press" in codes(
        "Bonjour, journaliste à France 3, je prépare un reportage sur les inondations : "
        "pourriez-vous me mettre en contact avec le service presse pour une interview ?",
        INCOMING,
    )
    assert "intent.question" in codes(
        "Quels sont les horaires de la déchetterie le samedi ?", INCOMING
    )


def test_a_playful_draft_is_impertinent_and_a_contemptuous_one_aggressive() -> None:
    playful = engine.analyse(
        "Alerte rouge 🚨 : il reste des crêpes à la fête de l'hiver ! Venez nous aider à finir.",
        Context(kind=Kind.DRAFT),
    )
    angry = engine.analyse(
        "Aux abrutis qui jettent leurs déchets dans le parc : on a vos plaques, vous allez payer.",
        Context(kind=Kind.DRAFT),
    )
    assert not [f for f in playful if f.code == "tone.aggressive"]
    aggressive = [f for f in angry if f.code == "tone.aggressive"]
    assert aggressive
    assert aggressive[0].blocking
    assert aggressive[0].score is not None


def test_praise_of_the_organisation_is_not_reposted() -> None:
    rules = Rules(names=("Ville de Saint-Aubin", "@saintaubin", "la mairie"))
    praise = "Bravo à la mairie pour ce nouveau parc magnifique, enfin une équipe qui bosse ! 👏"
    news = "Météo-France place le département en vigilance orange orages à partir de 16 h."
    assert "repost.laudatory" in codes(praise, Context(kind=Kind.REPOST, rules=rules))
    assert "repost.laudatory" not in codes(news, Context(kind=Kind.REPOST, rules=rules))


def test_a_draft_gets_the_checks_of_its_network_and_its_media() -> None:
    found = codes("a" * 301, Context(kind=Kind.DRAFT, network="bluesky", media=(Media(),)))
    assert {"length.too_long", "a11y.missing_alt"} <= set(found)


def test_the_findings_speak_english_when_asked(settings) -> None:
    from django.utils import translation

    with translation.override("en"):
        findings = engine.analyse("  ", Context(kind=Kind.DRAFT))
    assert findings[0].message == "The post is empty."


class _Silent:
    """A tone model that explains nothing: the severity alone is under test."""

    name = "tone"
    classes: tuple[str, ...] = ("aggressive", "impertinent", "neutral")

    def top_features(
        self,
        text: str,
        label: str,
        k: int = 5,
        occurrences: object = None,
        *,
        words_only: bool = False,
    ) -> list[tuple[str, float]]:
        return []


@pytest.mark.parametrize(
    ("score", "severity"),
    [(0.30, None), (0.45, Severity.WARNING), (0.60, Severity.BLOCKING), (0.90, Severity.BLOCKING)],
)
def test_a_draft_is_blocked_only_when_the_tone_model_is_sure(
    score: float, severity: Severity | None
) -> None:
    reading = Prediction(
        _Silent(), "texte", "texte", {"aggressive": score, "impertinent": 0.05, "neutral": 0.05}
    )
    found = tone.check("texte", reading, threshold=0.4, blocking=0.6)
    assert [f.severity for f in found if f.code == "tone.aggressive"] == (
        [severity] if severity else []
    )
    if severity == Severity.WARNING:
        assert "peut-être agressif" in found[0].message
