"""Train the models of Parvis's own sets and tune their thresholds on the dev part only.

``python -m parvis.analysis.train_own`` writes ``models/{tone,laudatory,moderation,
moderation_category,intent}.npz`` and ``models/thresholds.json``. Thresholds come from
out-of-fold probabilities on the dev records (5 folds): the held-out records are never read.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from parvis.analysis import cues, owndata
from parvis.analysis.analyzers import flooding, personal_data
from parvis.analysis.context import Rules
from parvis.analysis.engine import as_read
from parvis.analysis.linear import FeatureConfig, LinearTextModel, TrainConfig, train
from parvis.analysis.train import folds

MODELS = Path(__file__).resolve().parent / "models"
CONFIG = TrainConfig(features=FeatureConfig(word_ngrams=(1, 2), char_ngrams=(2, 5)), C=10.0)
# Margins under the targets (10 % of impertinent drafts or of criticism flagged), because a
# threshold tuned on a few hundred records moves on new ones.
TUNED_FALSE_POSITIVES = 0.06
# A draft is blocked only where at most 2 % of the impertinent or neutral drafts would be.
BLOCKED_FALSE_POSITIVES = 0.02


def _out_of_fold(
    texts: Sequence[str],
    labels: Sequence[str],
    label: str,
    extra: tuple[Sequence[str], Sequence[str]] = ((), ()),
    config: TrainConfig = CONFIG,
) -> np.ndarray:
    """P(label) of each dev text by a model that did not see it (extra: training-only records)."""
    proba = np.zeros(len(texts))
    for test in folds(len(texts), 5):
        train_idx = np.setdiff1d(np.arange(len(texts)), test)
        model = train(
            [texts[i] for i in train_idx] + list(extra[0]),
            [labels[i] for i in train_idx] + list(extra[1]),
            config,
        )
        column = model.classes.index(label)
        proba[test] = model.predict_proba([texts[i] for i in test])[:, column]
    return proba


def _threshold(
    proba: np.ndarray, positive: np.ndarray, negative: np.ndarray, also: np.ndarray | None = None
) -> float:
    """Highest recall of ``positive`` with at most TUNED_FALSE_POSITIVES of ``negative`` flagged."""
    best = (1.0, -1.0)
    for cut in np.round(np.arange(0.05, 0.96, 0.01), 2).tolist():
        flagged = proba >= cut if also is None else (proba >= cut) | also
        if flagged[negative].mean() > TUNED_FALSE_POSITIVES:
            continue
        recall = flagged[positive].mean()
        if recall > best[1]:
            best = (cut, recall)
    return float(best[0])


def _f1_threshold(proba: np.ndarray, truth: np.ndarray) -> float:
    best = (0.5, -1.0)
    for cut in np.round(np.arange(0.05, 0.96, 0.01), 2).tolist():
        flagged = proba >= cut
        tp = float((flagged & truth).sum())
        f1 = 2 * tp / (flagged.sum() + truth.sum()) if tp else 0.0
        if f1 > best[1]:
            best = (cut, f1)
    return float(best[0])


def read(text: str, names: Sequence[str] = ()) -> str:
    """The text as the engine gives it to a model."""
    return cues.annotate(as_read(text, Rules(names=tuple(names))))


def _blocking_threshold(proba: np.ndarray, negative: np.ndarray, floor: float) -> float:
    """Lowest cut from ``floor`` with at most BLOCKED_FALSE_POSITIVES of ``negative`` above."""
    for cut in np.round(np.arange(floor, 0.96, 0.01), 2).tolist():
        if (proba[negative] >= cut).mean() <= BLOCKED_FALSE_POSITIVES:
            return float(cut)
    return 0.96


def tone() -> tuple[LinearTextModel, float, float]:
    dev, _heldout = owndata.load("drafts")
    extra = owndata.training("drafts")
    texts, labels = [read(r["text"]) for r in dev], [r["label"] for r in dev]
    extra_texts, extra_labels = [read(r["text"]) for r in extra], [r["label"] for r in extra]
    proba = _out_of_fold(texts, labels, "aggressive", (extra_texts, extra_labels))
    truth = np.array(labels)
    cut = _threshold(proba, truth == "aggressive", truth == "impertinent")
    blocking = _blocking_threshold(proba, truth != "aggressive", cut)
    recall = (proba[truth == "aggressive"] >= cut).mean()
    blocked = (proba[truth == "aggressive"] >= blocking).mean()
    print(
        f"tone, dev out of fold: aggressive recall {recall:.3f} at {cut}, "
        f"{blocked:.3f} blocked at {blocking}"
    )
    model = train(texts + extra_texts, labels + extra_labels, CONFIG, name="tone")
    return model, cut, blocking


def laudatory() -> tuple[LinearTextModel, float]:
    dev, _heldout = owndata.load("reposts")
    texts = [read(r["text"], (r["organisation"], *r.get("aliases", ()))) for r in dev]
    labels = [r["label"] for r in dev]
    proba = _out_of_fold(texts, labels, "laudatory")
    cut = _f1_threshold(proba, np.array(labels) == "laudatory")
    return train(texts, labels, CONFIG, name="laudatory"), cut


def moderation() -> tuple[LinearTextModel, LinearTextModel, float]:
    dev, _heldout = owndata.load("incoming")
    extra = owndata.training("incoming")

    def label(r: dict[str, Any]) -> str:
        return "none" if owndata.moderation_label(r) == "none" else "violation"

    texts, labels = [read(r["text"]) for r in dev], [label(r) for r in dev]
    extra_texts, extra_labels = [read(r["text"]) for r in extra], [label(r) for r in extra]
    proba = _out_of_fold(texts, labels, "violation", (extra_texts, extra_labels))
    by_rules = np.array(
        [bool(personal_data.find(r["text"]) or flooding.check(r["text"], ())) for r in dev]
    )
    violations = np.array([bool(r["moderation"]) for r in dev])
    criticism = np.array([owndata.is_criticism(r) for r in dev])
    cut = _threshold(proba, violations, criticism, also=by_rules)
    flagged = (proba >= cut) | by_rules
    print(
        f"moderation, dev out of fold: violations flagged {flagged[violations].mean():.3f}, "
        f"criticism flagged {flagged[criticism].mean():.3f} at {cut}"
    )
    violation = train(texts + extra_texts, labels + extra_labels, CONFIG, name="moderation")
    offending = [r for r in dev + extra if owndata.moderation_label(r) != "none"]
    category = train(
        [read(r["text"]) for r in offending],
        [owndata.moderation_label(r) for r in offending],
        CONFIG,
        name="moderation_category",
    )
    return violation, category, cut


def intent() -> LinearTextModel:
    dev, _heldout = owndata.load("incoming")
    records = dev + owndata.training("incoming")
    config = TrainConfig(features=CONFIG.features, C=3.0)
    return train(
        [read(r["text"]) for r in records], [r["intent"] for r in records], config, name="intent"
    )


def main() -> None:
    MODELS.mkdir(exist_ok=True)
    thresholds: dict[str, float] = {}
    tone_model, thresholds["tone"], thresholds["tone_blocking"] = tone()
    laudatory_model, thresholds["laudatory"] = laudatory()
    violation, category, thresholds["moderation"] = moderation()
    for model in (tone_model, laudatory_model, violation, category, intent()):
        model.meta["cues"] = True  # every own-set model reads the text through read()
        model.save(MODELS / f"{model.name}.npz")
    (MODELS / "thresholds.json").write_text(
        json.dumps(thresholds, indent=2) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
