"""Backfills after an algorithm change, on a slice of the real Higgs data: gated against the published history,
held when the algorithm moves scores a lot, promoted all at once after approval, rolled back, resumable."""

import html
import json
import re
import shutil
import signal
from datetime import date
from pathlib import Path

import pytest
from testkit import built_once, clout, clout_here, copy_warehouse, higgs_sample

from clout import backfill, pipeline
from clout.core.errors import CloutError
from clout.core.settings import load_settings
from clout.core.warehouse import connect
from clout.score.score import score_date
from transforms.algorithm import load_algorithm

D1, D3 = date(2012, 7, 1), date(2012, 7, 3)


def published(settings):
    with connect(settings) as con:
        return con.execute(
            "select logical_date, network, account_id, score, algorithm_version from published.scores order by all"
        ).fetchall()


def candidate_rows(settings, backfill_id):
    """The backfill's account rows: scores, and each change against the night before."""
    with connect(settings) as con:
        return con.execute(
            "select c.logical_date, c.network, c.account_id, c.score, c.previous_score, c.change, c.change_explained "
            "from candidate.scores as c "
            "join meta.backfill_nights as n using (run_id) where n.backfill_id = ? order by all", [backfill_id]
        ).fetchall()


@pytest.fixture
def history(nights_copy):
    """Three published v1 nights (built once for the session, copied for this test)."""
    return nights_copy(3)


@pytest.fixture(scope="session")
def v2_backfill(higgs_nights, tmp_path_factory):
    """The folder of `higgs_nights(3)` after a v2 backfill of July 1..3 run straight through: built once per
    session (two tests need it), copied by each."""
    def build(folder):
        shutil.copytree(higgs_nights(3), folder, symlinks=True, dirs_exist_ok=True)
        backfill.run_backfill(load_settings(folder / "clout.duckdb"), D1, D3, "v2")

    return built_once(tmp_path_factory, "higgs-slice-v2-backfill", build)


def test_a_large_algorithm_change_is_held_then_promoted_then_rolled_back(history, v2_backfill, tmp_path):
    before = published(history)  # the three v1 nights, before any backfill
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")  # `history` after run_backfill(D1, D3, v2)

    result = backfill.run_backfill(settings, D1, D3, "v2")  # asked again: the same backfill, gated again

    assert result.outcome == "HOLD" and result.status == "held"
    assert published(settings) == before  # a backfill publishes nothing by itself
    assert {n["attribution"] for n in result.nights} == {"algorithm"}
    with pytest.raises(CloutError, match="--reason"):
        backfill.promote(settings, result.backfill_id)  # a held backfill needs an approval with a reason

    assert backfill.promote(settings, result.backfill_id, reason="v2 reviewed: reweights replies") == 3
    after = published(settings)
    assert {row[4] for row in after} == {"v2"} and after != before
    with connect(settings) as con:
        log = con.execute("select count(*) from meta.publish_log where action = 'backfill'").fetchall()
    assert log == [(3,)]

    assert backfill.rollback(settings, result.backfill_id) == (3, [])
    assert published(settings) == before


def test_rolling_back_a_promoted_backfill_keeps_what_was_published_since(v2_backfill, tmp_path):
    """`clout backfill rollback` restored the nights before the backfill over a night published since (the rerun
    silently replaced), `clout rollback` undid the last night of the promoted range alone, and a rolled back run
    could be rejected (after which a rollback restoring it could never run)."""
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    backfill.promote(settings, backfill_id, reason="v2 reviewed")
    refused = clout_here("rollback", "--reason", "undo", warehouse=settings)
    assert refused.returncode == 1 and f"`clout backfill rollback {backfill_id}`" in refused.stderr, refused.stderr
    rerun = pipeline.run_night(settings, D3, "v2").run_id  # July 3 published again since the promotion

    restored, kept = backfill.rollback(settings, backfill_id)
    assert restored == 2 and [(k["logical_date"], k["live_run_id"]) for k in kept] == [(D3, rerun)]
    with connect(settings) as con:
        live = dict(con.execute("select n.logical_date, r.algorithm_version from published.nights as n "
                                "join meta.runs as r using (run_id)").fetchall())
        (night,), = con.execute("select run_id from meta.backfill_nights where logical_date = ?", [D1]).fetchall()
    assert live == {D1: "v1", date(2012, 7, 2): "v1", D3: "v2"}
    refused = clout_here("reject", night, "--reason", "gone", warehouse=settings)
    assert refused.returncode == 1 and "rolled back: a run that was live keeps its rows" in refused.stderr


