"""Score: marts.* (trailing window) -> candidate.scores for one run, via the pure Polars model."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from clout.warehouse import query, run_sql, transaction
from transforms.algorithm import Algorithm
from transforms.scores import score_accounts


def window_edges(con: duckdb.DuckDBPyConnection, logical_date: date, algo: Algorithm) -> pl.LazyFrame:
    rel = query(con, "score/window_edges", logical_date=logical_date, window_days=algo.window_days)
    return rel.pl().lazy()


def score_date(con: duckdb.DuckDBPyConnection, run_id: str, logical_date: date, algo: Algorithm) -> int:
    """Write the run's candidate scores; returns the number of accounts scored."""
    scored = score_accounts(window_edges(con, logical_date, algo), logical_date, algo).collect()
    with transaction(con):
        con.register("scored", scored.to_arrow())
        run_sql(
            con, "score/candidate_scores", run_id=run_id, logical_date=logical_date,
            algorithm_version=algo.version, fingerprint=algo.fingerprint,
        )
        con.unregister("scored")
    return scored.height
