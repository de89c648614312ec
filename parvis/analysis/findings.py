"""What every check and analyzer returns: a code, a severity, a span, a sentence that explains."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Severity(enum.StrEnum):
    ERROR = "error"  # the post cannot leave as it is
    WARNING = "warning"  # it can, but someone should look
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    code: str  # "length.too_long", "a11y.missing_alt"… (DESIGN §4)
    severity: Severity
    message: str  # French, for people: why, and what to do
    start: int | None = None  # span of the text concerned, in characters
    end: int | None = None

    @property
    def blocking(self) -> bool:
        return self.severity == Severity.ERROR


def blocking(findings: list[Finding]) -> list[Finding]:
    return [finding for finding in findings if finding.blocking]
