"""What every command module shares: the Typer app, the consoles, the --warehouse and --wait options, tables."""

from __future__ import annotations

import os
import sys

import typer
from rich.console import Console

from clout.core.warehouse import LOCK_WAIT_ENV

HELP = """`clout`: the command line. Every command calls the same stage entry points as the Airflow DAGs.

The pipeline is imported inside the commands that run it, so quick commands (`clout sql`) start fast.
"""

app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
# Piped output (CI logs, `| less`) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

WarehouseOpt = typer.Option(None, "--warehouse", envvar="CLOUT_WAREHOUSE", help="DuckDB warehouse file")


EngineOpt = typer.Option(None, "--engine", help="where the score step's transforms run: duckdb (default: Polars) or "
                         "spark (CLOUT_SPARK_MASTER, default local[2]); default: CLOUT_ENGINE, else duckdb")


def use_engine(engine: str | None) -> str:
    """`--engine` for every step this command runs (clout/core/engine.py)."""
    from clout.core.engine import use_engine as use

    return use(engine)


WaitOpt = typer.Option(0, "--wait", help="seconds to wait while another clout process writes the warehouse "
                       "(default: fail at once)")


def wait_for_lock(seconds: float) -> None:
    """Every connection this process opens waits up to `seconds` for another writer's lock (clout.core.warehouse)."""
    if seconds:
        os.environ[LOCK_WAIT_ENV] = str(seconds)


def print_table(columns: list[str], rows: list[tuple], title: str | None = None, count: bool = False,
                wrap: tuple[str, ...] = ()) -> None:
    """A table when it fits the terminal, else one record per block (clout/cli/output.py); `wrap`: columns whose
    cells may wrap on their spaces inside the table."""
    from clout.cli.output import show

    show(console, columns, rows, title, count=count, wrap=wrap)
