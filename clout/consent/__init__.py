"""Consent (issue 7): opt-out registry, erasure from every layer, minors never scored, analyst access.

Entry points:
  optout(settings, request)                  register a person or account and erase them everywhere, compact
  enforce_optouts(con, settings)             after landing: erase opted-out accounts a new file brought back
  without_excluded(con, frame, date)         score input filter: drop opted-out accounts and minors
  erased_accounts_since(con, logical_date)   for the swing gate: erasures since the last published night
  erasure_neighbours_since(con, date)        for the swing gate: accounts whose scores move because of them
  runs_scored_before_erasure(con, run_ids)   for publishing: runs whose scores still count an erased person
  analyst_connection(settings, sql, full)    the sandboxed, read-only `clout sql` connection
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb
import polars as pl

from clout.consent.access import analyst_connection, check_reading, raw_allowed, sandbox_snapshot
from clout.consent.erase import ErasureResult, discover, erase, register_and_erase
from clout.consent.filters import enforce_optouts, excluded_on, without_excluded
from clout.consent.registry import PERSON, Request, Target, pseudonym, resolve, secret
from clout.consent.storage import Compaction, compact
from clout.core import faults
from clout.core.errors import CloutError
from clout.core.settings import Settings
from clout.core.warehouse import connect, query, records, run_sql

__all__ = [
    "Compaction", "ErasureResult", "OptoutResult", "Request", "Target", "analyst_connection", "check_reading",
    "compact", "discover", "enforce_optouts", "erase", "erased_accounts_since", "erasure_neighbours_since",
    "excluded_on", "optout", "pseudonym", "raw_allowed", "runs_scored_before_erasure", "sandbox_snapshot", "secret",
    "without_excluded",
]


@dataclass(frozen=True)
class OptoutResult:
    optout_id: int
    subject_key: str
    erasure: ErasureResult
    compaction: Compaction | None


def optout(settings: Settings, request: Request, compact_after: bool = True,
           on_step: Callable[[str], None] = lambda step: None) -> OptoutResult:
    """Register the request, erase its accounts from every table and published file, then compact the file.
    `on_step` is called with each phase's name as it starts (clout.progress.steps prints them)."""
    on_step("opening the warehouse")
    with connect(settings) as con:  # finishes any opt-out a killed process left unfinished first
        on_step("finding the accounts")
        try:
            subject_key, targets = resolve(con, request)
        except CloutError:
            done = _recorded(con, request)
            if done is None:
                raise
            # Already opted out (a rerun after a kill: the opt-out was finished when the warehouse was opened).
            return OptoutResult(done[0], done[1], ErasureResult(0, 0), None)
        optout_id, result = register_and_erase(con, settings, request, subject_key, targets, "optout", on_step)
        # Every file landed so far was just covered by the full erasure.
        run_sql(con, "consent/unchecked_files")
        run_sql(con, "consent/mark_checked")
    faults.point("optout:before_compact")
    if compact_after:
        on_step("compacting the warehouse file")
    return OptoutResult(optout_id, subject_key, result, compact(settings) if compact_after else None)


def _recorded(con: duckdb.DuckDBPyConnection, request: Request) -> tuple[int, str] | None:
    """(optout_id, subject_key) of a person or account already opted out by this request's subject."""
    key, subject = secret(con), request.subject.strip()
    keys = [pseudonym(key, PERSON, subject)] if request.network is None else [
        pseudonym(key, request.network, subject.lstrip("@"))]
    rows = con.execute("select optout_id, subject_key from meta.optouts where list_contains(?, subject_key)",
                       [keys]).fetchall()
    return rows[0] if rows else None


def land_guard(settings: Settings) -> list[ErasureResult]:
    """Call after landing files (own connection): erase what they brought back (opted-out accounts, and the scored
    history of anyone they mark a minor: clout.consent.filters.enforce_optouts). The caller compacts if an erasure
    waits for it."""
    faults.point("land:before_consent_check")  # landed, not checked: the next writer checks (consent.pending)
    with connect(settings) as con:
        return enforce_optouts(con, settings)


def erased_accounts_since(con: duckdb.DuckDBPyConnection, logical_date: date) -> pl.DataFrame:
    """Erasures recorded since the last night published before `logical_date`: erasure_id, erased_at, trigger,
    network, account_key (the pseudonym). Non-empty means the night's change includes a known, expected part."""
    return query(con, "consent/erasures_since", logical_date=logical_date).pl()


def erasure_neighbours_since(con: duckdb.DuckDBPyConnection, logical_date: date) -> pl.DataFrame:
    """network, account_id of accounts that interacted with an account erased since the last published night:
    the swing gate can leave them out of its swing metrics (their moves are explained by the erasure)."""
    return query(con, "consent/neighbours_since", logical_date=logical_date).pl()


def runs_scored_before_erasure(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> dict[str, dict]:
    """run_id -> the latest erasure (erasure_id, optout_id, trigger, erased_at) that removed rows the run may have
    been made from after it started: its scores still count an erased person's interactions, so publishing it would
    bring them back. The erasure only deletes the erased accounts' own rows; others' scores need a new run."""
    return {r["run_id"]: r for r in records(query(con, "consent/runs_scored_before_erasure", run_ids=run_ids))}
