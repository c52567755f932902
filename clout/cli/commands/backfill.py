"""`clout backfill`: recompute a date range with another algorithm, gate it, promote it all at once."""

from __future__ import annotations

import time
from pathlib import Path

import typer

from clout.cli.common import EngineOpt, WarehouseOpt, app, console, print_table, use_engine
from clout.core.dates import parse_date
from clout.core.errors import CloutError
from clout.core.settings import load_settings

backfill_app = typer.Typer(
    help="Recompute a date range with an algorithm beside the published history; gate, then promote or reject.",
    invoke_without_command=True, no_args_is_help=False,
)
app.add_typer(backfill_app, name="backfill")


@backfill_app.callback()
def backfill(
    ctx: typer.Context,
    date_from: str = typer.Option(None, "--from", metavar="YYYY-MM-DD", help="first logical date"),
    date_to: str = typer.Option(None, "--to", metavar="YYYY-MM-DD", help="last logical date (inclusive)"),
    algorithm: str = typer.Option(None, help="algorithm version to recompute with, e.g. v2"),
    promote_if_passed: bool = typer.Option(False, "--promote", help="promote right away unless the gate holds"),
    new: bool = typer.Option(False, "--new", help="a new backfill, even if this range and algorithm were "
                             "backfilled before (promoted, rolled back or rejected)"),
    engine: str | None = EngineOpt,
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """`clout backfill --from D1 --to D2 --algorithm vN`: score and gate the range; publishes nothing.

    Rerunning the same command resumes an interrupted backfill without recomputing finished nights; once it was
    promoted, rolled back or rejected, it says so and does nothing (`--new`: backfill the range again).
    """
    if ctx.invoked_subcommand is not None:
        return
    if not (date_from and date_to and algorithm):
        raise CloutError("clout backfill needs --from YYYY-MM-DD --to YYYY-MM-DD --algorithm VERSION")
    use_engine(engine)
    from clout import backfill as bf

    settings = load_settings(warehouse)
    first, last = parse_date(date_from), parse_date(date_to)
    backfill_id = bf.start_or_resume(settings, first, last, algorithm, new)
    total = (last - first).days + 1
    console.print(f"backfill {backfill_id}: {first} .. {last} ({total} nights) with {algorithm}; "
                  "rerun the same command to resume if it stops", highlight=False)
    started = time.perf_counter()

    def progress(night) -> None:  # one line per night: a long backfill shows where it is, in a log too
        console.print(f"  {night}: scoring and gating (night {(night - first).days + 1} of {total}, "
                      f"{time.perf_counter() - started:.0f} s so far)", highlight=False)

    bf.score_nights(settings, backfill_id, on_night=progress)
    result = bf.gate(settings, backfill_id)
    for line in result.lines():
        console.print(line, highlight=False, soft_wrap=True)
    if result.outcome == "HOLD":
        raise CloutError(
            f"backfill {result.backfill_id} HELD: the algorithm alone moves scores past the tolerance for an "
            f"algorithm change (above); nothing was published. Read {result.report_path} or `clout backfill review "
            f"{result.backfill_id}`, then `clout backfill promote {result.backfill_id} --reason \"...\"` "
            f"or `clout backfill reject {result.backfill_id} --reason \"...\"`"
        )
    if promote_if_passed:
        _promote(settings, result.backfill_id, None)
    else:
        console.print(f"nothing published yet: `clout backfill promote {result.backfill_id}` publishes every night")


def _promote(settings, backfill_id: str, reason: str | None) -> None:
    from clout import backfill as bf

    n = bf.promote(settings, backfill_id, reason)
    console.print(f"backfill {backfill_id}: {n} nights published in one transaction")


@backfill_app.command("promote")
def promote_cmd(
    backfill_id: str,
    reason: str = typer.Option(None, help="required when the gate held the backfill: this is the approval"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Publish every night of a gated backfill at once (all or none)."""
    _promote(load_settings(warehouse), backfill_id, reason)


@backfill_app.command("list")
def list_cmd(warehouse: Path | None = WarehouseOpt) -> None:
    """Every backfill, newest first: its id, range, algorithm, status and outcome, who promoted or rejected it."""
    from clout import backfill as bf

    rows = bf.backfills(load_settings(warehouse))
    if not rows:
        console.print("no backfill yet: `clout backfill --from ... --to ... --algorithm ...` starts one")
        return
    columns = ["backfill_id", "date_from", "date_to", "algorithm_version", "status", "outcome", "started_at", "actor",
               "reason"]
    print_table(columns, [tuple(r[c] for c in columns) for r in rows], title="Backfills (newest first)")


@backfill_app.command("review")
def review_cmd(backfill_id: str,
               movers: int = typer.Option(20, "--movers", help="how many of the accounts the algorithm moved most"),
               warehouse: Path | None = WarehouseOpt) -> None:
    """A gated backfill: range figures, each night, why it was held, the accounts the algorithm moved most."""
    from clout import backfill as bf

    result = bf.review(load_settings(warehouse), backfill_id)
    for line in result.lines(movers=movers):
        console.print(line, highlight=False, soft_wrap=True)
    if result.status in ("held", "gated"):
        approval = " --reason \"...\"" if result.status == "held" else ""
        console.print(f"next: `clout backfill promote {backfill_id}{approval}` publishes every night; "
                      f"`clout backfill reject {backfill_id} --reason \"...\"` discards it",
                      highlight=False, soft_wrap=True)
    elif result.status in ("running", "failed"):
        console.print(f"next: `{result.resume}` resumes it (finished nights are not scored again)",
                      highlight=False, soft_wrap=True)


@backfill_app.command("reject")
def reject_cmd(backfill_id: str, reason: str = typer.Option(..., help="why it is rejected"),
               warehouse: Path | None = WarehouseOpt) -> None:
    """Discard a backfill; the published history does not change."""
    from clout import backfill as bf

    bf.reject(load_settings(warehouse), backfill_id, reason)
    console.print(f"backfill {backfill_id} rejected")


@backfill_app.command("rollback")
def rollback_cmd(backfill_id: str, reason: str = typer.Option(None), warehouse: Path | None = WarehouseOpt) -> None:
    """Restore the history that was live before the backfill was promoted (one transaction)."""
    from clout import backfill as bf

    n, kept = bf.rollback(load_settings(warehouse), backfill_id, reason)
    console.print(f"backfill {backfill_id} rolled back: {n} nights restored", highlight=False)
    for night in kept:  # published again (or rolled back alone) since the promotion: what is live now stays
        now = f"run {night['live_run_id']} is live" if night["live_run_id"] else "it is not published"
        console.print(f"  {night['logical_date']} left as it is: {now} (published or rolled back since the "
                      "promotion)", highlight=False)
