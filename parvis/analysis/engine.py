"""The analysis engine: every model and lexicon loaded once, every analyzer run on a text.

``analyse(text, context)`` is the one call the composer, the inbox, moderation and
listening make. ``analyse_many`` does the same for a batch, with one matrix product per
model: it is what ingestion uses to keep up with a stream of mentions.
"""

from __future__ import annotations

import datetime
import functools
import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import regex

from parvis.analysis import cues
from parvis.analysis import text as t
from parvis.analysis.analyzers import (
    accessibility,
    editorial,
    election,
    flooding,
    limits,
    moderation,
    reading,
    repost,
    tone,
)
from parvis.analysis.context import Context, Kind, Rules
from parvis.analysis.findings import Finding, Severity
from parvis.analysis.i18n import gettext as _
from parvis.analysis.linear import Doc, IntArray, LinearTextModel
from parvis.analysis.linear import analyse as featurise
from parvis.analysis.prediction import Prediction

PARIS = ZoneInfo("Europe/Paris")  # the day of a post is the day in France
MODELS = Path(__file__).resolve().parent / "models"
ORGANISATION = "organisationx"  # what the models read in place of the organisation's names

# Which models each kind of text needs.
_NEEDS = {
    Kind.DRAFT: ("tone",),
    Kind.REPOST: ("tone", "laudatory"),
    Kind.INCOMING: ("moderation", "moderation_category", "sentiment", "intent"),
}


@dataclass(frozen=True)
class Item:
    text: str
    context: Context


class Engine:
    def __init__(self, directory: Path = MODELS) -> None:
        # Sorted: "moderation" runs before "moderation_category", which reads its verdict.
        names = sorted({name for needed in _NEEDS.values() for name in needed})
        self.models = {name: LinearTextModel.load(directory / f"{name}.npz") for name in names}
        self.thresholds: dict[str, float] = json.loads(
            (directory / "thresholds.json").read_text(encoding="utf-8")
        )

    def analyse(
        self, text: str, context: Context | None = None, *, today: datetime.date | None = None
    ) -> list[Finding]:
        return self.analyse_many([Item(text, context or Context())], today=today)[0]

    def analyse_many(
        self, items: Sequence[Item], *, today: datetime.date | None = None
    ) -> list[list[Finding]]:
        today = today or datetime.datetime.now(PARIS).date()
        predictions = self._predict(items)
        return [self._findings(item, predictions[index], today) for index, item in enumerate(items)]

    def _predict(self, items: Sequence[Item]) -> list[dict[str, Prediction]]:
        """Each model run once over every text that needs it; texts featurised once per kind."""
        out: list[dict[str, Prediction]] = [{} for _item in items]
        read = [as_read(item.text, item.context.rules) for item in items]
        annotated = [cues.annotate(text) for text in read]
        shared: dict[tuple[object, ...], dict[int, Doc]] = {}
        found: dict[tuple[object, ...], tuple[IntArray, IntArray]] = {}
        for name, model in self.models.items():
            indices = [i for i, item in enumerate(items) if name in _NEEDS[item.context.kind]]
            if name == "moderation_category":  # which category, only for the violations
                cut = self.thresholds["moderation"]
                indices = [i for i in indices if out[i]["moderation"]["violation"] >= cut]
            if not indices:
                continue
            cued = bool(model.meta.get("cues"))  # trained on the text with its cue tokens
            source = annotated if cued else read
            cache = shared.setdefault((cued, model.features, tuple(model.lexicon)), {})
            missing = [i for i in indices if i not in cache]
            for i, doc in zip(
                missing,
                featurise([source[i] for i in missing], model.features, model.lexicon),
                strict=True,
            ):
                cache[i] = doc
            reading = (cued, model.signature, tuple(indices))
            if reading not in found:  # intent and moderation read the same features
                found[reading] = model.occurrences([cache[i] for i in indices])
            probabilities, occurrences = model.read_occurrences(*found[reading], len(indices))
            for row, i in enumerate(indices):
                out[i][name] = Prediction(
                    model,
                    source[i],
                    items[i].text,
                    dict(zip(model.classes, (float(p) for p in probabilities[row]), strict=True)),
                    occurrences[row],
                )
        return out

    def _findings(
        self, item: Item, predictions: dict[str, Prediction], today: datetime.date
    ) -> list[Finding]:
        text, context = t.clip(item.text), item.context
        findings = _input_findings(item.text, context)
        if context.kind == Kind.INCOMING:
            findings += moderation.check(
                text,
                predictions["moderation"],
                predictions.get("moderation_category"),
                self.thresholds["moderation"],
                context.rules,
            )
            findings += flooding.check(text, context.previous)
            findings.append(reading.sentiment(predictions["sentiment"]))
            findings.append(reading.intent(predictions["intent"]))
            return findings
        if context.kind == Kind.REPOST:
            findings += repost.check(predictions["laudatory"], self.thresholds["laudatory"])
        findings += tone.check(
            text, predictions["tone"], self.thresholds["tone"], self.thresholds["tone_blocking"]
        )
        findings += editorial.check(text, context.rules)
        if context.kind == Kind.DRAFT:
            findings += accessibility.check(text, context)
            findings += election.check(text, context, today)
            findings += moderation.personal_data_findings(text, context.rules)
            network = context.limits or limits.NETWORKS.get(context.network or "")
            if network:
                alts = [m.alt for m in context.media]
                findings += limits.check(text, network, alts, context.content_warning)
        return findings


def _input_findings(text: str, context: Context) -> list[Finding]:
    """What is worth saying about the text as input, before any model reads it."""
    if not text.strip():
        if context.kind != Kind.DRAFT:
            return [Finding("input.empty", Severity.INFO, _("Texte vide : rien à analyser."))]
        if context.media:
            return []
        return [Finding("length.empty", Severity.BLOCKING, _("La publication est vide."))]
    if len(text) > t.MAX_CHARS:
        return [
            Finding(
                "input.truncated",
                Severity.INFO,
                _("Texte de %(length)d caractères : seuls les %(max)d premiers ont été analysés.")
                % {"length": len(text), "max": t.MAX_CHARS},
            )
        ]
    return []


def as_read(text: str, rules: Rules) -> str:
    """The text as the models read it: clipped, the organisation's names made one token."""
    text = t.clip(text)
    for name in sorted(rules.names, key=len, reverse=True):
        if name.strip():
            text = regex.sub(
                rf"(?<!\w){regex.escape(name.strip())}(?!\w)", ORGANISATION, text, flags=regex.I
            )
    return text


_lock = threading.Lock()


@functools.cache
def _engine() -> Engine:
    return Engine()


def engine() -> Engine:
    """The process's engine, loaded on first use (about a second)."""
    with _lock:
        return _engine()


def analyse(
    text: str, context: Context | None = None, *, today: datetime.date | None = None
) -> list[Finding]:
    """Every finding about ``text`` in ``context``: the one call the rest of Parvis makes."""
    return engine().analyse(text, context, today=today)
