"""published.scores, person_scores and topic_scores are views over the live runs' candidate rows (issue 14, lever 1):
a publish copies nothing, a rollback makes the earlier run's rows live again, a rejected run's rows go and a live
run's never do."""

from __future__ import annotations

import pytest
from gatekit import JULY
from testkit import clout_here

from clout import pipeline
from clout.core.errors import CloutError
from clout.core.published_tables import PUBLISHED_TABLES
from clout.core.snapshot import open_catalog
from clout.core.warehouse import connect, run_sql, transaction
from clout.publish import publish


def live_run(con, day) -> str:
    return con.execute("select run_id from published.nights where logical_date = ?", [day]).fetchall()[0][0]


def candidate_rows(con, table: str, run_id: str) -> list[tuple]:
    return con.execute(f"select * exclude (run_id) from candidate.{table} where run_id = ? order by all",
                       [run_id]).fetchall()


def published_rows(con, table: str, day) -> list[tuple]:
    return con.execute(f"select * from published.{table} where logical_date = ? order by all", [day]).fetchall()


def test_a_publish_copies_nothing_readers_see_the_live_runs_candidate_rows(week):
    settings = week
    summary = pipeline.run_night(settings, JULY[4], "v1")
    assert summary.status == "published"
    with connect(settings) as con:
        kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                                 "where table_schema = 'published'").fetchall())
        assert {t: kinds[t] for t in PUBLISHED_TABLES} == dict.fromkeys(PUBLISHED_TABLES, "VIEW")
        # the one table a publish writes: one row per night naming its live run
        assert sorted(t for t, kind in kinds.items() if kind == "BASE TABLE") == ["nights"]
        nights = con.execute("select logical_date, run_id from published.nights order by 1").fetchall()
        assert nights[-1] == (JULY[4], summary.run_id) and len(nights) == 5
        for day, run_id in nights:
            for table in PUBLISHED_TABLES:
                assert published_rows(con, table, day) == candidate_rows(con, table, run_id), (table, day)
            assert published_rows(con, "scores", day)  # a night is never empty
        night = {t: published_rows(con, t, JULY[4]) for t in PUBLISHED_TABLES}

    with open_catalog(settings) as cat:  # the night's Parquet partition: the same rows
        for table in PUBLISHED_TABLES:
            assert published_rows(cat, table, JULY[4]) == night[table], table

    with connect(settings) as con:  # the live run's candidate rows are what readers of the warehouse see: no copy
        account = night["scores"][0][2]
        con.execute("update candidate.scores set score = -1 where run_id = ? and account_id = ?",
                    [summary.run_id, account])
        assert con.execute("select score from published.scores where logical_date = ? and account_id = ?",
                           [JULY[4], account]).fetchall() == [(-1,)]


def test_rollback_makes_the_earlier_runs_rows_live_again(week):
    settings = week
    day = JULY[3]
    with connect(settings) as con:
        v1_run = live_run(con, day)
        v1 = {t: published_rows(con, t, day) for t in PUBLISHED_TABLES}
    assert v1["scores"] and {r[7] for r in v1["scores"]} == {"v1"}  # algorithm_version

    clout_here("run", "--date", str(day), "--algorithm", "v2", warehouse=settings)  # held or published
    with connect(settings) as con:
        v2_run, status = con.execute("select run_id, status from meta.runs where logical_date = ? and "
                                     "algorithm_version = 'v2' and run_id not like '%-shadow'", [day]).fetchall()[0]
        if status == "held":
            publish.approve_run(con, settings, v2_run, reason="v2 reviewed")
        assert live_run(con, day) == v2_run
        v2 = {t: published_rows(con, t, day) for t in PUBLISHED_TABLES}
        assert v2 == {t: candidate_rows(con, t, v2_run) for t in PUBLISHED_TABLES}
        assert {r[7] for r in v2["scores"]} == {"v2"} and v2["scores"] != v1["scores"]

        back = publish.rollback(con, settings, reason="back to v1", logical_date=day)
        assert (back.removed_run_id, back.restored_run_id) == (v2_run, v1_run)
        assert live_run(con, day) == v1_run
        assert {t: published_rows(con, t, day) for t in PUBLISHED_TABLES} == v1  # the earlier run's rows, whole
    with open_catalog(settings) as cat:  # and the snapshot readers open
        assert {t: published_rows(cat, t, day) for t in PUBLISHED_TABLES} == v1

    with connect(settings) as con:
        # The rolled-back run keeps its rows: a later rollback (of what replaced it, of a backfill) may restore it.
        with pytest.raises(CloutError, match="is rolled back: a run that was live keeps its rows"):
            publish.reject_run(con, settings, v2_run, reason="v2 not wanted")
        assert candidate_rows(con, "scores", v2_run) != []
        with transaction(con):  # what an older clout's `clout reject` of it left: no rows
            for table in PUBLISHED_TABLES:
                run_sql(con, "publish/discard_candidate", {"table": table}, run_id=v2_run)
        assert {t: published_rows(con, t, day) for t in PUBLISHED_TABLES} == v1
        # A run without candidate rows is never made live (the night would be empty) ...
        with pytest.raises(CloutError, match="no candidate scores"), transaction(con):
            publish.make_live(con, v2_run, "rollback", "test", None)
        assert live_run(con, day) == v1_run
        # ... and a live run's rows are never discarded, whoever asks.
        with transaction(con):
            for table in PUBLISHED_TABLES:
                run_sql(con, "publish/discard_candidate", {"table": table}, run_id=v1_run)
        assert {t: published_rows(con, t, day) for t in PUBLISHED_TABLES} == v1

    # Nor scored again (an Airflow task cleared after the publish): that would change a published night unaudited.
    with pytest.raises(CloutError, match="was published"):
        pipeline.score_step(settings, v1_run)
    with connect(settings) as con:
        assert {t: published_rows(con, t, day) for t in PUBLISHED_TABLES} == v1
