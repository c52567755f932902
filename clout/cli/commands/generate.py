"""`clout generate`: write realistic, seeded social exports (with their ground truth) for tests and benchmarks."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import typer

from clout.cli.common import app, check_out, console
from clout.core.errors import CloutError


@app.command()
def generate(
    out: Path = typer.Option(..., "--out", help="folder to write the exports into"),
    people: int = typer.Option(1000, help="number of people"),
    days: int = typer.Option(7, help="number of days"),
    seed: int = typer.Option(42, help="random seed: the same seed writes the same data"),
    start: str = typer.Option("2024-01-01", help="first day, YYYY-MM-DD"),
) -> None:
    """Write Twitter v2, Mastodon, generic likes and identity-link exports for N people over D days.

    `ground_truth.json` beside the data says who is a bot, who is in an engagement ring and who bought engagement.
    Land the folder with `clout land OUT`.
    """
    from clout.core.dates import parse_date
    from clout.land.generator import GeneratorParams
    from clout.land.generator import generate as run

    parse_date(start)
    check_out(out, folder=True)
    params = GeneratorParams(people=people, days=days, seed=seed, start=datetime.strptime(start, "%Y-%m-%d").date())
    try:
        summary = run(out, params)
    except OSError as e:  # a full disk, a file in the way: one line, not a traceback
        raise CloutError(f"--out {out}: cannot write the exports ({e.strerror or e}: {e.filename}); what was "
                         "written there is incomplete: remove it, fix the cause and generate again") from None
    console.print(f"{out}: {summary.line()}; ground truth in {out / 'ground_truth.json'}", highlight=False)
    console.print(next_commands(out, params), highlight=False, markup=False, soft_wrap=True)


def next_commands(out: Path, params) -> str:
    """How to try the generated data: in a warehouse of its own. Landed beside another history (the demo's), its
    first night would be judged against that history's last night and held as a collapse in volume."""
    home = out.parent / f"{out.name}-warehouse" / "clout.duckdb"  # beside the exports: `land OUT` takes folders
    first, last = params.start, params.start + timedelta(days=params.days - 1)
    return (
        "Try it in a warehouse of its own (the default one keeps your other history apart):\n"
        f"  clout land {out} --warehouse {home}\n"
        f"  clout run --date {first} --warehouse {home}      # then each day in order, up to {last}\n"
        f"  clout runs --warehouse {home}\n"
        f"  clout sql \"select * from published.current_scores order by score desc limit 10\" --warehouse {home}"
    )
