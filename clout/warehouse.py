"""The DuckDB warehouse: connections, versioned migrations, and SQL files from `sql/`.

SQL lives in `sql/`; Python only names the file and binds `$parameters`. A file may hold several
statements separated by `;` at the end of a line: they run in order on the same connection.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from functools import cache

import duckdb

from clout.errors import CloutError
from clout.settings import SQL_DIR, Settings

MIGRATIONS_DIR = SQL_DIR / "migrations"
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


def run_sql(
    con: duckdb.DuckDBPyConnection, name: str, identifiers: dict[str, str] | None = None, **params
) -> duckdb.DuckDBPyConnection:
    """Run every statement of `sql/<name>.sql`, binding only the `$params` each statement uses.

    `identifiers` fills `{placeholders}` for table names, which SQL parameters cannot bind; they come
    from clout's own constants, never from user input.
    """
    result = con
    text = sql_text(name).format(**identifiers) if identifiers else sql_text(name)
    for stmt in statements(text):
        used = {p: params[p] for p in set(_PARAM.findall(stmt)) if p in params}
        result = con.execute(stmt, used) if used else con.execute(stmt)
    return result


def query(con: duckdb.DuckDBPyConnection, name: str, identifiers: dict[str, str] | None = None, **params
          ) -> duckdb.DuckDBPyRelation:
    """A one-statement SQL file as a DuckDB relation (`.pl()`, `.to_arrow_table()`, `.fetchall()`); `identifiers`
    as for run_sql."""
    text = sql_text(name).format(**identifiers) if identifiers else sql_text(name)
    (stmt,) = statements(text)
    used = {p: params[p] for p in set(_PARAM.findall(stmt)) if p in params}
    return con.sql(stmt, params=used or None)


def records(rel: duckdb.DuckDBPyRelation) -> list[dict]:
    """Rows of a relation as dicts with Python values (dates stay `datetime.date`)."""
    return [dict(zip(rel.columns, row, strict=True)) for row in rel.fetchall()]


def connect(settings: Settings, read_only: bool = False, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse; a writable connection also brings the schema up to date. `config`: DuckDB start-up
    settings (the sandbox of `clout sql --full-warehouse`)."""
    if read_only and not settings.warehouse.exists():
        raise CloutError(f"{settings.warehouse}: no warehouse yet; run `clout run --date ...` or `clout demo` first")
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(settings.warehouse), read_only=read_only, config=config or {})
    except duckdb.IOException as e:
        if "lock" in str(e).lower():
            raise CloutError(
                f"{settings.warehouse}: another clout process is writing the warehouse; wait for it, "
                "or query the published snapshot with `clout sql` (the default)"
            ) from None
        raise CloutError(f"{settings.warehouse}: cannot open the warehouse: {e}") from None
    if not read_only:
        migrate(con)
        run_sql(con, "published/views")  # views are code, not history: always the current definitions
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
        con.execute("rollback")
        raise
    con.execute("commit")


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
