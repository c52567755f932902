"""Compaction: make erased bytes leave the DuckDB file.

Measured on DuckDB 2.0 (see README "Consent"): DELETE/UPDATE followed by CHECKPOINT leaves the old strings in
free blocks of the file (a byte search still finds them, even twice); copying the database into a fresh file
(`COPY FROM DATABASE`) writes only live rows, so the bytes are gone. So compaction copies and then swaps the
file in with one atomic rename, under clout's warehouse lock (clout.core.locks).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from clout.core import faults
from clout.core.errors import CloutError
from clout.core.locks import warehouse_lock
from clout.core.settings import Settings
from clout.core.warehouse import connect


@dataclass(frozen=True)
class Compaction:
    bytes_before: int
    bytes_after: int
    seconds: float


def compact(settings: Settings) -> Compaction:
    """Rewrite the warehouse file with live rows only and swap it in atomically. Holds the warehouse lock
    (clout.core.locks) exclusively from before it opens the file until the copy has replaced it: no clout process can
    open the old file in between and write to what is about to be replaced."""
    with connect(settings):
        pass  # a writable connection first finishes what a killed command left (an opt-out's files: clout/recovery.py)
    with warehouse_lock(settings, exclusive=True):
        return _compact(settings)


def _compact(settings: Settings) -> Compaction:
    path = settings.warehouse
    started = time.perf_counter()
    new = path.with_name(f".{path.name}.compact")
    for leftover in (new, Path(f"{new}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(path))  # holds DuckDB's writer lock for the whole copy
    except duckdb.IOException as e:
        raise CloutError(f"{path}: cannot compact while another process writes the warehouse ({e}); "
                         "the erasure is done, run `clout compact` when the job has finished") from None
    try:
        con.execute("checkpoint")
        before = path.stat().st_size
        old_name = con.execute("select current_database()").fetchall()[0][0]
        con.execute(f"attach '{new}' as compacted")
        con.execute(f'copy from database "{old_name}" to compacted')
        # The copy is the compaction erasures wait for: it is done when the swap is (same file).
        con.execute("delete from compacted.meta.pending_erasures where step = 'compact'")
        con.execute("detach compacted")
    except BaseException:
        con.close()
        new.unlink(missing_ok=True)
        raise
    con.close()
    faults.point("compact:after_copy")
    Path(f"{path}.wal").unlink(missing_ok=True)  # checkpointed above and on close: nothing left in it
    os.replace(new, path)
    return Compaction(before, path.stat().st_size, time.perf_counter() - started)
