"""The nightly job as a chain of stage entry points. The CLI and the Airflow DAG call the same ones.

Each step opens the warehouse, does one thing for one run (one logical date), records its timing on the
run, and closes: so an Airflow task per step and an in-process `clout run` behave the same.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from clout.aggregate import aggregate_date
from clout.consent import land_guard
from clout.consent.pending import compact_if_due
from clout.core import faults, lake
from clout.core.engine import resolve_engine
from clout.core.errors import CloutError, failure_message, stopped_by
from clout.core.locks import ONE_STEP, WHOLE_RUN, forget_run, note_run, run_lock, run_lock_path
from clout.core.settings import FIRST_ALGORITHM, Settings
from clout.core.warehouse import connect, query, records, run_sql
from clout.land import LandOptions, LandProgress, LandResult, land_paths
from clout.land.land import no_such_file
from clout.stage import merge_landed_file, stage_date
from transforms.algorithm import load_algorithm

# score, audit and publish import scipy, pandas and the gate: they are imported by their steps, so that `clout land`
# (a process of its own each night) does not pay for them (about 1 CPU-s; docs/benchmarks.md, "The night").
if TYPE_CHECKING:
    from clout.audit import AuditResult


@dataclass(frozen=True)
class RunSummary:
    run_id: str
    logical_date: date
    outcome: str
    status: str
    rows_staged: int
    rows_scored: int
    seconds: float
    message: str | None
    algorithm_version: str = ""


def new_run_id(logical_date: date) -> str:
    return f"{logical_date:%Y%m%d}-{uuid.uuid4().hex[:10]}"


@contextmanager
def _step(settings: Settings, run_id: str, step: str, counts: dict | None = None):
    """Open the warehouse for one step and record how long it took."""
    with run_lock(settings, run_id):  # a run no process holds is abandoned (clout.recovery)
        con = connect(settings)
        started = time.perf_counter()
        try:
            # an Airflow retry of a run marked abandoned: running again, and readers' `clout runs` says so (it drops
            # the run's `running/` marker while the snapshot says the run ended)
            if run_sql(con, "meta/resume_run", run_id=run_id).fetchall()[0][0]:
                _show_runs(con, settings)
            _not_rejected(_run(con, run_id))
            faults.point(f"in:{step}")
            yield con
            params = {"rows_staged": None, "rows_scored": None} | (counts or {})
            run_sql(con, "meta/record_step", run_id=run_id, step=step, seconds=time.perf_counter() - started,
                    **params)
        finally:
            con.close()


def _not_rejected(run: dict) -> None:
    """A rejection is final: no step runs again on a rejected run (an Airflow task retried after `clout reject` of
    its abandoned run would score it again, and the gate would make it held or publishable)."""
    if run["status"] == "rejected":
        why = (run["message"] or "").removeprefix("rejected: ")
        raise CloutError(f"run {run['run_id']} was rejected{f' ({why})' if why else ''}: its steps do not run again; "
                         f"run the date as a new run (`clout run --date {run['logical_date']}`)")


def _run(con, run_id: str) -> dict:
    rows = records(query(con, "meta/run", run_id=run_id))
    if not rows:
        raise CloutError(f"no run {run_id!r}; `clout runs` lists the runs")
    return rows[0]


def live_algorithm(settings: Settings, logical_date: date) -> str:
    """The algorithm a run of `logical_date` given none scores with: the history's, the one most of the recent
    published nights up to that date used (after `clout backfill promote`, the promoted one; an approved one-night
    exception is not), else FIRST_ALGORITHM. Naming another one is an algorithm change the gate judges."""
    from clout.audit.gate import load_gate_config

    if not settings.warehouse.exists():
        return FIRST_ALGORITHM
    with connect(settings) as con:  # writable: an older warehouse is migrated first, as begin_run's would be
        # the history the gate judges a night against (sql/audit/reference_algorithm.sql), the date's own night in
        rows = records(query(con, "audit/reference_algorithm", logical_date=logical_date + timedelta(days=1),
                             nights=load_gate_config()["history"]["nights"]))
    return rows[0]["algorithm_version"] if rows else FIRST_ALGORITHM


def begin_run(settings: Settings, logical_date: date, algorithm: str | None = None, run_id: str | None = None) -> str:
    try:
        algo = load_algorithm(algorithm or live_algorithm(settings, logical_date))
    except ValueError as e:
        raise CloutError(str(e)) from None
    run_id = run_id or new_run_id(logical_date)
    if not run_lock_path(settings, run_id).exists():
        note_run(settings, run_id, ONE_STEP)  # driven step by step (Airflow) unless `run_night` holds it
    try:
        with connect(settings) as con:
            run_sql(con, "meta/begin_run", run_id=run_id, logical_date=logical_date,
                    algorithm_version=algo.version, fingerprint=algo.fingerprint)
    except BaseException:
        forget_run(settings, run_id)  # no run was made (the warehouse busy, Ctrl-C): no lock file may stay for it
        raise
    return run_id


def land_files(
    settings: Settings, paths: Iterable[Path], network: str = "twitter", options: LandOptions | None = None,
    progress: LandProgress | None = None,
) -> list[LandResult]:
    """Land files and folders (format detected per file; files landed before are skipped)."""
    paths = [Path(p) for p in paths]
    for path in paths:  # before the warehouse opens: a mistyped path makes no warehouse
        if not path.exists():
            raise CloutError(f"{no_such_file(path)} (nothing landed into {settings.warehouse})")
    with connect(settings) as con:
        results = land_paths(con, [Path(p) for p in paths], options or LandOptions(network=network), progress,
                             stage_file=merge_landed_file)  # each file's canonical rows, in its transaction
    land_guard(settings)  # consent: a file that still contains an opted-out person does not bring them back
    compact_if_due(settings)  # erased bytes of an erasure (now or finished after a crash) leave the file
    if resolve_engine() == "spark":  # each landed file's raw partitions (clout/core/lake.py), after the consent
        with connect(settings) as con:  # check: never a copy of rows it erases
            lake.write_files(con, lake.active_lake(con))
    return results


def stage_step(settings: Settings, run_id: str, then: str | None = None) -> int:
    """`then`: what to do once the night's data is landed (default: run the date again)."""
    counts = {}
    with _step(settings, run_id, "stage", counts) as con:
        logical_date = _run(con, run_id)["logical_date"]
        counts["rows_staged"] = stage_date(con, logical_date)
        if not counts["rows_staged"]:  # a missing delivery, not a quiet night: never scored, never published
            raise CloutError(_no_deliveries(con, run_id, logical_date, settings, then))
    return counts["rows_staged"]


