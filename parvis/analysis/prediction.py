"""One model's reading of one text: its probabilities, and the words behind a label."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from parvis.analysis.text import fold


class TextModel(Protocol):
    name: str
    classes: tuple[str, ...]

    def top_features(self, text: str, label: str, k: int = 5) -> list[tuple[str, float]]: ...


@dataclass(frozen=True)
class Prediction:
    model: TextModel
    text: str  # as the model read it (names of the organisation replaced, clipped)
    original: str  # as written: spans point into it
    probabilities: Mapping[str, float]

    def __getitem__(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)

    @property
    def best(self) -> str:
        return max(self.probabilities, key=self.probabilities.__getitem__)

    def evidence(self, label: str, k: int = 3) -> tuple[list[str], tuple[int, int] | None]:
        """The words that pushed the text towards ``label``, and the span of the strongest."""
        features = [
            feature.strip()
            for feature, weight in self.model.top_features(self.text, label, k=8)
            if weight > 0 and len(feature.strip()) >= 3
        ]
        folded = fold(self.original)
        shown: list[str] = []
        span: tuple[int, int] | None = None
        for feature in features:
            position = folded.find(fold(feature))
            if position < 0 or len(folded) != len(self.original):
                continue
            found = self.original[position : position + len(feature)]
            if any(found in other or other in found for other in shown):
                continue
            shown.append(found)
            if span is None:
                span = (position, position + len(feature))
            if len(shown) == k:
                break
        return shown, span
