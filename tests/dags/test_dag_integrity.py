"""Every DAG imports cleanly and declares what operators rely on: schedule, tags, retries, docs; with
CLOUT_ENGINE=spark too, where clout_nightly's score task and clout_backfill's score_nights task submit Spark
applications."""

from pathlib import Path

import pytest


@pytest.fixture(params=["duckdb", "spark"])
def any_dagbag(request):
    """The DAG folder as parsed for each engine."""
    return request.getfixturevalue("dagbag" if request.param == "duckdb" else "spark_dagbag")


def test_no_import_errors(any_dagbag):
    assert any_dagbag.import_errors == {}
    assert "clout_nightly" in any_dagbag.dag_ids


def test_every_dag_has_schedule_tags_retries_and_docs(any_dagbag):
    for dag_id, dag in any_dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        # Airflow treats a missing schedule as None, so look for it in the source: it must be a decision.
        assert "schedule=" in Path(dag.fileloc).read_text(), f"{dag_id}: no explicit schedule"
        assert dag.doc_md, f"{dag_id} has no docs"
        for t in dag.tasks:
            if t.task_id not in ("audit", "gate"):  # a failed audit must not be retried into passing
                assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"


def _chain(dag) -> list[tuple[str, str, list[str], str]]:
    return [(t.task_id, type(t).__name__, sorted(t.upstream_task_ids), t.pool) for t in dag.tasks]


def test_the_spark_variant_submits_the_score_and_audit_steps(dagbag, spark_dagbag):
    """The same tasks in the same order and pool; `score` and `audit` are SparkSubmitOperators, submitting the
    package's own Spark application with the step and the run id through the Spark provider's default connection
    (the audit, like the Python one, never retried)."""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    default, spark = dagbag.dags["clout_nightly"], spark_dagbag.dags["clout_nightly"]
    submitted = ("score", "audit")
    expected = [(task_id, "SparkSubmitOperator" if task_id in submitted else kind,
                 # audit and publish take the run id from aggregate's XCom: the submitted jobs return none
                 sorted({*upstream, "aggregate"}) if task_id in ("audit", "publish") else upstream, pool)
                for task_id, kind, upstream, pool in _chain(default)]
    assert _chain(spark) == expected
    assert {kind for _, kind, _, _ in _chain(default)} == {"_PythonDecoratedOperator"}
    for task_id in submitted:
        task = spark.get_task(task_id)
        assert isinstance(task, SparkSubmitOperator)
        application = Path(task.application)
        assert application.is_file() and application.parent.name == "clout" and application.name == "spark_job.py"
        assert "def main" in application.read_text()
        assert task._conn_id == "spark_default" and task.pool == "clout_warehouse"
        step, run_id = task.application_args
        assert step == task_id and str(run_id.operator.task_id) == "aggregate"
    assert spark.get_task("audit").retries == 0 == default.get_task("audit").retries
    # the landing DAG does not depend on the engine
    for dag_id in set(dagbag.dag_ids) - {"clout_nightly", "clout_backfill"}:
        assert _chain(spark_dagbag.dags[dag_id]) == _chain(dagbag.dags[dag_id])


def test_the_backfill_dags_spark_variant_submits_only_its_nights(dagbag, spark_dagbag):
    """clout_backfill's tasks in the same order and pool; only `score_nights` is a SparkSubmitOperator, submitting
    the same Spark application as clout_nightly's score task with `backfill` and start's backfill id."""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    default, spark = dagbag.dags["clout_backfill"], spark_dagbag.dags["clout_backfill"]
    expected = [(task_id, "SparkSubmitOperator" if task_id == "score_nights" else kind,
                 # gate takes the backfill id from start's XCom: the submitted job returns none
                 sorted([*upstream, "start"]) if task_id == "gate" else upstream, pool)
                for task_id, kind, upstream, pool in _chain(default)]
    assert [task_id for task_id, *_ in expected] == ["start", "score_nights", "gate", "promote"]
    assert _chain(spark) == expected
    nights = spark.get_task("score_nights")
    assert isinstance(nights, SparkSubmitOperator)
    assert nights.application == spark_dagbag.dags["clout_nightly"].get_task("score").application
    kind, backfill_id = nights.application_args
    assert kind == "backfill" and backfill_id.operator.task_id == "start"
    assert nights._conn_id == "spark_default" and nights.pool == "clout_warehouse" and nights.retries >= 1
    assert nights.name == "clout-backfill"


def test_a_bad_engine_name_is_the_dags_import_error(dag_parser):
    bag = dag_parser(CLOUT_ENGINE="flink")
    (error,) = [e for path, e in bag.import_errors.items() if path.endswith("clout_nightly.py")]
    assert "CLOUT_ENGINE 'flink': not an engine; use one of duckdb, spark" in error
