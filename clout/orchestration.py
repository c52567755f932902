"""Names the Airflow DAGs share, and the tasks that differ between engines: on Spark, the nightly DAG's score and
audit steps and the backfill DAG's nights are submitted as Spark applications (imports beyond the Task SDK stay inside
functions, so DAG files parse fast)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from airflow.sdk import Asset

from clout.core.engine import DRIVER_MEMORY_ENV, LOG4J2, resolve_engine

# Every task writes the one DuckDB file; DuckDB allows one writer process, so they share a one-slot pool.
POOL = "clout_warehouse"
RAW_FILES = Asset("clout://raw/files")
PUBLISHED = [Asset("clout://published/scores"), Asset("clout://published/person_scores"),
             Asset("clout://published/topic_scores")]

# The Spark variant (docs/engines.md, "Airflow"): a step as a Spark application (clout/spark_job.py), submitted
# through this Airflow connection (the Spark provider's default): its host is the master (local[2],
# spark://host:7077, yarn, k8s://...), its extra the deploy mode (client: the driver writes the DuckDB file beside
# the worker).
SPARK_CONN_ID = "spark_default"
SPARK_JOB = Path(__file__).resolve().parent / "spark_job.py"


def dag_engine() -> str:
    """The engine the DAG is built for: CLOUT_ENGINE in the environment of the scheduler's DAG processor and the
    workers (read when the DAG file is parsed), else duckdb. A bad name is the DAG's import error."""
    return resolve_engine()


# clout_nightly's steps that run on Spark, as Spark applications: the model's transforms, and the gate (its
# contract checks and a shadow run of the published algorithm), each on the connection's master.
SPARK_STEPS = ("score", "audit")


def spark_step_task(name: str, clout_run, **options):
    """clout_nightly's step `name` (one of SPARK_STEPS) of `clout_run` (the run id's XComArg) as a Spark
    application: spark_job.py NAME RUN_ID. `options`: the task's own (the audit is never retried)."""
    return _spark_submit(name, f"clout-{name}", [name, clout_run], **options)


def spark_backfill_task(backfill_id):
    """clout_backfill's nights of `backfill_id` (the backfill id's XComArg), each scored and gated against the
    published night of its date, as a Spark application: spark_job.py backfill BACKFILL_ID."""
    return _spark_submit("score_nights", "clout-backfill", ["backfill", backfill_id])


def _spark_submit(task_id: str, name: str, args: list, **options):
    """The task `task_id` that submits clout/spark_job.py with `args` with `spark-submit`, by the Spark provider's
    SparkSubmitOperator: on the master of the `spark_default` connection, the driver on this worker's Python (the
    one clout is installed in) with CLOUT_SPARK_DRIVER_MEMORY (default 2g). It returns no XCom: the task after it
    takes the id from the task before it."""
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    return SparkSubmitOperator(
        task_id=task_id, application=str(SPARK_JOB), application_args=args, conn_id=SPARK_CONN_ID,
        name=name, driver_memory=os.environ.get(DRIVER_MEMORY_ENV) or "2g",
        # the driver: this worker's Python, Spark's start and its stages' progress kept out of the task log
        conf={"spark.pyspark.driver.python": sys.executable,
              "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{LOG4J2}"},
        **options,
    )
