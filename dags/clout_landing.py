"""
### clout landing

Every 15 minutes: land the files that appeared in the landing folder (`$CLOUT_WAREHOUSE`'s `landing/`).
Files landed before are recognised by content hash and skipped. When something new landed, the task
emits the `clout://raw/files` asset event; when nothing did, it is skipped and emits nothing.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import dag, task

from clout.orchestration import POOL, RAW_FILES


@dag(
    schedule="*/15 * * * *",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    tags=["clout", "landing"],
    doc_md=__doc__,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=1), "pool": POOL},
)
def clout_landing():
    @task(outlets=[RAW_FILES])
    def land_new_files() -> int:
        from airflow.sdk.exceptions import AirflowSkipException

        from clout import dag_tasks

        landed = dag_tasks.land_landing_folder()
        if not landed:
            raise AirflowSkipException("no new files in the landing folder")
        return landed

    land_new_files()


clout_landing()
