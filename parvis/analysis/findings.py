"""What every check and analyzer returns: a code, a severity, a span, a sentence that explains."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any


class Severity(enum.StrEnum):
    BLOCKING = "blocking"  # the post cannot leave as it is
    WARNING = "warning"  # it can, but someone should look
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str  # "length.too_long", "tone.aggressive"… (DESIGN §4)
    severity: Severity
    message: str  # for people, in the active language: why, and what to do
    start: int | None = None  # span of the text concerned, in characters
    end: int | None = None
    score: float | None = None  # 0–1 where a model or a measure gives one

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.BLOCKING

    @property
    def span(self) -> tuple[int, int] | None:
        if self.start is None or self.end is None:
            return None
        return (self.start, self.end)

    def as_dict(self) -> dict[str, Any]:
        """The shape of ``parvis analyse``'s output."""
        return {
            "code": self.code,
            "severity": str(self.severity),
            "score": None if self.score is None else round(self.score, 3),
            "span": None if self.span is None else list(self.span),
            "message": self.message,
        }


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocking]
