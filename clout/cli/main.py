"""`clout`: the command line. Every command calls the same stage entry points as the Airflow DAGs.

The pipeline is imported inside the commands that run it, so quick commands (`clout sql`) start fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from typer.exceptions import TyperException

from clout.cli.common import (
    EngineOpt,
    WaitOpt,
    WarehouseOpt,
    app,
    console,
    err,
    print_table,
    use_engine,
    wait_for_lock,
)
from clout.consent.access import open_snapshot
from clout.core.dates import parse_date
from clout.core.errors import CloutError, Stopped, note_stop, stopped_by
from clout.core.locks import writer_session
from clout.core.resources import HIGGS_FILE
from clout.core.settings import load_settings
from clout.core.warehouse import connect, query


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            typer.echo(f"clout {version('clout')}")
        except PackageNotFoundError:  # run from a checkout that was never installed
            typer.echo("clout (not installed: no version)")
        raise typer.Exit()


@app.callback()
def _options(_: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                    help="print clout's version and exit")) -> None:
    pass


@app.command()
def land(
    paths: list[Path],
    network: str = typer.Option("twitter", help="network of generic interaction rows that do not name one"),
    map_: str = typer.Option(None, "--map", help="generic tables: field=column by name (actor=src,target=dst,"
                             "time=ts) or, without a header line, by position from 1 (actor=1,target=2,time=4)"),
    account: str = typer.Option(None, help="owner of a Facebook/LinkedIn/Mastodon export that does not name one"),
    kind: str = typer.Option(None, help="generic tables: the kind of every row (mention, reply, repost, quote, "
                             "like, follow) when the file has no kind column, e.g. a SNAP edge list `src dst time`"),
    quarantine_limit: float = typer.Option(0.01, help="a file with a larger share of bad records lands nothing"),
    wait: float = WaitOpt,
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Land export files or folders (format detected per file; files already landed are skipped).

    Prints a reconcile line (records read = staged + duplicates + quarantined, + notices for a stream capture's
    deletions and rate limits) for each file named and for each file of a folder that needs attention (skipped,
    records quarantined, new fields), then a line of totals.
    """
    from clout.land.formats import LandOptions
    from clout.land.formats.generic import ColumnMap

    wait_for_lock(wait)
    options = LandOptions(network, ColumnMap.parse(map_), account, quarantine_limit, _kind(kind))
    _land_printed(load_settings(warehouse), paths, options)


def _land_printed(settings, paths: list[Path], options=None) -> None:
    from clout import pipeline
    from clout.land.land import check_all_landed, summary

    with _landing() as progress:
        results = pipeline.land_files(settings, paths, options=options, progress=progress)
    if len(results) != 1 or not results[0].named:  # one file named: its own line says it all; none: say so
        console.print(summary(results), highlight=False, soft_wrap=True)
    check_all_landed(results)


def _kind(value: str | None) -> str | None:
    from clout.land.canonical_interactions import KIND_SPELLINGS

    if value is None:
        return None
    if value not in KIND_SPELLINGS:
        kinds = sorted({k for k in KIND_SPELLINGS.values()})
        raise CloutError(f"--kind {value!r}: not an interaction kind; use one of {', '.join(kinds)}")
    return value


class _PrintedLanding:
    """A landing's progress on the console (a clout.land.LandProgress): the reconcile line of each file named, and
    of each file of a folder that needs attention, as soon as it lands (a folder of hundreds of clean exports is
    its totals line), under a live line with the file in hand and the count of files (terminals only)."""

    def __init__(self, bar: Progress) -> None:
        self.bar, self.task = bar, bar.add_task("landing", total=None)

    def starting(self, path: Path, done: int, total: int) -> None:
        self.bar.update(self.task, description=f"landing {path.name}", completed=done, total=total)

    def landed(self, result) -> None:
        if result.named or result.needs_attention:
            self.bar.console.print(result.line(), highlight=False, soft_wrap=True)


@contextmanager
def _landing() -> Iterator[_PrintedLanding]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True, disable=not console.is_terminal) as bar:
        yield _PrintedLanding(bar)


