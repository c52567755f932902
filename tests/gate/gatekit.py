"""Helpers for the gate tests: dates of the Higgs week, samples of the real data, warehouse copies (the last two
shared with every test folder: tests/testkit.py)."""

from __future__ import annotations

from datetime import date, timedelta

from testkit import WEEK_SAMPLE_EVERY, copy_warehouse, higgs_sample

__all__ = ["JULY", "WEEK_SAMPLE_EVERY", "copy_warehouse", "higgs_sample"]

JULY = [date(2012, 7, 1) + timedelta(days=i) for i in range(7)]
