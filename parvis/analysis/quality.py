"""The figures of docs/analysis-quality.md, computed by the shipped engine on held-out data."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from parvis.analysis import owndata
from parvis.analysis.analyzers.personal_data import find
from parvis.analysis.context import Context, Kind, Rules
from parvis.analysis.engine import Engine, Item
from parvis.analysis.findings import Finding


@dataclass(frozen=True)
class Figure:
    task: str
    measure: str
    value: float
    target: float
    higher_is_better: bool = True
    count: int = 0  # examples the figure is measured on

    @property
    def met(self) -> bool:
        return self.value >= self.target if self.higher_is_better else self.value <= self.target


def own_figures(engine: Engine, split: str = "heldout") -> list[Figure]:
    """Every figure of our own sets, on ``split`` ("heldout" for the report, "dev" to tune)."""
    pick = 1 if split == "heldout" else 0
    return [
        *_tone(engine, owndata.load("drafts")[pick]),
        *_laudatory(engine, owndata.load("reposts")[pick]),
        *_incoming(engine, owndata.load("incoming")[pick]),
        _personal_data(owndata.load("personal_data")[pick]),
    ]


def _flags(
    engine: Engine, records: Sequence[dict[str, Any]], context: Callable[[dict[str, Any]], Context]
) -> list[list[Finding]]:
    return engine.analyse_many([Item(r["text"], context(r)) for r in records])


def _rate(hits: Sequence[bool]) -> float:
    return sum(hits) / len(hits) if hits else 0.0


def _tone(engine: Engine, records: list[dict[str, Any]]) -> list[Figure]:
    findings = _flags(engine, records, lambda r: Context(kind=Kind.DRAFT))
    tone = [[f for f in fs if f.code == "tone.aggressive"] for fs in findings]

    def hits(labels: tuple[str, ...], *, blocked: bool = False) -> list[bool]:
        return [
            any(f.blocking for f in found) if blocked else bool(found)
            for found, r in zip(tone, records, strict=True)
            if r["label"] in labels
        ]

    def figure(measure: str, found: list[bool], target: float, higher: bool) -> Figure:
        return Figure("tone", measure, _rate(found), target, higher, len(found))

    return [
        figure("recall of aggressive drafts", hits(("aggressive",)), 0.90, True),
        figure("impertinent drafts flagged aggressive", hits(("impertinent",)), 0.10, False),
        figure("neutral drafts flagged aggressive", hits(("neutral",)), 0.10, False),
        # Parvis's own goals: most aggressive drafts blocked, almost no other one.
        figure("aggressive drafts blocked", hits(("aggressive",), blocked=True), 0.80, True),
        figure(
            "impertinent or neutral drafts blocked",
            hits(("impertinent", "neutral"), blocked=True),
            0.05,
            False,
        ),
    ]


def _laudatory(engine: Engine, records: list[dict[str, Any]]) -> list[Figure]:
    def context(record: dict[str, Any]) -> Context:
        names = (record["organisation"], *record.get("aliases", ()))
        return Context(kind=Kind.REPOST, rules=Rules(names=tuple(names)))

    findings = _flags(engine, records, context)
    predicted = [any(f.code == "repost.laudatory" for f in fs) for fs in findings]
    truth = [r["label"] == "laudatory" for r in records]
    true_positives = sum(p and t for p, t in zip(predicted, truth, strict=True))
    precision = true_positives / max(1, sum(predicted))
    recall = true_positives / max(1, sum(truth))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return [Figure("laudatory", "F1 of laudatory reposts", f1, 0.90, count=len(records))]


def _incoming(engine: Engine, records: list[dict[str, Any]]) -> list[Figure]:
    findings = _flags(engine, records, lambda r: Context(kind=Kind.INCOMING))
    flagged = [any(f.code.startswith("moderation.") for f in fs) for fs in findings]
    violations = [flag for flag, r in zip(flagged, records, strict=True) if r["moderation"]]
    criticism = [flag for flag, r in zip(flagged, records, strict=True) if owndata.is_criticism(r)]
    intents = [
        next(f.code for f in fs if f.code.startswith("intent.")) == f"intent.{r['intent']}"
        for fs, r in zip(findings, records, strict=True)
    ]
    return [
        Figure(
            "moderation",
            "recall of charter violations",
            _rate(violations),
            0.90,
            count=len(violations),
        ),
        Figure(
            "moderation",
            "legitimate criticism flagged",
            _rate(criticism),
            0.10,
            False,
            len(criticism),
        ),
        Figure("intent", "accuracy", _rate(intents), 0.85, count=len(intents)),
    ]


def _personal_data(records: list[dict[str, Any]]) -> Figure:
    found: list[bool] = []
    for record in records:
        detected = find(record["text"])
        for span in record["spans"]:
            found.append(
                any(
                    d.kind == span["type"] and d.start < span["end"] and span["start"] < d.end
                    for d in detected
                )
            )
    return Figure("personal data", "recall of personal data", _rate(found), 0.98, count=len(found))


def main() -> None:
    """``python -m parvis.analysis.quality``: the figures of our own sets, on the held-out part."""
    for figure in own_figures(Engine()):
        sign = "≥" if figure.higher_is_better else "≤"
        verdict = "atteint" if figure.met else "NON ATTEINT"
        print(
            f"{figure.task:14} {figure.measure:40} {figure.value:.3f}  "
            f"(cible {sign} {figure.target:.2f}, n = {figure.count}) {verdict}"
        )


if __name__ == "__main__":
    main()
