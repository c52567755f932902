"""Consent commands: `clout optout`, `clout optouts`, `clout erasures`, `clout compact`."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import typer

from clout import consent
from clout.cli.common import WarehouseOpt, app, console, print_table
from clout.core.errors import CloutError
from clout.core.settings import load_settings
from clout.core.warehouse import connect, query


def _parse_time(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise CloutError(f"--requested-at {value!r} is not a time; use e.g. 2026-11-20 or 2026-11-20T14:03") from None


@app.command()
def optout(
    subject: str = typer.Argument(..., help="person id (from the identity file), or an account id / @handle "
                                            "with --network"),
    network: str | None = typer.Option(None, "--network", help="opt out one account on this network"),
    source: str = typer.Option(..., "--source", help="where the request came from, e.g. 'email ticket 4711'"),
    requested_at: str | None = typer.Option(None, "--requested-at", help="when it was asked (default: now)"),
    warehouse: Path | None = WarehouseOpt,
) -> None:
    """Opt a person (or one account) out: erase them from every layer and keep them out for good."""
    if not source.strip():
        raise CloutError("--source must say where the request came from (an email, a ticket, a form)")
    settings = load_settings(warehouse)
    request = consent.Request(subject, network, source.strip(), _parse_time(requested_at))
    from clout.progress import steps

    with steps(console, "opt-out") as on_step:  # off a terminal (cron, a pipe): a timestamped line per phase
        result = consent.optout(settings, request, on_step=on_step)
    e = result.erasure
    console.print(f"opt-out {result.optout_id} ({result.subject_key}): {e.accounts} account(s), "
                  f"{e.rows_changed:,} rows erased or pseudonymised, {e.partitions} published partition(s) and "
                  f"{len(e.files)} other file(s) rewritten or removed in {e.seconds:.1f} s")
    if not sum(n for (table, _), n in e.rows.items() if "." in table):  # no table row (files aside)
        console.print("nothing of theirs is in the warehouse (not landed yet, or erased before): the opt-out is "
                      "registered, and every later landing erases what names them")
    if result.compaction:
        c = result.compaction
        console.print(f"compacted {c.bytes_before:,} -> {c.bytes_after:,} bytes in {c.seconds:.1f} s")
    print_table(["table", "action", "rows"], [(t, a, n) for (t, a), n in sorted(e.rows.items())])


@app.command()
def optouts(as_json: bool = typer.Option(False, "--json"), warehouse: Path | None = WarehouseOpt) -> None:
    """The opt-out registry: every request, when and where it came from, and what its erasures removed."""
    with connect(load_settings(warehouse), read_only=True) as con:
        rel = query(con, "consent/optouts")
        columns, rows = rel.columns, rel.fetchall()
    _show(columns, rows, as_json, "Opt-outs")


@app.command()
def erasures(limit: int = 50, as_json: bool = typer.Option(False, "--json"),
             warehouse: Path | None = WarehouseOpt) -> None:
    """The erasure log: who erased what, when, and how many rows per table."""
    with connect(load_settings(warehouse), read_only=True) as con:
        rel = query(con, "consent/erasures", limit=limit)
        columns, rows = rel.columns, rel.fetchall()
    _show(columns, rows, as_json, "Erasures")


@app.command()
def compact(warehouse: Path | None = WarehouseOpt) -> None:
    """Rewrite the warehouse file with live rows only, so erased bytes leave the file."""
    c = consent.compact(load_settings(warehouse))
    console.print(f"compacted {c.bytes_before:,} -> {c.bytes_after:,} bytes in {c.seconds:.1f} s")


def _show(columns, rows, as_json: bool, title: str) -> None:
    if as_json:
        typer.echo(json.dumps([dict(zip(columns, r, strict=True)) for r in rows], default=str, indent=1))
    else:
        print_table(columns, rows, title=title)