def test_sigterm_in_a_nights_gate_fails_the_backfill_and_resuming_gates_that_night(history, monkeypatch):
    """A stop in a night's gate (SIGTERM, Ctrl-C) left the backfill `running` with no word of how to resume it: now
    it is `failed`, the stop's line names the command that resumes it, and resuming gates the night without
    scoring it again."""
    from clout.core.errors import Stopped

    gate_night = backfill._gate_night

    def stopped(*args) -> None:
        raise Stopped("SIGTERM")

    monkeypatch.setattr(backfill, "_gate_night", stopped)
    with pytest.raises(Stopped) as stop:
        backfill.run_backfill(history, D1, D1, "v1_1")
    assert "stopped by SIGTERM in audit of 2012-07-01; `clout backfill --from 2012-07-01" in stop.value.__notes__[-1]
    night = "select n.run_id, n.status, b.status from meta.backfill_nights as n join meta.backfills as b using " \
            "(backfill_id)"
    with connect(history) as con:
        (run_id, night_status, status), = con.execute(night).fetchall()
    assert (night_status, status) == ("scored", "failed")
    monkeypatch.setattr(backfill, "_gate_night", gate_night)
    backfill.run_backfill(history, D1, D1, "v1_1")
    with connect(history) as con:
        (again, night_status, status), = con.execute(night).fetchall()
    assert again == run_id and night_status != "scored" and status in ("gated", "held")


def test_runs_shows_a_backfill_night_while_it_is_scored(history, monkeypatch):
    """`clout runs` listed none of a backfill's nights while they were scored (only `clout run` wrote the marker it
    reads), nor a night killed midway."""
    seen = []
    aggregate = pipeline.aggregate_step

    def watched(settings, run_id):
        proc = clout_here("runs", "--json", warehouse=settings)
        seen.append({r["run_id"]: r["status"] for r in json.loads(proc.stdout)}.get(run_id))
        return aggregate(settings, run_id)

    monkeypatch.setattr(pipeline, "aggregate_step", watched)
    backfill.run_backfill(history, D1, D1, "v1_1")
    assert seen == ["running: aggregate"]
    assert not list((history.home / "running").glob("*.json"))  # the night over: its marker is gone


def test_a_rejected_backfill_discards_its_rows_and_leaves_the_published_history(history, v2_backfill, tmp_path):
    """Its runs were never live and, rejected, never can be: the published tables' views would only scan them."""
    before = published(history)
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")
    shadows = "select count(*) from candidate.scores where run_id in (select unnest(?) || '-shadow')"
    with connect(settings) as con:
        (backfill_id, status), = con.execute("select backfill_id, status from meta.backfills").fetchall()
        runs = [r for (r,) in con.execute("select run_id from meta.backfill_nights where backfill_id = ?",
                                          [backfill_id]).fetchall()]
        assert con.execute(shadows, [runs]).fetchall()[0][0] > 0  # the published algorithm's runs, for the gate
    assert status == "held" and len(candidate_rows(settings, backfill_id)) > 0

    backfill.reject(settings, backfill_id, reason="v2 not wanted")
    assert candidate_rows(settings, backfill_id) == []
    with connect(settings) as con:  # their shadow runs' rows too
        assert con.execute(shadows, [runs]).fetchall() == [(0,)]
    assert published(settings) == before
    with pytest.raises(CloutError, match="only a gated backfill"):
        backfill.promote(settings, backfill_id, reason="changed my mind")


def test_an_interrupted_backfill_resumes_and_matches_an_uninterrupted_one(history, v2_backfill, tmp_path, monkeypatch):
    settings = history
    monkeypatch.setenv(backfill.STOP_AFTER_ENV, "2")
    with pytest.raises(CloutError, match="stopped after 2 nights"):
        backfill.run_backfill(settings, D1, D3, "v2")
    with connect(settings) as con:
        # each night is gated as soon as it is scored: two finished nights, one pending
        done = con.execute("select status, count(*) from meta.backfill_nights group by 1 order by 1").fetchall()
        scored = con.execute("select run_id from meta.backfill_nights where status = 'gated' order by 1").fetchall()
    assert done == [("gated", 2), ("pending", 1)]

    monkeypatch.delenv(backfill.STOP_AFTER_ENV)
    resumed = backfill.run_backfill(settings, D1, D3, "v2")
    with connect(settings) as con:
        runs = con.execute("select run_id from meta.backfill_nights order by logical_date").fetchall()
        n_backfills = con.execute("select count(*) from meta.backfills").fetchall()
    assert n_backfills == [(1,)]  # resumed, not started again
    assert set(scored) <= set(runs)  # the finished nights were not recomputed
    assert backfill.run_backfill(settings, D1, D3, "v2").backfill_id == resumed.backfill_id  # asking again: same one
    rows = candidate_rows(settings, resumed.backfill_id)
    assert rows and len({r[0] for r in rows}) == 3

    other = copy_warehouse(v2_backfill, tmp_path / "other")  # the same history, backfilled without a stop
    straight = backfill.run_backfill(other, D1, D3, "v2")
    assert straight.backfill_id != resumed.backfill_id and rows == candidate_rows(other, straight.backfill_id)


