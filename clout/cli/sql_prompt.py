"""The `clout sql` prompt's own commands and the hints on its errors (the prompt loop: clout/cli/commands/query.py).

Commands, typed at the start of a statement, with or without `;`: `exit` / `quit` (also `.quit`, `\\q`), `help`
(`\\?`), `.tables` / `\\d` / `show tables` (the views and tables one can query), `\\d NAME` (its columns).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import duckdb

BANNER = ("clout sql: read-only published views; end statements with ;  "
          "(`help`, `.tables`, `\\d VIEW`, `exit`)")
HELP = """Statements end with `;` and may span lines. One reading statement at a time (SELECT, EXPLAIN, DESCRIBE).
Commands (no `;` needed):
  .tables  \\d  show tables     the views and tables you can query
  \\d VIEW  describe VIEW       the columns of one view
  help  \\?                     this text
  exit  quit  \\q               leave (Ctrl-D too)
Try:
  select * from published.current_scores order by score desc limit 10;
  select logical_date, count(*) from published.scores group by 1 order by 1;
Starting points: sql/adhoc/*.sql (`clout sql --file ...`); every view's columns: docs/published_views.md"""

TABLES_SQL = """select schema_name || '.' || view_name as name, 'view' as kind
from duckdb_views()
where not internal and schema_name not in ('information_schema', 'pg_catalog')
union all
select schema_name || '.' || table_name, 'table'
from duckdb_tables()
where schema_name not in ('information_schema', 'pg_catalog')
order by kind desc, name"""

_EXIT = {"exit", "quit", ".quit", ".exit", "\\q", "\\quit"}
_HELP = {"help", "\\?", ".help", "\\h", "?"}
_TABLES = {".tables", "\\d", "\\dt", "\\dv", "show tables"}
_SHOW_TABLES = re.compile(r"^\s*show\s+tables\s*;?\s*$", re.IGNORECASE)
_DESCRIBE = re.compile(r"^(?:\\d|\.schema)\s+([\w.\"]+)$", re.IGNORECASE)
_NO_SUCH_TABLE = re.compile(r"(?:Table|View|Schema) with name \S+ does not exist", re.IGNORECASE)
# DuckDB suggests the nearest name in its whole catalog, its own system views too ("Did you mean "pg_enum"?")
_SYSTEM_SUGGESTION = re.compile(r'\s*Did you mean "(?:pg_|duckdb_|sqlite_|information_schema)[^"]*"\?')
_NOT_PUBLISHED = re.compile(r"(?:schema|table) (?:with name )?\"?(raw|staging|quarantine|marts|candidate)\b",
                            re.IGNORECASE)


def command(line: str) -> str | None:
    """The prompt command a line is (`exit`, `help`, `tables`, `describe NAME`), or None for SQL."""
    text = line.strip().rstrip(";").strip()
    low = text.lower()
    if low in _EXIT:
        return "exit"
    if low in _HELP:
        return "help"
    if low in _TABLES:
        return "tables"
    match = _DESCRIBE.match(text)
    return f"describe {match.group(1)}" if match else None


def run_command(name: str, con: duckdb.DuckDBPyConnection, run: Callable[[str], None]) -> None:
    """`run(statement)` executes and prints a statement as the prompt does."""
    from clout.cli.common import console

    if name == "help":
        console.print(HELP, highlight=False, markup=False)
    elif name == "tables":
        run(TABLES_SQL)
    elif name.startswith("describe "):
        run(f"describe {name.split(' ', 1)[1]}")


def rewrite(statement: str) -> str:
    """`show tables` lists what can be queried (the snapshot's `main` schema, which it shows, is empty)."""
    return TABLES_SQL if _SHOW_TABLES.match(statement) else statement


def hint(message: str) -> str:
    """A DuckDB error with what to do about it, where clout knows."""
    if _NOT_PUBLISHED.search(message):
        return (message + " (`clout sql` reads the published snapshot: `show tables` lists its views. raw, staging "
                "and quarantine are in the warehouse: an operator reads them with `clout sql --full-warehouse`, "
                "allowed by CLOUT_SQL_ALLOW_RAW=1)")
    if "read-only" in message.lower() or "disabled by configuration" in message:
        return message + " (clout sql only reads, and only the published snapshot: see docs/security.md)"
    if _NO_SUCH_TABLE.search(message):
        return (_SYSTEM_SUGGESTION.sub("", message)
                + " (`show tables` lists the views you can query; `describe VIEW` its columns)")
    return message
