"""
### clout backfill

Recompute `date_from`..`date_to` with `algorithm` beside the published history (nothing published changes),
gate the whole range against it, and, when `promote` is true and the gate does not hold, publish every night
at once. The same entry points as `clout backfill --from D1 --to D2 --algorithm vN`. A failed or interrupted
run resumes where it stopped: finished nights are not recomputed. A held backfill fails `gate`; its log names
the report and the `clout backfill promote/reject` command.

With `CLOUT_ENGINE=spark` in the environment of the scheduler and the workers, the `score_nights` task submits the
backfill's nights as a Spark application (`clout/spark_job.py backfill BACKFILL_ID`) with the Spark provider's
`SparkSubmitOperator`, on the master of the `spark_default` connection; start, gate and promote are the same
(docs/engines.md, "Airflow").
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Param, dag, task

from clout.orchestration import POOL, PUBLISHED, dag_engine, spark_backfill_task

ENGINE = dag_engine()  # CLOUT_ENGINE when the file is parsed: duckdb (the nights in Python) or spark


@dag(
    schedule=None,  # explicit: backfills are triggered by a person, with params
    start_date=pendulum.datetime(2012, 7, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["clout", "backfill"],
    doc_md=__doc__,
    params={
        "date_from": Param("2012-07-01", type="string", format="date"),
        "date_to": Param("2012-07-07", type="string", format="date"),
        "algorithm": Param("v1", type="string"),
        "promote": Param(False, type="boolean", description="publish all nights if the gate does not hold"),
        "new": Param(False, type="boolean",
                     description="a new backfill even if this range and algorithm were backfilled before"),
    },
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True,
                  "pool": POOL},
)
def clout_backfill():
    @task
    def start(params: dict | None = None) -> str:
        from clout import dag_tasks

        return dag_tasks.backfill_start(params["date_from"], params["date_to"], params["algorithm"],
                                        params.get("new", False))

    @task
    def score_nights(backfill_id: str) -> str:
        from clout import dag_tasks

        return dag_tasks.backfill_score(backfill_id)

    @task(retries=0)
    def gate(backfill_id: str) -> str:
        from clout import dag_tasks

        return dag_tasks.backfill_gate(backfill_id)

    @task(outlets=PUBLISHED)
    def promote(backfill_id: str, params: dict | None = None) -> int:
        from clout import dag_tasks

        return dag_tasks.backfill_promote(backfill_id, params["promote"])

    backfill_id = start()
    if ENGINE == "spark":  # the submitted nights return no id: gate takes start's, after them
        gated = backfill_id >> spark_backfill_task(backfill_id) >> gate(backfill_id)
    else:
        gated = gate(score_nights(backfill_id))
    promote(gated)


clout_backfill()
