"""What every command module shares: the Typer app, the consoles, the --warehouse option, table printing."""

from __future__ import annotations

import sys

import typer
from rich.console import Console
from rich.table import Table

HELP = """`clout`: the command line. Every command calls the same stage entry points as the Airflow DAGs.

The pipeline is imported inside the commands that run it, so quick commands (`clout sql`) start fast.
"""

app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
# Piped output (CI logs, `| less`) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

WarehouseOpt = typer.Option(None, "--warehouse", envvar="CLOUT_WAREHOUSE", help="DuckDB warehouse file")


def print_table(columns: list[str], rows: list[tuple], title: str | None = None) -> None:
    table = Table(title=title, show_lines=False)
    for c in columns:
        table.add_column(c)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    console.print(table)
