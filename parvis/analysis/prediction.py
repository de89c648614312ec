"""One model's reading of one text: its probabilities, and the words behind a label."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from parvis.analysis.linear import Occurrences
from parvis.analysis.text import fold


class TextModel(Protocol):
    name: str
    classes: tuple[str, ...]

    def top_features(
        self,
        text: str,
        label: str,
        k: int = 5,
        occurrences: Occurrences | None = None,
        *,
        words_only: bool = False,
    ) -> list[tuple[str, float]]: ...


# Words that weigh in a model but explain nothing to a reader (folded, as features are).
_FUNCTION_WORDS = frozenset(
    (  # noqa: SIM905 - one line of words reads better than one word a line
        "le la les l un une des du de d au aux et ou mais donc car ni que qui quoi dont a en"
        " dans sur sous par pour avec sans chez vers ce cet cette ces se sa son ses ma mon mes"
        " ta ton tes notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te"
        " lui y ne pas est sont c ca qu s n j m t"
    ).split()
)


@dataclass(frozen=True)
class Prediction:
    model: TextModel
    text: str  # as the model read it (names of the organisation replaced, clipped)
    original: str  # as written: spans point into it
    probabilities: Mapping[str, float]
    occurrences: Occurrences | None = None  # the model's features: explaining reuses them

    def __getitem__(self, label: str) -> float:
        return self.probabilities.get(label, 0.0)

    @property
    def best(self) -> str:
        return max(self.probabilities, key=self.probabilities.__getitem__)

    def evidence(self, label: str, k: int = 3) -> tuple[list[str], tuple[int, int] | None]:
        """The words that pushed the text towards ``label``, and the span of the strongest.

        Whole words are looked for first; character n-grams only when no word weighed
        (an insult written in leetspeak, a word the model never saw).
        """
        for words_only in (True, False):
            shown, span = self._evidence(label, k, words_only=words_only)
            if shown:
                break
        return shown, span

    def _evidence(
        self, label: str, k: int, *, words_only: bool
    ) -> tuple[list[str], tuple[int, int] | None]:
        top = self.model.top_features(
            self.text, label, k=8, occurrences=self.occurrences, words_only=words_only
        )
        features = [
            feature.strip()
            for feature, weight in top
            if weight > 0
            and len(feature.strip()) >= 3
            and not _FUNCTION_WORDS.issuperset(feature.split())
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
