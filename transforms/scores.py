"""Score accounts and people for one logical date: window features -> network impact -> model -> 1..100.

Pure dataframe code; the score stage (clout/score/score.py) does the IO. `score_accounts` (window features,
PageRank) is Polars; the model half (`scores_from_features`, `person_scores`) is written in the part of Polars' API
that Narwhals implements (transforms/frames.py), so it runs on a Polars LazyFrame or a PySpark DataFrame and
returns the same kind.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import polars as pl

from transforms.algorithm import Algorithm, ModelParams
from transforms.features import window_features
from transforms.frames import api, native
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


def scores_from_features(features: Any, algo: Algorithm) -> Any:
    """The model half of score_accounts: a window feature frame -> scores and parts, sorted by network and
    account. A shadow run reuses the candidate's features through it when both algorithms read the window the
    same way."""
    _, lf = api(features)
    scored = score_features(lf, algo.model, algo.calibration)
    names = scored.collect_schema().names()
    return native(scored.select([c for c in SCORE_COLUMNS if c in names]).sort("network", "account_id"), features)


def person_scores(scores: Any, links: Any, params: ModelParams, algo: Algorithm) -> Any:
    """One row per person: the best network's raw score plus `other_networks_weight` x the others', on the
    same frozen scale. `links`: person_id, network, account_id; an account without a link is its own person
    (person_id = "network:account_id"). The best network is the one with the highest raw score, then the first
    network by name, then the first account id (a person's accounts in an order no engine can change)."""
    keys = ["network", "account_id"]
    F, lf = api(scores)
    _, links_lf = api(links)  # on the same engine as `scores`
    linked = (
        lf.select(*keys, "raw_score")
        .join(links_lf.select("person_id", *keys), on=keys, how="left")
        .with_columns(person_id=F.coalesce(F.col("person_id"),
                                            F.concat_str([F.col("network"), F.lit(":"), F.col("account_id")])))
    )
    people = (
        linked.group_by("person_id")
        .agg(_best=F.col("raw_score").max(), _sum=F.col("raw_score").sum(), networks=F.len().cast(F.Int32),
             _network=F.col("network").min(), _account_id=F.col("account_id").min())
    )
    # A person of one account: that account is the best. Of several (linked accounts, a few), the best by window
    # functions and filters rather than sort_by(...).first() in the aggregation, which Narwhals has no
    # engine-neutral form of: the rows at the person's highest raw score, of them the first network, of those the
    # first account.
    top = linked.join(people.filter(F.col("networks") > 1).select("person_id"), on="person_id", how="semi")
    top = top.filter(F.col("raw_score") == F.col("raw_score").max().over("person_id"))
    top = top.filter(F.col("network") == F.col("network").min().over("person_id"))
    best = top.group_by("person_id").agg(_best_network=F.col("network").min(),
                                         _best_account_id=F.col("account_id").min())
    people = (
        people.join(best, on="person_id", how="left")
        .with_columns(raw_score=F.col("_best") + params.other_networks_weight * (F.col("_sum") - F.col("_best")),
                      best_network=F.coalesce(F.col("_best_network"), F.col("_network")),
                      best_account_id=F.coalesce(F.col("_best_account_id"), F.col("_account_id")))
        .with_columns(score=calibrate(F.col("raw_score"), algo.calibration))
        .select("person_id", "score", "raw_score", "networks", "best_network", "best_account_id")
        .sort("person_id")
    )
    return native(people, scores)
