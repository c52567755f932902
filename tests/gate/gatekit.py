"""Helpers for the gate tests: dates of the Higgs week, samples of the real data, warehouse copies (the last two
shared with every test folder: tests/testkit.py)."""

from __future__ import annotations

from datetime import date, timedelta

from testkit import WEEK_SAMPLE_EVERY, copy_warehouse, higgs_sample

__all__ = ["JULY", "WEEK_SAMPLE_EVERY", "audit_held_or_not", "copy_warehouse", "higgs_sample"]

JULY = [date(2012, 7, 1) + timedelta(days=i) for i in range(7)]


def audit_held_or_not(settings, run_id: str) -> None:
    """The run's audit step on this process's engine, whatever it decides: a HOLD is an outcome the caller reads
    from the warehouse, not a failure (any other error is)."""
    from clout import pipeline
    from clout.core.errors import CloutError

    try:
        pipeline.audit_step(settings, run_id)
    except CloutError as e:
        assert "HELD" in str(e), e
