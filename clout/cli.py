"""`clout`: the command line. Every command calls the same stage entry points as the Airflow DAGs.

The pipeline is imported inside the commands that run it, so quick commands (`clout sql`) start fast.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import typer
from rich.console import Console
from rich.progress import MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.exceptions import TyperException

from clout.errors import CloutError
from clout.settings import HIGGS_FILE, load_settings
from clout.warehouse import connect, query

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
# Piped output (CI logs, `| less`) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

WarehouseOpt = typer.Option(None, "--warehouse", envvar="CLOUT_WAREHOUSE", help="DuckDB warehouse file")


def parse_date(value: str) -> date:
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise CloutError(f"{value!r} is not a date; use YYYY-MM-DD, e.g. 2012-07-04") from None


RUNS_JSON_ONLY = ("data_driven_moved_10", "algorithm_driven_moved_10", "rows_staged")


def print_table(columns: list[str], rows: list[tuple], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)


@app.command()
def land(
    paths: list[Path],
    network: str = typer.Option("twitter", help="network of generic interaction rows that do not name one"),
    map_: str = typer.Option(None, "--map", help="generic tables: field=column, e.g. actor=src,target=dst,time=ts"),
    account: str = typer.Option(None, help="owner of a Facebook/LinkedIn/Mastodon export that does not name one"),
    quarantine_limit: float = typer.Option(0.01, help="a file with a larger share of bad records lands nothing"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Land export files or folders (format detected per file; files already landed are skipped).

    Prints one reconcile line per file: records read = staged + duplicates + quarantined.
    """
    from clout.formats import LandOptions
    from clout.formats.generic import ColumnMap

    options = LandOptions(network, ColumnMap.parse(map_), account, quarantine_limit)
    from clout import pipeline

    with _landing() as progress:
        pipeline.land_files(load_settings(warehouse), paths, options=options, progress=progress)


class _PrintedLanding:
    """A landing's progress on the console (a clout.stages.land.LandProgress): each file's reconcile line as soon as
    it lands, under a live line with the file in hand and the count of files (terminals only)."""

    def __init__(self, bar: Progress) -> None:
        self.bar, self.task = bar, bar.add_task("landing", total=None)

    def starting(self, path: Path, done: int, total: int) -> None:
        self.bar.update(self.task, description=f"landing {path.name}", completed=done, total=total)

    def landed(self, result) -> None:
        self.bar.console.print(result.line(), highlight=False, soft_wrap=True)


@contextmanager
def _landing() -> Iterator[_PrintedLanding]:
    columns = (SpinnerColumn(), TextColumn("{task.description}"), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        yield _PrintedLanding(bar)


@app.command()
def run(
    date_: str = typer.Option(..., "--date", help="logical date YYYY-MM-DD"),
    algorithm: str = typer.Option("v1", help="algorithm version (transforms/algorithms/<version>.yaml)"),
    input_: list[Path] = typer.Option([], "--input", help="land these files first"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Run the nightly job for one logical date: land, stage, aggregate, score, audit, publish."""
    settings = load_settings(warehouse)
    from clout import pipeline

    with _landing() as progress:
        pipeline.land_files(settings, input_, progress=progress)
    _run_night(settings, parse_date(date_), algorithm)


def _run_night(settings, logical_date: date, algorithm: str):
    from clout import pipeline

    with console.status(f"{logical_date}: starting") as status:
        s = pipeline.run_night(
            settings, logical_date, algorithm, on_step=lambda step: status.update(f"{logical_date}: {step}")
        )
    console.print(
        f"{s.logical_date}: run {s.run_id} {s.status} (gate {s.outcome}): "
        f"{s.rows_staged:,} interactions staged, {s.rows_scored:,} accounts scored in {s.seconds:.1f} s"
    )
    return s


@app.command()
def demo(warehouse: Path | None = WarehouseOpt, top: int = 10) -> None:
    """Land the bundled Higgs week and run 2012-07-01..07 in order; print each night's top accounts."""
    settings = load_settings(warehouse)
    from clout import pipeline

    with _landing() as progress:
        pipeline.land_files(settings, [HIGGS_FILE], progress=progress)
    first = date(2012, 7, 1)
    for day in (first + timedelta(days=i) for i in range(7)):
        _run_night(settings, day, "v1")
    with connect(settings) as con:
        for day in (first + timedelta(days=i) for i in range(7)):
            rel = query(con, "serve/top_accounts", logical_date=day, limit=top)
            print_table(rel.columns, rel.fetchall(), title=f"Top {top} on {day}")


def _open_snapshot(settings, limits=None) -> duckdb.DuckDBPyConnection:
    from clout.consent.access import open_snapshot  # read-only, sandboxed to the snapshot's own files

    return open_snapshot(settings, limits)


@app.command()
def runs(
    limit: int = 20, as_json: bool = typer.Option(False, "--json"), warehouse: Path | None = WarehouseOpt
) -> None:
    """Recent runs: run id, logical date, algorithm version, outcome, row counts, seconds."""
    settings = load_settings(warehouse)
    con = _open_snapshot(settings) if settings.published_catalog.exists() else connect(settings, read_only=True)
    rel = query(con, "meta/recent_runs", limit=limit)
    columns, rows = rel.columns, rel.fetchall()
    if as_json:
        typer.echo(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=1))
        return
    # The table keeps what fits a terminal, run ids whole (they are what `clout review` / `approve` take);
    # --json has every column and the full message.
    shown = [c for c in columns if c not in RUNS_JSON_ONLY]
    table = Table(title="Recent runs (--json for every column)")
    for c in shown:
        table.add_column(c, no_wrap=c in ("run_id", "logical_date", "message"), overflow="ellipsis",
                         max_width=48 if c == "message" else None)
    for row in rows:
        values = dict(zip(columns, row, strict=True))
        table.add_row(*("" if values[c] is None else str(values[c]).splitlines()[0] for c in shown))
    console.print(table)


def _register_command_modules() -> None:
    """Import every module in clout/commands so its `@app.command()`s join the CLI."""
    import importlib
    import pkgutil

    import clout.commands

    for mod in pkgutil.iter_modules(clout.commands.__path__):
        importlib.import_module(f"clout.commands.{mod.name}")


def main() -> None:
    """Entry point: user errors are one line on stderr and exit code 1, never a traceback."""
    _register_command_modules()
    try:
        app(standalone_mode=False)
    except CloutError as e:
        err.print(f"[red]error:[/red] {e}", highlight=False, soft_wrap=True)  # one line, however long
        sys.exit(1)
    except typer.Abort:  # Ctrl-C at a prompt
        sys.exit(130)
    except TyperException as e:  # a usage error (unknown option, missing value): typer's own short message
        if hasattr(e, "show"):
            e.show()
        else:
            err.print(f"[red]error:[/red] {e}", highlight=False)
        sys.exit(getattr(e, "exit_code", 2))
