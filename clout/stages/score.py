"""Score: marts.* (trailing window) -> candidate.scores, person_scores, topic_scores for one run.

All the scoring is the pure Polars code in transforms/; this stage only reads the window and writes rows.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from clout.consent.filters import without_excluded
from clout.warehouse import query, run_sql, transaction
from transforms.algorithm import Algorithm
from transforms.explain import change_parts
from transforms.scores import person_scores, score_accounts
from transforms.topics import load_topic_edges, load_topics, top_topics, topic_influence


def _frame(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.LazyFrame:
    # Consent: rows naming an opted-out account or a minor are dropped from every input, so they count for nobody.
    return without_excluded(con, query(con, f"score/{name}", **params).pl().lazy(), params.get("logical_date"))


def _optional(frame: pl.LazyFrame) -> pl.LazyFrame | None:
    """None when there is no such data at all (unknown), rather than an empty frame (known zero)."""
    return frame if frame.select(pl.len()).collect().item() else None


def score_date(con: duckdb.DuckDBPyConnection, run_id: str, logical_date: date, algo: Algorithm) -> int:
    """Write the run's candidate scores, person scores and topic scores; returns the number of accounts."""
    window = {"logical_date": logical_date, "window_days": algo.window_days}
    scored = score_accounts(
        _frame(con, "window_edges", **window), logical_date, algo,
        activity=_frame(con, "account_activity", logical_date=logical_date),
        posts=_optional(_frame(con, "window_posts", **window)),
        profiles=_optional(_frame(con, "profiles", logical_date=logical_date)),
    ).collect()
    accounts = change_parts(scored.lazy(), _frame(con, "previous_scores", logical_date=logical_date),
                            ["network", "account_id"]).collect()
    people = (
        person_scores(scored.lazy(), _frame(con, "identity_links"), algo.model, algo)
        .join(_frame(con, "previous_person_scores", logical_date=logical_date)
              .rename({"score": "previous_score"}), on="person_id", how="left")
        .with_columns(change=pl.col("score") - pl.col("previous_score"))
        .collect()
    )
    topics = top_topics(
        topic_influence(_frame(con, "window_post_topics", **window), _frame(con, "window_post_reactions", **window),
                        _frame(con, "window_post_reactors", **window), algo.topics, load_topic_edges()),
        scored.lazy(), load_topics(), algo.topics,
    ).collect()
    params = {"run_id": run_id, "logical_date": logical_date, "algorithm_version": algo.version,
              "fingerprint": algo.fingerprint}
    with transaction(con):
        for name, frame, sql in (("scored", accounts, "candidate_scores"), ("people", people,
                                 "candidate_person_scores"), ("topics", topics, "candidate_topic_scores")):
            con.register(name, frame.to_arrow())
            run_sql(con, f"score/{sql}", **params)
            con.unregister(name)
    return accounts.height
