"""Score accounts and people for one logical date: window features -> network impact -> model -> 1..100.

Pure dataframe code; the score stage (clout/score/score.py) does the IO. `score_accounts` (window features,
PageRank) is Polars; the model half (`scores_from_features`, `person_scores`) is written in the part of Polars' API
that Narwhals implements (transforms/frames.py), so it runs on a Polars LazyFrame or a PySpark DataFrame and
returns the same kind.
"""

from __future__ import annotations

from datetime import date
from types import ModuleType
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
    accounts = lf.select(*keys, "raw_score").join(links_lf.select("person_id", *keys), on=keys, how="left")
    linked_ids = accounts.filter(~F.col("person_id").is_null()).select("person_id").unique()
    accounts = accounts.with_columns(person_id=F.coalesce(F.col("person_id"),
                                                          F.concat_str([F.col("network"), F.lit(":"),
                                                                        F.col("account_id")])))
    # Most people are one unlinked account: their row is the account's, with nothing to add up or choose (on a
    # 10M-account night a group-by over 10M person ids was most of this function). An unlinked account whose own
    # id a link also names is that linked person's, as before.
    alone = accounts.join(linked_ids, on="person_id", how="anti").select(
        "person_id", raw_score=_combined(F, F.col("raw_score"), F.col("raw_score"), params),
        networks=F.lit(1).cast(F.Int32), best_network=F.col("network"), best_account_id=F.col("account_id"))
    linked = _linked_people(F, accounts.join(linked_ids, on="person_id", how="semi"), params)
    combined = F.concat([alone, linked], how="vertical")
    return native(combined.with_columns(score=calibrate(F.col("raw_score"), algo.calibration))
                  .select("person_id", "score", "raw_score", "networks", "best_network", "best_account_id")
                  .sort("person_id"), scores)


def _linked_people(F: ModuleType, linked: Any, params: ModelParams) -> Any:
    """The people some link names (a few): their accounts added up, and the best one chosen by window functions
    and filters rather than sort_by(...).first() in the aggregation, which Narwhals has no engine-neutral form of:
    the rows at the person's highest raw score, of them the first network, of those the first account."""
    people = (
        linked.group_by("person_id")
        .agg(_best=F.col("raw_score").max(), _sum=F.col("raw_score").sum(), networks=F.len().cast(F.Int32),
             _network=F.col("network").min(), _account_id=F.col("account_id").min())
    )
    if F is pl:
        # A parallel group-by adds a group's partial sums in no fixed order, and a float sum depends on it: on Polars
        # each person's raw scores are added one list at a time in (network, account) order, so a rerun gives the
        # same bits (Spark's sums never do; its 1..100 scores are what agree, docs/engines.md).
        sums = (linked.sort("person_id", "network", "account_id").group_by("person_id")
                .agg(_values=pl.col("raw_score")).select("person_id", _sum=pl.col("_values").list.sum()))
        people = people.drop("_sum").join(sums, on="person_id", how="left")
    top = linked.join(people.filter(F.col("networks") > 1).select("person_id"), on="person_id", how="semi")
    top = top.filter(F.col("raw_score") == F.col("raw_score").max().over("person_id"))
    top = top.filter(F.col("network") == F.col("network").min().over("person_id"))
    best = top.group_by("person_id").agg(_best_network=F.col("network").min(),
                                         _best_account_id=F.col("account_id").min())
    return people.join(best, on="person_id", how="left").select(
        "person_id", raw_score=_combined(F, F.col("_best"), F.col("_sum"), params), networks=F.col("networks"),
        best_network=F.coalesce(F.col("_best_network"), F.col("_network")),
        best_account_id=F.coalesce(F.col("_best_account_id"), F.col("_account_id")))


def _combined(F: ModuleType, best: Any, total: Any, params: ModelParams) -> Any:
    """The best network's raw score plus `other_networks_weight` x the others' (their sum: `total` - `best`); for a
    person of one account the same formula, so its value is the same bits whichever path made it."""
    return best + params.other_networks_weight * (total - best)
