"""What every command module shares: the Typer app, the consoles, the --warehouse and --wait options, tables."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.console import Console

from clout.core.errors import CloutError
from clout.core.warehouse import LOCK_WAIT_ENV

HELP = """Nightly influence scores in a DuckDB warehouse: land exports, run a night through the swing gate, review
what it held, query what it published. `clout COMMAND --help`: a command's options."""


def _flags_without_a_type() -> None:
    """Typer's rich help writes a flag's type (`--help <bool>`, `--json <bool>`) as if the flag took a value; its
    plain help leaves it out, and so does clout's."""
    from typer.core import TyperOption

    typed = TyperOption.display_type_rich

    def display_type_rich(self, ctx):
        return None if self.is_flag or self.count else typed(self, ctx)

    TyperOption.display_type_rich = display_type_rich


_flags_without_a_type()
app = typer.Typer(add_completion=False, no_args_is_help=True, help=HELP)
# Piped output (CI logs, `| less`) gets wide tables instead of rich's 80-column default.
console = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 200)

WarehouseOpt = typer.Option(None, "--warehouse", metavar="FILE", envvar="CLOUT_WAREHOUSE", help="DuckDB warehouse file")


EngineOpt = typer.Option(None, "--engine", metavar="duckdb|spark",
                         help="where the score step's transforms run: `duckdb` (the default: Polars transforms on the "
                         "DuckDB warehouse; `polars` is accepted for it) or `spark` (CLOUT_SPARK_MASTER, default "
                         "local[2]); default: CLOUT_ENGINE, else duckdb")


def use_engine(engine: str | None) -> str:
    """`--engine` for every step this command runs (clout/core/engine.py)."""
    from clout.core.engine import use_engine as use

    return use(engine)


WaitOpt = typer.Option(0, "--wait", metavar="SECONDS",
                       help="seconds to wait while another clout process writes the warehouse (default: fail at once)")


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


def out_problem(path: Path, folder: bool = False) -> str | None:
    """Why `--out PATH` cannot be written (a file, or with `folder` a folder made if missing), in one line naming
    the path and what to do; None when it can. Checked before the work, so a bad path costs nothing."""
    path = Path(path)
    if not folder and path.is_dir():
        return f"--out {path}: is a folder; give a file name, e.g. --out {path / ('result' + (path.suffix or '.csv'))}"
    if folder and path.exists() and not path.is_dir():
        return f"--out {path}: is a file, not a folder; choose a folder (it is created if missing)"
    start = path if folder else path.parent
    existing = next(p for p in (start, *start.parents) if p.exists())
    if not existing.is_dir():
        return f"--out {path}: {existing} is a file, not a folder; choose another --out"
    if not folder and existing != start:
        return f"--out {path}: the folder {start} does not exist; create it (mkdir -p {start}) or choose another --out"
    if not os.access(existing, os.W_OK | os.X_OK):
        return f"--out {path}: no permission to write in {existing}; choose another --out"
    return None


def check_out(path: Path | None, folder: bool = False) -> None:
    if path is not None and (problem := out_problem(path, folder)):
        raise CloutError(problem)


@contextmanager
def written(path: Path) -> Iterator[Path]:
    """A temporary file beside `path` to write to, renamed to `path` when the block succeeds and removed when it
    fails: `--out` is the whole result or untouched, never half-written. An OSError is one line naming `path`."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, path)
    except OSError as e:
        raise CloutError(f"--out {path}: cannot write it ({e.strerror or e}); nothing was written") from None
    finally:
        tmp.unlink(missing_ok=True)
