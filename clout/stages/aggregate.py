"""Aggregate: staging.* -> marts.* for one logical date, so a night's scoring reads per-day rows."""

from __future__ import annotations

from datetime import date

import duckdb

from clout.warehouse import run_sql, transaction


def aggregate_date(con: duckdb.DuckDBPyConnection, logical_date: date) -> int:
    """Rebuild the day's engagement graph and account activity; returns the number of edges."""
    with transaction(con):
        run_sql(con, "marts/engagement_daily", logical_date=logical_date)
        run_sql(con, "marts/account_daily", logical_date=logical_date)
    return con.execute(
        "select count(*) from marts.engagement_daily where activity_date = ?", [logical_date]
    ).fetchall()[0][0]
