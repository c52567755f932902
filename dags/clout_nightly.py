"""
### clout nightly

Lands new files from the landing folder, then for the run's logical date: stage, aggregate, score,
audit (Great Expectations contracts) and publish. Every task calls a `clout.pipeline` entry point, the
same ones `clout run --date` uses; no business rule lives here. Warehouse: `$CLOUT_WAREHOUSE`.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import Asset, dag, task

PUBLISHED_SCORES = Asset("clout://published/scores")


@dag(
    schedule="@daily",
    start_date=pendulum.datetime(2012, 7, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["clout", "nightly"],
    doc_md=__doc__,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=2), "retry_exponential_backoff": True},
)
def clout_nightly():
    @task
    def land_new_files() -> int:
        from clout import dag_tasks

        return dag_tasks.land_landing_folder()

    @task
    def begin(ds: str | None = None) -> str:
        from clout import dag_tasks

        return dag_tasks.begin(ds)

    @task
    def stage(clout_run: str) -> str:
        from clout import dag_tasks

        return dag_tasks.step("stage", clout_run)

    @task
    def aggregate(clout_run: str) -> str:
        from clout import dag_tasks

        return dag_tasks.step("aggregate", clout_run)

    @task
    def score(clout_run: str) -> str:
        from clout import dag_tasks

        return dag_tasks.step("score", clout_run)

    @task(retries=0)
    def audit(clout_run: str) -> str:
        from clout import dag_tasks

        return dag_tasks.step("audit", clout_run)

    @task(outlets=[PUBLISHED_SCORES])
    def publish(clout_run: str) -> str:
        from clout import dag_tasks

        return dag_tasks.step("publish", clout_run)

    clout_run = begin()
    land_new_files() >> clout_run
    publish(audit(score(aggregate(stage(clout_run)))))


clout_nightly()
