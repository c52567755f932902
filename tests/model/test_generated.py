"""Planted bots, rings and bought engagement (bench/synthetic.py, seeded): who reaches the top 1%."""

from __future__ import annotations

import polars as pl
import pytest

from bench.synthetic import planted
from transforms.scores import score_accounts


@pytest.fixture(scope="module")
def world():
    return planted()


def ranked(world, algo, edges=None) -> pl.DataFrame:
    scored = score_accounts((world.edges if edges is None else edges).lazy(), world.logical_date, algo,
                            activity=world.activity.lazy()).collect()
    return (scored.join(world.truth, on="account_id", how="left").with_columns(pl.col("role").fill_null("organic"))
            .sort(["score", "raw_score", "account_id"], descending=[True, True, False]).with_row_index("rank", 1))


def test_no_bot_and_at_most_a_few_ring_members_reach_the_top_percent(world, v1):
    scores = ranked(world, v1)
    top = scores.head(scores.height // 100)
    assert top.filter(pl.col("role") == "bot").height == 0
    assert top.filter(pl.col("role") == "ring").height <= 3


def test_bought_engagement_adds_no_points(world, v1):
    buyers = world.truth.filter(pl.col("role") == "buyer")["account_id"].implode()
    with_bought = ranked(world, v1).filter(pl.col("account_id").is_in(buyers))
    clean = world.edges.filter(~pl.col("actor_id").str.starts_with("fresh"))
    without = ranked(world, v1, clean).select("account_id", clean_score="score")
    added = with_bought.join(without, on="account_id", how="left").select(
        pl.col("score") - pl.col("clean_score").fill_null(1))["score"]
    assert added.max() <= 1, added.to_list()
    assert (with_bought["bought_share"] > 0.5).all()
