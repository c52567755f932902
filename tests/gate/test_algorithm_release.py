"""Releasing a new algorithm through the product's own path (issue 19): the v1 -> v3 backfill of the Higgs week is
held as algorithm-driven, its report and review name the accounts the *algorithm* moved and why, and promoting it
with a reason publishes it. Plus the pieces that make that so: the algorithm is judged over the accounts either
algorithm scores (not diluted by silent ones), and every finding reads for a person."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl
import pytest
from gatekit import JULY
from testkit import clout_here

from clout import backfill
from clout.core.warehouse import connect
from transforms.audit.gate_rules import describe
from transforms.audit.swing import METRICS, SwingParams, swing_metrics


def _published(settings) -> list:
    with connect(settings) as con:
        return con.execute("select logical_date, account_id, score, algorithm_version from published.scores "
                           "order by all").fetchall()


def _largest_algorithm_move(settings, backfill_id: str) -> int:
    """Over the backfill's nights: the largest |v3 - v1| of one account, both scored on the same data."""
    with connect(settings) as con:
        return con.execute(
            "select max(abs(c.score - s.score)) from meta.backfill_nights as n "
            "join candidate.scores as c on c.run_id = n.run_id "
            "join meta.gate_outcomes as g on g.run_id = n.run_id "  # the shadow run, or the published run it reused
            "join candidate.scores as s on s.run_id = g.shadow_run_id and s.network = c.network "
            "and s.account_id = c.account_id where n.backfill_id = ?", [backfill_id]).fetchall()[0][0]


def test_the_v1_to_v3_backfill_of_the_higgs_week_is_held_reviewed_and_promoted(week):
    before = _published(week)
    result = backfill.run_backfill(week, JULY[0], JULY[3], "v3")

    # held, as algorithm-driven, and nothing published
    assert result.outcome == "HOLD" and result.status == "held"
    assert {n["attribution"] for n in result.nights} == {"algorithm"}
    assert _published(week) == before
    assert result.reasons and all("the algorithm alone" in r and "tolerance for an algorithm change" in r
                                  for r in result.reasons), result.reasons

    # the accounts the algorithm moved: v3 minus v1 on the same data, most moved first, with the reason in words
    top = result.movers[0]
    assert abs(top["algorithm_change"]) == _largest_algorithm_move(week, result.backfill_id)
    assert [abs(m["algorithm_change"]) for m in result.movers] == sorted(
        (abs(m["algorithm_change"]) for m in result.movers), reverse=True)
    assert top["why"].startswith(f"{int(top['algorithm_change']):+d}: ") and "count for" in top["why"]
    html = Path(result.report_path).read_text(encoding="utf-8")
    assert "id='algorithm-movers'" in html and top["why"] in html and ">HOLD<" in html
    assert "Why it was held" in html

    # the review: the same list on the command line, then promotion with a reason publishes every night
    review = clout_here("backfill", "review", result.backfill_id, warehouse=week, env={"COLUMNS": "100"})
    assert review.returncode == 0, review.stderr
    assert "accounts the algorithm moved most" in review.stdout
    assert f"twitter:{top['account_id']} on {top['logical_date']}" in review.stdout and top["why"] in review.stdout
    assert "--reason" in review.stdout
    refused = clout_here("backfill", "promote", result.backfill_id, warehouse=week)
    assert refused.returncode == 1 and "--reason" in refused.stderr
    done = clout_here("backfill", "promote", result.backfill_id, "--reason", "v3 reviewed: fitted weights",
                      warehouse=week)
    assert done.returncode == 0, done.stderr
    assert {r[3] for r in _published(week)} == {"v3"}
    with connect(week) as con:
        log = con.execute("select count(*), min(reason) from meta.publish_log where action = 'backfill'").fetchall()
    assert log[0][0] == 4 and log[0][1].startswith("v3 reviewed")


def _scores(rows: list[tuple[str, int]]) -> pl.DataFrame:
    return pl.DataFrame({"network": ["t"] * len(rows), "account_id": [a for a, _ in rows],
                         "score": [s for _, s in rows], "raw_score": [float(s) for _, s in rows]})


