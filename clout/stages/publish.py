"""Publish: switch published.* to a run's candidate night in one transaction, then refresh the
read-only snapshot that ad-hoc readers open (see clout.snapshot)."""

from __future__ import annotations

import getpass

import duckdb

from clout.published_tables import PUBLISHED_TABLES
from clout.settings import Settings
from clout.snapshot import refresh_snapshot
from clout.warehouse import run_sql, transaction


def publish_run(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str,
    action: str = "publish", reason: str | None = None,
) -> None:
    with transaction(con):
        run_sql(con, "publish/publish_night", run_id=run_id, action=action,
                actor=getpass.getuser(), reason=reason)
        for table in PUBLISHED_TABLES:
            run_sql(con, "publish/switch_table", {"table": table}, run_id=run_id)
    refresh_snapshot(con, settings)
