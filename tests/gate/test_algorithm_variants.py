"""Algorithm changes the gate must judge by what they did to the accounts, not by where the 10-point bands' edges fall
or by which silent accounts a version lists: a uniform one-point lift (or drop) of the scale, a version that stops
listing accounts it scores at the bottom. On hand-made nights (the gate's own judging, config/gate.yaml), and the
lift once through a real night of the Higgs week."""

from __future__ import annotations

import json
import shutil

import polars as pl
import pytest
from gatekit import JULY

from clout import pipeline
from clout.audit.gate import load_gate_config
from clout.core.errors import CloutError
from clout.core.warehouse import connect
from transforms.audit.gate_rules import GateRules, describe, judge, with_missing_above_bottom
from transforms.audit.swing import SwingParams, swing_metrics

FLOOR = 1  # config/gate.yaml checks.min_score: the bottom of the scale


def night(scores: dict[str, int]) -> pl.LazyFrame:
    return pl.LazyFrame({"network": "x", "account_id": list(scores), "score": list(scores.values()),
                         "raw_score": [float(v) for v in scores.values()]})


def algorithm_part(before: dict[str, int], after: dict[str, int]) -> pl.DataFrame:
    """The algorithm part of a gate (the old algorithm's scores `before`, the new one's `after`, on the same data)
    judged as the gate judges it."""
    return _judged("algorithm", before, after, FLOOR, split=True)


def unsplit_total(before: dict[str, int], after: dict[str, int]) -> pl.DataFrame:
    """The total of a change the gate could not split (the old algorithm cannot be reproduced): last night against
    tonight over every account, its missing accounts over those above the bottom (clout/audit/gate.py),
    held to the algorithm's tolerances."""
    total = _metrics("total", before, after, None)
    return _judge(with_missing_above_bottom(total, _metrics("total", before, after, FLOOR)), split=False)


def _judged(part: str, before: dict[str, int], after: dict[str, int], floor: int | None, split: bool
            ) -> pl.DataFrame:
    return _judge(_metrics(part, before, after, floor), split)


def _metrics(part: str, before: dict[str, int], after: dict[str, int], floor: int | None) -> pl.DataFrame:
    rows = swing_metrics(night(before), night(after), SwingParams(floor=floor)).collect()
    return rows.with_columns(part=pl.lit(part)).select("part", "scope", "scope_value", "metric", "value", "n_common")


def _judge(current: pl.DataFrame, split: bool) -> pl.DataFrame:
    history = pl.LazyFrame(schema={"scope": pl.String, "scope_value": pl.String, "metric": pl.String,
                                   "value": pl.Float64})
    return judge(current.lazy(), history, GateRules.from_config(load_gate_config()), split).collect()


def held(judged: pl.DataFrame) -> set[str]:
    return set(judged.filter(pl.col("verdict") == "hold")["metric"])


# A night shaped like the Higgs week's: most accounts silent (1), a third of the scored ones on one knot of the
# calibration (20: one reaction from one person), the others spread over the scale.
SILENT = {f"s{i}": 1 for i in range(3000)}
SCORED = {f"a{i}": 20 if i % 3 == 0 else 2 + (i * 7) % 90 for i in range(900)}


def shifted(points: int) -> dict[str, int]:
    return SILENT | {k: min(100, max(2, v + points)) for k, v in SCORED.items()}


@pytest.mark.parametrize("points", [1, -1])
def test_every_scored_account_one_point_up_or_down_passes_alike(points):
    """Nobody moved more than a point and nobody's order changed: a harmless change either way. The share per
    10-point band used to hold +1 (the third at 20, the top of band 11-20, crossed into 21-30: 0.7) and pass -1."""
    judged = algorithm_part(SILENT | SCORED, shifted(points))
    assert held(judged) == set(), judged.filter(pl.col("verdict") == "hold")
    moves = dict(zip(judged["metric"], judged["value"], strict=True))
    assert moves["mean_abs_move"] == pytest.approx(1.0, abs=0.01) and moves["spearman"] == pytest.approx(1.0)
    psi = judged.filter(pl.col("metric") == "psi").row(0, named=True)
    assert psi["verdict"] == "info" and psi["value"] >= 0  # reported beside the moves, not judged


def test_a_lift_past_the_move_tolerance_is_still_held():
    assert "mean_abs_move" in held(algorithm_part(SILENT | SCORED, shifted(3)))


