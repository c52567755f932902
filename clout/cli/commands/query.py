"""`clout sql`: ad-hoc, read-only SQL for analysts, one statement or an interactive prompt.

By default it reads the published snapshot (clout/core/snapshot.py), never the warehouse file itself, so it
works while a nightly run or a backfill writes, and it sees one whole published night or the next.
"""

from __future__ import annotations

import csv
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import typer

from clout.cli import sql_prompt as prompt
from clout.cli.common import WarehouseOpt, app, check_out, console, written
from clout.consent.access import check_reading, open_snapshot, open_warehouse
from clout.consent.limits import MEMORY_ENV, SPILL_ENV, TIMEOUT_ENV, SqlLimits, run_limited
from clout.core.errors import CloutError
from clout.core.settings import load_settings

FORMATS = ("table", "csv", "json", "parquet")
ALLOW_RAW_ENV = "CLOUT_SQL_ALLOW_RAW"


@app.command()
def sql(
    statement: str = typer.Argument(None, help="one SQL statement; omit it for an interactive prompt"),
    file: Path | None = typer.Option(None, "--file", "-f", help="run the statement in this file (e.g. sql/adhoc/)"),
    fmt: str | None = typer.Option(None, "--format", help="table | csv | json | parquet (default: from --out's "
                                   "extension, else table)"),
    out: Path | None = typer.Option(None, "--out", help="write the result to this file (required for parquet)"),
    columns: str | None = typer.Option(None, "--columns", help="show (or write) only these columns (a,b,c)"),
    view: str = typer.Option("auto", "--view", help="table format: auto (a table when it fits the terminal, "
                             "else one record per block), table or records"),
    max_rows: int = typer.Option(1000, "--max-rows", metavar="N",
                                 help="table format on the screen: show at most N rows (0: all)"),
    warehouse: Path | None = WarehouseOpt,
    full_warehouse: bool = typer.Option(
        False, "--full-warehouse",
        help=f"query the whole warehouse (raw, staging, quarantine) read-only; needs {ALLOW_RAW_ENV}=1 and "
        "fails while a job is writing",
    ),
    timeout: float | None = typer.Option(
        None, "--timeout", help=f"stop a statement after this many seconds (default 300; env {TIMEOUT_ENV})"),
    memory_limit: str | None = typer.Option(
        None, "--memory-limit", help=f"DuckDB memory cap, e.g. 2GB (default 4GB; env {MEMORY_ENV})"),
    temp_dir: Path | None = typer.Option(
        None, "--temp-dir", help=f"where a big query spills, outside the warehouse (default: a fresh system temp "
        f"folder; env {SPILL_ENV})"),
) -> None:
    """Run read-only SQL against the published snapshot: `clout sql "select ..."`, or no argument for a prompt."""
    fmt = fmt or _format_of(out)
    if fmt not in FORMATS:
        raise CloutError(f"unknown --format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "parquet" and out is None:
        raise CloutError("--format parquet writes a file: add --out FILE.parquet")
    check_out(out)  # before the query: a wrong path costs nothing
    if file is not None:
        if statement is not None:
            raise CloutError("give a statement or --file, not both")
        try:
            statement = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CloutError(f"{file}: no such file") from None
        except UnicodeDecodeError as e:
            raise CloutError(f"{file}: not UTF-8 text (byte {e.start}); save the query as UTF-8") from None
        except OSError as e:
            raise CloutError(f"{file}: cannot read it ({e.strerror or e})") from None
    limits = SqlLimits.from_env(timeout, memory_limit, temp_dir)
    con, limits = _open(load_settings(warehouse), full_warehouse, limits)
    shape = Shape(columns, view, max_rows)
    command = prompt.command(statement) if statement is not None else None
    try:
        if statement is None:
            _prompt(con, limits, shape)
        elif command not in (None, "exit"):  # `clout sql .tables`: the prompt's commands too
            prompt.run_command(command, con, lambda stmt: _emit(_execute(con, stmt, limits, max_rows=max_rows),
                                                                 "table", None, shape))
        elif fmt == "parquet":
            _write_parquet(con, statement, out, limits, columns)
        else:
            on_screen = fmt == "table" and out is None
            _emit(_execute(con, statement, limits, max_rows=shape.max_rows if on_screen else None), fmt, out, shape)
    finally:
        con.close()


def _format_of(out: Path | None) -> str:
    """--out's extension decides when --format is not given: a `.parquet` file is Parquet, not a text table."""
    suffix = out.suffix.lower().lstrip(".") if out is not None else ""
    return suffix if suffix in ("csv", "json", "parquet") else "table"


def _open(settings, full_warehouse: bool, limits: SqlLimits) -> tuple[duckdb.DuckDBPyConnection, SqlLimits]:
    """The sandboxed connection, and the limits with their spill folder settled (outside what it reads)."""
    if not full_warehouse:
        limits = limits.outside(settings.snapshot_dir.resolve())
        return open_snapshot(settings, limits), limits
    if os.environ.get(ALLOW_RAW_ENV) != "1":
        raise CloutError(
            f"--full-warehouse exposes raw payloads and quarantined records; an operator enables it with "
            f"{ALLOW_RAW_ENV}=1. Analysts query the published views without it."
        )
    limits = limits.outside(settings.home.resolve())
    return open_warehouse(settings, limits), limits  # read-only, and reads nothing outside the warehouse folder


def _execute(con: duckdb.DuckDBPyConnection, statement: str, limits: SqlLimits, arrow: bool = False,
             max_rows: int | None = None):
    """Run one plain query within the limits: (columns, rows), or an Arrow table; None if it returns nothing.
    `max_rows`: fetch at most one row more than this (a result DuckDB streams is never held whole)."""
    statement = prompt.rewrite(statement)  # `show tables`: the published views, not the catalog's empty main
    check_reading(statement)  # one plain query, as DuckDB parses it: no COPY, ATTACH, SET or writes, even nested

    def work():
        if arrow:  # a relation, not a DB-API result: Arrow without an extra copy of the rows (and DuckDB's warning)
            rel = con.sql(statement)
            return None if rel is None else rel.to_arrow_table()
        result = con.execute(statement)
        if result.description is None:
            return None
        if not max_rows:
            return [d[0] for d in result.description], result.fetchall()
        rows = result.fetchmany(max_rows + 1)
        con.abort()  # the rest of a streamed result is never fetched
        return [d[0] for d in result.description], rows

    try:
        return run_limited(con, limits, work)
    except duckdb.Error as e:
        raise CloutError(f"SQL error: {prompt.hint(_first_lines(str(e)))}") from None


def _first_lines(message: str) -> str:
    """DuckDB's error line, with its suggestion when it has one (`Did you mean "current_scores"?`, `Candidate
    bindings: "account_id"`); not the echo of the statement under it."""
    lines = message.splitlines()
    suggestion = [line for line in lines[1:3] if line.startswith(("Did you mean", "Candidate bindings"))]
    return " ".join(lines[:1] + suggestion)


def _write_parquet(con: duckdb.DuckDBPyConnection, statement: str, out: Path, limits: SqlLimits,
                   columns: str | None = None) -> None:
    import pyarrow.parquet as pq

    from clout.cli.output import pick_columns

    table = _execute(con, statement, limits, arrow=True)
    if table is None:
        raise CloutError("--format parquet needs a statement that returns rows")
    if columns:
        table = table.select(pick_columns(table.column_names, columns))
    with written(out) as tmp:
        pq.write_table(table, tmp)
    console.print(f"wrote {table.num_rows:,} rows to {out}")


@dataclass(frozen=True)
class Shape:
    """How a table-format result is drawn: which columns, table, records or whichever fits, and how many rows at
    most (a result of millions drawn on a terminal held them all in memory and printed nothing for minutes)."""

    columns: str | None = None
    view: str = "auto"
    max_rows: int = 1000


def _emit(result: tuple | None, fmt: str, out: Path | None, shape: Shape = Shape()) -> None:
    if result is None:
        return
    from clout.cli.output import pick_columns, show

    columns, rows = result
    if shape.columns:  # every format: a CSV of the columns asked for, not of all of them
        shown = pick_columns(columns, shape.columns)
        index = [columns.index(c) for c in shown]
        columns, rows = shown, [tuple(r[i] for i in index) for r in rows]
    if fmt == "table" and out is None:
        more = shape.max_rows and len(rows) > shape.max_rows
        rows = rows[:shape.max_rows] if more else rows
        show(console, columns, rows, view=shape.view, count=not more)
        if more:
            console.print(f"the first {shape.max_rows:,} rows; there are more. Add a LIMIT or an aggregate, raise "
                          "--max-rows, or write them all: --format csv|json|parquet --out FILE", highlight=False)
        return
    if out is None:
        with _stdout() as f:
            _write_rows(f, fmt, columns, rows)
        return
    with written(out) as tmp, tmp.open("w", newline="", encoding="utf-8") as f:  # closed, then renamed to `out`
        _write_rows(f, fmt, columns, rows)
    console.print(f"wrote {len(rows):,} rows to {out}", highlight=False)


def _write_rows(f, fmt: str, columns: list[str], rows: list[tuple]) -> None:
    if fmt == "csv":
        writer = csv.writer(f, lineterminator="\n")  # not csv's CRLF: shell tools read lines
        writer.writerow(columns)
        writer.writerows(rows)
    elif fmt == "json":
        f.write(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=1) + "\n")
    else:  # a table into the file, not onto the terminal
        from rich.console import Console

        from clout.cli.output import show

        show(Console(file=f, width=200), columns, rows, count=True)


