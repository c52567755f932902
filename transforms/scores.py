"""Score accounts for one logical date from the engagement graph of a trailing window.

Pure Polars: a LazyFrame of daily engagement edges in, one row per account with its score out.
Principles kept even in this first model: only reactions from others count; each reaction decays with
age; one person reacting many times counts at most `reactor_cap`; the 1..100 scale is frozen.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.algorithm import Algorithm

SCORE_COLUMNS = ("network", "account_id", "score", "raw_score", "reactions", "distinct_reactors")


def decayed_edges(edges: pl.LazyFrame, logical_date: date, algo: Algorithm) -> pl.LazyFrame:
    """Weight each day's reactions by 0.5 ** (age / half-life), age in days before `logical_date`."""
    age = (pl.lit(logical_date) - pl.col("activity_date")).dt.total_days()
    return edges.with_columns(weighted=pl.col("reactions") * (0.5 ** (age / algo.half_life_days)))


def score_accounts(edges: pl.LazyFrame, logical_date: date, algo: Algorithm) -> pl.LazyFrame:
    """`edges`: network, actor_id, target_id, activity_date, reactions (window already applied).

    Every account that acted or was acted on in the window gets a row; accounts nobody reacted to get 1.
    """
    per_reactor = (
        decayed_edges(edges, logical_date, algo)
        .group_by("network", "target_id", "actor_id")
        .agg(pl.col("weighted").sum())
    )
    received = per_reactor.group_by("network", "target_id").agg(
        raw_score=pl.col("weighted").clip(upper_bound=algo.reactor_cap).sum(),
        reactions=pl.col("weighted").sum(),
        distinct_reactors=pl.len().cast(pl.Int32),
    ).rename({"target_id": "account_id"})
    accounts = pl.concat([
        edges.select("network", account_id="target_id"),
        edges.select("network", account_id="actor_id"),
    ]).unique()
    return (
        accounts.join(received, on=["network", "account_id"], how="left")
        .with_columns(
            pl.col("raw_score", "reactions").fill_null(0.0),
            pl.col("distinct_reactors").fill_null(0),
        )
        .with_columns(score=to_scale(pl.col("raw_score"), algo.scale))
        .select(SCORE_COLUMNS)
        .sort("network", "account_id")
    )


def to_scale(raw: pl.Expr, scale: float) -> pl.Expr:
    """Monotone map of raw >= 0 onto 1..100 with a frozen scale (a growing population moves nobody)."""
    return (1 + (99 * raw / (raw + scale)).round(0)).cast(pl.Int32).clip(1, 100)