def _published_rows(settings) -> tuple[list, list]:
    """Every column of every published account row and person row, in a fixed order."""
    with connect(settings) as con:
        return tuple(con.execute(f"select * from published.{table} order by all").fetchall()
                     for table in ("scores", "person_scores"))


def test_a_promoted_backfill_publishes_what_nightly_runs_of_its_algorithm_would_have(higgs_nights, v2_backfill,
                                                                                      tmp_path):
    """Promoted, each night's change (previous score, change, its parts and sentence; a person's too) is against the
    backfill's own night before, as v2 run night by night publishes it, not against the v1 night that was live when
    the backfill scored it. (The v1 history starts on July 1: the first night has nothing before it either way.)"""
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")  # v2 over the v1 nights of July 1..3, held
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    backfill.promote(settings, backfill_id, reason="v2 reviewed")
    nightly = copy_warehouse(higgs_nights(0), tmp_path / "nightly")  # the same data landed, no night run yet
    for day in (D1, date(2012, 7, 2), D3):
        assert pipeline.run_night(nightly, day, "v2").status == "published"

    backfilled, ran = _published_rows(settings), _published_rows(nightly)
    assert [len(rows) for rows in backfilled] == [len(rows) for rows in ran]
    for ours, theirs in zip(backfilled, ran, strict=True):
        assert ours == theirs


def _changes(settings, table: str, key: str) -> list[tuple]:
    """Per published night after July 1: its rows whose previous score is not the published night before's score
    of the same key, and those whose change says it is against another algorithm's night (accounts only)."""
    other = "count(*) filter (where n.change_explained like '%another algorithm%')" if table == "scores" else "0"
    with connect(settings) as con:
        return con.execute(
            f"select n.logical_date::varchar, count(*) filter (where n.previous_score is distinct from b.score), "
            f"{other} from published.{table} as n left join published.{table} as b "
            f"on b.logical_date = n.logical_date - 1 and {' and '.join(f'b.{k} = n.{k}' for k in key.split())} "
            f"where n.logical_date > ? group by 1 order by 1", [D1]).fetchall()


def test_only_a_backfills_first_night_is_measured_against_another_algorithm(history, tmp_path):
    """v2 over the v1 history from July 2; July 4 fails first (not landed), then is landed and resumed; promoted.
    July 2's change is against v1's July 1 (the published night before the range), and says so; July 3's and the
    resumed July 4's are against the backfill's own night before: what is published before them, by v2."""
    command = ("backfill", "--from", "2012-07-02", "--to", "2012-07-04", "--algorithm", "v2")
    stopped = clout_here(*command, warehouse=history)
    assert stopped.returncode == 1 and "no deliveries for 2012-07-04" in stopped.stderr
    clout_here("land", higgs_sample(tmp_path / "july4.txt.gz", every=10, days={4}), warehouse=history, check=True)
    resumed = clout_here(*command, warehouse=history)
    assert resumed.returncode == 1 and "HOLD" in resumed.stdout, resumed.stderr  # v2 is held, as in the other tests
    with connect(history) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    clout_here("backfill", "promote", backfill_id, "--reason", "v2 reviewed", warehouse=history, check=True)

    accounts = _changes(history, "scores", "network account_id")
    assert [night for night, *_ in accounts] == ["2012-07-02", "2012-07-03", "2012-07-04"]
    assert [moved for _, moved, _ in accounts] == [0, 0, 0]  # each against the published night before it
    assert accounts[0][2] > 0 and [other for *_, other in accounts[1:]] == [0, 0]
    assert [moved for _, moved, _ in _changes(history, "person_scores", "person_id")] == [0, 0, 0]

    with connect(history) as con:  # the account that moved most on July 3, of those that moved on July 2 too
        (account, before), = con.execute(
            "select n.account_id, b.score from published.scores as n join published.scores as b using (network, "
            "account_id) where n.logical_date = '2012-07-03' and b.logical_date = '2012-07-02' and b.change <> 0 "
            "and n.change <> 0 order by abs(n.change) desc, n.account_id limit 1").fetchall()

    def explain(day: str) -> str:
        return clout_here("explain", account, "--date", day, warehouse=history, env={"COLUMNS": "200"},
                          check=True).stdout

    assert "against a night scored by another algorithm" in explain("2012-07-02")
    july3 = explain("2012-07-03")
    assert "another algorithm" not in july3 and f"last published night ({before} -> " in july3