class _stdout:
    """`sys.stdout` as a context manager that does not close it."""

    def __enter__(self):
        return sys.stdout

    def __exit__(self, *exc):
        sys.stdout.flush()


def _prompt(con: duckdb.DuckDBPyConnection, limits: SqlLimits, shape: Shape = Shape()) -> None:
    """A small REPL: statements end with `;`; `help`, `.tables`, `\\d [view]` and `exit` / `quit` (with or without
    `;`, at the start of a statement) are commands; errors do not end it. Fed by a pipe or a file (a script), a
    last statement without `;` still runs at the end, and a statement that failed makes it exit 1."""
    console.print(prompt.BANNER, highlight=False, markup=False)
    failed = 0

    def run(statement: str, command: str | None = None) -> None:
        nonlocal failed
        try:
            if command is None:
                _emit(_execute(con, statement, limits, max_rows=shape.max_rows), "table", None, shape)
            else:
                prompt.run_command(command, con, run)
        except CloutError as e:
            failed += 1
            console.print(f"[red]error:[/red] {e}", highlight=False)

    buffer: list[str] = []
    while True:
        try:
            line = input("clout> " if not buffer else "   ... ")
        except EOFError:
            if buffer and "".join(buffer).strip():  # the script's last statement, its `;` left out
                run("\n".join(buffer))
            break
        command = prompt.command(line)
        if command == "exit":  # also inside an unfinished statement, which is dropped: never part of the SQL
            break
        command = None if buffer else command
        if command is not None:
            run(line, command)
            continue
        buffer.append(line)
        if line.rstrip().endswith(";"):
            statement, buffer = "\n".join(buffer), []
            run(statement)
    if failed and not sys.stdin.isatty():
        raise CloutError(f"{failed} statement{'s' * (failed > 1)} failed (above)")


@app.command(hidden=True)  # for clout's developers: the docs are written from the checkout
def docs() -> None:
    """Regenerate docs/published_views.md (run from the checkout's root) from data_contracts/published_views.yaml."""
    from clout.serve import docs as published_docs

    changed = published_docs.write()
    console.print(f"{published_docs.DOC_PATH} {'written' if changed else 'already up to date'}")