def test_the_algorithm_movers_are_the_algorithms_move_not_the_days():
    """`data` rose 40 points since last night (a real event) and the algorithm moved it 0; the algorithm alone moved
    `algo` 6. The report's list of the algorithm's movers has `algo` first with its reason, and not `data`, although
    `data` leads the day's risers."""
    from datetime import date

    from clout.audit.report import _algorithm_movers, _movers
    from clout.audit.result import GateResult, Night

    con = duckdb.connect()
    con.execute("create schema candidate")
    con.execute("create table candidate.scores (run_id varchar, network varchar, account_id varchar, part_reach double,"
                " part_engagement double, part_rate double, part_impact double, part_audience double,"
                " part_discount double)")
    # the old algorithm (shadow) and the new one (candidate) on the same data; a row's parts add up to score - 1
    con.execute("insert into candidate.scores values "
                "('r-shadow', 't', 'data', 20, 20, 0, 9, 0, 0), ('r', 't', 'data', 20, 20, 0, 9, 0, 0),"
                "('r-shadow', 't', 'algo', 5, 5, 0, 9, 0, 0),   ('r', 't', 'algo', 5, 13, 0, 7, 0, 0),"
                "('r-shadow', 't', 'same', 1, 1, 0, 0, 0, 0),   ('r', 't', 'same', 1, 1, 0, 0, 0, 0)")
    nights = {"baseline": Night(_scores([("data", 10), ("algo", 20), ("same", 3)])),
              "shadow": Night(_scores([("data", 50), ("algo", 20), ("same", 3)])),
              "candidate": Night(_scores([("data", 50), ("algo", 26), ("same", 3)]))}
    result = GateResult(run_id="r", logical_date=date(2012, 7, 5), outcome="HOLD", attribution="algorithm",
                        baseline=None, shadow_run_id="r-shadow", findings=[], checks=[], metrics=pl.DataFrame(),
                        nights=nights)
    assert _movers(result).sort("change", descending=True)["account_id"][0] == "data"  # the day's top riser
    moved = _algorithm_movers(con, result)
    assert moved["account_id"].to_list() == ["algo"]  # unchanged by the algorithm: not listed, however far it rose
    row = moved.row(0, named=True)
    assert (row["old_algorithm_score"], row["new_algorithm_score"], row["algorithm_change"]) == (20, 26, 6)
    assert row["why"] == ("+6: the reactions it received count for more (+8.0), "
                          "reactions from influential accounts count for less (-2.0)")


def test_silent_accounts_do_not_dilute_the_algorithms_move():
    """100 scored accounts each moved 5 points (up or down) by the algorithm, among 1,000 accounts at 1 under both
    algorithms (nobody reacted to them): over everyone the move looks like 0.45; over the accounts either algorithm
    scores it is what it is, 5."""
    silent = [(f"s{i}", 1) for i in range(1000)]
    old = _scores(silent + [(f"a{i}", 20 + i % 50) for i in range(100)])
    new = _scores(silent + [(f"a{i}", 20 + i % 50 + (5 if i % 2 else -5)) for i in range(100)])

    def moves(floor):
        m = swing_metrics(old.lazy(), new.lazy(), SwingParams(floor=floor)).collect()
        return dict(zip(m["metric"], m["value"], strict=True)), m["n_common"][0]

    diluted, n_all = moves(None)
    scored, n_scored = moves(1)
    assert n_all == 1100 and n_scored == 100
    assert round(diluted["mean_abs_move"], 3) == round(500 / 1100, 3)
    assert scored["mean_abs_move"] == 5.0
    assert scored["spearman"] < diluted["spearman"]  # 1,000 ties at the bottom inflate the rank agreement


def test_every_finding_reads_for_a_person():
    """What moved, how much, against what: no metric identifiers (psi, spearman, share_moved_10...)."""
    cases = []
    for metric in METRICS:
        for part, basis in (("algorithm", "tolerance"), ("data", "history"), ("data", "fixed"), ("total", "tolerance")):
            cases.append({"part": part, "scope": "all", "scope_value": "all", "metric": metric, "value": 0.42,
                          "n_common": 1234, "history_n": 9, "history_median": 0.1, "bound": 0.3, "basis": basis})
    cases.append({**cases[0], "scope": "network", "scope_value": "mastodon"})
    for row in cases:
        text = describe(row)
        for jargon in (*METRICS, "psi", "ks ", "spearman", "PSI", "KS"):
            assert jargon not in text, (jargon, text)
        assert "0.3" in text or "30.0%" in text, text  # the bound it was judged against
        assert any(w in text for w in ("tolerance", "usually", "fixed bound")), text
    assert "in network mastodon" in describe(cases[-1])
    assert "the algorithm alone" in describe(cases[0]) and "1,234 accounts" in describe(cases[0])


@pytest.mark.parametrize(("metric", "value", "bound", "says", "against"), [
    ("spearman", 0.8983, 0.90, "at 0.898 ", "tolerance for an algorithm change, 0.900"),
    ("share_moved_10", 0.0504, 0.05, "5.04%", "5.00%"),
    ("mean_abs_move", 2.5049, 2.50, "2.505 points", "2.500 points"),
    ("spearman", 0.85, 0.90, "at 0.85 ", "tolerance for an algorithm change, 0.90"),  # apart already: as before
])
def test_a_value_just_past_its_bound_never_reads_as_equal_to_it(metric, value, bound, says, against):
    """"keep their order at 0.90; below the tolerance, 0.90" was 0.8983 held against 0.90: as many more decimals
    as it takes, for both."""
    row = {"part": "algorithm", "scope": "all", "scope_value": "all", "metric": metric, "value": value,
           "n_common": 10, "bound": bound, "basis": "tolerance"}
    text = describe(row)
    assert says in text and text.endswith(against), text
