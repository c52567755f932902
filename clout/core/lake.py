"""The lake: the Spark engine's tables as Parquet datasets a cluster can share (docs/engines.md, "Tables a cluster
can share").

  CLOUT_LAKE   the lake's folder: a local path, or a file:// URL, that the driver, Spark's executors and DuckDB
               all read (on a cluster: a shared mount at the same path on every node). Default: `<warehouse>.lake`
               beside the warehouse file, as `<warehouse>.impact` holds PageRank's kept edges.

Layout: `<lake>/<schema>/<table>/<column>=<value>[/<column>=<value>]/part-*.parquet` (Hive partitions: Spark's
`spark.read.parquet(<table folder>)` and DuckDB's `read_parquet('<table folder>/*/*.parquet',
hive_partitioning = true)` read the partition columns back from the folder names; a partition's files do not
repeat them). Which tables, partitioned how and written when: `RAW`, `STAGING`, `MARTS`, `STATE` below and the
score step's own (clout/score/score.py). Only the Spark engine writes the lake; the default engine never does.

Every partition is written whole into `<lake>/_tmp/<id>/`, then swapped in by renames: the partition before (if
any) is moved aside, the new one renamed into its place, the old one deleted. A rerun replaces the partition (never
adds to it); a crash while writing leaves the previous complete partition, and a crash between the two renames
leaves none, with the old one aside in `_tmp/` and a note of where it belongs: the next write puts it back
(`recover`). One warehouse writes a lake (its one writer process at a time: the warehouse's lock).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from clout.core import faults
from clout.core.engine import resolve_engine
from clout.core.errors import CloutError
from clout.core.settings import LAKE_ENV, lake_path
from clout.core.warehouse import query

TMP = "_tmp"
KEEP_STATE_NIGHTS = 7  # the state's snapshots kept per chain: as many nights as its journals reach back
_VALUE = re.compile(r"^[A-Za-z0-9_.:-]+$")
_RUN_DATE = re.compile(r"^\d{8}-")

# What each stage writes for a night, on the Spark engine. Raw: one partition per landed file (its rows never
# change once landed), written by the land step after the file's transaction commits (and by the stage step for
# any landed file the lake misses). Staging and marts: one partition per day, the night's day, written by the
# stage and aggregate steps after their transaction commits (a rerun of the day replaces it).
RAW = ("raw.files", "raw.generic_interactions", "raw.records", "raw.quarantine")
STAGING = {"staging.interactions": "event_date", "staging.posts": "event_date", "staging.accounts": "observed_date"}
MARTS = {"marts.engagement_daily": "activity_date", "marts.account_daily": "activity_date",
         "marts.post_daily": "activity_date", "marts.post_reactors": "activity_date",
         "marts.post_topics": "activity_date", "marts.day_checksums": "activity_date"}
# The score state of a chain as of a night (a snapshot: partitions chain_id=<id>/night=<date>); the chain's row
# says its epoch, so that a reader can turn the integer sums into decayed ones (docs/state.md).
STATE = ("meta.score_chains", "state.score_accounts", "state.score_pairs")

Partition = dict[str, Any]


# ---- where -------------------------------------------------------------------------------------------------


def lake_root(warehouse: str | os.PathLike | None) -> Path | None:
    """CLOUT_LAKE, else `<warehouse>.lake` (clout.core.settings.lake_path); None for a warehouse in memory without
    CLOUT_LAKE. A warehouse's file remembers every lake it was given (`known_roots`)."""
    if not warehouse and not os.environ.get(LAKE_ENV, "").strip():
        return None
    root = lake_path(warehouse or "")
    if warehouse:
        _remember(warehouse, root)
    return root


def known_roots(warehouse: str | os.PathLike) -> list[Path]:
    """Every lake the warehouse's steps have written (`<warehouse>.lakes`, a JSON list kept beside it), and the
    default one beside it: an erasure or a discarded run reaches each, whatever CLOUT_LAKE the process that does it
    was given (an operator's shell need not have the Airflow workers' environment)."""
    roots = {Path(f"{warehouse}.lake")}
    with contextlib.suppress(FileNotFoundError):
        roots |= {Path(p) for p in json.loads(Path(f"{warehouse}.lakes").read_text())}
    return sorted(roots)


