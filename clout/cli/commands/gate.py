"""Review what the swing gate decided, and act on it: review, approve, reject, rollback."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import typer

from clout.cli.common import WarehouseOpt, app, console, print_table
from clout.core.errors import CloutError
from clout.core.settings import load_settings
from clout.core.warehouse import connect, query, records
from clout.publish.publish import approve_run, reject_run, rollback, status_words

MOVERS_SHOWN = 10  # accounts the algorithm moved most, printed by `clout review` (the report lists 20)
ReasonOpt = typer.Option(..., "--reason", metavar="TEXT", help="why: recorded in the publish log with your user name")


def _outcome(con, run_id: str) -> dict:
    rows = records(query(con, "audit/outcome", run_id=run_id))
    if not rows:
        known = records(query(con, "meta/run", run_id=run_id))
        if not known:
            raise CloutError(f"no run {run_id!r}; `clout runs` lists the runs")
        raise CloutError(f"run {run_id} has not been audited by the gate yet (status {known[0]['status']})")
    return rows[0]


@app.command()
def review(
    run_id: str, all_metrics: bool = typer.Option(False, "--all", help="every metric, not only flagged ones"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Print the gate's findings for a run: outcome, attribution, failed checks, swings, and the report."""
    settings = load_settings(warehouse)
    with connect(settings, read_only=True) as con:
        gate = _outcome(con, run_id)
        (run,) = records(query(con, "meta/run", run_id=run_id))
        status = status_words(con, run)  # as `clout runs` says it: live, or replaced
        metrics = query(con, "audit/results", run_id=run_id).pl()
        checks = query(con, "audit/checks", run_id=run_id).pl()
        moved = query(con, "report/movers", run_id=run_id).pl().filter(pl.col("side") == "algorithm").sort("rank")
    color = {"PASS": "green", "WARN": "yellow", "HOLD": "red"}.get(gate["outcome"], "white")
    # a line per fact: one long line wrapped mid-phrase on a terminal
    console.print(f"run {run_id} for {gate['logical_date']}: [bold {color}]{gate['outcome']}[/]", highlight=False)
    console.print(f"  status {status}; algorithm {run['algorithm_version']} ({run['fingerprint']})",
                  highlight=False, soft_wrap=True)
    console.print(f"  change attributed to: [bold]{gate['attribution']}[/]; compared with "
                  f"{gate['baseline_date'] or 'nothing'} (run {gate['baseline_run_id'] or '-'})", highlight=False,
                  soft_wrap=True)
    if gate["shadow_run_id"]:
        console.print(f"  shadow run {gate['shadow_run_id']} (the last published algorithm on the same data)",
                      highlight=False, soft_wrap=True)
    for f in json.loads(gate["findings"] or "[]"):
        console.print(f"  [{f['severity']}] {f['text']}", highlight=False, soft_wrap=True)
    if moved.height:  # on an algorithm change: what the algorithm alone did, before the metrics
        console.print(f"accounts the algorithm moved most (new minus published algorithm on the same data; "
                      f"{min(moved.height, MOVERS_SHOWN)} of {moved.height}, all in the report):", highlight=False)
        for m in moved.head(MOVERS_SHOWN).iter_rows(named=True):
            console.print(f"  {m['network']}:{m['account_id']}: {m['before']:.0f} -> {m['after']:.0f}, "
                          f"{m['explanation']}", highlight=False, soft_wrap=True)
    overall = metrics.filter(metrics["scope"] == "all")
    if overall.height:
        wide = overall.pivot(on="part", index="metric", values="value")
        print_table(wide.columns, [tuple(_fmt(v) for v in r) for r in wide.rows()], title="Overall swing by part")
    shown = metrics if all_metrics else metrics.filter(metrics["verdict"].is_in(["hold", "warn"]))
    if shown.height:
        cols = ["part", "scope", "scope_value", "metric", "value", "history_median", "bound", "basis", "verdict"]
        print_table(cols, [tuple(_fmt(v) for v in r) for r in shown.select(cols).rows()], title="Swing findings")
    failed = checks.filter(~checks["passed"])
    console.print(f"contract checks: {checks.height - failed.height} of {checks.height} passed", highlight=False)
    for r in failed.iter_rows(named=True):
        console.print(f"  [red]failed[/red] {r['check_name']} {r['column_name'] or ''}: {r['detail']}",
                      highlight=False, soft_wrap=True)
    console.print(f"report: {gate['report_path']}", highlight=False, soft_wrap=True)
    if run["status"] == "held":
        console.print(f"next: `clout approve {run_id} --reason \"...\"` publishes it; "
                      f"`clout reject {run_id} --reason \"...\"` discards it", highlight=False)


def _fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else v


@app.command()
def approve(run_id: str, reason: str = ReasonOpt, warehouse: Path | None = WarehouseOpt) -> None:
    """Publish a held run anyway; your reason is recorded in the publish log."""
    settings = load_settings(warehouse)
    with connect(settings) as con:
        approve_run(con, settings, run_id, reason)
        (run,) = records(query(con, "meta/run", run_id=run_id))
    console.print(f"run {run_id} approved: the live run of {run['logical_date']} now (`clout rollback --run {run_id}` "
                  "takes it back)", highlight=False)


@app.command()
def reject(run_id: str, reason: str = ReasonOpt, warehouse: Path | None = WarehouseOpt) -> None:
    """Discard a held run's candidate; the published night does not change."""
    settings = load_settings(warehouse)
    with connect(settings) as con:
        reject_run(con, settings, run_id, reason)
    console.print(f"run {run_id} rejected; its candidate rows are discarded", highlight=False)


@app.command(name="rollback")
def rollback_command(
    reason: str = typer.Option("rollback", "--reason", metavar="TEXT", help="why: recorded in the publish log"),
    date_: str | None = typer.Option(None, "--date", metavar="YYYY-MM-DD", help="undo the last publish of this date"),
    run_id: str | None = typer.Option(None, "--run", help="undo the publish of this run"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Undo the last publish action (or that of --date / --run): the run live before it is live again."""
    from clout.core.dates import parse_date

    settings = load_settings(warehouse)
    with connect(settings) as con:
        result = rollback(con, settings, reason, parse_date(date_) if date_ else None, run_id)
    console.print(result.line(), highlight=False, soft_wrap=True)
