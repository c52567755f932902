"""The lake (clout/core/lake.py, docs/engines.md "Tables a cluster can share"): on the Spark engine each step writes
its night's partitions as Parquet, readable by DuckDB and by Spark with the warehouse's rows; partitions are swapped
in whole (a rerun replaces, a crash keeps the old one); the default engine writes none."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from clout import pipeline
from clout.core import lake
from clout.core.errors import CloutError
from clout.core.settings import load_settings
from clout.core.warehouse import connect

NIGHT = date(2012, 7, 3)
BIG = 2**100 + 1  # a HUGEINT a double cannot hold


# ---- without Spark: where the lake is, and its partitions' swap --------------------------------------------


def test_the_lake_is_beside_the_warehouse_unless_clout_lake_says_where(tmp_path, monkeypatch):
    monkeypatch.delenv("CLOUT_LAKE", raising=False)
    settings = load_settings(tmp_path / "w" / "clout.duckdb")
    assert settings.lake_dir == tmp_path / "w" / "clout.duckdb.lake"
    assert lake.lake_root(None) is None  # a warehouse in memory has none
    monkeypatch.setenv("CLOUT_LAKE", str(tmp_path / "shared"))
    assert settings.lake_dir == tmp_path / "shared" == lake.lake_root(None)
    monkeypatch.setenv("CLOUT_LAKE", (tmp_path / "shared lake").as_uri())
    assert settings.lake_dir == tmp_path / "shared lake"
    monkeypatch.setenv("CLOUT_LAKE", "s3://bucket/lake")
    with pytest.raises(CloutError, match="CLOUT_LAKE='s3://bucket/lake': the lake must be a folder path or a file://"):
        _ = settings.lake_dir
    # each process would find another folder, a host's name would be dropped, a glob would read other folders
    for value, says in (("lake", "absolute path"), ("file://nas/lake", "file:///path"),
                        (str(tmp_path / "x[1]"), "cannot hold"), (str(tmp_path / "c{a,b}"), "cannot hold")):
        monkeypatch.setenv("CLOUT_LAKE", value)
        with pytest.raises(CloutError, match=re.escape(says)):
            _ = settings.lake_dir


def test_every_lake_a_warehouse_wrote_is_known_and_a_discarded_runs_partitions_leave_each(tmp_path, monkeypatch):
    """An operator's shell need not have the workers' CLOUT_LAKE: the warehouse remembers each lake it was given,
    so an erasure (clout.consent.erase) and a rejected run (clout.publish) reach them all."""
    warehouse = tmp_path / "w" / "clout.duckdb"
    monkeypatch.setenv("CLOUT_LAKE", str(tmp_path / "shared"))
    shared = lake.lake_root(warehouse)
    monkeypatch.delenv("CLOUT_LAKE")
    beside = lake.lake_root(warehouse)
    assert lake.known_roots(warehouse) == sorted([shared, beside])
    frame = pl.DataFrame({"network": ["x"], "account_id": ["a"], "score": [7]})
    for root in (shared, beside):
        for run in ("20120703-r1", "20120703-r1-shadow", "20120703-r2"):
            lake.write_frame(root, "candidate.scores", {"run_id": run}, frame)
        lake.write_frame(root, "score.features", {"run_id": "20120703-r1"}, frame)
    assert lake.discard_runs(warehouse, ["20120703-r1"]) == 6  # the run, its shadow, its inputs; in both lakes
    for root in (shared, beside):
        assert [p.name for p in lake.partitions(root, "candidate.scores")] == ["run_id=20120703-r2"]
        assert lake.partitions(root, "score.features") == []


@pytest.fixture
def marts(tmp_path):
    """A warehouse file with one day-partitioned table, a HUGEINT column among its columns."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema marts")
    con.execute("create table marts.daily (activity_date date, account_id varchar, s hugeint)")
    con.execute("insert into marts.daily select date '2012-07-03', 'a' || i, ? + i from range(100) t(i)", [BIG])
    con.execute("insert into marts.daily values (date '2012-07-04', 'x', 1)")
    yield con, tmp_path / "lake"
    con.close()


