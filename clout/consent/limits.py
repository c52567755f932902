"""Limits on one `clout sql` statement: time, memory, and where it may spill (never into what it reads).

Each has a CLI option and an environment variable (options win); docs/security.md lists them.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TypeVar

import duckdb

from clout.errors import CloutError

TIMEOUT_ENV, MEMORY_ENV, SPILL_ENV, MAX_SPILL_ENV = (
    "CLOUT_SQL_TIMEOUT", "CLOUT_SQL_MEMORY_LIMIT", "CLOUT_SQL_TEMP_DIR", "CLOUT_SQL_MAX_SPILL")
DEFAULT_TIMEOUT_S = 300.0  # an analyst's question, not a batch job: long enough for a year of history
DEFAULT_MEMORY = "4GB"  # the machine is shared with the nightly job; DuckDB's own default is 80% of RAM
DEFAULT_MAX_SPILL = "20GB"
T = TypeVar("T")


@dataclass(frozen=True)
class SqlLimits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_limit: str = DEFAULT_MEMORY
    spill_dir: Path | None = None  # None: a fresh folder in the system temp dir, removed at exit
    max_spill: str = DEFAULT_MAX_SPILL

    @classmethod
    def from_env(cls, timeout_s: float | None = None, memory_limit: str | None = None,
                 spill_dir: Path | None = None) -> SqlLimits:
        """Options given on the command line, else the environment, else the defaults."""
        env = os.environ
        try:
            timeout = float(timeout_s if timeout_s is not None else env.get(TIMEOUT_ENV, DEFAULT_TIMEOUT_S))
        except ValueError:
            raise CloutError(f"{TIMEOUT_ENV}={env.get(TIMEOUT_ENV)!r} is not a number of seconds") from None
        if timeout <= 0:
            raise CloutError(f"the statement timeout must be more than 0 seconds; got {timeout:g}")
        spill = spill_dir or (Path(env[SPILL_ENV]) if env.get(SPILL_ENV) else None)
        return cls(timeout, memory_limit or env.get(MEMORY_ENV, DEFAULT_MEMORY), spill,
                   env.get(MAX_SPILL_ENV, DEFAULT_MAX_SPILL))

    def outside(self, folder: Path) -> SqlLimits:
        """These limits with a spill folder that exists and is not inside `folder` (what the reader reads)."""
        spill = self.spill_dir.expanduser().resolve() if self.spill_dir else _private_spill_dir()
        if spill == folder or spill.is_relative_to(folder):
            raise CloutError(f"spill folder {spill} is inside {folder}, which clout sql reads; "
                             f"choose one outside it ({SPILL_ENV} or --temp-dir)")
        spill.mkdir(parents=True, exist_ok=True)
        return replace(self, spill_dir=spill)


def _private_spill_dir() -> Path:
    path = Path(tempfile.mkdtemp(prefix="clout-sql-spill-"))
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def run_limited(con: duckdb.DuckDBPyConnection, limits: SqlLimits, work: Callable[[], T]) -> T:
    """Run `work` (execute and fetch) on `con`, interrupting it when the timeout passes; one-line errors."""
    fired = threading.Event()

    def stop():
        fired.set()
        con.interrupt()

    timer = threading.Timer(limits.timeout_s, stop)
    timer.daemon = True
    timer.start()
    try:
        return work()
    except duckdb.InterruptException:
        if fired.is_set():
            raise CloutError(f"statement timed out after {limits.timeout_s:g} s; raise it with --timeout SECONDS "
                             f"or {TIMEOUT_ENV}") from None
        raise
    except duckdb.OutOfMemoryException as e:
        raise CloutError(f"statement ran out of memory (limit {limits.memory_limit}, spill up to "
                         f"{limits.max_spill} in {limits.spill_dir}); raise it with --memory-limit or {MEMORY_ENV}, "
                         f"or narrow the query ({str(e).splitlines()[0][:120]})") from None
    finally:
        timer.cancel()
        timer.join()  # no thread left behind: a daemon thread alive at exit can abort DuckDB's shutdown
