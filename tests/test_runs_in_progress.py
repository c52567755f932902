"""`clout runs` shows a run in progress when it is driven step by step, as the Airflow DAG drives it (issue 16):
from its `begin` task to its last step, with the step a task is running or the last step done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from clout import dag_tasks, pipeline
from clout.progress import mark_step

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

    for name, _ in pipeline.STEPS[1:]:
        dag_tasks.step(name, run_id)
    out = runs(settings)
    assert run_id in out and "in progress" not in out and "running" not in out