def test_the_night_a_backfill_nights_change_is_against(v2_backfill, tmp_path):
    """sql/score/previous_night.sql: a backfill's night reads its own night before (held, as all of these are), its
    first night the published night before its range (none here), another run of the date the published night
    before it; a night of its own whose run was rejected alone (an older clout allowed it) is skipped."""
    from clout.score.score import previous_night

    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")  # v2 over the v1 nights of July 1..3, held
    july2 = date(2012, 7, 2)
    with connect(settings) as con:
        own = dict(con.execute("select logical_date, run_id from meta.backfill_nights").fetchall())
        live = dict(con.execute("select logical_date, run_id from published.nights").fetchall())

        def before(run_id, day):
            night = previous_night(con, run_id, day)
            return night["previous_run_id"], night["previous_date"]

        assert before(own[D3], D3) == (own[july2], july2) and before(own[july2], july2) == (own[D1], D1)
        assert before(own[D1], D1) == (None, None)  # nothing published before July 1
        assert before("a-nightly-run", D3) == (live[july2], july2)
        con.execute("update meta.runs set status = 'rejected' where run_id = ?", [own[july2]])
        assert before(own[D3], D3) == (own[D1], D1)


def test_bad_ranges_and_versions_are_clear_errors(history):
    with pytest.raises(CloutError, match="before"):
        backfill.run_backfill(history, D3, D1, "v2")
    with pytest.raises(CloutError, match="unknown algorithm"):
        backfill.run_backfill(history, D1, D3, "v9")


def test_a_small_algorithm_change_passes_and_the_cli_shows_each_night_as_it_goes(history):
    proc = clout_here("backfill", "--from", "2012-07-01", "--to", "2012-07-03", "--algorithm", "v1_1",
                      warehouse=history)
    assert proc.returncode == 0, proc.stderr
    with connect(history) as con:
        (outcome, status), = con.execute("select outcome, status from meta.backfills").fetchall()
    assert outcome in ("PASS", "WARN") and status == "gated"  # a small change passes the gate
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("backfill ") and "(3 nights) with v1_1" in lines[0]
    progress = [line for line in lines if "scoring and gating (night" in line]
    assert [p.split(":")[0].strip() for p in progress] == ["2012-07-01", "2012-07-02", "2012-07-03"]
    assert "of 3" in progress[-1] and "clout backfill promote" in proc.stdout


def _shadows(settings, backfill_id) -> dict:
    """Per night of the backfill: the run the gate read the old algorithm's scores from, and the published run."""
    with connect(settings) as con:
        rows = con.execute(
            "select n.logical_date, g.shadow_run_id, p.run_id from meta.backfill_nights as n "
            "join meta.gate_outcomes as g on g.run_id = n.run_id "
            "join published.nights as p on p.logical_date = n.logical_date where n.backfill_id = ?",
            [backfill_id]).fetchall()
    return {day: (shadow, live) for day, shadow, live in rows}


def _rows(con, run_id):
    return con.execute("select network, account_id, score, raw_score, part_reach, part_engagement, part_rate, "
                       "part_impact, part_audience, part_discount from candidate.scores where run_id = ? "
                       "order by network, account_id", [run_id]).fetchall()


