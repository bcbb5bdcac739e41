"""Kazakh QA: pure checks that return findings with a rule id, severity and position."""

from jarnama.transcreation.qa.check import SegmentContext, check_segment
from jarnama.transcreation.qa.findings import Finding, Severity, has_blocking

__all__ = ["Finding", "SegmentContext", "Severity", "check_segment", "has_blocking"]
