"""
### clout nightly

For the run's logical date: land new files from the landing folder, then one task per step of
`clout.pipeline.STEPS` (stage, aggregate, score, audit: contracts and the swing gate, publish), in that order.
Every task calls a `clout.pipeline` entry point, the same ones `clout run --date` uses; no business rule lives
here. Warehouse: `$CLOUT_WAREHOUSE`.

A night the gate holds fails the `audit` task; its log names the report and the `clout approve` /
`clout reject` command to run next, and `publish` does not run, so the previous night stays live.
Every task writes the DuckDB file, so all of them share the one-slot pool `clout_warehouse`.
A night scores with the history's algorithm (the one most of the recent published nights used: after a promoted
backfill, its one); a manual run may name another committed algorithm with the `algorithm` param, an algorithm
change the gate judges.

With `CLOUT_ENGINE=spark` in the environment of the scheduler and the workers, the `score` and `audit` tasks submit
their steps as Spark applications (`clout/spark_job.py`) with the Spark provider's `SparkSubmitOperator`, on
the master of the `spark_default` connection; the other tasks are the same (docs/engines.md, "Airflow").
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

from clout.orchestration import POOL, PUBLISHED, SPARK_STEPS, dag_engine, spark_step_task
from clout.pipeline import STEPS

ENGINE = dag_engine()  # CLOUT_ENGINE when the file is parsed: duckdb (every step in Python) or spark

# What a step needs beyond the DAG's defaults: a held night must not be retried into passing; publish emits assets.
TASK_OPTIONS = {"audit": {"retries": 0}, "publish": {"outlets": PUBLISHED}}


def step_task(name: str):
    """The task that runs the pipeline step `name` for the run begun by `begin`."""

    @task(task_id=name, **TASK_OPTIONS.get(name, {}))
    def step(clout_run: str) -> str:
        from clout import dag_tasks

        return dag_tasks.step(name, clout_run)

    return step


@dag(
    schedule="@daily",
    start_date=pendulum.datetime(2012, 7, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["clout", "nightly"],
    doc_md=__doc__,
    params={"algorithm": Param("", type="string", description="algorithm version (transforms/algorithms); empty: "
                               "the recent published history's, v3 in a new warehouse")},
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True,
                  "pool": POOL},
)
def clout_nightly():
    @task
    def land_new_files() -> int:
        from clout import dag_tasks

        return dag_tasks.land_landing_folder()

    @task
    def begin(ds: str | None = None, params: dict | None = None) -> str:
        from clout import dag_tasks

        return dag_tasks.begin(ds, params["algorithm"])

    previous = clout_run = begin()
    land_new_files() >> clout_run
    for name, _ in STEPS:  # one task per step, in order, each given the run id by a step before it
        if name in SPARK_STEPS and ENGINE == "spark":  # no run id out: the next step takes clout_run's
            previous = previous >> spark_step_task(name, clout_run, **TASK_OPTIONS.get(name, {}))
        else:
            previous = clout_run = previous >> step_task(name)(clout_run)


clout_nightly()
