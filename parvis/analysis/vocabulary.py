"""The French words Parvis knows, folded (no case, no accent): simplemma's inflected forms."""

from __future__ import annotations

import functools

from parvis.analysis.text import fold

# Short words simplemma leaves out of its dictionary (they are their own lemma).
_FUNCTION_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "ce",
        "de",
        "des",
        "du",
        "en",
        "et",
        "il",
        "la",
        "le",
        "les",
        "ma",
        "mes",
        "mon",
        "ne",
        "ni",
        "nos",
        "notre",
        "ou",
        "par",
        "pas",
        "pour",
        "sa",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "y",
    ]
)


@functools.cache
def known_words() -> frozenset[str]:
    from simplemma.strategies.dictionaries import DefaultDictionaryFactory

    dictionary = DefaultDictionaryFactory().get_dictionary("fr")
    folded = {fold(word) for word in dictionary}
    folded.update(fold(str(lemma)) for lemma in set(dictionary.values()))
    return frozenset(folded | _FUNCTION_WORDS)


def split_words(text: str, *, shortest: int = 2) -> list[str] | None:
    """``text`` cut into known words, preferring fewer and longer ones; None if it cannot be."""
    folded = fold(text)
    words = known_words()
    best: list[list[str] | None] = [None] * (len(folded) + 1)
    best[0] = []
    for end in range(1, len(folded) + 1):
        for start in range(max(0, end - 25), end):
            head = best[start]
            piece = folded[start:end]
            if head is None or len(piece) < shortest or piece not in words:
                continue
            candidate = [*head, piece]
            current = best[end]
            if current is None or len(candidate) < len(current):
                best[end] = candidate
    return best[len(folded)]
