"""What the Airflow tasks call: thin adapters from Airflow's arguments to clout's entry points.
Failures raise, with the one-line message the CLI would print, so the task log says what to do."""

from __future__ import annotations

import os

from clout import pipeline, progress
from clout.core.dates import parse_date
from clout.core.locks import forget_run, writer_session
from clout.core.settings import load_settings
from clout.land.land import check_all_landed, summary

STEPS = dict(pipeline.STEPS)

# Each task below is one writer from its first connection to its end (clout.core.locks.writer_session): a `clout`
# command waiting for the warehouse waits for the whole task, not only for one of its connections.


@writer_session()
def land_landing_folder() -> int:
    """Land every file in the landing folder that was not landed before; returns how many were new."""
    settings = load_settings()
    settings.landing_dir.mkdir(parents=True, exist_ok=True)
    # The folder itself, as `clout land FOLDER` does: files of unknown formats are noted and skipped, not fatal.
    results = pipeline.land_files(settings, [settings.landing_dir], progress=_Logged())
    print(summary(results), flush=True)
    check_all_landed(results)  # a file that could not land fails the task, after every other file landed
    return sum(not r.skipped for r in results)


class _Logged:
    """Each file's reconcile line in the task log as soon as it lands (a clout.land.land.LandProgress)."""

    def starting(self, path, done: int, total: int) -> None:
        print(f"landing {path} ({done + 1} of {total})", flush=True)

    def landed(self, result) -> None:
        if not result.companion:  # actor.json beside a follows CSV: read with it, nothing to say about it
            print(result.line(), flush=True)


@writer_session()
def begin(ds: str, algorithm: str | None = None) -> str:
    """`algorithm`: None (or empty) for the history's (pipeline.live_algorithm)."""
    settings, logical_date = load_settings(), parse_date(ds)
    algorithm = algorithm or pipeline.live_algorithm(settings, logical_date)
    run_id = pipeline.begin_run(settings, logical_date, algorithm)
    # `clout runs` shows the run in progress from here to its last step (clout.progress)
    progress.mark_step(settings, run_id, "begun", None, logical_date, algorithm)
    return run_id


@writer_session()
def step(name: str, run_id: str) -> str:
    """Run one stage for the run; a failure marks the run failed and fails the task with the reason."""
    settings = load_settings()
    progress.mark_step(settings, run_id, name, os.getpid())
    try:
        STEPS[name](settings, run_id)
    except Exception as e:
        progress.clear_marker(settings, run_id)  # failed or held: meta.runs says which; no longer in progress
        pipeline.mark_failed(settings, run_id, name, e)
        forget_run(settings, run_id)  # a retry of the step makes its lock file again
        raise
    if name == pipeline.STEPS[-1][0]:
        progress.clear_marker(settings, run_id)
        forget_run(settings, run_id)
    else:
        progress.mark_step(settings, run_id, f"{name} done", None)
    return run_id


@writer_session()
def backfill_start(date_from: str, date_to: str, algorithm: str, new: bool = False) -> str:
    from clout import backfill

    return backfill.start_or_resume(load_settings(), parse_date(date_from), parse_date(date_to), algorithm, new)


@writer_session()
def backfill_score(backfill_id: str) -> str:
    """Score and gate the backfill's nights not scored yet, on the engine of CLOUT_ENGINE (the Spark variant's
    clout/spark_job.py sets spark); each night's line in the task log as it starts."""
    from clout import backfill

    backfill.score_nights(load_settings(), backfill_id,
                          on_night=lambda d: print(f"scoring and gating {d}", flush=True))
    return backfill_id


@writer_session()
def backfill_gate(backfill_id: str) -> str:
    from clout import backfill
    from clout.core.errors import CloutError

    result = backfill.gate(load_settings(), backfill_id)
    for line in result.lines():
        print(line)
    if result.outcome == "HOLD":
        raise CloutError(f"backfill {backfill_id} HELD; nothing published. Report: {result.report_path}. Next: "
                         f"`clout backfill promote {backfill_id} --reason \"...\"` or "
                         f"`clout backfill reject {backfill_id} --reason \"...\"`")
    return backfill_id


@writer_session()
def backfill_promote(backfill_id: str, promote: bool) -> int:
    from clout import backfill

    if not promote:
        print(f"promote=false: nothing published; `clout backfill promote {backfill_id}` publishes the range")
        return 0
    return backfill.promote(load_settings(), backfill_id)
