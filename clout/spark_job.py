"""The score and audit steps on the Spark engine, as Spark applications: what the Airflow DAGs' Spark variant
submits with `spark-submit` (dags/clout_nightly.py, dags/clout_backfill.py, docs/engines.md).

    spark-submit --master local[2] clout/spark_job.py RUN_ID                 # the score step of one run
    spark-submit --master local[2] clout/spark_job.py audit RUN_ID           # its audit: contracts, swing gate
    spark-submit --master local[2] clout/spark_job.py backfill BACKFILL_ID   # the nights of a backfill

It runs the same entry points as the DAGs' other tasks, with CLOUT_ENGINE=spark: for a run, clout.dag_tasks.step
(the run's progress marker, a failure recorded on the run); for a backfill, clout.dag_tasks.backfill_score (each
night not scored yet: stage, aggregate, score, and its gate against the published night of the same date, the
shadow run of the published algorithm included; finished nights are not recomputed, as `clout backfill` resumes).
The window's features come from the DuckDB warehouse ($CLOUT_WAREHOUSE) on the driver, the model, change parts and
person scores run on the Spark session spark-submit started (its master, driver memory and conf), the candidate
rows are written back into the warehouse. The driver reads and writes the DuckDB file, so it runs beside it:
spark-submit's client deploy mode, on the Airflow worker that holds the warehouse. A failure prints its one-line
reason and exits 1, which fails the submitting task.
"""

from __future__ import annotations

import sys
from pathlib import Path

# spark-submit puts the application's folder first on sys.path: clout's modules are not top-level modules
if sys.path and sys.path[0] and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
    del sys.path[0]

USAGE = "usage: spark-submit clout/spark_job.py [score] RUN_ID | audit RUN_ID | backfill BACKFILL_ID"
DONE = {"score": "scored", "audit": "audited", "backfill": "scored"}


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) == 1 and args[0] not in DONE:  # a bare run id: its score step (what the score task submitted first)
        args = ["score", *args]
    if len(args) != 2 or args[0] not in DONE:
        print(USAGE, file=sys.stderr)
        return 2
    (what, which) = args
    from clout import dag_tasks
    from clout.core.engine import session_master, use_engine

    try:
        use_engine("spark")  # CLOUT_ENGINE=spark for the step, and a clear error without Java
        if what == "backfill":
            done = f"backfill {dag_tasks.backfill_score(which)}"
        else:
            done = f"run {dag_tasks.step(what, which)}"
    except Exception as e:  # the task log shows the reason (a held night's: what to do next), as the CLI prints it
        print(f"error: {e}", file=sys.stderr)
        return 1
    master = session_master()  # None: nothing was left to score (a resumed backfill whose nights were all done)
    print(f"{done}: {DONE[what]} on Spark (master {master})" if master else f"{done}: nothing left to score",
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
