"""Score accounts and people for one logical date: window features -> network impact -> model -> 1..100.

Pure Polars (LazyFrame in, LazyFrame out); the score stage (clout/stages/score.py) does the IO.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.algorithm import Algorithm, ModelParams
from transforms.features import window_features
from transforms.model import PARTS, calibrate, score_features

SCORE_COLUMNS = (
    "network", "account_id", "score", "raw_score", "reactions", "distinct_reactors",
    *(f"part_{p}" for p in PARTS), "unknown_parts",
    "posts", "effective_reactors", "network_impact", "ring_share", "bought_share",
    *(f"raw_{p}" for p in PARTS),
)


def score_accounts(
    edges: pl.LazyFrame,
    logical_date: date,
    algo: Algorithm,
    activity: pl.LazyFrame | None = None,
    posts: pl.LazyFrame | None = None,
    profiles: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """One row per network account in the window's engagement graph, with its score and parts.

    See transforms.features.window_features for the inputs; accounts nobody reacted to get 1.
    """
    return scores_from_features(window_features(edges, logical_date, algo, activity, posts, profiles), algo)


def scores_from_features(features: pl.LazyFrame, algo: Algorithm) -> pl.LazyFrame:
    """The model half of score_accounts: a window feature frame -> scores and parts. A shadow run reuses the
    candidate's features through it when both algorithms read the window the same way."""
    scored = score_features(features, algo.model, algo.calibration)
    names = scored.collect_schema().names()
    return scored.select([c for c in SCORE_COLUMNS if c in names]).sort("network", "account_id")


def person_scores(scores: pl.LazyFrame, links: pl.LazyFrame, params: ModelParams, algo: Algorithm) -> pl.LazyFrame:
    """One row per person: the best network's raw score plus `other_networks_weight` x the others', on the
    same frozen scale. `links`: person_id, network, account_id; an account without a link is its own person
    (person_id = "network:account_id")."""
    linked = (
        scores.join(links.select("person_id", "network", "account_id"), on=["network", "account_id"], how="left")
        .with_columns(person_id=pl.coalesce("person_id", pl.concat_str("network", pl.lit(":"), "account_id")))
    )
    best = pl.col("raw_score").max()
    return (
        linked.group_by("person_id")
        .agg(
            raw_score=best + params.other_networks_weight * (pl.col("raw_score").sum() - best),
            networks=pl.len().cast(pl.Int32),
            best_network=pl.col("network").sort_by("raw_score", "network", descending=[True, False]).first(),
            best_account_id=pl.col("account_id").sort_by("raw_score", "network", descending=[True, False]).first(),
        )
        .with_columns(score=calibrate(pl.col("raw_score"), algo.calibration))
        .select("person_id", "score", "raw_score", "networks", "best_network", "best_account_id")
        .sort("person_id")
    )