def _no_deliveries(con, run_id: str, logical_date: date, settings: Settings, then: str | None) -> str:
    (span,) = records(query(con, "stage/delivered_dates"))
    landed = (f"the landed deliveries cover {span['first_date']} to {span['last_date']}" if span["dates"]
              else "nothing has been landed yet")
    return (f"run {run_id}: no deliveries for {logical_date}: no interaction or post dated {logical_date} has been "
            f"landed ({landed}). A night without its data is not published; the last published night stays live. "
            f"Land the night's exports (`clout land PATH`{_landing_folder(settings)}), then "
            f"{then or f'run {logical_date} again'}.")


def _landing_folder(settings: Settings) -> str:
    """The landing folder, named only where it exists (Airflow's landing DAG made it): pointing a newcomer at a folder
    that is not there sends them looking for it."""
    if not settings.landing_dir.is_dir():
        return ""
    return f", or put them in {settings.landing_dir} for the clout_landing DAG"


def aggregate_step(settings: Settings, run_id: str) -> int:
    with _step(settings, run_id, "aggregate") as con:
        return aggregate_date(con, _run(con, run_id)["logical_date"])


def score_step(settings: Settings, run_id: str, then: str | None = None) -> int:
    """`then`: what to do once the night's data is landed (default: run the date again)."""
    from clout.score import score_date

    counts = {}
    with _step(settings, run_id, "score", counts) as con:
        run = _run(con, run_id)
        if run["status"] in ("published", "rolled_back"):
            # Its candidate rows are what published.* shows (or showed, and shows again after a rollback): scoring
            # them again would change a published night without the gate. An Airflow task cleared after its publish.
            raise CloutError(f"run {run_id} was published: its scores are part of the published history and are not "
                             f"scored again; run the date as a new run (`clout run --date {run['logical_date']}`)")
        algo = load_algorithm(run["algorithm_version"])
        if algo.fingerprint != run["fingerprint"]:
            raise CloutError(
                f"run {run_id}: algorithm {algo.version} changed since the run began "
                f"(fingerprint {run['fingerprint']} -> {algo.fingerprint}); start a new run"
            )
        # The gate will score the night again with the published algorithm: keep the features it can reuse.
        from clout.audit.gate import will_shadow_run

        changed = will_shadow_run(con, run["logical_date"], algo.fingerprint)
        counts["rows_scored"] = score_date(con, run_id, run["logical_date"], algo, keep_features=changed)
    if not counts["rows_scored"]:  # a night with no data is a missing delivery, not a night for the gate to judge
        raise CloutError(
            f"run {run_id}: no interactions in the {algo.window_days}-day window ending {run['logical_date']}: "
            f"nothing to score. Land the night's exports first (`clout land PATH`, or put them in "
            f"{settings.landing_dir}), then {then or 'run the date again'}."
        )
    return counts["rows_scored"]