@app.command()
def run(
    date_: str = typer.Option(..., "--date", metavar="YYYY-MM-DD", help="logical date"),
    algorithm: str | None = typer.Option(
        None, metavar="VERSION", help="algorithm version (transforms/algorithms/<version>.yaml); default: the one most "
        "of the last 14 published nights used (v3 in a new warehouse)"),
    input_: list[Path] = typer.Option([], "--input", metavar="FILE",
                                      help="land this file first (repeat --input for each file)"),
    engine: str | None = EngineOpt,
    wait: float = WaitOpt,
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Run the nightly job for one logical date: land, stage, aggregate, score, audit, publish."""
    use_engine(engine)
    wait_for_lock(wait)
    settings = load_settings(warehouse)
    if input_:
        _land_printed(settings, input_)
    _run_night(settings, parse_date(date_), algorithm)


def _run_night(settings, logical_date: date, algorithm: str | None):
    from clout import pipeline
    from clout.progress import steps

    with steps(console, str(logical_date)) as on_step:
        s = pipeline.run_night(settings, logical_date, algorithm, on_step=on_step)
    console.print(
        # the algorithm is named: without --algorithm it is the live one, which a promoted backfill may have changed
        f"{s.logical_date}: run {s.run_id} ({s.algorithm_version}) {s.status} (gate {s.outcome}): "
        f"{s.rows_staged:,} interactions staged, {s.rows_scored:,} accounts scored in {s.seconds:.1f} s"
        # a warning is published: say where its reason is (an unusual, data-driven swing: docs/gate.md)
        + (f"; the warning: `clout review {s.run_id}`" if s.outcome == "WARN" else ""), highlight=False
    )
    return s


@app.command()
def demo(warehouse: Path | None = WarehouseOpt, top: int = 10, engine: str | None = EngineOpt) -> None:
    """Land the bundled Higgs week and run 2012-07-01..07 in order; print each night's top accounts."""
    use_engine(engine)
    settings = load_settings(warehouse)
    from clout import pipeline

    with _landing() as progress:
        pipeline.land_files(settings, [HIGGS_FILE], progress=progress)
    first = date(2012, 7, 1)
    for day in (first + timedelta(days=i) for i in range(7)):
        _run_night(settings, day, None)  # the live algorithm: v3 in a new warehouse
    show_week(settings, first, top, warehouse)


def show_week(settings, first: date, top: int, warehouse: Path | None) -> None:
    """The demo's ending: each night's top accounts, then what to try next."""
    with connect(settings) as con:
        for day in (first + timedelta(days=i) for i in range(7)):
            rel = query(con, "serve/top_accounts", logical_date=day, limit=top)
            columns, rows = rel.columns, rel.fetchall()  # a relation's columns cannot be read once `con` is closed
            print_table(columns, rows, title=f"Top {top} on {day}")
    from clout.core.settings import default_warehouse

    # `make demo` keeps the warehouse where `clout` finds it without options in the checkout: no --warehouse then
    where = "" if settings.warehouse == default_warehouse().resolve() else f" --warehouse {settings.warehouse}"
    console.print(
        f"\nRun reports (one per night, open in a browser): {settings.reports_dir}\nNext:\n"
        f"  clout runs{where}                  # the seven runs and the gate's outcome\n"
        f"  clout explain {rows[0][columns.index('account_id')] if rows else 'ACCOUNT'} --date {day}{where}"
        "   # one account's score, its parts and its change\n"
        f"  clout sql{where}                   # a SQL prompt on the published views (`help`, `.tables`)",
        highlight=False, markup=False, soft_wrap=True)


RUNS_COLUMNS = ("run_id", "logical_date", "algorithm_version", "status", "live", "outcome", "approved_by",
                "attribution", "data_driven_move", "algorithm_driven_move", "data_driven_moved_10",
                "algorithm_driven_moved_10", "rows_staged", "rows_scored", "seconds",
                "message")  # sql/meta/recent_runs.sql
RUNS_COMPACT = ("run_id", "logical_date", "algorithm_version", "status", "outcome", "seconds")
ColumnsOpt = typer.Option(None, "--columns", help="columns to show, comma-separated, or `all`")


@app.command()
def runs(
    limit: int = 20, as_json: bool = typer.Option(False, "--json"), columns: str | None = ColumnsOpt,
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Recent runs, runs in progress first: run id, logical date, algorithm, status (live: the published night;
    replaced: published, then replaced by another run of its night), outcome (`HOLD, approved`: a held run approved,
    or a night of a held backfill promoted), seconds; `--columns all` adds who approved it, the gate's attribution,
    row counts and the message."""
    from clout.cli.output import pick_columns
    from clout.progress import running_runs

    settings = load_settings(warehouse)
    try:
        con = open_snapshot(settings) if settings.published_catalog.exists() else connect(settings, read_only=True)
        rel = query(con, "meta/recent_runs", limit=limit)
        names, done = rel.columns, rel.fetchall()
    except CloutError:
        if not running_runs(settings, ["run_id"]):
            raise
        names, done = list(RUNS_COLUMNS), []  # the first night is still writing: nothing to read yet but it
    # a marker left by a run that has ended (abandoned, failed) is stale: meta.runs has the last word
    ended = {r[0] for r in done if r[names.index("status")] != "running"}
    running = [r for r in running_runs(settings, names) if r[0] not in ended]
    ids = {r[0] for r in running}
    rows = running + [r for r in done if r[0] not in ids]
    if as_json:
        typer.echo(json.dumps([dict(zip(names, r, strict=True)) for r in rows], default=str, indent=1))
        return
    shown = pick_columns(names, columns, RUNS_COMPACT)
    # a live night reads "live" in the compact view, so the table needs no column of its own for it; a published
    # run that another run of its night replaced (a rerun, a promoted backfill) reads "replaced", not "published"
    status = [_compact_status(r[names.index("status")], r[names.index("live")]) for r in rows]
    # a held run published anyway reads "HOLD, approved": live (or replaced) and HOLD alone did not say it
    outcome = [_compact_outcome(r[names.index("outcome")], r[names.index("approved_by")]) for r in rows]
    compact = {"status": (status, "live"), "outcome": (outcome, "approved_by")}
    table = [tuple(compact[c][0][i] if c in compact and compact[c][1] not in shown else r[names.index(c)]
                   for c in shown) for i, r in enumerate(rows)]
    headers = list(shown)
    if columns is None:  # the compact view fits 80 columns: a shorter header, statuses in words that wrap
        headers = [RUNS_COMPACT_HEADERS.get(c, c) for c in shown]
        table = [tuple(_in_words(v) if c == "status" else v for c, v in zip(shown, r, strict=True)) for r in table]
    print_table(headers, table, title="Recent runs (--columns all: every column; --json)",
                wrap=("status", "outcome"))


RUNS_COMPACT_HEADERS = {"algorithm_version": "algorithm"}


def _compact_status(status: str | None, live: bool | None) -> str | None:
    if live:
        return "live"
    return "replaced" if status == "published" else status


def _compact_outcome(outcome: str | None, approved_by: str | None) -> str | None:
    return f"{outcome}, approved" if approved_by else outcome


def _in_words(status: str | None) -> str | None:
    """`rolled_back` as `rolled back`: a status the table can wrap on its space."""
    return status.replace("_", " ") if status else status


def _register_command_modules() -> None:
    """Import every module in clout/cli/commands so its `@app.command()`s join the CLI."""
    import importlib
    import pkgutil

    import clout.cli.commands

    for mod in pkgutil.iter_modules(clout.cli.commands.__path__):
        importlib.import_module(f"clout.cli.commands.{mod.name}")


def _stop_on_signals(stops: list[KeyboardInterrupt]) -> dict:
    """SIGTERM (Airflow's timeout, an operator's `kill`) stops the command as Ctrl-C does: the step's transaction
    rolls back, the run is marked failed, its locks are released. Each interruption is kept in `stops`: Typer turns
    it into a bare exit code, and its notes (the run, what next) are what the user needs. Only in the CLI's process:
    an Airflow worker calling clout/dag_tasks.py keeps Airflow's own handler. Returns the handlers it replaced."""
    import signal
    import threading

    note_stop(None)  # a new command: nothing stopped it yet (clout_here runs several in one process)
    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        return {}

    def stop(signum, frame) -> None:
        if signum == signal.SIGTERM:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process, even mid-cleanup
        stops.append(Stopped("SIGTERM") if signum == signal.SIGTERM else KeyboardInterrupt())
        note_stop(stopped_by(stops[-1]))  # for the error a DuckDB statement it interrupts ends with
        raise stops[-1]

    return {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}


def _interrupted(e: KeyboardInterrupt, ended: BaseException | None = None) -> None:
    """One line for Ctrl-C or SIGTERM: what the interrupted work said about itself (its run, what next: notes on
    `ended`, the error the command ended with, when a DuckDB statement ended it with its own), and the shell's code
    for the signal."""
    notes = getattr(ended, "__notes__", None) or getattr(e, "__notes__", None)
    err.print(f"[red]error:[/red] {escape(notes[-1] if notes else f'stopped by {stopped_by(e)}')}", highlight=False,
              soft_wrap=True)
    sys.exit(143 if isinstance(e, Stopped) else 130)


def main() -> None:
    """Entry point: user errors are one line on stderr and exit code 1, never a traceback."""
    import signal

    _register_command_modules()
    stops: list[KeyboardInterrupt] = []
    replaced = _stop_on_signals(stops)
    try:
        # one writer from the command's first writable connection to its end (a night's steps open several)
        with writer_session():
            # bare `clout` is a request for help, not a usage error (click exits 2 for no_args_is_help)
            code = app(args=sys.argv[1:] or ["--help"], standalone_mode=False)
        if stops and code == 130:  # Typer's code for an interruption it caught: `stops` has what it was
            _interrupted(stops[-1])
    except CloutError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)  # one line, however long
        sys.exit(1)
    except typer.Abort:  # Ctrl-C at a prompt
        sys.exit(130)
    except TyperException as e:  # a usage error (unknown option, missing value): one line, as clout's own errors
        message = e.format_message() if hasattr(e, "format_message") else str(e)
        ctx = getattr(e, "ctx", None)
        where = f" (`{ctx.command_path} --help`)" if ctx is not None else ""
        err.print(f"[red]error:[/red] {message}{where}", highlight=False, soft_wrap=True)
        sys.exit(getattr(e, "exit_code", 2))
    except Exception as e:
        if stops:  # the signal reached a DuckDB statement, which ended with its own error ("Query interrupted")
            _interrupted(stops[-1], e)
        raise
    finally:
        for sig, handler in replaced.items():  # `clout_here` runs main() inside the test process
            signal.signal(sig, handler)
