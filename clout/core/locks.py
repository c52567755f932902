"""File locks clout's processes share, beside DuckDB's own one-writer lock.

The warehouse lock (`.<warehouse>.lock` beside the file): every clout process holds it, shared, while it opens
the warehouse; `clout compact` holds it exclusively from before it opens the file until the compacted copy has
replaced it. So no clout process can be connected to the old file when it is swapped (a connection opened before
makes the compaction refuse: DuckDB's lock). A program that opens the file without clout does not take this lock:
only clout may write the warehouse (docs/security.md).

Run locks (`runs/<run_id>.lock` beside the warehouse): held by the process working on a run: `clout run` for the
whole run, an Airflow task for its step. A run still `running` whose lock is free was abandoned (the process was
killed): the next writer marks it so (clout.recovery).
"""

from __future__ import annotations

import fcntl
import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from clout.core.errors import CloutError
from clout.core.settings import Settings

# How long a command waits for a compaction to finish before it gives up (seconds).
WAIT_SECONDS = float(os.environ.get("CLOUT_LOCK_WAIT", "600"))


def warehouse_lock_path(settings: Settings) -> Path:
    return settings.warehouse.with_name(f".{settings.warehouse.name}.lock")


@contextmanager
def warehouse_lock(settings: Settings, exclusive: bool = False, wait: float | None = None,
                   create: bool = True) -> Iterator[None]:
    """Shared: opening the warehouse. Exclusive: replacing the file (compaction). `create=False` (a read-only
    open, which may find a read-only folder): no lock file, no lock: no compaction ever ran there."""
    path = warehouse_lock_path(settings)
    if not create and not path.exists():
        yield
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644) if create else os.open(path, os.O_RDONLY)
    try:
        _acquire(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH, WAIT_SECONDS if wait is None else wait,
                 f"{settings.warehouse}: the warehouse is being compacted by another clout process; try again when "
                 "it has finished" if not exclusive else
                 f"{settings.warehouse}: another clout process is opening or compacting the warehouse; try again")
        yield
    finally:
        os.close(fd)  # releases the lock


def _acquire(fd: int, mode: int, wait: float, message: str) -> None:
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise CloutError(message) from None
            time.sleep(0.05)


# ---- runs ----------------------------------------------------------------------------------------------------

WHOLE_RUN, ONE_STEP = "process", "steps"
# A run driven step by step whose lock is free this long (no step began) was abandoned (clout.recovery)
ABANDON_AFTER = float(os.environ.get("CLOUT_ABANDON_AFTER", str(6 * 3600)))


def run_lock_path(settings: Settings, run_id: str) -> Path:
    return settings.home / "runs" / f"{run_id}.lock"


def note_run(settings: Settings, run_id: str, mode: str) -> Path:
    """Create the run's lock file saying how the run is driven: by one process (`clout run`) or step by step by
    separate processes (Airflow tasks), whose lock is free between two steps."""
    path = run_lock_path(settings, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mode, encoding="utf-8")
    return path


_HELD: set[Path] = set()  # run locks this process holds (a step inside `clout run` is already covered)


@contextmanager
def run_lock(settings: Settings, run_id: str, mode: str | None = None) -> Iterator[None]:
    """Hold the run while working on it; `mode` (re)writes how it is driven."""
    if run_lock_path(settings, run_id) in _HELD:
        yield
        return
    path = note_run(settings, run_id, mode) if mode else run_lock_path(settings, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CloutError(f"run {run_id} is being worked on by another process; wait for it") from None
        os.utime(fd)  # last activity: a step-by-step run is abandoned only after a while without any
        _HELD.add(path)
        yield
    finally:
        _HELD.discard(path)
        os.close(fd)


def run_is_held(settings: Settings, run_id: str) -> bool:
    path = run_lock_path(settings, run_id)
    if path in _HELD:
        return True
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def run_mode_and_age(settings: Settings, run_id: str) -> tuple[str | None, float | None]:
    """How the run is driven and seconds since its lock was last taken (None, None: no lock file)."""
    path = run_lock_path(settings, run_id)
    try:
        return path.read_text(encoding="utf-8").strip() or None, time.time() - path.stat().st_mtime
    except FileNotFoundError:
        return None, None


# ---- who holds the warehouse ---------------------------------------------------------------------------------

_PID = re.compile(r"\(PID (\d+)\)")


def lock_holder(duckdb_message: str) -> str:
    """` (pid N: COMMAND, running since TIME)` for the process DuckDB names as holding the file's lock (its message
    says `Conflicting lock is held in /path/python (PID N)`); what /proc does not tell is left out."""
    m = _PID.search(duckdb_message)
    if not m:
        return ""
    pid = int(m.group(1))
    parts = [f"pid {pid}"]
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().rstrip(b"\0").split(b"\0")
        command = " ".join([Path(argv[0].decode()).name, *(a.decode(errors="replace") for a in argv[1:])])
        parts[0] += f": {command[:120]}"
        parts.append(f"running since {_started(pid):%Y-%m-%d %H:%M:%S} UTC")
    except (OSError, ValueError, IndexError, StopIteration):
        pass  # not Linux, or the process has just ended
    return f" ({', '.join(parts)})"


def _started(pid: int) -> datetime:
    """A process's start time: its start in clock ticks after boot (/proc/PID/stat, field 22) plus the boot time."""
    after_boot = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]) / os.sysconf("SC_CLK_TCK")
    boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                if line.startswith("btime "))
    return datetime.fromtimestamp(boot + after_boot, UTC)
