"""`clout score-features` and `clout explain`, run as a user runs them."""

from __future__ import annotations

import csv
import re

import polars as pl
import pytest
from test_score_stage import D1, D2, interactions, load, night
from testkit import clout_here

from clout.core.settings import FIRST_ALGORITHM


def clout(*args, warehouse=None, check=True):
    """`clout ARGS` through its entry point in this process (testkit.clout_here: same output and exit codes)."""
    return clout_here(*args, warehouse=warehouse, check=check)


def one_line_error(proc, *needles):
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    text = " ".join(proc.stderr.split())
    for n in needles:
        assert n in text, text


def test_score_features_csv_with_missing_columns(tmp_path):
    src = tmp_path / "features.csv"
    src.write_text("account_id,posts,reposts_received,distinct_reactors\na,10,100,50\nb,1000,100,50\nc,,,\n")
    out = tmp_path / "out.csv"
    proc = clout("score-features", str(src), "--algorithm", "v1", "--out", str(out))
    assert "3 accounts scored with v1" in proc.stdout and "followers" in proc.stdout  # says what is unknown
    rows = {r["account_id"]: r for r in csv.DictReader(out.open())}
    assert int(rows["a"]["score"]) > int(rows["b"]["score"]) > int(rows["c"]["score"]) == 1
    assert "impact" in rows["a"]["unknown_parts"] and rows["a"]["part_impact"] == ""  # unknown, not 0
    assert set(rows["a"]) >= {"account_id", "score", "part_reach", "part_rate", "part_discount", "unknown_parts"}


def test_score_features_scores_with_the_algorithm_a_new_warehouse_starts_with(tmp_path):
    """The best-validated version (docs/algorithm.md), the same one a new warehouse's first night scores with."""
    src = tmp_path / "features.csv"
    src.write_text("account_id,reposts_received,distinct_reactors\na,100,50\nb,1,1\n")
    proc = clout("score-features", str(src), "--out", str(tmp_path / "out.csv"))
    assert f"2 accounts scored with {FIRST_ALGORITHM} (" in proc.stdout and FIRST_ALGORITHM == "v3"


def test_score_features_parquet_and_other_versions(tmp_path):
    src = tmp_path / "f.parquet"
    frame = pl.DataFrame({"account_id": ["a", "b"], "reposts_received": [5, 50], "distinct_reactors": [5, 40]})
    frame.write_parquet(src)
    v1, v2 = tmp_path / "v1.csv", tmp_path / "v2.csv"
    clout("score-features", str(src), "--out", str(v1))
    clout("score-features", str(src), "--algorithm", "v2", "--out", str(v2))
    assert pl.read_csv(v1)["score"].to_list() != pl.read_csv(v2)["score"].to_list()


@pytest.mark.parametrize("content, needles", [
    ("posts,likes_received\n1,2\n", ["no `account_id` column"]),
    ("account_id,posts\na,1\nb,lots\n", ["line 3", "posts", "not a number"]),
    ("account_id,followers\na,-5\n", ["line 2", "negative"]),
])
def test_score_features_refuses_bad_input_in_one_line(tmp_path, content, needles):
    src = tmp_path / "bad.csv"
    src.write_text(content)
    one_line_error(clout("score-features", str(src), "--out", str(tmp_path / "o.csv"), check=False), *needles)


def test_score_features_unknown_version_and_missing_file(tmp_path):
    src = tmp_path / "f.csv"
    src.write_text("account_id\na\n")
    one_line_error(clout("score-features", str(src), "--algorithm", "v9", "--out", "o.csv", check=False), "v9", "v1")
    one_line_error(clout("score-features", str(tmp_path / "nope.csv"), "--out", "o.csv", check=False), "no such file")


def test_explain_prints_parts_change_and_causes(settings):
    day1 = [(f"fan{i}", "star", D1) for i in range(30)] + [(f"fan{i}", "other", D1) for i in range(3)]
    day2 = [(f"fan{i}", "other", D2) for i in range(25)] + [(f"fan{i}", f"pal{i}", D2) for i in range(25)]
    load(settings, interactions(day1 + day2))
    night(settings, D1)
    night(settings, D2)
    out = clout("explain", "other", warehouse=settings.warehouse).stdout
    text = " ".join(out.split())
    assert "score" in text and "different people who reacted" in text
    assert "Change since the last published night" in text and "more different people reacted" in text
    assert "unknown" in text  # posts and followers are not in this data
    assert re.search(r"#\d of \d+ accounts scored that night", text) and "%" not in text.split("What makes")[0]
    older = clout("explain", "star", "--date", "2024-03-01", warehouse=settings.warehouse).stdout
    assert "first published score" in older
    one_line_error(clout("explain", "nobody", warehouse=settings.warehouse, check=False), "nobody", "no published")
    one_line_error(clout("explain", "star", "--date", "2024-13-01", warehouse=settings.warehouse, check=False),
                   "not a date")


def test_score_features_with_v3_on_the_profile_and_count_columns(tmp_path):
    """The outside check's column set (followers, following, lists, mentions and reposts received and sent,
    posts) scored with v3: list memberships and reactions from others count, one's own activity does not."""
    src = tmp_path / "pairs.csv"
    src.write_text("account_id,followers,following,lists,mentions_received,reposts_received,mentions_sent,"
                   "reposts_sent,posts\n"
                   "curated,1200,300,40,25,60,10,5,800\n"
                   "followback,90000,95000,3,2,4,200,900,20000\n"
                   "busy,1200,300,40,25,60,5000,5000,800\n")
    out = tmp_path / "v3.csv"
    proc = clout("score-features", str(src), "--algorithm", "v3", "--out", str(out))
    assert "3 accounts scored with v3" in proc.stdout
    rows = {r["account_id"]: r for r in csv.DictReader(out.open())}
    assert int(rows["curated"]["score"]) > int(rows["followback"]["score"])
    assert rows["busy"]["score"] == rows["curated"]["score"]  # sending is read, never rewarded
    for r in rows.values():
        total = sum(float(r[f"part_{p}"] or 0) for p in ("reach", "engagement", "rate", "impact", "audience",
                                                          "discount"))
        assert total == pytest.approx(int(r["score"]) - 1, abs=1e-6)


@pytest.mark.parametrize("rank, accounts, words", [
    (1, 222_996, "#1 of 222,996 accounts scored that night."),  # not `Top 0.00045%`
    (1_500, 222_996, "#1,500 of 222,996 accounts scored that night."),
    (30_000, 222_996, "Top 13% of the 222,996 accounts scored that night."),
    (200_000, 222_996, "#200,000 of 222,996 accounts scored that night."),  # not `Top 90%`
])
def test_explain_says_where_an_account_ranks_in_words_that_read_well(rank, accounts, words):
    from clout.cli.commands.model import rank_words

    assert rank_words(rank, accounts) == words


def test_an_account_tied_with_most_at_its_score_is_one_of_them_not_a_top_share():
    """253,118 of 304,198 accounts at score 1: ranked among them by raw score, one read `Top 17%`."""
    from clout.cli.commands.model import rank_words

    assert rank_words(51_000, 304_198, same_score=253_118, higher=51_080) == (
        "One of 253,118 accounts with this score (83% of the 304,198 scored that night); 51,080 score higher.")
    assert rank_words(3, 304_198, same_score=2, higher=2) == "#3 of 304,198 accounts scored that night."
