"""The DuckDB warehouse: connections, versioned migrations, and SQL files from `sql/`.

SQL lives in `sql/`; Python only names the file and binds `$parameters`. A file may hold several
statements separated by `;` at the end of a line: they run in order on the same connection.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from functools import cache

import duckdb

from clout.core.errors import CloutError
from clout.core.locks import hold_writer, lock_holder, warehouse_lock
from clout.core.published_tables import PUBLISHED_TABLES
from clout.core.resources import SQL_DIR
from clout.core.settings import Settings, elsewhere_hint

# What every writable connection runs first (clout.recovery.after_crash: consent and runs sit above this module,
# so clout/__init__.py hands it in when any clout module is imported).
AFTER_CRASH: list[Callable[[duckdb.DuckDBPyConnection, Settings], None]] = []

MIGRATIONS_DIR = SQL_DIR / "migrations"
LOCK_WAIT_ENV = "CLOUT_LOCK_WAIT"  # seconds a writer waits for another's lock (`--wait`); 0: fail at once
LOCK_POLL_S = 0.5
_MIGRATION_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


@cache
def sql_text(name: str) -> str:
    """The text of `sql/<name>.sql`."""
    return (SQL_DIR / f"{name}.sql").read_text(encoding="utf-8")


def statements(text: str) -> list[str]:
    """Split a SQL file into statements (on `;` ending a line) and drop comment-only pieces."""
    parts = re.split(r";\s*(?:\n|$)", text)
    out = []
    for part in parts:
        code = "\n".join(line for line in part.splitlines() if not line.strip().startswith("--"))
        if code.strip():
            out.append(part.strip())
    return out


def bound_statements(name: str, identifiers: dict[str, str] | None, params: dict) -> list[tuple[str, dict]]:
    """Each statement of `sql/<name>.sql` with the `$params` it uses; `identifiers` fills `{placeholders}` for
    table names, which SQL parameters cannot bind (they come from clout's own constants, never from user input)."""
    text = sql_text(name).format(**identifiers) if identifiers else sql_text(name)
    return [(stmt, {p: params[p] for p in set(_PARAM.findall(stmt)) if p in params}) for stmt in statements(text)]


def run_sql(
    con: duckdb.DuckDBPyConnection, name: str, identifiers: dict[str, str] | None = None, **params
) -> duckdb.DuckDBPyConnection:
    """Run every statement of `sql/<name>.sql`, binding only the `$params` each statement uses (`identifiers`: see
    bound_statements)."""
    result = con
    for stmt, used in bound_statements(name, identifiers, params):
        result = con.execute(stmt, used) if used else con.execute(stmt)
    return result


def query(con: duckdb.DuckDBPyConnection, name: str, identifiers: dict[str, str] | None = None, **params
          ) -> duckdb.DuckDBPyRelation:
    """A one-statement SQL file as a DuckDB relation (`.pl()`, `.to_arrow_table()`, `.fetchall()`); `identifiers`
    as for run_sql."""
    ((stmt, used),) = bound_statements(name, identifiers, params)
    return con.sql(stmt, params=used or None)


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """Rows of a relation as dicts with Python values (dates stay `datetime.date`)."""
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def connect(settings: Settings, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection also brings the schema up to date. `config`: DuckDB start-up
    settings (the sandbox of `clout sql --full-warehouse`)."""
    if read_only and not settings.warehouse.exists():
        raise CloutError(f"{settings.warehouse}: no warehouse yet; run `clout run --date ...` or `clout demo` first"
                         + elsewhere_hint(settings.warehouse))
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    wait = float(os.environ.get(LOCK_WAIT_ENV) or 0)
    if not read_only:  # queue behind another command's whole session, not only its open connection
        hold_writer(settings, wait)
    deadline = time.monotonic() + wait
    told = False
    while True:
        try:
            with warehouse_lock(settings, create=not read_only):  # never while `clout compact` swaps the file
                con = duckdb.connect(str(settings.warehouse), read_only=read_only, config=config or {})
            break
        except duckdb.IOException as e:
            if "lock" not in str(e).lower():
                raise CloutError(f"{settings.warehouse}: cannot open the warehouse: {e}") from None
            if time.monotonic() >= deadline:
                raise CloutError(
                    f"{settings.warehouse}: another process is writing the warehouse{lock_holder(str(e))}; wait for it "
                    "(`--wait SECONDS` waits here), or query the published snapshot with `clout sql` (the default)"
                ) from None
            if not told:  # one line, on stderr: stdout may be a pipe someone parses
                print(f"waiting for the warehouse: another clout process is writing it ({LOCK_WAIT_ENV}="
                      f"{os.environ.get(LOCK_WAIT_ENV)} s at most)", file=sys.stderr, flush=True)
                told = True
            time.sleep(LOCK_POLL_S)
    if not read_only:
        migrate(con)
        # views are code, not history: always the current definitions (the published tables first: the analyst's
        # views read them)
        for table in PUBLISHED_TABLES:
            run_sql(con, "published/live_table", {"table": table})
        run_sql(con, "published/views")
        try:
            for after_crash in AFTER_CRASH:  # a killed process's opt-out is finished, its run marked abandoned
                after_crash(con, settings)
        except BaseException:
            con.close()
            raise
    return con


def migrate(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply `sql/migrations/NNNN_*.sql` in order, each exactly once, each in its own transaction."""
    con.execute("create schema if not exists meta")
    con.execute(
        "create table if not exists meta.schema_migrations ("
        " version integer primary key, name varchar not null, applied_at timestamp not null default now())"
    )
    done = {row[0] for row in con.execute("select version from meta.schema_migrations").fetchall()}
    applied = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if not match:
            raise CloutError(f"{path}: migration files must be named NNNN_name.sql")
        version = int(match.group(1))
        if version in done:
            continue
        with transaction(con):
            for stmt in statements(path.read_text(encoding="utf-8")):
                con.execute(stmt)
            con.execute("insert into meta.schema_migrations (version, name) values (?, ?)", [version, path.name])
        applied.append(path.name)
    return applied


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All or nothing: commit on success, roll back on any exception."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        with suppress(duckdb.Error):  # a failed commit (full disk) ends the transaction itself: the first error counts
            con.execute("rollback")
        raise
    try:
        con.execute("commit")
    except BaseException:
        with suppress(duckdb.Error):
            con.execute("rollback")
        raise


def release_memory(con: duckdb.DuckDBPyConnection) -> None:
    """Hand back the memory DuckDB holds but no longer needs, and leave the connection at the default memory limit:
    its buffer pool keeps every block it read, and what dropped tables held, until its limit (80% of the machine)
    presses. A limit of a few MB for a moment evicts the cached blocks (they are on disk) and frees the rest. At 10M
    accounts the score state left GBs there through the model and the candidate rows, where a night peaks
    (docs/state.md). A database in memory keeps its tables: the limit is set and reset, nothing else happens."""
    try:
        with suppress(duckdb.Error):  # what cannot be evicted stays: releasing is never worth failing a night for
            con.execute("set memory_limit = '32MB'")
    finally:
        con.execute("reset memory_limit")


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table) -> Iterator[None]:
    """`table` (Arrow or Polars) visible to SQL as `name` inside the block.

    DuckDB keeps what was registered until the transaction ends, even after `unregister`: a file landed in many
    blocks kept every block's Arrow table, so memory grew with the file. What is
    registered here is a small holder that DuckDB scans through the Arrow stream interface and that is emptied on
    the way out, so only the block in hand stays in memory."""
    holder = _ArrowHolder(table.to_arrow() if hasattr(table, "to_arrow") else table)
    con.register(name, holder)
    try:
        yield
    finally:
        holder.table = None
        # After an error the transaction refuses every statement, unregister too (its rollback drops the name):
        # the error that matters is the one on its way out.
        with suppress(duckdb.TransactionException):
            con.unregister(name)


class _ArrowHolder:
    def __init__(self, table) -> None:
        self.table = table

    def __arrow_c_stream__(self, requested_schema=None):
        return self.table.__arrow_c_stream__(requested_schema)