def test_a_backfill_night_reads_its_published_run_as_the_old_algorithm_unless_its_inputs_changed(history, tmp_path):
    """v1_1 reads the window as v1 does: a night whose data did not change since v1 published it needs no shadow
    run (v1's scores of it are the published run's rows), and one whose data changed gets a real one."""
    with connect(history) as con:  # July 2 as published by a clout that kept no digest: it cannot be reused
        con.execute("delete from meta.run_inputs where run_id = (select run_id from published.nights "
                    "where logical_date = ?)", [date(2012, 7, 2)])
    late = tmp_path / "late-delivery.txt"  # a late delivery for July 3, landed after July 3 was published
    late.write_text("".join(f"{a} {b} 1341316800 RT\n" for a, b in ((91001, 88), (91002, 88), (91003, 677))))
    pipeline.land_files(history, [late])

    result = backfill.run_backfill(history, D1, D3, "v1_1")
    shadows = _shadows(history, result.backfill_id)
    assert shadows[D1][0] == shadows[D1][1]  # the published run itself
    assert shadows[date(2012, 7, 2)][0].endswith("-shadow") and shadows[D3][0].endswith("-shadow")
    with connect(history) as con:
        # the real shadow of July 2 (same data, no digest) scored exactly the published rows: what reuse relies on
        july2_shadow, july2_live = shadows[date(2012, 7, 2)]
        assert _rows(con, july2_shadow) == _rows(con, july2_live) and len(_rows(con, july2_live)) > 1000
        # July 3's shadow saw the late delivery: account 88 gained three reactors, so its rows differ
        july3_shadow, july3_live = shadows[D3]
        assert _rows(con, july3_shadow) != _rows(con, july3_live)
        # and v1 scored again from scratch on July 1 gives the rows the gate read
        score_date(con, "v1-again", D1, load_algorithm("v1"))
        assert _rows(con, "v1-again") == _rows(con, shadows[D1][1])
        digests = dict(con.execute("select run_id, inputs_digest from meta.run_inputs").fetchall())
    assert digests["v1-again"] == digests[shadows[D1][1]]


def _range_swing(settings, backfill_id) -> dict:
    """The range's figures from every account-night at once (sql/backfill/range_swing.sql), as of now."""
    from clout.core.warehouse import query

    with connect(settings) as con:
        (bf,) = con.execute("select date_from, date_to from meta.backfills where backfill_id = ?",
                            [backfill_id]).fetchall()
        rel = query(con, "backfill/range_swing", backfill_id=backfill_id, date_from=bf[0], date_to=bf[1])
        return dict(zip(rel.columns, rel.fetchall()[0], strict=True))


def _same_figures(got: dict, expected: dict) -> None:
    assert list(got) == list(expected)
    for key, value in expected.items():  # DuckDB's corr sums floats in no fixed order: the rest to the bit
        assert got[key] == (pytest.approx(value, rel=1e-12) if key == "pearson" else value), key


def test_the_range_gate_adds_up_each_nights_kept_sums_and_compares_again_only_what_changed(v2_backfill, tmp_path,
                                                                                        monkeypatch):
    """Each night's sums are kept when the night is gated (meta.backfill_night_swing): the range's figures from them
    are range_swing.sql's over every account-night. A night whose published run changed since is compared again,
    every night after an erasure (it may have deleted rows on either side), the others not."""
    from clout import consent
    from clout.publish.publish import rollback

    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
        kept = con.execute("select logical_date, run_id, published_run_id from meta.backfill_night_swing "
                           "order by 1").fetchall()
        runs = con.execute("select n.logical_date, n.run_id, p.run_id from meta.backfill_nights as n "
                           "join published.nights as p using (logical_date) order by 1").fetchall()
    assert kept == runs and len(kept) == 3  # one row per night, made from the night's run and the published run
    compared = []
    real = backfill.night_swing
    monkeypatch.setattr(backfill, "night_swing", lambda new, old: compared.append(new.height) or real(new, old))

    result = backfill.gate(settings, backfill_id)
    assert compared == []  # every kept row holds: nothing is read again
    _same_figures(result.summary, _range_swing(settings, backfill_id))

    with connect(settings) as con:  # July 2 unpublished: its pairs leave the range's figures
        rollback(con, settings, logical_date=date(2012, 7, 2))
    result = backfill.gate(settings, backfill_id)
    assert len(compared) == 1 and result.summary["nights_compared"] == 2
    _same_figures(result.summary, _range_swing(settings, backfill_id))

    with connect(settings) as con:  # the account with the most reactions of July 1, erased everywhere
        (top,), = con.execute("select account_id from published.scores where logical_date = ? "
                              "order by score desc, account_id limit 1", [D1]).fetchall()
    consent.optout(settings, consent.Request(top, "twitter", "test"), compact_after=False)
    before = result.summary["accounts_compared"]
    result = backfill.gate(settings, backfill_id)
    assert len(compared) == 4 and result.summary["accounts_compared"] < before
    _same_figures(result.summary, _range_swing(settings, backfill_id))