def test_an_account_at_the_bottom_under_one_algorithm_and_unlisted_under_the_other_is_silent():
    """A new version that stops listing the accounts nobody reacted to (a shorter window: their reactions left it)
    moved no one: it is judged as if they were still at 1, not as 3,000 missing accounts. An account the old
    algorithm scored above the bottom and the new one drops is still missing."""
    dropped_silent = algorithm_part(SILENT | SCORED, SCORED)
    unlisted = algorithm_part(SILENT | SCORED, SILENT | SCORED)
    value = {m: v for m, v in zip(dropped_silent["metric"], dropped_silent["value"], strict=True)}
    same = {m: v for m, v in zip(unlisted["metric"], unlisted["value"], strict=True)}
    assert value == same and value["share_missing"] == 0 and value["psi"] == pytest.approx(0, abs=1e-9)
    assert held(dropped_silent) == set()
    assert dropped_silent["n_common"][0] == len(SCORED)

    scored_dropped = algorithm_part(SILENT | SCORED, {k: v for k, v in SCORED.items() if k != "a1"})
    missing = scored_dropped.filter(pl.col("metric") == "share_missing")["value"][0]
    assert missing == pytest.approx(1 / len(SCORED))


def test_a_version_that_stops_scoring_scored_accounts_is_held_past_the_moved_tolerance():
    """Accounts the old algorithm scored above the bottom and the new one no longer scores (on the same data) lost
    their score: a move of at least 10 points each, held to share_moved_10's tolerance (5%). Dropping a few passes;
    dropping a tenth is held whatever the others did (here: nothing)."""
    few = [k for k in SCORED][:len(SCORED) // 50]  # 2%
    tenth = [k for k in SCORED][:len(SCORED) // 10]
    assert "share_missing" not in held(algorithm_part(SILENT | SCORED, {k: v for k, v in SCORED.items()
                                                                        if k not in few}))
    judged = algorithm_part(SILENT | SCORED, SILENT | {k: v for k, v in SCORED.items() if k not in tenth})
    assert held(judged) == {"share_missing"}, judged.filter(pl.col("verdict") == "hold")


def test_a_version_that_starts_scoring_accounts_is_held_as_one_that_stops():
    """The mirror: accounts the new version scores above the bottom that the old one did not score at all (a longer
    window, a newly counted kind of reaction) got a score from nothing. A tenth of the scored accounts new is held;
    the same change the other way round is held by share_missing."""
    tenth = {f"n{i}": 30 + i % 30 for i in range(len(SCORED) // 10)}
    judged = algorithm_part(SILENT | SCORED, SILENT | SCORED | tenth)
    assert held(judged) == {"share_new"}, judged.filter(pl.col("verdict") == "hold")
    assert "share_missing" in held(algorithm_part(SILENT | SCORED | tenth, SILENT | SCORED))


def test_an_unsplittable_change_counts_its_new_and_missing_accounts_above_the_bottom():
    """A change the gate cannot split is judged as a whole to the algorithm's tolerances. A tenth of last night's
    silent accounts leaving the window (their reactions aged out) is no account losing its score: not held. A fifth
    of the scored accounts no longer scored is held, as the algorithm's part would hold it."""
    left = dict(list(SILENT.items())[len(SILENT) // 10:])
    judged = unsplit_total(SILENT | SCORED, left | SCORED)
    assert held(judged) == set(), judged.filter(pl.col("verdict") == "hold")
    assert "share_moved_10" in held(unsplit_total(SILENT | SCORED, left | shifted(12)))
    dropped = dict(sorted(SCORED.items(), key=lambda kv: kv[1])[len(SCORED) // 5:])  # the lowest fifth goes
    judged = unsplit_total(SILENT | SCORED, left | dropped)
    missing = judged.filter(pl.col("metric") == "share_missing").row(0, named=True)
    assert missing["value"] == pytest.approx(0.2, abs=0.01) and missing["verdict"] == "hold"
    assert describe(missing).startswith("the whole change, which could not be split into data and algorithm: 20.0% "
                                        "of the accounts scored above 1 before are missing")
    # a topic's rows have no bottom to leave out: a tenth of one topic's rows aging out is reported, not held
    topic = pl.DataFrame({"part": ["total"] * 2, "scope": ["topic"] * 2, "scope_value": ["t1"] * 2,
                          "metric": ["share_missing", "share_new"], "value": [0.1, 0.1], "n_common": [900, 900]})
    assert set(_judge(topic, split=False)["verdict"]) == {"info"}


def v1_variant(tmp_path, monkeypatch, version: str, config=lambda text: text, points=lambda p: p) -> None:
    """A new version `version`: v1's config (edited by `config`) and its frozen calibration (its points moved by
    `points`), in folders of the test's that the algorithm loader reads instead of transforms/."""
    import transforms.algorithm as algorithm

    folders = {"algorithms": tmp_path / "algorithms", "calibration": tmp_path / "calibration"}
    for name, folder in folders.items():
        folder.mkdir()
        shutil.copy(algorithm.TRANSFORMS_DIR / name / ("v1.yaml" if name == "algorithms" else "v1.json"), folder)
    text = (folders["algorithms"] / "v1.yaml").read_text(encoding="utf-8")
    (folders["algorithms"] / f"{version}.yaml").write_text(
        config(text.replace("version: v1\n", f"version: {version}\n")), encoding="utf-8")
    calibration = json.loads((folders["calibration"] / "v1.json").read_text(encoding="utf-8"))
    calibration |= {"version": version, "points": [points(p) for p in calibration["points"]]}
    (folders["calibration"] / f"{version}.json").write_text(json.dumps(calibration), encoding="utf-8")
    monkeypatch.setattr(algorithm, "ALGORITHMS_DIR", folders["algorithms"])
    monkeypatch.setattr(algorithm, "CALIBRATION_DIR", folders["calibration"])
    assert algorithm.load_algorithm("v1").fingerprint == algorithm.fingerprint(
        algorithm.TRANSFORMS_DIR / "algorithms" / "v1.yaml")  # the published history's algorithm, reproduced


def test_the_week_with_every_score_one_point_up_passes(week, tmp_path, monkeypatch):
    """The real night of 2012-07-05 scored with v1 whose frozen calibration gives every scored account one point
    more (a new version, `v1_lift`): the gate's shadow run scores v1 on the same data, the algorithm moved every
    scored account exactly one point and reordered nobody. Published; it was held for "a clear shift" of the bands."""
    v1_variant(tmp_path, monkeypatch, "v1_lift", points=lambda p: p + 1)

    summary = pipeline.run_night(week, JULY[4], "v1_lift")
    with connect(week) as con:
        outcome, attribution, moved = con.execute(
            "select outcome, attribution, algorithm_mean_abs_move from meta.gate_outcomes where run_id = ?",
            [summary.run_id]).fetchall()[0]
        psi = con.execute("select value, verdict from meta.gate_results where run_id = ? and part = 'algorithm' "
                          "and scope = 'all' and metric = 'psi'", [summary.run_id]).fetchall()[0]
    assert summary.status == "published" and outcome in ("PASS", "WARN"), (outcome, psi)
    assert moved == pytest.approx(1.0) and psi[1] == "info"


def test_a_real_unsplittable_night_counts_missing_accounts_above_the_bottom_and_keeps_the_accounts_check(
        week, tmp_path, monkeypatch):
    """The published history's algorithm cannot be reproduced (its fingerprint is no longer the code's), and
    2012-07-05 is scored by a new version with a 2-day window: the gate cannot split the change and judges the total
    to the algorithm's tolerances. Its missing accounts (those whose reactions were all before July 4) are counted
    over the accounts above the bottom on either night, as the algorithm's part counts them; the accounts-kept check
    still weighs every account of the last published night."""
    v1_variant(tmp_path, monkeypatch, "v1_short", config=lambda text: text.replace("window_days: 90", "window_days: 2"))
    with connect(week) as con:
        con.execute("update meta.runs set fingerprint = 'f0000000not0code' where status = 'published'")
    try:
        pipeline.run_night(week, JULY[4], "v1_short")
    except CloutError as e:
        assert "HELD by the gate" in str(e)
    with connect(week) as con:
        (run_id, attribution), = con.execute(
            "select run_id, attribution from meta.gate_outcomes where logical_date = '2012-07-05'").fetchall()
        value, basis = con.execute(
            "select value, basis from meta.gate_results where run_id = ? and part = 'total' and scope = 'all' "
            "and metric = 'share_missing'", [run_id]).fetchall()[0]
        (detail,), = con.execute("select detail from meta.gate_checks where run_id = ? and check_name = "
                                 "'accounts_kept'", [run_id]).fetchall()
        both = (f"(select l.score as before, t.score as after from (select * from published.scores where "
                f"logical_date = '2012-07-04') as l full join (select * from candidate.scores where run_id = "
                f"'{run_id}') as t using (network, account_id))")
        every, scored = con.execute(
            f"select count(*) filter (before is not null and after is null) / count(before), "
            f"count(*) filter (before > {FLOOR} and after is null) "
            f"/ count(*) filter (before is not null and (before > {FLOOR} or coalesce(after, {FLOOR}) > {FLOOR})) "
            f"from {both}").fetchall()[0]
    assert attribution == "unknown" and basis == "tolerance"
    assert 0 < value == pytest.approx(scored) and value != pytest.approx(every)
    assert f"{every:.1%} of the last published night's accounts are absent" in detail
