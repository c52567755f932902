"""Stage: raw.* -> staging.* (typed, canonical, deduplicated).

Two entry points: `stage_date` rebuilds a logical date's staging.interactions from raw; `merge_landed_file`
merges the canonical rows (accounts, posts, follows, identity links) a file brought into staging.*, inside the
file's landing transaction (clout.pipeline.land_files hands it to the land stage).
"""

from __future__ import annotations

from datetime import date

import duckdb

from clout.core import lake
from clout.core.warehouse import run_sql, transaction


def stage_date(con: duckdb.DuckDBPyConnection, logical_date: date) -> int:
    """Rebuild staging.interactions for `logical_date`; returns its row count. On the Spark engine, then the day's
    staging partitions in the lake (and any landed file the lake misses: clout/core/lake.py)."""
    with transaction(con):
        run_sql(con, "stage/interactions", logical_date=logical_date)
    root = lake.active_lake(con)
    if root is not None:
        lake.write_files(con, root)
        lake.write_day(con, root, lake.STAGING, logical_date)
    return con.execute(
        "select count(*) from staging.interactions where event_date = ?", [logical_date]
    ).fetchall()[0][0]


def merge_landed_file(con: duckdb.DuckDBPyConnection, file_id: int, entities: list[str]) -> int:
    """Merge a landed file's scratch entity tables into staging.*; returns the canonical rows new to staging."""
    staged = 0
    for entity in entities:
        run_sql(con, f"stage/merge_{entity}", file_id=file_id)
        staged += run_sql(con, "stage/new_keys", identifiers={"entity": entity}).fetchall()[0][0]
    return staged