def _gate_rows(settings, backfill_id) -> tuple[list, list]:
    """Per night of the backfill: its gate's outcome, attribution and findings but the note naming the runs, and
    its judged metrics in a fixed order."""
    with connect(settings) as con:
        outcomes = [(*row[:-1], [f for f in json.loads(row[-1]) if f["kind"] != "attribution"]) for row in con.execute(
            "select n.logical_date, g.outcome, g.attribution, g.algorithm_share_moved, g.algorithm_mean_abs_move, "
            "g.data_share_moved, g.data_mean_abs_move, g.findings from meta.backfill_nights as n "
            "join meta.gate_outcomes as g using (run_id) where n.backfill_id = ? order by 1", [backfill_id]).fetchall()]
        metrics = con.execute(
            "select n.logical_date, m.part, m.scope, m.scope_value, m.metric, m.n_common, m.history_n, m.basis, "
            "m.verdict, [m.value, m.history_median, m.z, m.bound] from meta.backfill_nights as n "
            "join meta.gate_results as m using (run_id) where n.backfill_id = ? order by all", [backfill_id]
        ).fetchall()
    return outcomes, metrics


def test_a_night_whose_old_scores_are_its_published_run_is_gated_as_with_a_real_shadow_run(nights_copy):
    """When the published run of the night is the old algorithm's scores (the usual backfill night), the gate reads
    the night once for both and compares that run with itself without pairing it (swing.self_metrics): the same
    outcomes, findings and metrics as the same backfill where each night gets a real shadow run, which scores the
    published rows again (no digests kept: the published runs cannot be reused)."""
    reused, shadowed = nights_copy(3, "reused"), nights_copy(3, "shadowed")
    with connect(shadowed) as con:
        con.execute("delete from meta.run_inputs")
    results = [backfill.run_backfill(s, D1, D3, "v3") for s in (reused, shadowed)]
    assert [len(_shadows(s, r.backfill_id)) for s, r in zip((reused, shadowed), results, strict=True)] == [3, 3]
    assert all(shadow == live for shadow, live in _shadows(reused, results[0].backfill_id).values())
    assert all(shadow.endswith("-shadow") for shadow, _ in _shadows(shadowed, results[1].backfill_id).values())
    (outcomes, metrics), (long_outcomes, long_metrics) = (_gate_rows(s, r.backfill_id)
                                                          for s, r in zip((reused, shadowed), results, strict=True))
    assert outcomes == long_outcomes and {o[2] for o in outcomes} == {"algorithm"}
    assert len(metrics) == len(long_metrics) and {m[1] for m in metrics} == {"total", "data", "algorithm"}
    for ours, theirs in zip(metrics, long_metrics, strict=True):  # the floats to noise: sums in another row order
        assert ours[:-1] == theirs[:-1]
        assert [x is None for x in ours[-1]] == [x is None for x in theirs[-1]]
        assert [x for x in ours[-1] if x is not None] == pytest.approx([x for x in theirs[-1] if x is not None],
                                                                       rel=1e-12, abs=1e-15)
    assert results[0].summary == results[1].summary and results[0].outcome == results[1].outcome


def _runs_of(settings, day: str) -> list[tuple]:
    with connect(settings) as con:
        return con.execute("select run_id, status from meta.runs where logical_date = ? and status <> 'shadow' "
                           "order by started_at", [day]).fetchall()


