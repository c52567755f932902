"""Logical dates as the CLI and Airflow give them (YYYY-MM-DD)."""

from __future__ import annotations

from datetime import date, datetime

from clout.core.errors import CloutError


def parse_date(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CloutError(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2012-07-04") from None
