"""Stage: raw.* -> staging.* for one logical date (typed, canonical, deduplicated)."""

from __future__ import annotations

from datetime import date

import duckdb

from clout.warehouse import run_sql, transaction


def stage_date(con: duckdb.DuckDBPyConnection, logical_date: date) -> int:
    """Rebuild staging.interactions for `logical_date`; returns its row count."""
    with transaction(con):
        run_sql(con, "staging/interactions", logical_date=logical_date)
    return con.execute(
        "select count(*) from staging.interactions where event_date = ?", [logical_date]
    ).fetchall()[0][0]
