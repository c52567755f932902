"""Helpers for landing tests (imported as `landkit`): fixture paths, landing, warehouse counts."""

from __future__ import annotations

from pathlib import Path

import duckdb

from clout import pipeline
from clout.land.formats import LandOptions

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TABLES = ("raw.files", "raw.records", "raw.quarantine", "raw.landings", "raw.generic_interactions",
          "staging.posts", "staging.accounts", "staging.follows", "staging.identity_links")


def land(settings, *paths, **options):
    return pipeline.land_files(settings, [Path(p) for p in paths], options=LandOptions(**options))


def counts(settings) -> dict[str, int]:
    """Row count of every raw and staging table the landing writes (the 'warehouse state')."""
    if not settings.warehouse.exists():
        return {}
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return {t: con.execute(f"select count(*) from {t}").fetchall()[0][0] for t in TABLES}


def sql(settings, statement: str, params=None) -> list[tuple]:
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute(statement, params or []).fetchall()


def reconciles(result) -> bool:
    return result.records == result.staged + result.duplicates + result.quarantined + result.notices


