"""`dag.test()` of clout_nightly's Spark variant (CLOUT_ENGINE=spark when the DAG is parsed): the score task
submits clout/spark_job.py with the Spark provider's SparkSubmitOperator, `spark-submit --master local[2]`
runs it in a JVM of its own, and the night publishes what the default DAG publishes for it.

Tolerance, as in tests/score/test_spark_engine.py: every 1..100 integer and string equal, floats within FLOATS
(log(1 + x) on Spark where Polars takes log1p, sums in Spark's order: measured 1e-14)."""

from __future__ import annotations

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
        dagrun = bag.dags["clout_nightly"].test(logical_date=night)
        tis = {ti.task_id: ti for ti in dagrun.get_task_instances()}
        assert dagrun.state == "success", {task_id: ti.state for task_id, ti in tis.items()}
        assert tis["score"].operator == ("SparkSubmitOperator" if engine == "spark" else "_PythonDecoratedOperator")
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
    assert default_runs == spark_runs and default_runs[0][0] == "published", runs  # the gate's same outcome
    for table, keys in TABLES.items():
        default_rows, spark_rows = _published(default, table), _published(spark, table)
        if table == "scores":  # (the Higgs data has no hashtags: no topic scores, on either engine)
            assert default_rows.filter(default_rows["logical_date"] == night.date()).height > 1000
        same_frames(default_rows, spark_rows, keys, FLOATS)