def test_a_night_that_fails_stops_the_backfill_clearly_and_the_same_command_resumes_it(history, tmp_path):
    """July 4 is not landed: its night fails in stage. Neither its run nor the backfill stays `running` (a stale
    `running` backfill night held a lock for CLOUT_ABANDON_AFTER, 6 hours), review says where it stopped, and the
    error names the command that resumes it; landing July 4 and running that command finishes the range."""
    resume = "clout backfill --from 2012-07-03 --to 2012-07-04 --algorithm v1"
    proc = clout_here(*resume.split()[1:], warehouse=history)
    assert proc.returncode == 1
    assert "no deliveries for 2012-07-04" in proc.stderr and f"`{resume}`" in proc.stderr
    assert "run 2012-07-04 again" not in proc.stderr  # a backfill's night is resumed, not run as a night
    with connect(history) as con:
        (backfill_id, status, reason), = con.execute(
            "select backfill_id, status, reason from meta.backfills").fetchall()
        nights = con.execute("select logical_date::varchar, status from meta.backfill_nights order by 1").fetchall()
    assert status == "failed" and reason.startswith("2012-07-04: stage failed: run ")
    assert nights == [("2012-07-03", "gated"), ("2012-07-04", "failed")]
    (failed_run, run_status), = _runs_of(history, "2012-07-04")
    assert run_status == "failed"
    runs = clout_here("runs", "--columns", "run_id,status", warehouse=history, env={"COLUMNS": "200"}).stdout
    assert failed_run in runs and "running" not in runs

    review = clout_here("backfill", "review", backfill_id, warehouse=history)
    assert review.returncode == 0, review.stderr
    assert "failed at 2012-07-04: stage failed" in review.stdout and f"next: `{resume}` resumes it" in review.stdout
    for stale in ("(running)", "n/a-driven", "report: "):
        assert stale not in review.stdout

    with connect(history) as con:
        (gated_run,), = con.execute("select run_id from meta.backfill_nights where status = 'gated'").fetchall()
    july4 = tmp_path / "july4.txt.gz"
    higgs_sample(july4, every=10, days={4})
    clout_here("land", july4, warehouse=history, check=True)
    resumed = clout_here(*resume.split()[1:], warehouse=history)
    assert resumed.returncode in (0, 1), resumed.stderr  # gated or held: either way finished
    assert f"backfill {backfill_id}:" in resumed.stdout
    with connect(history) as con:
        (status,), = con.execute("select status from meta.backfills").fetchall()
        runs = con.execute("select logical_date::varchar, run_id from meta.backfill_nights order by 1").fetchall()
    assert status in ("gated", "held") and runs[0] == ("2012-07-03", gated_run)  # July 3 was not scored again
    assert [s for _, s in _runs_of(history, "2012-07-04")] == ["failed", "backfill"]


def test_the_same_command_after_a_promotion_says_so_and_recomputes_nothing_unless_new(v2_backfill, tmp_path,
                                                                                        monkeypatch):
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")  # the v2 backfill of July 1..3, held
    command = ("backfill", "--from", "2012-07-01", "--to", "2012-07-03", "--algorithm", "v2")
    count = "select (select count(*) from meta.backfills), (select count(*) from meta.runs)"
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    clout_here("backfill", "promote", backfill_id, "--reason", "v2 reviewed", warehouse=settings, check=True)
    with connect(settings) as con:
        before = con.execute(count).fetchall()

    again = clout_here(*command, warehouse=settings)
    assert again.returncode == 1
    assert (f"2012-07-01 .. 2012-07-03 was already backfilled with v2 by backfill {backfill_id}, promoted ("
            in again.stderr)
    assert f"`clout backfill rollback {backfill_id}`" in again.stderr and "nothing was recomputed" in again.stderr
    assert f"`clout {' '.join(command)} --new`" in again.stderr
    clout_here("backfill", "rollback", backfill_id, warehouse=settings, check=True)
    assert "promoted, then rolled back (" in clout_here(*command, warehouse=settings).stderr
    with connect(settings) as con:
        assert con.execute(count).fetchall() == before  # no new backfill, no night scored again

    def stop(settings, new_id, on_night=None):  # `--new` starts a new one: stopped before scoring anything
        raise CloutError(f"stopped {new_id}")

    monkeypatch.setattr(backfill, "score_nights", stop)
    fresh = clout_here(*command, "--new", warehouse=settings)
    new_id = fresh.stderr.split("stopped ")[1].strip()
    assert new_id.startswith("bf-20120701-20120703-v2-") and new_id != backfill_id
    assert fresh.stdout.startswith(f"backfill {new_id}: ")


def test_the_next_commands_of_a_held_backfill_are_whole_inside_their_backticks(v2_backfill, tmp_path):
    """Copied from between the backticks (or the report's <code>), each runs as it is: `--reason` inside."""
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    review = clout_here("backfill", "review", backfill_id, warehouse=settings, check=True).stdout
    (hint,) = [line for line in review.splitlines() if line.startswith("next:")]
    wanted = [f'clout backfill promote {backfill_id} --reason "..."',
              f'clout backfill reject {backfill_id} --reason "..."']
    assert re.findall(r"`([^`]*)`", hint) == wanted
    assert "--" not in re.sub(r"`[^`]*`", "", hint)  # no option left outside a command

    report = Path(backfill.gate(settings, backfill_id).report_path).read_text(encoding="utf-8")  # written again
    next_step = report[report.index("<p>Next:"):]
    assert [html.unescape(c) for c in re.findall(r"<code>(.*?)</code>", next_step)[1:]] == wanted