def _day(con, root: Path, day: str = "2012-07-03") -> list[tuple]:
    folder = lake.partition_dir(root, "marts.daily", {"activity_date": day})
    return con.execute(f"select account_id, s from {lake.duckdb_source(folder)} order by all").fetchall()


def test_a_partition_is_the_days_rows_exactly_and_a_rerun_replaces_it(marts):
    con, root = marts
    lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 3))
    rows = _day(con, root)
    assert rows == con.execute("select account_id, s from marts.daily where activity_date = '2012-07-03' "
                               "order by all").fetchall()
    assert rows[0][1] == BIG and len(rows) == 100  # HUGEINT exact (DECIMAL(38, 0)), not a double
    lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 3))  # the night again
    assert _day(con, root) == rows  # replaced, not added to
    assert [p.name for p in (root / "marts" / "daily" / "activity_date=2012-07-03").iterdir()] == ["part-0.parquet"]
    # the whole dataset through hive partitioning: the day is a column again, read from the folder's name
    every = con.execute(f"select activity_date, count(*) from read_parquet('{lake.duckdb_glob(root, 'marts.daily')}',"
                        " hive_partitioning = true) group by all").fetchall()
    assert every == [(date(2012, 7, 3), 100)]
    assert not list((root / "_tmp").iterdir())


def _fail_at(monkeypatch, step: str) -> None:
    def point(name: str) -> None:
        if name == step:
            raise RuntimeError(f"injected at {name}")

    monkeypatch.setattr(lake.faults, "point", point)


def test_a_crash_before_the_swap_leaves_the_old_partition(marts, monkeypatch):
    con, root = marts
    lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 3))
    before = _day(con, root)
    con.execute("delete from marts.daily where account_id like 'a1%'")
    _fail_at(monkeypatch, "lake:before_swap")  # the new partition is written, not yet renamed into place
    with pytest.raises(RuntimeError, match="injected"):
        lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 3))
    assert _day(con, root) == before
    assert not list((root / "_tmp").iterdir())  # the partial write is gone


def test_a_crash_between_the_renames_is_undone_by_the_next_write(marts, monkeypatch):
    con, root = marts
    lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 3))
    before = _day(con, root)
    _fail_at(monkeypatch, "lake:between_renames")  # the old partition aside, the new one not in place
    with pytest.raises(RuntimeError, match="injected"):
        lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 3))
    assert not (root / "marts" / "daily" / "activity_date=2012-07-03").exists()  # none, never half of one
    monkeypatch.undo()
    lake.write_day(con, root, {"marts.daily": "activity_date"}, date(2012, 7, 4))  # the next write, another day's
    assert _day(con, root) == before  # put back by it, before it wrote its own
    assert _day(con, root, "2012-07-04") == [("x", 1)]
    assert not list((root / "_tmp").iterdir())


KILLED_WRITE = """
import os, sys
from datetime import date
import duckdb
from clout.core import lake
con = duckdb.connect(sys.argv[1])
con.execute("create schema marts")
con.execute("create table marts.daily as select date '2012-07-03' as activity_date, i as n from range(10) t(i)")
lake.write_day(con, lake.lake_root(None), {"marts.daily": "activity_date"}, date(2012, 7, 3))
con.execute("insert into marts.daily select date '2012-07-03', i from range(10, 20) t(i)")
os.environ["CLOUT_FAULT"] = sys.argv[2]
lake.write_day(con, lake.lake_root(None), {"marts.daily": "activity_date"}, date(2012, 7, 3))
"""


