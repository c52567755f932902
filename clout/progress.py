"""Progress of long work where people and logs can see it.

- On a terminal, a live status line (rich). Elsewhere (cron, Airflow, a pipe) rich shows nothing, so each step
  prints a timestamped line, and a heartbeat line (`score still running (30 s so far)`) follows each
  `HEARTBEAT_S` seconds without a line during a long step.
- Runs in progress: `clout run` keeps a small marker file per run beside the warehouse (`running/RUN_ID.json`:
  date, algorithm, step, process id) while it works, so `clout runs` can list it even though the writer holds
  the warehouse file and the published snapshot does not know the run yet. A run driven step by step (Airflow: one
  task per step, `clout.dag_tasks`) keeps the same file from its `begin` task to its last step: the task running a
  step writes its process id there, and between two tasks the file says which step is done.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import date, datetime
from pathlib import Path

from rich.console import Console

from clout.core.locks import ABANDON_AFTER
from clout.core.settings import Settings

HEARTBEAT_S = float(os.environ.get("CLOUT_HEARTBEAT_SECONDS") or 15)


def _now() -> str:
    return datetime.now().strftime("%H:%M:%S")


@contextmanager
def steps(console: Console, label: str) -> Iterator[Callable[[str], None]]:
    """A function to call with each step's name: a live status on a terminal, else one line per step
    (`12:00:03 2012-07-04: score (aggregate took 3.1 s)`) and a heartbeat while a step runs long."""
    if console.is_terminal:
        with console.status(f"{label}: starting") as status:
            yield lambda step: status.update(f"{label}: {step}")
        return
    state = {"step": None, "since": time.perf_counter(), "said": time.perf_counter()}
    stop = threading.Event()

    def on_step(step: str) -> None:
        took = (f" ({state['step']} took {time.perf_counter() - state['since']:.1f} s)" if state["step"] else "")
        state["step"], state["since"] = step, time.perf_counter()
        state["said"] = state["since"]
        print(f"{_now()} {label}: {step}{took}", flush=True)

    def beat() -> None:
        # a heartbeat comes HEARTBEAT_S after the last line, so never right after a step's own line ("(0 s)")
        while not stop.wait(max(0.05, state["said"] + HEARTBEAT_S - time.perf_counter())):
            now = time.perf_counter()
            if state["step"] and now - state["said"] >= HEARTBEAT_S:
                state["said"] = now
                print(f"{_now()} {label}: {state['step']} still running ({now - state['since']:.0f} s so far)",
                      flush=True)

    heart = threading.Thread(target=beat, name="clout-heartbeat", daemon=True)
    heart.start()
    try:
        yield on_step
    finally:
        stop.set()
        heart.join()


def running_dir(settings: Settings) -> Path:
    return settings.home / "running"


class RunMarker:
    """`running/RUN_ID.json` while a run works; removed when it ends. A killed process cannot remove it: the next
    command that writes marks the run abandoned and removes it (clout.recovery)."""

    def __init__(self, settings: Settings, run_id: str, logical_date: date, algorithm: str) -> None:
        self.path = running_dir(settings) / f"{run_id}.json"
        self.record = {"run_id": run_id, "logical_date": str(logical_date), "algorithm_version": algorithm,
                       "pid": os.getpid(), "host": socket.gethostname(), "started_at": time.time(),
                       "step": "starting"}
        self.step("starting")

    def step(self, name: str) -> None:
        self.record["step"] = name
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.record), encoding="utf-8")
        tmp.replace(self.path)

    def clear(self) -> None:
        self.path.unlink(missing_ok=True)


def mark_step(settings: Settings, run_id: str, step: str, pid: int | None, logical_date: date | None = None,
              algorithm: str | None = None) -> None:
    """A step-by-step run's marker: `step` running in process `pid`, or (pid None) done and waiting for the next."""
    path = running_dir(settings) / f"{run_id}.json"
    record = {"run_id": run_id, "started_at": time.time()}
    with suppress(OSError, ValueError):
        record = json.loads(path.read_text(encoding="utf-8"))
    if logical_date is not None:
        record["logical_date"] = str(logical_date)
    if algorithm is not None:
        record["algorithm_version"] = algorithm
    record.setdefault("logical_date", f"{run_id[:4]}-{run_id[4:6]}-{run_id[6:8]}")  # run ids start YYYYMMDD
    record.setdefault("algorithm_version", None)
    record.update(step=step, pid=pid, host=socket.gethostname(), mode="steps", updated_at=time.time())
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record), encoding="utf-8")
    tmp.replace(path)


def clear_marker(settings: Settings, run_id: str) -> None:
    (running_dir(settings) / f"{run_id}.json").unlink(missing_ok=True)


def _status(r: dict) -> str:
    """What `clout runs` says about a run with a marker: running a step, between two steps, or stopped."""
    pid, host = r.get("pid"), r.get("host")
    if pid is not None and host not in (None, socket.gethostname()):
        # another machine's process id means nothing here (an Airflow worker on another host)
        return f"{r['step']} on {host} (process {pid} there; not checked from this machine)"
    if pid is not None and _alive(int(pid)):
        return f"running: {r['step']}" + (" (Airflow task)" if r.get("mode") == "steps" else "")
    if r.get("mode") == "steps":
        idle = time.time() - float(r.get("updated_at") or r["started_at"])
        if pid is None and idle < ABANDON_AFTER:
            return f"in progress: {r['step']}, next step not started yet ({idle:.0f} s)"
        if pid is None:
            return f"stopped: {r['step']}, no step for {idle / 3600:.1f} h"
    return f"stopped in {r['step']} (process {pid} gone)"


def step_process_gone(settings: Settings, run_id: str) -> bool:
    """Whether a step-by-step run's marker names a step running in a process of this machine that no longer exists:
    the task died in the middle of the step (Airflow kills a task past its timeout with SIGKILL, which no handler
    sees), so nothing will finish or fail it. A process of another machine cannot be checked: False."""
    try:
        r = json.loads((running_dir(settings) / f"{run_id}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    pid = r.get("pid")
    return (r.get("mode") == "steps" and pid is not None and r.get("host") == socket.gethostname()
            and not _alive(int(pid)))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def last_seen(settings: Settings, run_id: str) -> float | None:
    """When a run's marker was last written (its last step began), as epoch seconds; None without a marker."""
    try:
        return (running_dir(settings) / f"{run_id}.json").stat().st_mtime
    except OSError:
        return None


def running_runs(settings: Settings, columns: list[str]) -> list[tuple]:
    """Rows shaped like sql/meta/recent_runs.sql for the runs in progress (or stopped without ending)."""
    rows = []
    for path in sorted(running_dir(settings).glob("*.json"), reverse=True):
        with suppress(OSError, ValueError):
            r = json.loads(path.read_text(encoding="utf-8"))
            status = _status(r)
            # a stopped run's time ends at its last sign of life (the marker's last write), not now
            until = path.stat().st_mtime if status.startswith("stopped") else time.time()
            values = {"run_id": r["run_id"], "logical_date": date.fromisoformat(r["logical_date"]),
                      "algorithm_version": r["algorithm_version"], "status": status, "live": False,
                      "seconds": round(until - float(r["started_at"]), 1)}
            rows.append(tuple(values.get(c) for c in columns))
    return rows