def _remember(warehouse: str | os.PathLike, root: Path) -> None:
    known = known_roots(warehouse)
    if root in known:
        return
    listed = Path(f"{warehouse}.lakes")
    listed.parent.mkdir(parents=True, exist_ok=True)
    tmp = listed.with_name(f"{listed.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_text(json.dumps(sorted(str(p) for p in [*known, root])))
    os.replace(tmp, listed)  # whole or not at all


def discard_runs(warehouse: str | os.PathLike, run_ids: Iterable[str]) -> int:
    """Remove the run partitions (candidate rows and score inputs) of runs whose warehouse rows were discarded (a
    rejected run and its shadow run, clout.publish), in every lake the warehouse wrote. Returns partitions removed."""
    tables = [*(f"candidate.{t}" for t in ("scores", "person_scores", "topic_scores")),
              *(f"score.{t}" for t in ("features", "previous_scores", "identity_links", "previous_person_scores",
                                       "post_topics", "post_reactions", "post_reactors"))]
    removed = 0
    for root in known_roots(warehouse):
        if not root.is_dir():
            continue
        recover(root)
        for run_id in run_ids:
            for rid in (run_id, f"{run_id}-shadow"):
                if _VALUE.match(rid):
                    removed += sum(remove_partition(root, table, {"run_id": rid}) for table in tables)
    return removed


def warehouse_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file of the warehouse the connection has open (None: in memory)."""
    (path,) = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0]
    return path or None


def active_lake(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The lake this connection's steps write, or None: the default engine writes none (nor a warehouse in memory
    without CLOUT_LAKE)."""
    if resolve_engine() != "spark":
        return None
    return lake_root(warehouse_path(con))


def table_dir(root: Path, table: str) -> Path:
    schema, name = table.split(".", 1)
    return root / schema / name


def partition_dir(root: Path, table: str, partition: Partition) -> Path:
    folder = table_dir(root, table)
    for column, value in partition.items():
        text = value.isoformat() if hasattr(value, "isoformat") else str(value)
        if not _VALUE.match(text):
            raise CloutError(f"lake: {table} partition {column}={text!r}: not a plain value")
        folder = folder / f"{column}={text}"
    return folder


def uri(path: Path) -> str:
    """A path as Spark reads it on any master: a file:// URL (a bare path would be the cluster's default file
    system, HDFS on YARN). Not percent-encoded: Hadoop reads `run_id%3D...` as those characters."""
    return f"file://{path.resolve().as_posix()}"


def duckdb_glob(root: Path, table: str, levels: int = 1) -> str:
    """What DuckDB's read_parquet reads for every partition of `table` (with hive_partitioning = true)."""
    return (table_dir(root, table) / "/".join(["*"] * levels) / "*.parquet").as_posix()


def partitions(root: Path, table: str) -> list[Path]:
    """The partition folders of a table with one partition level, in name order."""
    folder = table_dir(root, table)
    return sorted(p for p in folder.glob("*=*") if p.is_dir()) if folder.is_dir() else []


# ---- writing a partition atomically -------------------------------------------------------------------------


def write_partition(root: Path, table: str, partition: Partition, write: Callable[[Path], None]) -> Path:
    """Write one partition with `write(folder)` (it fills an empty, not yet existing folder with part-*.parquet)
    and swap it in; returns the partition's folder."""
    final = partition_dir(root, table, partition)
    recover(root)
    tmp = root / TMP / uuid.uuid4().hex
    tmp.parent.mkdir(parents=True, exist_ok=True)
    try:
        write(tmp)
        faults.point("lake:before_swap")
        _swap(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)  # a partial write never becomes a partition
        raise
    return final


def _swap(new: Path, final: Path) -> None:
    old = new.with_name(f"{new.name}.old")
    note = new.with_name(f"{new.name}.swap")
    note.write_text(json.dumps({"final": str(final), "old": str(old)}))
    final.parent.mkdir(parents=True, exist_ok=True)
    had_old = final.exists()
    if had_old:
        os.rename(final, old)
    faults.point("lake:between_renames")
    os.rename(new, final)
    note.unlink()
    if had_old:
        shutil.rmtree(old, ignore_errors=True)


def recover(root: Path) -> int:
    """What a crash left in `_tmp/`: a partition moved aside and not replaced goes back to its place; unfinished
    writes are deleted. Returns the partitions put back."""
    tmp = root / TMP
    if not tmp.is_dir():
        return 0
    restored = 0
    for note in tmp.glob("*.swap"):
        try:
            swap = json.loads(note.read_text())
            final, old = Path(swap["final"]), Path(swap["old"])
        except (OSError, ValueError, KeyError):
            note.unlink(missing_ok=True)
            continue
        if old.exists() and not final.exists():
            os.rename(old, final)
            restored += 1
        note.unlink(missing_ok=True)
    for leftover in tmp.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    return restored


def remove_partition(root: Path, table: str, partition: Partition) -> bool:
    """Delete a partition (moved into _tmp first, so a reader never sees it half deleted)."""
    final = partition_dir(root, table, partition)
    if not final.exists():
        return False
    gone = root / TMP / f"{uuid.uuid4().hex}.gone"
    gone.parent.mkdir(parents=True, exist_ok=True)
    os.rename(final, gone)
    shutil.rmtree(gone, ignore_errors=True)
    return True


# ---- the writers: DuckDB's COPY, a Polars frame, a Spark DataFrame ------------------------------------------


def write_rows(con: duckdb.DuckDBPyConnection, root: Path, table: str, partition: Partition,
               where: dict[str, Any] | None = None) -> Path:
    """A partition of a warehouse table, written by DuckDB's COPY: the rows matching `where` (default: the
    partition's own columns), every column but those the folder names (HUGEINT as DECIMAL(38, 0): Parquet has no
    128-bit integer, and DuckDB would write a lossy DOUBLE)."""
    where = partition if where is None else where
    columns = query(con, "lake/columns", schema=table.split(".")[0], table=table.split(".")[1]).fetchall()
    select = ", ".join(f'cast("{c}" as decimal(38, 0)) as "{c}"' if t == "HUGEINT" else f'"{c}"'
                       for c, t in columns if c not in partition)
    condition = " and ".join(f'"{c}" = ${c}' for c in where) or "true"

    def write(folder: Path) -> None:
        folder.mkdir()
        target = (folder / "part-0.parquet").as_posix().replace("'", "''")
        con.execute(f"copy (select {select} from {table} where {condition}) to '{target}' (format parquet)",
                    {c: v for c, v in where.items()})

    return write_partition(root, table, partition, write)


def write_frame(root: Path, table: str, partition: Partition, frame: Any) -> Path:
    """A partition from a Polars DataFrame the driver made (the feature frame, the score step's filtered inputs),
    in types Spark reads (no unsigned integers, as clout.core.engine.to_spark)."""
    import polars as pl

    wider = {pl.UInt8: pl.Int16, pl.UInt16: pl.Int32, pl.UInt32: pl.Int64, pl.UInt64: pl.Int64}
    frame = frame.with_columns(pl.col(c).cast(wider[t]) for c, t in frame.schema.items() if t in wider)

    def write(folder: Path) -> None:
        folder.mkdir()
        frame.write_parquet(folder / "part-0.parquet")

    return write_partition(root, table, partition, write)


def write_spark(root: Path, table: str, partition: Partition, frame: Any) -> Path:
    """A partition from a Spark DataFrame: written by Spark's executors (part-*.parquet, one per task), swapped in
    by the driver."""
    return write_partition(root, table, partition, lambda folder: frame.write.parquet(uri(folder)))


def read_spark(root: Path, table: str, partition: Partition) -> Any:
    """One partition as a Spark DataFrame, read by the executors where it is."""
    from clout.core.engine import spark_session

    return spark_session().read.parquet(uri(partition_dir(root, table, partition)))


def duckdb_source(path: Path) -> str:
    """A partition's files as a DuckDB table expression (its own columns: the folder's name is not one)."""
    return f"read_parquet('{(path / '*.parquet').as_posix().replace(chr(39), chr(39) * 2)}', hive_partitioning = false)"


# ---- each stage's night -------------------------------------------------------------------------------------


def write_files(con: duckdb.DuckDBPyConnection, root: Path, file_ids: Iterable[int] | None = None) -> int:
    """Raw: a partition per landed file (file_id=N) of each RAW table, for `file_ids` (None: every landed file the
    lake does not have yet). Returns the files written."""
    if file_ids is None:
        have = {p.name.split("=", 1)[1] for p in partitions(root, RAW[0])}
        file_ids = [f for (f,) in con.execute("select file_id from raw.files order by file_id").fetchall()
                    if str(f) not in have]
    written = 0
    for file_id in file_ids:
        for table in RAW[1:] + RAW[:1]:  # raw.files last: its partition says the file is whole in the lake
            write_rows(con, root, table, {"file_id": file_id})
        written += 1
    return written


def write_day(con: duckdb.DuckDBPyConnection, root: Path, tables: dict[str, str], day: Any) -> None:
    """Staging or marts: the day's partition of each table (`tables`: table -> its day column)."""
    for table, column in tables.items():
        write_rows(con, root, table, {column: day})


def write_state(con: duckdb.DuckDBPyConnection, root: Path, chain_id: int, night: Any) -> None:
    """The score state of one chain as of `night` (chain_id=<id>/night=<date>), then only the last
    KEEP_STATE_NIGHTS nights of the chain are kept."""
    for table in STATE:
        write_rows(con, root, table, {"chain_id": chain_id, "night": night}, where={"chain_id": chain_id})
    for table in STATE:
        folder = table_dir(root, table) / f"chain_id={chain_id}"
        nights = sorted(p.name for p in folder.glob("night=*")) if folder.is_dir() else []
        for old in nights[:-KEEP_STATE_NIGHTS]:
            remove_partition(root, table, {"chain_id": chain_id, "night": old.split("=", 1)[1]})


def prune_runs(root: Path, tables: Iterable[str], night: date, keep_days: int = KEEP_STATE_NIGHTS) -> int:
    """Delete the `run_id=` partitions of `tables` whose run is dated (its id's YYYYMMDD prefix, as
    clout.pipeline.new_run_id makes it) more than `keep_days` before `night`; other ids are kept. Returns the
    partitions deleted."""
    oldest = (night - timedelta(days=keep_days)).strftime("%Y%m%d")
    recover(root)  # a partition a crash set aside goes back first, or it could come back after its prune
    removed = 0
    for table in tables:
        for folder in partitions(root, table):
            run_id = folder.name.split("=", 1)[1]
            if _RUN_DATE.match(run_id) and run_id[:8] < oldest:
                removed += remove_partition(root, table, {"run_id": run_id})
    return removed