@pytest.mark.parametrize("step", ["lake:before_swap", "lake:between_renames"])
def test_a_process_killed_while_writing_leaves_the_old_partition(tmp_path, step):
    """SIGKILL (CLOUT_FAULT, clout/core/faults.py) after the new partition is written: before the swap the old one
    is in place; between the renames it is aside, and the next write (its `recover`) puts it back."""
    import subprocess
    import sys

    root = tmp_path / "lake"
    done = subprocess.run([sys.executable, "-c", KILLED_WRITE, str(tmp_path / "w.duckdb"), step],
                          env={**os.environ, "CLOUT_LAKE": str(root)}, capture_output=True, text=True)
    assert done.returncode == -9, done.stderr
    folder = lake.partition_dir(root, "marts.daily", {"activity_date": "2012-07-03"})
    assert folder.exists() == (step == "lake:before_swap")
    assert lake.recover(root) == (step == "lake:between_renames")
    assert duckdb.sql(f"select count(*), sum(n) from {lake.duckdb_source(folder)}").fetchall() == [(10, 45)]
    assert not list((root / "_tmp").iterdir())


def test_the_runs_inputs_are_kept_a_week(tmp_path):
    import polars as pl

    root = tmp_path / "lake"
    frame = pl.DataFrame({"network": ["twitter"], "account_id": ["1"], "n": pl.Series([7], dtype=pl.UInt32)})
    for run_id in ("20120625-aaaa", "20120626-bbbb", "20120703-cccc-shadow", "bench-x"):
        lake.write_frame(root, "score.features", {"run_id": run_id}, frame)
    assert lake.prune_runs(root, ["score.features"], date(2012, 7, 3)) == 1
    assert [p.name for p in lake.partitions(root, "score.features")] == [
        "run_id=20120626-bbbb", "run_id=20120703-cccc-shadow", "run_id=bench-x"]
    path = lake.partition_dir(root, "score.features", {"run_id": "bench-x"})
    assert duckdb.sql(f"select n from {lake.duckdb_source(path)}").fetchall() == [(7,)]  # UInt32 as Int64: Spark's


def test_the_default_engine_writes_no_lake(higgs_nights, monkeypatch):
    """The session's Higgs-slice warehouses are built on the default engine: three nights, no lake beside them."""
    monkeypatch.delenv("CLOUT_LAKE", raising=False)
    folder = higgs_nights(3)
    assert (folder / "clout.duckdb").exists()
    assert not (folder / "clout.duckdb.lake").exists()
    assert not list(folder.glob("*.lake"))


# ---- on Spark: a night writes every table's partition -----------------------------------------------------


def _lake_vs_warehouse(con, lake_rows: str, table: str, where: str) -> tuple[int, int]:
    """(rows, rows differing) between a partition as read from the lake (`lake_rows`: a relation) and the
    warehouse's rows of it, on the partition's columns, cast to the warehouse's types."""
    schema, name = table.split(".")
    lake_columns = {c for (c,) in con.execute(f"select column_name from (describe select * from {lake_rows})")
                    .fetchall()}
    columns = [(c, t) for c, t in con.execute(
        "select column_name, data_type from information_schema.columns where table_schema = ? and table_name = ? "
        "order by ordinal_position", [schema, name]).fetchall() if c in lake_columns]
    ours = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in columns)
    theirs = ", ".join(f'"{c}"' for c, _ in columns)
    warehouse = f"select {theirs} from {table} where {where}"
    lake_side = f"select {ours} from {lake_rows}"
    (n,) = con.execute(f"select count(*) from ({warehouse})").fetchall()[0]
    (missing,) = con.execute(f"select count(*) from (({warehouse}) except all ({lake_side}))").fetchall()[0]
    (extra,) = con.execute(f"select count(*) from (({lake_side}) except all ({warehouse}))").fetchall()[0]
    return n, missing + extra


