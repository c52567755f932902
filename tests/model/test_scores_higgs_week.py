"""The model on the real Higgs week (SNAP, 2012-07-01..07), through the pure Polars path (no warehouse)."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from transforms.calibration import higgs_edges
from transforms.scores import score_accounts

JULY_3, JULY_4, JULY_6, JULY_7 = date(2012, 7, 3), date(2012, 7, 4), date(2012, 7, 6), date(2012, 7, 7)


@pytest.fixture(scope="module")
def week():
    return higgs_edges().collect()


def ranked(week, day, algo) -> pl.DataFrame:
    scored = score_accounts(week.lazy().filter(pl.col("activity_date") <= day), day, algo).collect()
    return scored.sort(["score", "raw_score", "account_id"], descending=[True, True, False]).with_row_index("rank", 1)


@pytest.mark.slow
def test_july_4_most_engaged_accounts_rise_to_the_top(week, v1):
    """The 10 accounts with the most distinct reactors on the announcement day: top 20 that day, and up."""
    top = (week.filter(pl.col("activity_date") == JULY_4).group_by("target_id").agg(n=pl.len())
           .sort(["n", "target_id"], descending=[True, False]).head(10)["target_id"])
    before, after = ranked(week, JULY_3, v1), ranked(week, JULY_4, v1)
    rows = after.filter(pl.col("account_id").is_in(top.implode())).join(
        before.select("account_id", rank_before="rank", score_before="score"), on="account_id", how="left")
    assert rows.height == 10
    assert rows["rank"].max() <= 20, rows
    assert (rows["score"] > rows["score_before"].fill_null(1)).all(), rows


@pytest.mark.slow
def test_a_quiet_day_barely_moves_scores(week, v1):
    """July 6 -> 7: the median account (and the median account with reactions) moves by at most one point."""
    a, b = ranked(week, JULY_6, v1), ranked(week, JULY_7, v1)
    moved = a.select("account_id", s0="score").join(b.select("account_id", s1="score"), on="account_id")
    change = (moved["s1"] - moved["s0"]).abs()
    assert change.median() <= 1
    assert change.filter(moved["s0"] > 1).median() <= 1
    assert (change >= 10).mean() < 0.01
