"""The real Higgs week (a 1-in-4 sample of 2012-07-01..07) through the gate, night by night."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from gatekit import JULY, copy_warehouse
from testkit import clout_here

from clout import pipeline
from clout.core.errors import CloutError
from clout.core.warehouse import connect, query, records
from clout.publish.publish import approve_run, rollback


def outcomes(settings) -> dict:
    with connect(settings) as con:
        rows = con.execute(
            "select r.logical_date, g.outcome, g.attribution, r.status, g.findings, g.algorithm_mean_abs_move, "
            "g.data_mean_abs_move, g.shadow_run_id, r.run_id from meta.gate_outcomes g join meta.runs r using (run_id) "
            "order by r.started_at"
        ).fetchall()
    return {r[0]: dict(zip(("date", "outcome", "attribution", "status", "findings", "algo_move", "data_move",
                             "shadow", "run_id"), r, strict=True)) for r in rows}


def live_dates(settings) -> list:
    with connect(settings) as con:
        return [r[0] for r in con.execute("select logical_date from published.nights order by 1").fetchall()]


def test_v1_week_publishes_every_night_and_july4_is_a_data_driven_warning(week_until_july7, tmp_path):
    # The week's seven nights run with v1, one after the other (the session's build: tests/conftest.py)
    week = copy_warehouse(week_until_july7, tmp_path / "warehouse")
    got = outcomes(week)
    assert live_dates(week) == JULY
    assert all(o["status"] == "published" and o["outcome"] != "HOLD" for o in got.values())
    july4 = got[JULY[3]]
    assert july4["outcome"] == "WARN" and july4["attribution"] == "data"
    texts = [f["text"] for f in json.loads(july4["findings"])]
    assert any("data-driven" in t and "real-world" in t for t in texts), texts
    # a calm night after the event is not flagged: the first nights and July 7 pass
    assert got[JULY[6]]["outcome"] == "PASS" and got[JULY[0]]["attribution"] == "none"
    assert all(o["shadow"] is None for o in got.values())  # one algorithm all week: no shadow runs
    with connect(week) as con:  # by July 7, five published nights of history replace the fixed bounds
        bases = con.execute("select distinct basis from meta.gate_results where run_id = ? and part = 'data' "
                            "and scope = 'all' and metric = 'mean_abs_move'", [got[JULY[6]]["run_id"]]).fetchall()
    assert bases == [("history",)]


def test_a_warned_night_says_where_its_warning_is(week):
    """`clout run` (and so `make demo`) on the real July 4: published with a data-driven warning, and its line says
    where to read it."""
    proc = clout_here("run", "--date", str(JULY[3]), warehouse=week, check=True)
    run_id = outcomes(week)[JULY[3]]["run_id"]  # the date's newest run: this one
    line = proc.stdout.strip().splitlines()[-1]
    assert f"run {run_id} (v1) published (gate WARN)" in line, line  # the live algorithm named: v1's history
    assert line.endswith(f"; the warning: `clout review {run_id}`"), line


def test_a_big_algorithm_change_is_held_and_attributed_to_the_algorithm(week):
    with pytest.raises(CloutError, match=r"(?s)HELD.*report: .*\.html.*clout review .*clout approve"):
        pipeline.run_night(week, JULY[4], "v2")
    july5 = outcomes(week)[JULY[4]]
    assert july5["outcome"] == "HOLD" and july5["attribution"] == "algorithm" and july5["status"] == "held"
    assert july5["algo_move"] > july5["data_move"]
    assert live_dates(week) == JULY[:4]  # the last night stays live
    with connect(week) as con:
        shadow = records(query(con, "meta/run", run_id=july5["shadow"]))[0]
        kept = con.execute("select count(*) from candidate.scores where run_id = ?", [july5["run_id"]]).fetchall()
        report = con.execute("select report_path from meta.gate_outcomes where run_id = ?",
                             [july5["run_id"]]).fetchall()[0][0]
    assert shadow["status"] == "shadow" and shadow["algorithm_version"] == "v1"
    assert kept[0][0] > 0  # the candidate is kept for review
    html = Path(report).read_text(encoding="utf-8")
    assert "id='attribution'>algorithm<" in html and "algorithm-driven" in html

    # approve with a reason: published, and the publish log says who and why; then roll it back
    with connect(week) as con:
        approve_run(con, week, july5["run_id"], "v2 reviewed: the new weights are intended")
        log = con.execute("select action, run_id, actor, reason, outcome from meta.publish_log "
                          "order by publish_id desc limit 1").fetchall()[0]
    assert log[:2] == ("approve", july5["run_id"]) and log[3].startswith("v2 reviewed") and log[4] == "HOLD"
    assert live_dates(week) == JULY[:5]
    with connect(week) as con:
        undone = rollback(con, week, "wrong call")
    assert undone.removed_run_id == july5["run_id"] and undone.restored_run_id is None
    assert live_dates(week) == JULY[:4]


def test_a_tiny_algorithm_change_passes_with_its_parts_recorded(week):
    summary = pipeline.run_night(week, JULY[4], "v1_1")
    july5 = outcomes(week)[JULY[4]]
    assert summary.status == "published" and july5["outcome"] in ("PASS", "WARN")
    assert july5["shadow"] is not None and july5["algo_move"] is not None
    assert 0 < july5["algo_move"] <= 2.0
    with connect(week) as con:  # the shadow run's rows never reach published.*
        published_versions = con.execute("select distinct algorithm_version from published.scores "
                                         "where logical_date = ?", [JULY[4]]).fetchall()
    assert published_versions == [("v1_1",)]
