"""What a QA check reports: a rule id, a severity, a character span and a message."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class Severity(enum.StrEnum):
    """How much a finding matters: blocking findings stop a segment from becoming final."""

    BLOCKING = "blocking"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem in a target text; `start`/`end` are character offsets (end exclusive)."""

    rule: str
    severity: Severity
    start: int
    end: int
    message: str
    suggestion: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The finding as plain JSON-ready data."""
        return {
            "rule": self.rule,
            "severity": self.severity.value,
            "start": self.start,
            "end": self.end,
            "message": self.message,
            "suggestion": self.suggestion,
        }


def has_blocking(findings: Iterable[Finding]) -> bool:
    """True when any finding is blocking."""
    return any(finding.severity is Severity.BLOCKING for finding in findings)


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Findings by position, then by rule id (a stable order for reports and tests)."""
    return sorted(findings, key=lambda f: (f.start, f.end, f.rule, f.message))