def audit_step(settings: Settings, run_id: str) -> AuditResult:
    """The swing gate (clout.audit.gate) records PASS / WARN / HOLD; a HOLD raises with the report and the next command,
    so nothing is published, the last night stays live and the candidate is kept for review."""
    from clout.audit import audit_run

    with _step(settings, run_id, "audit") as con:
        result = audit_run(con, run_id, settings)
    if result.held:
        raise CloutError(result.hold_message())
    return result


def publish_step(settings: Settings, run_id: str) -> None:
    from clout.publish import publish_run

    with _step(settings, run_id, "publish") as con:
        publish_run(con, settings, run_id)  # ends the run (meta/finish_run) in the publish's transaction


def summary(settings: Settings, run_id: str) -> RunSummary:
    with connect(settings) as con:
        r = _run(con, run_id)
    return RunSummary(r["run_id"], r["logical_date"], r["outcome"], r["status"], int(r["rows_staged"] or 0),
                      int(r["rows_scored"] or 0), float(r["seconds"] or 0), r["message"], r["algorithm_version"])


STEPS: tuple[tuple[str, Callable[[Settings, str], object]], ...] = (
    ("stage", stage_step), ("aggregate", aggregate_step), ("score", score_step),
    ("audit", audit_step), ("publish", publish_step),
)


def run_night(
    settings: Settings, logical_date: date, algorithm: str | None = None,
    on_step: Callable[[str], None] = lambda step: None,
) -> RunSummary:
    """The nightly job for one logical date: stage, aggregate, score, audit, publish. The process holds the run
    from its first row to its end: killed, the run is marked abandoned by the next command that writes.
    `algorithm`: None for the live one (live_algorithm)."""
    algorithm = algorithm or live_algorithm(settings, logical_date)
    run_id = new_run_id(logical_date)
    with run_lock(settings, run_id, WHOLE_RUN):
        try:
            begin_run(settings, logical_date, algorithm, run_id)
            _run_steps(settings, run_id, logical_date, algorithm, on_step)
        finally:
            # over, however it ended: its lock file goes with the lock. begin_run inside: a run refused before it
            # began (an unknown --algorithm) left `runs/RUN_ID.lock` for a run that never existed
            forget_run(settings, run_id)
    compact_if_due(settings)  # an erasure finished by one of the steps leaves its bytes in the file until then
    return summary(settings, run_id)


def _run_steps(settings: Settings, run_id: str, logical_date: date, algorithm: str,
               on_step: Callable[[str], None]) -> None:
    from clout.core.contracts import import_gx_beside
    from clout.progress import RunMarker

    marker = RunMarker(settings, run_id, logical_date, algorithm)  # what `clout runs` shows while it works
    try:
        import_gx_beside()  # the audit, in this process, needs it: imported while the steps before it work
        for name, step in STEPS:
            on_step(name)
            marker.step(name)
            try:
                step(settings, run_id)
            except BaseException as e:  # Ctrl-C and SIGTERM too: the run must not stay `running`
                if mark_failed(settings, run_id, name, e) and stopped_by(e):
                    e.add_note(f"run {run_id} {failure_message(name, e)}: marked failed, nothing published; "
                               f"run the date again (`clout run --date {logical_date}`)")
                raise
            faults.point(f"run:after_{name}")
    finally:
        marker.clear()


def mark_failed(settings: Settings, run_id: str, step: str, error: BaseException | str) -> bool:
    """A run that raised in `step`: `failed` with why (unless the gate already held it, or its publish committed);
    True if it was marked."""
    with connect(settings) as con:
        if _run(con, run_id)["status"] != "running":
            return False
        run_sql(con, "meta/finish_run", run_id=run_id, status="failed", outcome=None,
                message=failure_message(step, error))
        _show_runs(con, settings)  # readers' `clout runs` shows the failure at once
    return True


def _show_runs(con, settings: Settings) -> None:
    """After a run's status changed: the published snapshot's copy of meta.runs, what `clout runs` reads, made
    true again (clout.publish.show_runs)."""
    from clout.publish.publish import show_runs as refresh

    refresh(con, settings)
