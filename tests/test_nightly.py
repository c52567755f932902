"""One nightly run end to end on a slice of the real Higgs data: land, stage, aggregate, score, audit, publish.

The slice landed and July 1..n published are built once per session (conftest.higgs_nights); each test copies the
state it starts from and runs only the nights it is about."""

from datetime import date

import pytest

from clout import pipeline
from clout.core.errors import CloutError
from clout.core.snapshot import open_catalog
from clout.core.warehouse import connect

JULY_2 = date(2012, 7, 2)


def published(settings, table="published.scores"):
    with connect(settings) as con:
        return con.execute(f"select * exclude (fingerprint) from {table} order by all").fetchall()


def test_a_night_publishes_scores_within_range(nights_copy):
    settings = nights_copy(0)  # landed, nothing run yet
    summary = pipeline.run_night(settings, JULY_2)
    assert summary.status == "published" and summary.rows_scored > 0
    with connect(settings) as con:
        n, lo, hi, dates = con.execute(
            "select count(*), min(score), max(score), count(distinct logical_date) from published.scores"
        ).fetchall()[0]
        runs = con.execute("select status, outcome, rows_staged, seconds from meta.runs").fetchall()
    assert n == summary.rows_scored and 1 <= lo <= hi <= 100 and dates == 1
    assert runs[0][0] == "published" and runs[0][2] > 0 and runs[0][3] > 0


def test_rerunning_a_date_leaves_published_rows_identical(nights_copy):
    settings = nights_copy(2)  # July 1 and 2 published
    first = published(settings)
    pipeline.run_night(settings, JULY_2)
    assert published(settings) == first
    with connect(settings) as con:
        assert con.execute("select count(*) from published.nights").fetchall() == [(2,)]


def test_scores_use_only_the_window_up_to_the_logical_date(nights_copy):
    settings = nights_copy(3)  # all three days landed before July 1 was run
    with connect(settings) as con:
        early, _, late = con.execute(
            "select count(*) from published.scores group by logical_date order by logical_date"
        ).fetchall()
    assert early[0] < late[0]  # July 3 sees three days of activity, July 1 only one


def test_a_failing_audit_publishes_nothing_and_says_why(nights_copy):
    settings = nights_copy(1)
    before = published(settings)
    run_id = pipeline.begin_run(settings, JULY_2)
    for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
        step(settings, run_id)
    with connect(settings) as con:  # a broken model: scores outside 1..100
        con.execute("update candidate.scores set score = 0 where run_id = ?", [run_id])
    with pytest.raises(CloutError, match="score"):
        pipeline.audit_step(settings, run_id)
    assert published(settings) == before
    with connect(settings) as con:
        status, message = con.execute("select status, message from meta.runs where run_id = ?", [run_id]).fetchall()[0]
    assert status != "published" and "score" in message


def test_published_snapshot_matches_the_warehouse(nights_copy):
    settings = nights_copy(2)
    with open_catalog(settings) as snap:
        rows = snap.execute("select * exclude (fingerprint) from published.scores order by all").fetchall()
    assert rows == published(settings)


def test_a_night_without_data_fails_at_staging_and_names_the_fix(nights_copy):
    """Unpausing the DAG schedules today's night at once; with no data it must fail plainly, not be gated."""
    settings = nights_copy(2)
    before = published(settings)
    with pytest.raises(CloutError, match=r"no deliveries for 2026-11-22.*clout land"):
        pipeline.run_night(settings, date(2026, 11, 22))
    assert published(settings) == before
    with connect(settings) as con:
        runs = con.execute("select status from meta.runs where logical_date = '2026-11-22'").fetchall()
        gated = con.execute("select count(*) from meta.gate_outcomes g join meta.runs r using (run_id) "
                            "where r.logical_date = '2026-11-22'").fetchall()
    assert runs == [("failed",)] and gated == [(0,)]
