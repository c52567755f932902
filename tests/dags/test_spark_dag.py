"""`dag.test()` of the DAGs' Spark variant (CLOUT_ENGINE=spark when the DAGs are parsed): clout_nightly's score
and audit tasks and clout_backfill's score_nights task submit clout/spark_job.py with the Spark provider's
SparkSubmitOperator, `spark-submit --master local[2]` runs it in a JVM of its own, and the night (the backfill)
publishes what the default DAG publishes for it.

Tolerance, as in tests/score/test_spark_engine.py: every 1..100 integer and string equal, floats within FLOATS
(log(1 + x) on Spark where Polars takes log1p, sums in Spark's order: measured 1e-14)."""

from __future__ import annotations

import json

import pendulum
import pytest
from testkit import same_frames

from clout.consent.access import open_snapshot
from clout.core.warehouse import connect

pytestmark = pytest.mark.spark

FLOATS = 1e-9
TABLES = {"scores": ["logical_date", "network", "account_id"], "person_scores": ["logical_date", "person_id"],
          "topic_scores": ["logical_date", "network", "account_id", "topic_id"]}


def _published(settings, table: str):
    return open_snapshot(settings).sql(f"select * from published.{table} order by all").pl()


def test_the_spark_variant_publishes_what_the_default_dag_publishes(dagbag, spark_dagbag, spark_submit_env,
                                                                    nights_copy, monkeypatch, capfd):
    night = pendulum.datetime(2012, 7, 2, tz="UTC")  # July 1 published: the night's changes have parts to split
    runs = {}
    for engine, bag in (("duckdb", dagbag), ("spark", spark_dagbag)):
        settings = nights_copy(1, engine)
        monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
        # the algorithm named: under dag.test() in one process, another test's run conf (test_nightly_dag.py's held
        # night runs v2) was used by this DAG's next run without one, and v2 against the v1 night is held
        dagrun = bag.dags["clout_nightly"].test(logical_date=night, run_conf={"algorithm": "v1"})
        tis = {ti.task_id: ti for ti in dagrun.get_task_instances()}
        assert dagrun.state == "success", {task_id: ti.state for task_id, ti in tis.items()}
        for submitted in ("score", "audit"):  # the gate's contract checks (and a shadow run) on the connection too
            assert tis[submitted].operator == (
                "SparkSubmitOperator" if engine == "spark" else "_PythonDecoratedOperator"), submitted
        with connect(settings) as con:
            runs[engine] = (settings, con.execute(
                "select status, outcome, rows_scored from meta.runs where logical_date = '2012-07-02' "
                "and status <> 'shadow'").fetchall())
    (default, default_runs), (spark, spark_runs) = runs["duckdb"], runs["spark"]
    # the score task's log: spark-submit's command and output, the job's last line naming the connection's master;
    # Spark's start-up lines kept out by clout's log4j2 settings
    log = capfd.readouterr().out
    assert "spark-submit --master local[2]" in log and "clout/spark_job.py" in log
    assert "scored on Spark (master local[2])" in log and "INFO SparkContext" not in log
    assert "audited on Spark (master local[2])" in log
    assert default_runs == spark_runs and default_runs[0][0] == "published", runs  # the gate's same outcome
    for table, keys in TABLES.items():
        default_rows, spark_rows = _published(default, table), _published(spark, table)
        if table == "scores":  # (the Higgs data has no hashtags: no topic scores, on either engine)
            assert default_rows.filter(default_rows["logical_date"] == night.date()).height > 1000
        same_frames(default_rows, spark_rows, keys, FLOATS)


def test_the_backfill_dags_spark_variant_promotes_what_the_default_dag_promotes(dagbag, spark_dagbag,
                                                                              spark_submit_env, nights_copy,
                                                                              monkeypatch, capfd):
    """A v1_1 backfill of July 3 over the slice's published v1 nights, promoted: on Spark its score_nights task
    spark-submits the night (scored, and gated with the shadow run of v1, on Spark); the gate's outcome, the
    night's, the range's figures and every promoted row are the default DAG's. One night: a Spark night costs a
    JVM's start and warm-up (about 100 s here), and every night after it runs the same code."""
    conf = {"date_from": "2012-07-03", "date_to": "2012-07-03", "algorithm": "v1_1", "promote": True}
    results = {}
    for engine, bag in (("duckdb", dagbag), ("spark", spark_dagbag)):
        settings = nights_copy(3, engine)  # July 1..3 published with v1
        monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
        dagrun = bag.dags["clout_backfill"].test(run_conf=conf)
        tis = {ti.task_id: ti for ti in dagrun.get_task_instances()}
        assert dagrun.state == "success", {task_id: ti.state for task_id, ti in tis.items()}
        assert tis["score_nights"].operator == (
            "SparkSubmitOperator" if engine == "spark" else "_PythonDecoratedOperator")
        with connect(settings) as con:
            (backfill_id, *backfill, summary), = con.execute(
                "select backfill_id, date_from, date_to, algorithm_version, status, outcome, summary "
                "from meta.backfills").fetchall()
            nights = con.execute("select logical_date, status, outcome from meta.backfill_nights "
                                 "order by logical_date").fetchall()
        results[engine] = (settings, backfill_id, backfill, json.loads(summary), nights, capfd.readouterr().out)
    (default, _, default_bf, default_summary, default_nights, default_log) = results["duckdb"]
    (spark, backfill_id, spark_bf, spark_summary, spark_nights, log) = results["spark"]
    # the nights were scored in the spark-submitted job, on the connection's master; Spark's start-up lines kept
    # out of the task log; the default DAG scored them in the worker
    assert "spark-submit --master local[2]" in log and f"clout/spark_job.py backfill {backfill_id}" in log
    assert "scoring and gating 2012-07-03" in log
    assert f"backfill {backfill_id}: scored on Spark (master local[2])" in log and "INFO SparkContext" not in log
    assert "scoring and gating 2012-07-03" in default_log and "spark-submit" not in default_log
    # the gate's outcome, each night's, and the range's figures against the published history
    assert default_bf == spark_bf and default_bf[3] == "promoted", (default_bf, spark_bf)
    assert default_nights == spark_nights and len(default_nights) == 1, (default_nights, spark_nights)
    assert spark_summary == pytest.approx(default_summary, rel=FLOATS, abs=FLOATS)
    for table, keys in TABLES.items():
        default_rows, spark_rows = _published(default, table), _published(spark, table)
        if table == "scores":  # the range's night is v1_1's now, July 1..2 are still v1's
            versions = spark_rows.select("logical_date", "algorithm_version").unique().sort("logical_date").rows()
            assert [(str(d), v) for d, v in versions] == [
                ("2012-07-01", "v1"), ("2012-07-02", "v1"), ("2012-07-03", "v1_1")], versions
        same_frames(default_rows, spark_rows, keys, FLOATS)
