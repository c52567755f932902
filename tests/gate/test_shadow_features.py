"""The shadow run reuses the candidate's window features when both algorithms read the window the same way."""

from __future__ import annotations

import polars as pl
from gatekit import JULY

from clout import pipeline
from clout.core.warehouse import connect, query, records
from clout.score.score import score_date
from transforms.algorithm import load_algorithm

KEYS = ["network", "account_id"]


def scored_run(settings, algorithm: str) -> str:
    run_id = pipeline.begin_run(settings, JULY[4], algorithm)
    for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
        step(settings, run_id)
    return run_id


def kept(settings) -> list[dict]:
    with connect(settings) as con:
        return records(con.sql("select k.run_id, k.table_name, k.accounts, t.table_name is not null as present "
                               "from meta.kept_features k left join information_schema.tables t "
                               "on k.table_name = t.table_schema || '.' || t.table_name"))


def scores(con, run_id: str) -> pl.DataFrame:
    return query(con, "audit/run_scores", run_id=run_id).pl().select(*KEYS, "score", "raw_score").sort(KEYS)


def test_the_shadow_run_scores_the_kept_features_exactly_as_a_recomputation(week):
    run_id = scored_run(week, "v1_1")
    (row,) = kept(week)
    assert row["run_id"] == run_id and row["present"] and row["accounts"] > 1000

    pipeline.audit_step(week, run_id)
    assert kept(week) == []  # its only reader is done: dropped, table and all
    with connect(week) as con:
        (gate,) = records(con.sql("select shadow_run_id from meta.gate_outcomes where run_id = ?", params=[run_id]))
        shadow = records(query(con, "meta/run", run_id=gate["shadow_run_id"]))[0]
        assert "the candidate's window features" in shadow["message"]
        score_date(con, "recomputed", JULY[4], load_algorithm("v1"))  # v1 from scratch on the same data
        reused, recomputed = scores(con, gate["shadow_run_id"]), scores(con, "recomputed")
    assert reused.height == recomputed.height > 1000
    assert reused.select(KEYS).equals(recomputed.select(KEYS))
    # Polars' parallel sums add in varying order: features agree to ~1e-11, so a score may flip at a rounding edge.
    raw_gap = (reused["raw_score"] - recomputed["raw_score"]).abs()
    score_gap = (reused["score"] - recomputed["score"]).abs()
    assert raw_gap.max() < 1e-6 and score_gap.max() <= 1 and (score_gap > 0).sum() <= 3


def test_no_features_are_kept_without_an_algorithm_change(week):
    scored_run(week, "v1")
    assert kept(week) == []


def test_another_window_means_the_shadow_run_recomputes_it(week):
    run_id = scored_run(week, "v2")  # a 7-day window: v1's features cannot be reused
    assert len(kept(week)) == 1
    with connect(week) as con:
        from clout.audit.gate import run_gate

        result = run_gate(con, week, run_id)
        shadow = records(query(con, "meta/run", run_id=result.shadow_run_id))[0]
    assert "the window recomputed" in shadow["message"]
    assert kept(week) == []


def test_a_published_night_run_again_with_a_new_algorithm_reads_its_live_run_and_keeps_no_features(week):
    """July 4 is live with v1; a v1_1 run of it reads the window as v1 does: the gate takes the live run's rows as
    v1's scores of the night (same inputs, meta.run_inputs), so the score step keeps no features for a shadow run."""
    with connect(week) as con:
        (live,) = con.execute("select run_id from published.nights where logical_date = ?", [JULY[3]]).fetchone()
    run_id = pipeline.begin_run(week, JULY[3], "v1_1")
    for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
        step(week, run_id)
    assert kept(week) == []
    with connect(week) as con:
        from clout.audit.gate import run_gate

        result = run_gate(con, week, run_id)
        shadows = con.execute("select count(*) from meta.runs where status = 'shadow'").fetchone()[0]
    assert result.shadow_run_id == live and shadows == 0
    assert any(f"published run {live}" in f.text for f in result.findings if f.kind == "attribution")
