"""The figures reported in docs/analysis-quality.md, pinned: a regression fails the suite.

Each floor is the held-out figure of the shipped models, rounded towards failure; the issue's
targets are in quality.py and the report says which are met.
"""

from __future__ import annotations

import pytest

from parvis.analysis import quality
from parvis.analysis.engine import engine

# (task, measure) → the reported figure, rounded down (up for rates that must stay low).
REPORTED = {
    ("tone", "recall of aggressive drafts"): 0.94,
    ("tone", "impertinent drafts flagged aggressive"): 0.06,
    ("tone", "neutral drafts flagged aggressive"): 0.01,
    ("tone", "aggressive drafts blocked"): 0.94,
    ("tone", "impertinent or neutral drafts blocked"): 0.04,
    ("laudatory", "F1 of laudatory reposts"): 0.92,
    ("moderation", "recall of charter violations"): 0.92,
    ("moderation", "legitimate criticism flagged"): 0.03,
    ("intent", "accuracy"): 0.86,
    ("personal data", "recall of personal data"): 0.98,
}


@pytest.fixture(scope="module")
def figures() -> dict[tuple[str, str], quality.Figure]:
    return {(f.task, f.measure): f for f in quality.own_figures(engine())}


@pytest.mark.parametrize(("task", "measure"), list(REPORTED))
def test_the_reported_figure_holds_on_the_held_out_records(
    figures: dict[tuple[str, str], quality.Figure], task: str, measure: str
) -> None:
    figure = figures[(task, measure)]
    floor = REPORTED[(task, measure)]
    if figure.higher_is_better:
        assert figure.value >= floor, f"{task}, {measure}: {figure.value:.3f} < {floor}"
    else:
        assert figure.value <= floor, f"{task}, {measure}: {figure.value:.3f} > {floor}"


def test_every_figure_is_pinned(figures: dict[tuple[str, str], quality.Figure]) -> None:
    assert set(figures) == set(REPORTED)
