"""Who may see what: the analyst's ad-hoc SQL role.

`clout sql` opens the published snapshot catalog read-only and sandboxed: it may read only the snapshot's own
Parquet partitions (no ATTACH of the warehouse, no read_csv of other files), the setting is locked, and
only reading statements run. The whole warehouse (raw, quarantine, staging...) is refused unless the
operator allows it with CLOUT_SQL_ALLOW_RAW=1; even then the connection is read-only.
"""

from __future__ import annotations

import os

import duckdb

from clout.core.errors import CloutError
from clout.core.settings import Settings

ALLOW_RAW_ENV = "CLOUT_SQL_ALLOW_RAW"  # the same switch as clout/cli/commands/query.py
READING = {"SELECT", "EXPLAIN", "PRAGMA"}


def raw_allowed() -> bool:
    return os.environ.get(ALLOW_RAW_ENV) == "1"


def check_reading(statement: str) -> None:
    """Refuse anything but one reading statement (no COPY ... TO, no ATTACH, no SET, no writes)."""
    try:
        parsed = duckdb.extract_statements(statement)
    except duckdb.Error as e:
        raise CloutError(f"SQL error: {str(e).splitlines()[0]}") from None
    if len(parsed) != 1:
        raise CloutError(f"clout sql runs one statement; got {len(parsed)}")
    kind = parsed[0].type.name
    if kind not in READING:
        raise CloutError(f"clout sql is read-only: a {kind} statement is not allowed; use SELECT")


def sandbox_snapshot(con: duckdb.DuckDBPyConnection, settings: Settings) -> duckdb.DuckDBPyConnection:
    """Lock a connection to the published catalog so it can read only the snapshot's own Parquet files:
    no ATTACH of the warehouse file, no read_csv/read_json of raw deliveries, and the settings cannot be undone."""
    folder = str(settings.snapshot_dir.resolve()).replace("'", "''") + os.sep
    con.execute(f"set allowed_directories = ['{folder}']")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def analyst_connection(settings: Settings, statement: str, full_warehouse: bool = False) -> duckdb.DuckDBPyConnection:
    """A read-only connection for one analyst statement: the sandboxed snapshot, or (if allowed) the warehouse."""
    check_reading(statement)
    if full_warehouse:
        if not raw_allowed():
            raise CloutError(
                "--full-warehouse reads raw and quarantined records (people's own data); it is off for analysts. "
                f"An operator can allow it with {ALLOW_RAW_ENV}=1; published tables need no flag")
        from clout.core.warehouse import connect

        return connect(settings, read_only=True)
    if not settings.published_catalog.exists():
        raise CloutError(f"{settings.published_catalog}: nothing published yet; run `clout demo` or `clout run`")
    return sandbox_snapshot(duckdb.connect(str(settings.published_catalog), read_only=True), settings)
