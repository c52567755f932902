"""What a killed clout process leaves unfinished, finished (or marked) by the next one that writes the warehouse.

Called on every writable connection (clout.core.warehouse.connect): cheap when there is nothing to do.
  - an opt-out whose erasure did not finish: finished (clout.consent.pending);
  - a run still `running` that no process holds (clout.core.locks): marked `abandoned`. A run driven by one process
    (`clout run`) is abandoned as soon as its lock is free; a run driven step by step (Airflow tasks, one process
    per step) as soon as the process of the step its marker names is gone (a killed task), else only after
    locks.ABANDON_AFTER seconds with no step, since its lock is free between two steps too. Its `running/` marker
    is removed and the published snapshot refreshed, so `clout runs` says `abandoned`.
"""

from __future__ import annotations

import duckdb

from clout import progress
from clout.core import locks
from clout.core.settings import Settings
from clout.core.warehouse import query, run_sql


def abandoned_runs(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[str]:
    """Runs with status `running` that no process is working on."""
    out = []
    for (run_id,) in query(con, "meta/running_runs").fetchall():
        if locks.run_is_held(settings, run_id):
            continue
        mode, age = locks.run_mode_and_age(settings, run_id)
        if (mode == locks.WHOLE_RUN or age is None or age > locks.ABANDON_AFTER
                or progress.step_process_gone(settings, run_id)):
            out.append(run_id)
    return out


def after_crash(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    from clout.consent.pending import finish_pending

    abandoned = abandoned_runs(con, settings)
    for run_id in abandoned:
        run_sql(con, "meta/abandon_run", run_id=run_id, last_seen=progress.last_seen(settings, run_id))
    finish_pending(con, settings)
    if abandoned:
        _show_abandoned(con, settings, abandoned)


def _show_abandoned(con: duckdb.DuckDBPyConnection, settings: Settings, run_ids: list[str]) -> None:
    """`clout runs` shows an abandoned run as such: its `running/` marker (left by the killed process) would say
    "stopped in ..." forever, and the published snapshot's copy of meta.runs would still say `running`."""
    from clout.core.snapshot import refresh_snapshot

    for run_id in run_ids:
        progress.clear_marker(settings, run_id)
        locks.forget_run(settings, run_id)
    if settings.published_catalog.exists():
        refresh_snapshot(con, settings)
