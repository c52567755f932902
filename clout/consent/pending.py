"""Unfinished opt-outs, finished by the next clout command that writes (issue 15: kill -9 at any moment).

An opt-out is durable from the moment `clout optout` records it (its own transaction). What can be left behind
by a crash, and how each is finished here:

  recorded, tables not erased    no `optout` erasure for it yet: its accounts are found again in the warehouse by
                                 their pseudonyms (as a landing finds them) and erased;
  tables erased, files not       meta.pending_erasures step `files`: partitions, catalog and reports are rewritten
                                 from the erased tables (clout.consent.erase.finish_files);
  files done, file not compacted meta.pending_erasures step `compact`: erased bytes may remain in free blocks of the
                                 DuckDB file until `compact_if_due` (or `clout compact`) copies it.

A landing killed after its file committed, before its consent check (clout.consent.land_guard), leaves a file not in
meta.consent_checked_files: it is checked here as the landing would have (enforce_optouts), before the command's own
work can stage or score what it brought back.

`finish_pending` runs on every writable warehouse connection (clout.core.warehouse.connect), so a landing, a night's
first step or any other writing command finishes the work before doing its own.
"""

from __future__ import annotations

from contextvars import ContextVar

import duckdb

from clout.consent.erase import ErasureResult, erase, finish_files
from clout.consent.filters import _registered_values, _targets, enforce_optouts
from clout.core.errors import CloutError
from clout.core.settings import Settings
from clout.core.warehouse import query, run_sql

_finishing: ContextVar[bool] = ContextVar("clout_finishing_erasures", default=False)


def finish_pending(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[ErasureResult | int]:
    """Finish every opt-out a crash left unfinished; returns what was done (erasures, or erasure ids whose files
    were finished). Cheap when there is nothing to do: one query."""
    if _finishing.get():
        return []
    (unerased, files, unchecked), = query(con, "consent/pending_work").fetchall()
    if not unerased and not files and not unchecked:
        return []
    token = _finishing.set(True)
    try:
        done: list[ErasureResult | int] = []
        if unerased:
            done += _erase_recorded(con, settings)  # searches every landed file: the unchecked ones too
        done += enforce_optouts(con, settings)
        for (erasure_id,) in query(con, "consent/pending_files").fetchall():
            finish_files(con, settings, erasure_id)
            done.append(erasure_id)
        return done
    finally:
        _finishing.reset(token)


def _erase_recorded(con, settings: Settings) -> list[ErasureResult]:
    """Opt-outs recorded whose erasure never committed: their accounts, found again by pseudonym in every landed
    file, erased now (the tables were not touched, so everything that named them still does)."""
    optouts = [r[0] for r in query(con, "consent/unerased_optouts").fetchall()]
    run_sql(con, "consent/all_files")  # every landed file is searched, not only new ones
    by_optout = _targets(con, _registered_values(con))
    results = []
    for optout_id in optouts:
        targets = by_optout.get(optout_id, [])
        for t in targets:  # a person's opt-out: their person id is a token too (in texts and identity files)
            t.person_ids |= {p for (p,) in con.execute(
                "select distinct person_id from staging.identity_links where network = ? and list_contains(?, "
                "account_id)", [t.network, sorted(t.ids)]).fetchall()}
        results.append(erase(con, settings, optout_id, targets, trigger="optout"))
    run_sql(con, "consent/mark_checked")
    return results


def compact_if_due(settings: Settings) -> bool:
    """Compact the file if an erasure is waiting for it (call with no connection open). A warehouse busy with
    another writer is left for the next time: the erasure itself is complete."""
    from clout.consent.storage import compact
    from clout.core.warehouse import connect

    with connect(settings) as con:
        (due,), = con.execute("select count(*) from meta.pending_erasures where step = 'compact'").fetchall()
    if not due:
        return False
    try:
        compact(settings)
    except CloutError:
        return False
    return True
