"""The published snapshot: what ad-hoc readers open, so they never wait for (or block) the writer.

DuckDB allows one writer process per file, so readers do not open the warehouse. After each publish,
every live night of each published table is written once as an immutable Parquet partition
(`published/<table>/logical_date=<d>/<run_id>.parquet`, read from the warehouse's view of the live runs' candidate
rows: clout.core.published_tables), and a small catalog DuckDB file gets views over exactly the live partitions
plus copies of the small run tables. A publish writes only the new night's partition. The symlink `published.duckdb`
is then switched to the new catalog with an atomic rename: a reader sees the old night or the new one.

Paths inside the snapshot are relative, so a copied or moved warehouse still works: the views name partitions
relative to the snapshot folder (a reader sets DuckDB's `file_search_path` to it: `open_catalog`, or clout sql's
sandbox), and the symlink points at `published/catalog-....duckdb` relative to itself.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import duckdb

from clout.core.published_tables import PUBLISHED_TABLES
from clout.core.settings import Settings
from clout.core.warehouse import query, run_sql

# Published tables partitioned by logical date, and small tables copied whole into each catalog.
PARTITIONED = tuple(f"published.{t}" for t in PUBLISHED_TABLES)
COPIED = ("published.nights", "meta.runs", "meta.publish_log", "meta.gate_outcomes")
KEEP_CATALOGS = 5


def _partition(settings: Settings, table: str, logical_date, run_id: str) -> Path:
    name = table.split(".", 1)[1]
    return settings.snapshot_dir / name / f"logical_date={logical_date}" / f"{run_id}.parquet"


def _write_partitions(con: duckdb.DuckDBPyConnection, settings: Settings, table: str) -> list[Path]:
    paths = []
    for logical_date, run_id in con.execute("select logical_date, run_id from published.nights order by 1").fetchall():
        path = _partition(settings, table, logical_date, run_id)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            con.execute(
                f"copy (select * from {table} where logical_date = ?) to '{tmp}' (format parquet)", [logical_date]
            )
            os.replace(tmp, path)
        paths.append(path)
    return paths


def refresh_snapshot(con: duckdb.DuckDBPyConnection, settings: Settings) -> Path:
    """Write missing partitions, build a new catalog, and switch readers to it atomically."""
    settings.snapshot_dir.mkdir(parents=True, exist_ok=True)
    catalog = settings.snapshot_dir / f"catalog-{uuid.uuid4().hex[:12]}.duckdb"
    with duckdb.connect(str(catalog), config={"file_search_path": str(settings.snapshot_dir)}) as cat:
        for schema in {t.split(".")[0] for t in PARTITIONED + COPIED}:
            cat.execute(f"create schema if not exists {schema}")
        for table in PARTITIONED:
            files = [p.relative_to(settings.snapshot_dir).as_posix() for p in _write_partitions(con, settings, table)]
            if files:
                cat.execute(f"create view {table} as select * from read_parquet({files!r})")
            else:
                cat.register("empty", con.sql(f"select * from {table} limit 0").to_arrow_table())
                cat.execute(f"create table {table} as select * from empty")
                cat.unregister("empty")
        for table in COPIED:
            cat.register("src", con.sql(f"select * from {table}").to_arrow_table())
            cat.execute(f"create table {table} as select * from src")
            cat.unregister("src")
        run_sql(cat, "published/views")
    _switch_symlink(settings.published_catalog, catalog)
    _prune_catalogs(settings, keep=catalog)
    return catalog


def open_catalog(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The live catalog read-only, for clout's own code and tests (analysts get the sandboxed one: consent.access).
    Another DuckDB client does the same with `SET file_search_path = '<warehouse folder>/published'`."""
    return duckdb.connect(str(settings.published_catalog), read_only=True,
                          config={"file_search_path": str(settings.snapshot_dir)})


def snapshot_publish_id(settings: Settings) -> int | None:
    """The newest publish log entry the live catalog knows (None: no catalog, or an empty log)."""
    if not settings.published_catalog.exists():
        return None
    with duckdb.connect(str(settings.published_catalog), read_only=True) as cat:
        return cat.execute("select max(publish_id) from meta.publish_log").fetchall()[0][0]


def refresh_if_stale(con: duckdb.DuckDBPyConnection, settings: Settings) -> bool:
    """Rebuild the snapshot if it lags the warehouse (a crash between a publish's commit and its snapshot)."""
    (latest,) = query(con, "publish/last_publish_id").fetchall()[0]
    try:
        current = snapshot_publish_id(settings)
    except duckdb.Error:
        current = None  # an unreadable or outdated catalog is rebuilt
    if latest is None or latest == current:
        return False
    refresh_snapshot(con, settings)
    return True


def _switch_symlink(link: Path, target: Path) -> None:
    tmp = link.with_name(f".{link.name}.{uuid.uuid4().hex[:8]}")
    tmp.symlink_to(os.path.relpath(target, link.parent))  # relative: the warehouse folder can be copied or moved
    os.replace(tmp, link)  # atomic on POSIX: readers resolve either the old or the new catalog


def _prune_catalogs(settings: Settings, keep: Path) -> None:
    """Old catalogs are removed after a while; a reader that still has one open keeps its file handle."""
    catalogs = sorted(settings.snapshot_dir.glob("catalog-*.duckdb"), key=lambda p: p.stat().st_mtime)
    for old in catalogs[:-KEEP_CATALOGS]:
        if old != keep:
            old.unlink(missing_ok=True)
            Path(f"{old}.wal").unlink(missing_ok=True)


# ---- after an erasure: the same partitions, without the erased rows ----------------------------------------


def rewrite_partitions(con: duckdb.DuckDBPyConnection, settings: Settings, tables: list[str]) -> int:
    """Write every live partition of `tables` again from the (erased) warehouse, each swapped in under its own
    name by an atomic rename: the live catalog's views stay valid at every moment, and running it again after a
    crash writes the same files. Returns the number of partitions written."""
    written = 0
    for table in (t for t in PARTITIONED if t in tables):
        for logical_date, run_id in con.execute("select logical_date, run_id from published.nights order by 1"
                                                ).fetchall():
            path = _partition(settings, table, logical_date, run_id)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            con.execute(f"copy (select * from {table} where logical_date = ?) to '{tmp}' (format parquet)",
                        [logical_date])
            os.replace(tmp, path)
            written += 1
    return written


def remove_stale_partitions(con: duckdb.DuckDBPyConnection, settings: Settings) -> int:
    """Delete partition files of nights no longer live (a rerun, a rollback) and leftovers of a killed write: an
    erasure rewrites only live partitions, so the others would keep the erased rows. A later rollback writes the
    night it needs again from the warehouse."""
    nights = con.execute("select logical_date, run_id from published.nights").fetchall()
    live = {_partition(settings, t, d, r) for t in PARTITIONED for d, r in nights}
    removed = 0
    for table in PARTITIONED:
        folder = settings.snapshot_dir / table.split(".", 1)[1]
        for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
            if path.is_file() and path not in live:
                path.unlink()
                removed += 1
    return removed


def drop_old_catalogs(settings: Settings, live: Path) -> None:
    """Remove every catalog but the live one (an old catalog holds copies of run tables from before an erasure)."""
    for old in settings.snapshot_dir.glob("catalog-*.duckdb*"):
        if old.name not in (live.name, f"{live.name}.wal"):
            old.unlink(missing_ok=True)
