"""clout's warehouse lock (issue 15.8): `clout compact` swaps the file only while no clout process can be opening
it, and a process that opens the warehouse during a compaction waits for the new file."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from clout.consent import compact
from clout.core import locks
from clout.core.errors import CloutError
from clout.core.locks import warehouse_lock
from clout.core.warehouse import connect

CLOUT = str(Path(sys.executable).with_name("clout"))


def test_compaction_waits_for_a_process_opening_the_warehouse(settings):
    connect(settings).close()
    # What compact() takes first: refused while a process holds the shared lock to open the file.
    with (warehouse_lock(settings), pytest.raises(CloutError, match="opening or compacting"),
          warehouse_lock(settings, exclusive=True, wait=0.2)):
        pass


def test_a_writer_opening_during_a_compaction_writes_to_the_compacted_file(settings, monkeypatch):
    with connect(settings) as con:
        con.execute("create table meta.probe (i integer)")
    started, opened = threading.Event(), []

    import clout.consent.storage as storage

    real = storage._compact

    def slow_compact(s):
        started.set()
        time.sleep(0.5)  # a writer tries to open now: it must wait for the swap
        return real(s)

    monkeypatch.setattr(storage, "_compact", slow_compact)

    def writer():
        started.wait()
        with connect(settings) as con:
            opened.append(time.perf_counter())
            con.execute("insert into meta.probe values (1)")

    thread = threading.Thread(target=writer)
    thread.start()
    compact(settings)
    done = time.perf_counter()
    thread.join()
    assert opened and opened[0] >= done - 0.05  # opened after the swap, not during the copy
    with connect(settings) as con:
        assert con.execute("select count(*) from meta.probe").fetchall() == [(1,)]  # the row was not lost


def _held_elsewhere(path) -> bool:
    """Whether another open of `path` (another process, as flock sees it) finds its lock taken."""
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_a_run_lock_file_goes_when_the_run_is_over_and_never_from_under_its_holder(settings):
    """`runs/RUN_ID.lock` is removed when the run is over (forget_run), only under its lock: left alone while another
    process holds it, removed when its holder lets go."""
    path = locks.run_lock_path(settings, "r1")
    with locks.run_lock(settings, "r1", locks.WHOLE_RUN):
        locks.forget_run(settings, "r1")  # held here: goes when let go, not before
        assert path.exists() and _held_elsewhere(path)
    assert not path.exists()

    locks.note_run(settings, "r2", locks.ONE_STEP)
    other = locks.run_lock_path(settings, "r2")
    fd = os.open(other, os.O_RDWR)  # another process working on r2
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        locks.forget_run(settings, "r2")
        assert other.exists()
    finally:
        os.close(fd)
    locks.forget_run(settings, "r2")
    assert not other.exists() and not locks.run_is_held(settings, "r2")


def test_a_process_that_locks_a_run_file_as_it_is_removed_locks_the_file_that_is_there(settings, monkeypatch):
    """The race with flock: a process opens `runs/RUN_ID.lock`, another removes it (the run was over), then the first
    locks what it opened: a file no one else can find, so a third process would think the run free. run_lock checks
    the path still names the file it locked and locks the path's own file if not."""
    path = locks.run_lock_path(settings, "r3")
    real_flock, removed = locks.fcntl.flock, []

    def flock_after_removal(fd, op):
        if not removed:  # between this process's open and its lock, another removes the file
            removed.append(path)
            path.unlink()
        return real_flock(fd, op)

    locks.note_run(settings, "r3", locks.ONE_STEP)
    monkeypatch.setattr(locks.fcntl, "flock", flock_after_removal)
    with locks.run_lock(settings, "r3"):
        monkeypatch.setattr(locks.fcntl, "flock", real_flock)
        assert removed and path.exists() and _held_elsewhere(path)


def _clout_run(settings, date: str, *more: str, **env) -> subprocess.Popen:
    environ = {**os.environ, "CLOUT_WAREHOUSE": str(settings.warehouse), **env}
    return subprocess.Popen([CLOUT, "run", "--date", date, *more], env=environ, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _paused(proc: subprocess.Popen, step: str) -> None:
    line = proc.stderr.readline()  # the run's progress lines go to stdout; the pause says so on stderr
    assert line.strip() == f"paused at {step}", line


def test_a_waiting_writer_waits_for_the_whole_run_not_for_a_gap_between_two_steps(nights_copy):
    """`clout run` opens the warehouse once per step, so DuckDB's lock is free between two steps. A second writer
    with `--wait` used to take it there and the first night failed half-way (and was recorded as abandoned). Now
    the second waits for the whole run, and without `--wait` it fails at once naming the run's process."""
    settings = nights_copy(2)  # July 3 landed, not run
    first = _clout_run(settings, "2012-07-03", CLOUT_PAUSE="run:after_stage", CLOUT_PAUSE_SECONDS="4")
    try:
        _paused(first, "run:after_stage")  # between stage and aggregate: no connection open
        refused = _clout_run(settings, "2012-07-02")
        _, err = refused.communicate(timeout=300)
        assert refused.returncode == 1 and f"another process is writing the warehouse (pid {first.pid}" in err, err
        second = _clout_run(settings, "2012-07-02", "--wait", "300")
        out, err = second.communicate(timeout=600)
        assert second.returncode == 0 and "waiting for the warehouse" in err, out + err
        assert first.wait(timeout=600) == 0, first.stderr.read()
    finally:
        first.kill()
    with connect(settings) as con:
        statuses = con.execute("select logical_date::varchar, status from meta.runs order by started_at").fetchall()
    assert statuses[-2:] == [("2012-07-03", "published"), ("2012-07-02", "published")], statuses


def test_a_run_that_fails_before_or_as_it_begins_leaves_no_lock_file(nights_copy):
    """`runs/RUN_ID.lock` goes when a run ends however early it fails: an unknown --algorithm (refused after the
    lock was taken, before the run existed), a missing --input, a date without data, and a run (`clout run`, or
    the Airflow DAG's begin task) that cannot open the warehouse another process is writing."""
    from testkit import clout_here

    from clout import pipeline

    settings = nights_copy(0)  # July 1..3 landed, nothing run
    for day, *more in (("2012-07-04", "--algorithm", "v9"), ("2012-07-04", "--input", settings.home / "missing.gz"),
                       ("2012-07-09",)):
        proc = clout_here("run", "--date", day, *more, warehouse=settings)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    fd = os.open(locks.writer_lock_path(settings), os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # another process writing the warehouse
    try:
        for begin in (lambda: pipeline.run_night(settings, date(2012, 7, 1), "v1"),
                      lambda: pipeline.begin_run(settings, date(2012, 7, 1), "v1")):
            with pytest.raises(CloutError, match="another process is writing"):
                begin()
    finally:
        os.close(fd)
    assert list((settings.home / "runs").glob("*.lock")) == []
