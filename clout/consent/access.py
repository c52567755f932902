"""Who may see what: the sandbox around `clout sql` (docs/security.md says it for users).

Two readers, one sandbox:
- the analyst reads the published snapshot catalog: it may read only the snapshot folder (its Parquet
  partitions), nothing else on disk;
- the operator (CLOUT_SQL_ALLOW_RAW=1 --full-warehouse) reads the warehouse file: it may read everything in
  the warehouse folder, nothing outside it.
Neither may write anywhere. Three layers, each enough for what it covers:
1. the database is opened read-only;
2. only plain queries run: each statement is parsed by DuckDB's own parser and its syntax tree must hold query
   nodes only (no COPY/DELETE/INSERT/UPDATE hidden in a CTE, no EXPLAIN ANALYZE of a write, no SET/ATTACH/...);
3. DuckDB's own file sandbox: external access off except the one folder, no extension installs or loads, no
   persistent secrets, the configuration locked so SQL cannot undo any of it.
Limits (timeout, memory, spill folder outside what is read) are in clout/consent/limits.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from clout.consent.limits import SqlLimits
from clout.core.errors import CloutError
from clout.core.settings import Settings, elsewhere_hint

ALLOW_RAW_ENV = "CLOUT_SQL_ALLOW_RAW"  # the same switch as clout/cli/commands/query.py
# Query nodes a read may contain (json_serialize_sql's names); COPY_QUERY_NODE, DELETE_QUERY_NODE,
# INSERT_QUERY_NODE, UPDATE_QUERY_NODE... (writes DuckDB accepts inside a WITH) are not among them.
QUERY_NODES = {"SELECT_NODE", "SET_OPERATION_NODE", "RECURSIVE_CTE_NODE", "CTE_NODE"}
WHAT_RUNS = "SELECT (or WITH/FROM/VALUES), DESCRIBE, SHOW, SUMMARIZE, or EXPLAIN [ANALYZE] of one of those"


def raw_allowed() -> bool:
    return os.environ.get(ALLOW_RAW_ENV) == "1"


# ---- layer 2: only plain queries ----------------------------------------------------------------------------


def check_reading(statement: str) -> None:
    """Refuse anything but one plain query, as DuckDB's parser reads it (never by matching text)."""
    parsed = _statements(statement)
    if len(parsed) != 1:
        raise CloutError(f"clout sql runs one statement at a time; got {len(parsed)}")
    kind = parsed[0].type.name
    if kind == "EXPLAIN":
        _check_query(_explained(parsed[0].query), "EXPLAIN")
    elif kind == "SELECT":
        _check_query(parsed[0].query, "SELECT")
    else:
        article = "an" if kind[:1] in "AEIOU" else "a"
        raise CloutError(f"clout sql is read-only: {article} {kind} statement is not allowed; it runs {WHAT_RUNS}")


def _statements(sql: str) -> list:
    try:
        return duckdb.extract_statements(sql)
    except duckdb.Error as e:
        raise CloutError(f"SQL error: {str(e).splitlines()[0]}") from None


def _explained(sql: str) -> str:
    """The statement an EXPLAIN [ANALYZE] wraps, cut at DuckDB's own token boundaries (comments skipped)."""
    tokens = duckdb.tokenize(sql)
    ends = [offset for offset, _ in tokens[1:]] + [len(sql)]
    words = [(start, sql[start:end].strip().upper())
             for (start, kind), end in zip(tokens, ends, strict=True) if kind != duckdb.token_type.comment]
    if not words or words[0][1] != "EXPLAIN":
        raise CloutError("clout sql cannot read this EXPLAIN; write EXPLAIN [ANALYZE] SELECT ...")
    skip = 2 if len(words) > 1 and words[1][1] in ("ANALYZE", "ANALYSE") else 1
    if len(words) <= skip:
        raise CloutError("EXPLAIN needs a query: EXPLAIN [ANALYZE] SELECT ...")
    return sql[words[skip][0]:]


def _check_query(sql: str, what: str) -> None:
    """The statement must be one SELECT whose syntax tree (DuckDB's json_serialize_sql) holds query nodes only."""
    parsed = _statements(sql)
    if len(parsed) != 1 or parsed[0].type.name != "SELECT":
        kinds = ", ".join(p.type.name for p in parsed) or "nothing"
        raise CloutError(f"clout sql is read-only: {what} of {kinds} is not allowed; it runs {WHAT_RUNS}")
    with duckdb.connect() as parser:  # in memory, no files: only its parser is used
        tree = json.loads(parser.execute("select json_serialize_sql(?::varchar)", [parsed[0].query]).fetchone()[0])
    if tree.get("error"):
        raise CloutError(f"clout sql cannot check this query ({tree.get('error_message')}); it runs {WHAT_RUNS}")
    for node in _query_nodes(tree):
        if node not in QUERY_NODES:
            name = node.removesuffix("_NODE").removesuffix("_QUERY")
            raise CloutError(f"clout sql is read-only: a {name} inside a query is not allowed; it runs {WHAT_RUNS}")