def test_a_held_nights_line_names_what_held_it_and_the_findings_say_their_night_once(v2_backfill, tmp_path):
    settings = copy_warehouse(v2_backfill, tmp_path / "backfilled")  # v2 on July 1..3: every night held
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    out = clout_here("backfill", "review", backfill_id, warehouse=settings, check=True).stdout.splitlines()

    nights = {line.split(":")[0].strip(): line for line in out if line.startswith("  2012-07-0")}
    assert sorted(nights) == ["2012-07-01", "2012-07-02", "2012-07-03"]
    for line in nights.values():  # the metrics past their tolerance, not a metric that passed
        assert "HOLD" in line and "; held by " in line and "algorithm part moved" not in line
    assert re.search(r"rank agreement 0\.8\d\d < 0\.900", nights["2012-07-02"])  # below 0.90: held
    assert re.search(r"moved 10\+ \d+\.\d% > 5\.0%", nights["2012-07-01"])

    (heading,) = [i for i, line in enumerate(out) if line.startswith("  why held, ")]
    assert out[heading] == "  why held, 2012-07-03's findings (one of 3 held nights; each night's report has its own):"
    findings = [line for line in out[heading + 1:] if line.startswith("    - ")]
    assert findings and all("tolerance for an algorithm change" in f and "2012-07" not in f for f in findings)
    assert not [line for line in out if line.startswith("  held: ")]


def test_a_killed_backfills_night_is_abandoned_by_the_next_writer_not_hours_later(history):
    """The backfill holds its night's run as `clout run` does (not as a run driven step by step, abandoned only after
    CLOUT_ABANDON_AFTER): killed, its night's run is `abandoned` at the next write, and review says how to resume."""
    command = ("backfill", "--from", "2012-07-03", "--to", "2012-07-03", "--algorithm", "v1")
    killed = clout(*command, warehouse=history, env={"CLOUT_FAULT": "backfill:after_stage"})
    assert killed.returncode == -signal.SIGKILL
    connect(history).close()  # the next command that writes
    (run_id, status), = _runs_of(history, "2012-07-03")[-1:]
    assert status == "abandoned"
    with connect(history) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
    review = clout_here("backfill", "review", backfill_id, warehouse=history, check=True).stdout
    assert "running, or stopped without finishing" in review and f"next: `clout {' '.join(command)}`" in review
    listed = clout_here("backfill", "list", warehouse=history, check=True, env={"COLUMNS": "200"}).stdout
    assert re.search(rf"{backfill_id}\s.*2012-07-03\s.*2012-07-03\s.*v1\s.*running", listed), listed
    missing = clout_here("backfill", "review", "nosuch", warehouse=history)
    assert "no backfill 'nosuch'; `clout backfill list` lists them" in missing.stderr


def test_a_night_scored_but_not_gated_is_gated_when_its_nights_resume(history):
    """Killed between a night's score and its gate, the backfill resumes by gating that night (the same run, not
    scored again) in the nights' job itself: on Airflow with Spark that is the submitted job, so the range's `gate`
    task in the worker has no night left to gate on the worker's own Spark session."""
    command = ("backfill", "--from", "2012-07-02", "--to", "2012-07-03", "--algorithm", "v1")
    killed = clout(*command, warehouse=history, env={"CLOUT_FAULT": "backfill:before_gate"})
    assert killed.returncode == -signal.SIGKILL
    with connect(history) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
        before = con.execute("select logical_date, status, run_id from meta.backfill_nights order by 1").fetchall()
    assert [(str(d), s) for d, s, _ in before] == [("2012-07-02", "scored"), ("2012-07-03", "pending")]

    assert backfill.score_nights(history, backfill_id) == 1  # the job Airflow retries: only 07-03 is scored
    with connect(history) as con:
        after = con.execute("select logical_date, status, run_id, outcome from meta.backfill_nights order by 1"
                            ).fetchall()
    assert [s for _, s, _, _ in after] == ["gated", "gated"] and all(o for *_, o in after)
    assert after[0][2] == before[0][2]  # 07-02 gated as the killed attempt scored it
    assert backfill.gate(history, backfill_id).status == "gated"


def test_a_night_without_an_algorithm_part_says_no_figure_for_it():
    """A backfill night whose published night has the same algorithm has no algorithm part: its line gives no
    'algorithm part moved n/a 10+ points'."""
    night = {"logical_date": date(2012, 7, 5), "outcome": "PASS", "attribution": "data",
             "algorithm_share_moved": None}
    result = backfill.BackfillResult("b1", "PASS", "gated", [night], {}, "r.html")
    assert result._night_line(night) == "  2012-07-05: PASS (change mostly data-driven)"
    moved = night | {"algorithm_share_moved": 0.012}
    assert result._night_line(moved).endswith("; algorithm part moved 1.2% 10+ points)")
