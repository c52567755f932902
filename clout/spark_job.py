"""The score step of one run on the Spark engine, as a Spark application: what the Airflow DAG's Spark variant
submits with `spark-submit` (dags/clout_nightly.py, docs/engines.md).

    spark-submit --master local[2] clout/spark_job.py RUN_ID

It runs the same entry point as the DAG's other tasks (clout.dag_tasks.step: the run's progress marker, a failure
recorded on the run), with CLOUT_ENGINE=spark: the window's features from the DuckDB warehouse
($CLOUT_WAREHOUSE) on the driver, the model, change parts and person scores on the Spark session spark-submit
started (its master, driver memory and conf), the candidate rows written back into the warehouse. The driver reads
and writes the DuckDB file, so it runs beside it: spark-submit's client deploy mode, on the Airflow worker that
holds the warehouse. A failure prints its one-line reason and exits 1, which fails the submitting task.
"""

from __future__ import annotations

import sys
from pathlib import Path

# spark-submit puts the application's folder first on sys.path: clout's modules are not top-level modules
if sys.path and sys.path[0] and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: spark-submit clout/spark_job.py RUN_ID", file=sys.stderr)
        return 2
    from clout import dag_tasks
    from clout.core.engine import session_master, use_engine

    try:
        use_engine("spark")  # CLOUT_ENGINE=spark for the step, and a clear error without Java
        run_id = dag_tasks.step("score", args[0])
    except Exception as e:  # the task log shows the reason in one line, as the CLI would print it
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(f"run {run_id}: scored on Spark (master {session_master()})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