def _query_nodes(tree):
    """Every query node's type in a serialized statement (CTEs, subqueries, set operations: all of them)."""
    if isinstance(tree, dict):
        kind = tree.get("type")
        if isinstance(kind, str) and kind.endswith("_NODE"):
            yield kind
        for value in tree.values():
            yield from _query_nodes(value)
    elif isinstance(tree, list):
        for value in tree:
            yield from _query_nodes(value)


# ---- layers 1 and 3: read-only, one folder, locked ----------------------------------------------------------


def open_snapshot(settings: Settings, limits: SqlLimits | None = None) -> duckdb.DuckDBPyConnection:
    """The analyst's connection: the live catalog, read-only; reads only the snapshot folder's files."""
    if not settings.published_catalog.exists():
        raise CloutError(f"{settings.published_catalog}: nothing published yet; run `clout demo` or `clout run`"
                         + elsewhere_hint(settings.warehouse))
    folder = settings.snapshot_dir.resolve()
    limits = (limits or SqlLimits.from_env()).outside(folder)
    con = duckdb.connect(str(settings.published_catalog), read_only=True, config=_startup(limits, folder))
    # The views name partitions relative to the snapshot folder (a copied warehouse still works); DuckDB checks
    # a relative path as written and again once resolved, so each table's folder is allowed both ways.
    relative = [f"{p.name}/" for p in folder.iterdir() if p.is_dir()]
    return _lock(con, [f"{folder}{os.sep}", *relative])


def open_warehouse(settings: Settings, limits: SqlLimits | None = None) -> duckdb.DuckDBPyConnection:
    """The operator's connection: the warehouse file, read-only; reads only files in the warehouse folder."""
    from clout.core.warehouse import connect

    folder = settings.home.resolve()
    limits = (limits or SqlLimits.from_env()).outside(folder)
    con = connect(settings, read_only=True, config=_startup(limits, folder))
    return _lock(con, [f"{folder}{os.sep}"])


def sandbox_snapshot(con: duckdb.DuckDBPyConnection, settings: Settings) -> duckdb.DuckDBPyConnection:
    """Kept for callers that open the catalog themselves: prefer open_snapshot (it also sets the limits)."""
    folder = settings.snapshot_dir.resolve()
    con.execute(f"set file_search_path = {_literal(str(folder))}")
    return _lock(con, [f"{folder}{os.sep}", *(f"{p.name}/" for p in folder.iterdir() if p.is_dir())])


def _startup(limits: SqlLimits, folder: Path) -> dict:
    """Settings DuckDB takes only when a database starts (or that are simplest set before any SQL runs)."""
    return {
        "file_search_path": str(folder),
        "temp_directory": str(limits.spill_dir),
        "memory_limit": limits.memory_limit,
        "max_temp_directory_size": limits.max_spill,
        "autoinstall_known_extensions": False,
        "autoload_known_extensions": False,
        "allow_community_extensions": False,
        "allow_persistent_secrets": False,
    }


def _lock(con: duckdb.DuckDBPyConnection, readable: list[str]) -> duckdb.DuckDBPyConnection:
    """DuckDB's file sandbox: nothing outside `readable`, no network, and no SQL can change it afterwards."""
    con.execute(f"set allowed_directories = [{', '.join(_literal(d) for d in readable)}]")
    con.execute("set disabled_filesystems = 'HTTPFileSystem'")
    con.execute("set enable_external_access = false")
    con.execute("set lock_configuration = true")
    return con


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def analyst_connection(settings: Settings, statement: str, full_warehouse: bool = False) -> duckdb.DuckDBPyConnection:
    """A sandboxed connection for one analyst statement: the snapshot, or (if allowed) the warehouse."""
    check_reading(statement)
    if full_warehouse:
        if not raw_allowed():
            raise CloutError(
                "--full-warehouse reads raw and quarantined records (people's own data); it is off for analysts. "
                f"An operator can allow it with {ALLOW_RAW_ENV}=1; published tables need no flag")
        return open_warehouse(settings)
    return open_snapshot(settings)
