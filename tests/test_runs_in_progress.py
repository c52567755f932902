"""`clout runs` shows a run in progress when it is driven step by step, as the Airflow DAG drives it (issue 16):
from its `begin` task to its last step, with the step a task is running or the last step done."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testkit import clout, clout_here

from clout import dag_tasks, pipeline
from clout.core.locks import run_is_held, run_lock_path
from clout.core.warehouse import connect
from clout.progress import mark_step, running_dir

CLOUT = str(Path(sys.executable).with_name("clout"))


def runs(settings) -> str:
    env = {**os.environ, "CLOUT_WAREHOUSE": str(settings.warehouse), "COLUMNS": "200"}
    proc = subprocess.run([CLOUT, "runs", "--columns", "run_id,status"], capture_output=True, text=True, env=env,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_a_run_driven_step_by_step_shows_in_progress_until_its_last_step(settings, higgs_slice, monkeypatch):
    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))  # what the Airflow tasks read
    pipeline.land_files(settings, [higgs_slice])
    run_id = dag_tasks.begin("2012-07-01", "v1")
    assert "in progress: begun" in runs(settings)

    dag_tasks.step("stage", run_id)
    out = runs(settings)
    assert run_id in out and "in progress: stage done" in out

    # a task running the next step: its process is alive, then gone (killed: the task died with it)
    task = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        mark_step(settings, run_id, "aggregate", task.pid)
        assert "running: aggregate (Airflow task)" in runs(settings)
    finally:
        task.kill()
        task.wait()
    assert f"stopped in aggregate (process {task.pid} gone)" in runs(settings)
    # the next writer marks it abandoned now, not CLOUT_ABANDON_AFTER (6 h) later: its step's process is gone
    # (Airflow SIGKILLs a task past its timeout: no handler marks the run failed)
    with connect(settings) as con:
        assert con.execute("select status from meta.runs where run_id = ?", [run_id]).fetchone() == ("abandoned",)
    assert not (running_dir(settings) / f"{run_id}.json").exists()

    for name, _ in pipeline.STEPS[1:]:  # the task retried: the run resumes and finishes
        dag_tasks.step(name, run_id)
    out = runs(settings)
    assert run_id in out and "in progress" not in out and "running" not in out
    assert not run_lock_path(settings, run_id).exists()  # the run is over: its lock file is gone
    with connect(settings) as con:
        assert con.execute("select status from meta.runs where run_id = ?", [run_id]).fetchone() == ("published",)


def test_a_retried_step_of_an_abandoned_run_shows_it_in_progress_again(nights_copy, monkeypatch):
    """Resuming an abandoned run (an Airflow retry) changes its status back to running: readers see it at once.
    `clout runs` reads the published snapshot and drops a run's marker while the snapshot says the run ended, so it
    said `abandoned` through every retried step until the next publish."""
    settings = nights_copy(1)  # a published night: `clout runs` reads the snapshot
    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))  # what the Airflow tasks read
    run_id = dag_tasks.begin("2012-07-02", "v1")
    dag_tasks.step("stage", run_id)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    mark_step(settings, run_id, "aggregate", gone.pid)  # its task was killed
    connect(settings).close()  # the next writer marks it abandoned
    assert re.search(rf"{run_id}\s+abandoned", runs(settings))

    dag_tasks.step("aggregate", run_id)  # the task retried: the run resumes
    line = next(line for line in runs(settings).splitlines() if run_id in line)
    assert "in progress: aggregate done" in line, line


def test_a_step_on_another_machine_is_shown_there_not_as_gone(settings, higgs_slice, monkeypatch):
    """An Airflow worker on another host runs the step: its process id cannot be checked here, so `clout runs`
    names the host instead of calling the process gone, and the next writer does not abandon the run."""
    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))
    pipeline.land_files(settings, [higgs_slice])
    run_id = dag_tasks.begin("2012-07-01", "v1")
    dag_tasks.step("stage", run_id)
    mark_step(settings, run_id, "aggregate", 1)  # pid 1 is alive here too: the host decides, not the pid
    marker = running_dir(settings) / f"{run_id}.json"
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "host": "worker-7", "pid": 4_000_000}))

    status = _runs_json(settings)[run_id]["status"]
    assert status == "aggregate on worker-7 (process 4000000 there; not checked from this machine)"
    with connect(settings) as con:  # a writer here leaves the run alone (the 6-hour rule still holds)
        assert con.execute("select status from meta.runs where run_id = ?", [run_id]).fetchone() == ("running",)
    assert marker.exists()


def _runs_json(settings) -> dict:
    proc = clout_here("runs", "--json", warehouse=settings)
    assert proc.returncode == 0, proc.stderr
    return {r["run_id"]: r for r in json.loads(proc.stdout)}


def test_a_killed_run_stops_counting_and_once_abandoned_shows_as_abandoned(nights_copy):
    """`clout run` killed (SIGKILL right after its stage step: no `finally` runs, as with kill -TERM): its marker
    stays behind. `clout runs` says where it stopped with a fixed time, and once the next writer (a later run of the
    date) has marked it abandoned, the marker is gone and `clout runs` shows `abandoned` (docs/operations.md,
    Crashes)."""
    settings = nights_copy(2)  # July 3 landed, not run
    killed = clout("run", "--date", "2012-07-03", warehouse=settings, env={"CLOUT_FAULT": "run:after_stage"})
    assert killed.returncode == -signal.SIGKILL
    (marker,) = running_dir(settings).glob("*.json")
    run_id = marker.stem

    first = _runs_json(settings)[run_id]
    time.sleep(1.1)
    assert first["status"].startswith("stopped in stage (process ") and _runs_json(settings)[run_id] == first

    assert run_lock_path(settings, run_id).exists()
    clout_here("run", "--date", "2012-07-03", warehouse=settings, check=True)  # the next writer
    assert not marker.exists() and not run_lock_path(settings, run_id).exists()
    assert not list(run_lock_path(settings, run_id).parent.glob("20120703-*.lock"))  # nor the rerun's: it is over
    runs = _runs_json(settings)
    assert runs[run_id]["status"] == "abandoned" and "Run the date again" in runs[run_id]["message"]
    time.sleep(1.1)
    assert _runs_json(settings)[run_id]["seconds"] == runs[run_id]["seconds"]  # fixed, not counting up
    # up to its last sign of life, as `clout runs` showed it stopped, not to when the next writer noticed it
    assert abs(runs[run_id]["seconds"] - first["seconds"]) < 1.0, (runs[run_id]["seconds"], first["seconds"])
    assert not [r for r in runs.values() if r["status"].startswith(("stopped", "running"))]


def test_runs_shows_the_newest_published_runs_final_seconds(nights_copy):
    """`clout runs` reads the published snapshot, written by the publish: the run's seconds are final by then, the
    figure `clout run` prints and meta.runs keeps (the snapshot had the audit's, until the next publish)."""
    settings = nights_copy(2)
    proc = clout_here("run", "--date", "2012-07-03", warehouse=settings, check=True)
    printed = float(re.search(r" in (\d+\.\d) s", proc.stdout).group(1))
    with connect(settings) as con:
        (run_id, seconds), = con.execute("select run_id, seconds from meta.runs where logical_date = '2012-07-03'"
                                         ).fetchall()
    shown = _runs_json(settings)[run_id]
    assert shown["status"] == "published" and shown["seconds"] == seconds and round(seconds, 1) == printed


@pytest.mark.parametrize(("sig", "by", "code"), [(signal.SIGTERM, "SIGTERM", 143), (signal.SIGINT, "Ctrl-C", 130)])
def test_a_run_stopped_by_sigterm_or_ctrl_c_is_failed_with_why_and_its_date_runs_again(nights_copy, sig, by, code):
    """SIGTERM (Airflow's timeout, an operator's `kill`) inside a step stops `clout run` as Ctrl-C does: one line on
    stderr and code 143 (Ctrl-C: 130, not 0), the run `failed` with why, no marker, its lock free, the date publishes
    when run again (docs/operations.md, Crashes)."""
    settings = nights_copy(2)  # July 3 landed, not run
    env = {**os.environ, "CLOUT_WAREHOUSE": str(settings.warehouse), "CLOUT_PAUSE": "in:score"}
    proc = subprocess.Popen([CLOUT, "run", "--date", "2012-07-03"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert "paused at in:score" in proc.stderr.readline()  # inside the score step, the run locked
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=300)
    finally:
        proc.kill()
    assert proc.returncode == code, err
    (line,) = err.strip().splitlines()  # no traceback
    run_id = re.match(rf"error: run (\S+) stopped by {by} in score: marked failed", line).group(1)

    run = _runs_json(settings)[run_id]
    assert run["status"] == "failed" and run["message"] == f"stopped by {by} in score"
    assert not list(running_dir(settings).glob("*.json")) and not run_is_held(settings, run_id)
    assert not run_lock_path(settings, run_id).exists()
    clout_here("run", "--date", "2012-07-03", warehouse=settings, check=True)
    assert "2012-07-03" in [str(r["logical_date"]) for r in _runs_json(settings).values() if r["live"]]


def test_sigterm_inside_a_duckdb_statement_says_which_run_stopped_and_what_next(nights_copy, monkeypatch):
    """SIGTERM that reaches a DuckDB statement ends it with DuckDB's own error (`Query interrupted`), not the signal
    handler's: the run was marked failed with `score: Query interrupted` and the one line said only `stopped by
    SIGTERM`, without the run or what to do next."""
    settings = nights_copy(2)  # July 3 landed, not run

    def interrupted(*args) -> None:
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)
        except KeyboardInterrupt:
            raise RuntimeError("Query interrupted") from None  # as DuckDB reports it

    monkeypatch.setattr(pipeline, "STEPS", tuple((n, interrupted if n == "score" else f) for n, f in pipeline.STEPS))
    proc = clout_here("run", "--date", "2012-07-03", warehouse=settings)
    assert proc.returncode == 143, proc.stderr
    run_id = re.match(r"error: run (\S+) stopped by SIGTERM in score: marked failed", proc.stderr.strip()).group(1)
    assert _runs_json(settings)[run_id]["message"] == "stopped by SIGTERM in score"


def test_a_run_in_progress_is_not_rejected_and_a_rejected_run_runs_no_step_again(settings, higgs_slice, monkeypatch):
    """`clout reject` of a run Airflow drives between two tasks discarded its rows while its next task went on: the
    gate then made a rejected run held or publishable again. A running run is refused; one whose task was killed is
    abandoned, can be rejected, and a retried task of it then fails, naming the rejection."""
    from clout.core.errors import CloutError

    monkeypatch.setenv("CLOUT_WAREHOUSE", str(settings.warehouse))  # what the Airflow tasks read
    pipeline.land_files(settings, [higgs_slice])
    run_id = dag_tasks.begin("2012-07-01", "v1")
    dag_tasks.step("stage", run_id)

    def status() -> str:
        with connect(settings) as con:
            return con.execute("select status from meta.runs where run_id = ?", [run_id]).fetchone()[0]

    refused = clout_here("reject", run_id, "--reason", "wrong export", warehouse=settings)
    assert refused.returncode == 1 and f"run {run_id} is running" in refused.stderr, refused.stderr
    assert status() == "running"

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    mark_step(settings, run_id, "aggregate", gone.pid)  # its task was killed: the next writer marks it abandoned
    assert status() == "abandoned"
    assert clout_here("reject", run_id, "--reason", "wrong export", warehouse=settings).returncode == 0
    with pytest.raises(CloutError, match=rf"run {run_id} was rejected \(wrong export\): its steps do not run again"):
        dag_tasks.step("aggregate", run_id)  # the task retried
    assert status() == "rejected"