@pytest.mark.spark
def test_a_spark_night_writes_every_lake_table_readable_by_duckdb_and_spark(spark, nights_copy, monkeypatch):
    """July 3 of the Higgs slice (July 1-2 published on the default engine) staged, aggregated and scored on Spark:
    every lake table has the night's partition, and DuckDB and Spark both read the warehouse's rows from it; a rerun
    of the night's steps replaces the partitions; a Spark write that fails before its swap keeps the old one."""
    monkeypatch.delenv("CLOUT_LAKE", raising=False)
    monkeypatch.setenv("CLOUT_ENGINE", "spark")
    settings = nights_copy(2)
    run_id = pipeline.begin_run(settings, NIGHT, "v1")
    for _, step in pipeline.STEPS[:3]:  # stage, aggregate, score
        step(settings, run_id)
    root = settings.lake_dir
    assert root.is_dir()
    with connect(settings) as con:
        (chain,) = con.execute("select chain_id from meta.score_chains where state_date = ?", [NIGHT]).fetchall()[0]
        (file_id,) = con.execute("select max(file_id) from raw.files").fetchall()[0]
        expected = ([(t, {"file_id": file_id}, f"file_id = {file_id}") for t in lake.RAW]
                    + [(t, {c: NIGHT}, f"{c} = '{NIGHT}'") for t, c in {**lake.STAGING, **lake.MARTS}.items()]
                    + [(t, {"chain_id": chain, "night": NIGHT}, f"chain_id = {chain}") for t in lake.STATE]
                    + [(t, {"run_id": run_id}, f"run_id = '{run_id}'")
                       for t in ("candidate.scores", "candidate.person_scores", "candidate.topic_scores")])
        counts = {}
        for table, partition, where in expected:
            folder = lake.partition_dir(root, table, partition)
            assert list(folder.glob("*.parquet")), f"{table}: no partition {folder}"
            n, diff = _lake_vs_warehouse(con, lake.duckdb_source(folder), table, where)
            assert diff == 0, f"{table}: DuckDB reads {diff} rows that differ from the warehouse's"
            counts[table] = n
            # Spark reads the whole dataset (its partitions from the folders' names) and finds the same rows
            rows = spark.read.parquet(lake.uri(lake.table_dir(root, table)))
            for column, value in partition.items():
                rows = rows.filter(rows[column] == (str(value) if column == "run_id" else value))
            con.register("spark_rows", rows.drop(*partition).toArrow())
            assert _lake_vs_warehouse(con, "spark_rows", table, where) == (n, 0), table
            con.unregister("spark_rows")
        assert counts["candidate.scores"] > 1000 and counts["state.score_pairs"] > 1000
        assert counts["marts.engagement_daily"] > 100 and counts["raw.generic_interactions"] > 1000
        # the score step's inputs: the feature frame has a row per scored account
        features = lake.partition_dir(root, "score.features", {"run_id": run_id})
        assert lake.read_spark(root, "score.features", {"run_id": run_id}).count() == counts["candidate.scores"]
        assert con.execute(f"select count(*) from {lake.duckdb_source(features)}").fetchall()[0][0] == \
            counts["candidate.scores"]

    # A rerun of the night's steps (an Airflow retry) replaces every partition: the same rows, one copy
    pipeline.stage_step(settings, run_id)
    pipeline.aggregate_step(settings, run_id)
    with connect(settings) as con:
        lake.write_state(con, root, chain, NIGHT)
        for table, partition, where in expected:
            folder = lake.partition_dir(root, table, partition)
            assert _lake_vs_warehouse(con, lake.duckdb_source(folder), table, where) == (counts[table], 0), table
    candidate = {"run_id": run_id}
    again = lake.read_spark(root, "candidate.scores", candidate).localCheckpoint()
    lake.write_spark(root, "candidate.scores", candidate, again)  # Spark's writer: replaced, not added to
    assert lake.read_spark(root, "candidate.scores", candidate).count() == counts["candidate.scores"]

    # Spark's write fails after its files are written, before the swap: the old partition stays whole
    _fail_at(monkeypatch, "lake:before_swap")
    with pytest.raises(RuntimeError, match="injected"):
        lake.write_spark(root, "candidate.scores", candidate, again.limit(10))
    assert lake.read_spark(root, "candidate.scores", candidate).count() == counts["candidate.scores"]
    assert not list((root / "_tmp").iterdir())
