"""File locks clout's processes share, beside DuckDB's own one-writer lock.

The warehouse lock (`.<warehouse>.lock` beside the file): every clout process holds it, shared, while it opens
the warehouse; `clout compact` holds it exclusively from before it opens the file until the compacted copy has
replaced it. So no clout process can be connected to the old file when it is swapped (a connection opened before
makes the compaction refuse: DuckDB's lock). A program that opens the file without clout does not take this lock:
only clout may write the warehouse (docs/security.md).

The writer lock (`.<warehouse>.writer.lock`): a command that writes (`clout run`, `clout land`, an Airflow task's
step, ...) holds it from its first writable connection to its end (`writer_session`), across the several
connections a night's steps open one after another. DuckDB's own lock is free between two of them, and a writer
waiting with `--wait` used to take it there, failing the night half-way; now it waits for the whole command. A
connection opened outside a session (a library caller) only checks that no session holds the warehouse.

Run locks (`runs/<run_id>.lock` beside the warehouse): held by the process working on a run: `clout run` for the
whole run, an Airflow task for its step. A run still `running` whose lock is free was abandoned (the process was
killed): the next writer marks it so (clout.recovery). A run that is over has its lock file removed (`forget_run`).
"""

from __future__ import annotations

import fcntl
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
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


def _acquire(fd: int, mode: int, wait: float, message: str | Callable[[], str], waiting: str | None = None) -> None:
    """Lock `fd`, waiting up to `wait` seconds; then CloutError(`message`: a callable is asked when the wait runs
    out). `waiting`: one line for stderr when it has to wait (stdout may be a pipe someone parses)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise CloutError(message() if callable(message) else message) from None
            if waiting:
                print(waiting, file=sys.stderr, flush=True)
                waiting = None
            time.sleep(0.05)


# ---- writers ---------------------------------------------------------------------------------------------------

_SESSIONS: list[dict[Path, int]] = []  # writer sessions this process is in: the writer locks each took, by path


def writer_lock_path(settings: Settings) -> Path:
    return settings.warehouse.with_name(f".{settings.warehouse.name}.writer.lock")


@contextmanager
def writer_session() -> Iterator[None]:
    """From here to the end of the block, the first writable connection to a warehouse takes its writer lock and
    keeps it (hold_writer): another process's writes wait for the whole block, not only one connection."""
    _SESSIONS.append({})
    try:
        yield
    finally:
        for fd in _SESSIONS.pop().values():
            os.close(fd)  # releases the lock


def hold_writer(settings: Settings, wait: float) -> None:
    """Before a writable connection: in a writer session, take the warehouse's writer lock (waiting up to `wait`
    seconds for another process's session) and keep it to the session's end; outside one, only wait until no other
    process holds it. Raises CloutError naming the holder when the wait runs out."""
    path = writer_lock_path(settings)
    if any(path in held for held in _SESSIONS):
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _acquire(fd, fcntl.LOCK_EX, wait,
                 lambda: (f"{settings.warehouse}: another process is writing the warehouse"
                          f"{_holder(writer_holder(path))}; wait for it (`--wait SECONDS` waits here), or query the "
                          "published snapshot with `clout sql` (the default)"),
                 waiting=f"waiting for the warehouse: another clout process is writing it (at most {wait:.0f} s)")
    except CloutError:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.write(fd, str(os.getpid()).encode())  # who holds it, for the error of the process that waits
    if _SESSIONS:
        _SESSIONS[-1][path] = fd
    else:
        os.close(fd)  # a check only: no session here to keep it for


def writer_holder(path: Path) -> int | None:
    try:
        return int(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return None


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
_ENDED: set[Path] = set()  # of those, runs that are over: their lock file goes when the lock is let go


def _lock_file(path: Path) -> int | None:
    """The file at `path` opened (created if missing) and locked, or None when another process holds it. A lock
    file is removed only by a process holding its lock (`forget_run`): one that locked the file just as it was
    removed holds a lock on a file no other process can find, so it checks the path still names that file and
    starts again with the path's file if not."""
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        if _names(path, fd):
            return fd
        os.close(fd)  # removed (or replaced) while we locked it: lock the file that is there now


@contextmanager
def run_lock(settings: Settings, run_id: str, mode: str | None = None) -> Iterator[None]:
    """Hold the run while working on it; `mode` (re)writes how it is driven."""
    if run_lock_path(settings, run_id) in _HELD:
        yield
        return
    path = note_run(settings, run_id, mode) if mode else run_lock_path(settings, run_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = _lock_file(path)
    if fd is None:
        raise CloutError(f"run {run_id} is being worked on by another process; wait for it")
    try:
        os.utime(fd)  # last activity: a step-by-step run is abandoned only after a while without any
        _HELD.add(path)
        yield
    finally:
        _HELD.discard(path)
        if path in _ENDED:  # removed while still locked: no other process can lock it meanwhile
            _ENDED.discard(path)
            path.unlink(missing_ok=True)
        os.close(fd)


def forget_run(settings: Settings, run_id: str) -> None:
    """The run is over (published, held, failed, abandoned): remove its lock file, so `runs/` does not keep one per
    run forever. Held by this process: when it lets go; held by another: left alone (that process works on it);
    free: now, under its lock. A run that starts again (an Airflow retry) makes a new one."""
    path = run_lock_path(settings, run_id)
    if path in _HELD:
        _ENDED.add(path)
        return
    if not path.exists():
        return
    fd = _lock_file(path)
    if fd is not None:
        try:
            path.unlink(missing_ok=True)
        finally:
            os.close(fd)


def run_is_held(settings: Settings, run_id: str) -> bool:
    path = run_lock_path(settings, run_id)
    if path in _HELD:
        return True
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:  # never made, or the run is over (forget_run)
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _names(path, fd):
                return False
        except BlockingIOError:
            return True
        finally:
            os.close(fd)


def _names(path: Path, fd: int) -> bool:
    """Whether `path` still names the file open as `fd` (not removed, nor made again, since it was opened)."""
    try:
        return os.stat(path).st_ino == os.fstat(fd).st_ino
    except FileNotFoundError:
        return False


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
    says `Conflicting lock is held in /path/python (PID N)`)."""
    m = _PID.search(duckdb_message)
    return _holder(int(m.group(1)) if m else None)


def _holder(pid: int | None) -> str:
    """` (pid N: COMMAND, running since TIME)`; what /proc does not tell is left out."""
    if pid is None:
        return ""
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
