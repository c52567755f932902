"""Keeping people out: the score-input filter (opted out, minors) and the landing check (opted out).

Scoring: every frame the score stage reads goes through `without_excluded`, which drops rows naming an
excluded account in any account column, so an excluded account is never scored and its interactions count
for nobody (neither for the accounts it reacted to, nor for its own score).

Landing: `enforce_optouts` runs after files land. It hashes the account values of the files not yet
checked and compares them with the registry's pseudonyms; any match is erased like at the opt-out.
"""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl

from clout.consent.erase import ErasureResult, discover, erase, register_and_erase
from clout.consent.registry import Request, Target, account_target, add_accounts, pseudonym, resolve, secret
from clout.core.settings import Settings
from clout.core.warehouse import query, run_sql, sql_text

ACCOUNT_COLUMNS = ("account_id", "actor_id", "target_id", "author_id", "best_account_id")
FILE_COLUMNS = ("file_id", "source_file_id")


def excluded_on(con: duckdb.DuckDBPyConnection, logical_date: date) -> pl.DataFrame:
    """Accounts not to be scored on the logical date: network, account_id."""
    return query(con, "consent/excluded_on", logical_date=logical_date).pl()


def without_excluded(
    con: duckdb.DuckDBPyConnection, frame: pl.LazyFrame, logical_date: date | None = None,
    excluded: pl.DataFrame | None = None,
) -> pl.LazyFrame:
    """`frame` without rows that name an excluded account in any of its account columns."""
    if excluded is None:
        excluded = excluded_on(con, logical_date)
    if excluded.is_empty():
        return frame
    names = frame.collect_schema().names()
    for column in (c for c in ACCOUNT_COLUMNS if c in names):
        if "network" in names:
            keys = excluded.lazy().rename({"account_id": column})
            frame = frame.join(keys, on=["network", column], how="anti", nulls_equal=False)
        else:
            frame = frame.filter(~pl.col(column).is_in(excluded["account_id"].implode()))
    return frame


def enforce_optouts(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[ErasureResult]:
    """Erase what newly landed files brought back: opted-out accounts, and the scored history of anyone they mark a
    minor. The files are marked checked after the erasures: a crash before that checks them again."""
    run_sql(con, "consent/unchecked_files")
    if not con.execute("select count(*) from unchecked_files").fetchall()[0][0]:
        return []
    results = _erase_registered(con, settings) + _opt_out_scored_minors(con, settings)
    run_sql(con, "consent/mark_checked")
    return results


MINOR_SOURCE = "an identity file marks this person a minor; their accounts were scored before it was known"


def _opt_out_scored_minors(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[ErasureResult]:
    """People the new files mark as minors whose linked accounts were scored before: a minor is never scored or
    published, so they are opted out on their behalf (the source says so), which erases their published nights and
    everything else of theirs, as an opt-out does."""
    results = []
    for (person,) in query(con, "consent/scored_minors").fetchall():
        request = Request(person, None, MINOR_SOURCE)
        subject_key, targets = resolve(con, request)
        # the full erasure an opt-out makes (trigger `optout`: what the crash recovery looks for), its source says why
        results.append(register_and_erase(con, settings, request, subject_key, targets, "optout")[1])
    return results


def _erase_registered(con: duckdb.DuckDBPyConnection, settings: Settings) -> list[ErasureResult]:
    """Erase the registry's accounts (opted out) that the unchecked files name."""
    if not con.execute("select count(*) from meta.optout_accounts").fetchall()[0][0]:
        return []
    found = _registered_values(con)
    by_optout = _targets(con, found)
    for optout_id, targets in _new_person_links(con, settings).items():
        by_optout.setdefault(optout_id, []).extend(targets)
    return [erase(con, settings, optout_id, targets, trigger="landing") for optout_id, targets in by_optout.items()]


def _registered_values(con) -> pl.DataFrame:
    """(network, value, account_key, kind) for every value in unchecked files that the registry names."""
    key, frames = secret(con), []
    for table, columns in discover(con).items():
        names = {c.name: c for c in columns}
        file_col = next((f for f in FILE_COLUMNS if f in names), None)
        if file_col is None or table.startswith("meta."):
            continue
        net = "t.network" if "network" in names else "null"
        for c in columns:
            if c.data_type.upper() in ("VARCHAR[]", "TEXT[]"):
                values = f"t.{c.name}"
            elif c.data_type.upper() == "VARCHAR" and (c.name in ACCOUNT_COLUMNS or c.name.endswith("_id")
                                                       or c.name == "handle"):
                values = f"[t.{c.name}]"
            else:
                continue
            ids = {"table": table, "values": values, "net": net, "file_col": file_col}
            frames.append(con.sql(sql_text("consent/find_registered").format(**ids), params={"secret": key}).pl())
    if not frames:
        return pl.DataFrame(schema={"network": pl.String, "value": pl.String, "account_key": pl.String,
                                    "kind": pl.String})
    return pl.concat(frames).unique()


def _new_person_links(con, settings: Settings) -> dict[int, list[Target]]:
    """A person who opted out as a whole, linked to a new account by a newly landed identity file: that account
    joins their opt-out (registered by pseudonym) and is erased with them."""
    key, out = secret(con), {}
    rows = con.sql(sql_text("consent/new_person_links"), params={"secret": key}).fetchall()
    for optout_id, network, account_id, person_id in rows:
        target = account_target(con, key, network, account_id)
        target.person_ids.add(person_id)
        out.setdefault(optout_id, []).append(target)
    for optout_id, targets in out.items():
        add_accounts(con, optout_id, targets)
    return out


def _targets(con, found: pl.DataFrame) -> dict[int, list[Target]]:
    """Group matches into erasure targets per opt-out; add the handles/ids staging.accounts pairs with them."""
    by_optout: dict[int, dict[tuple[str, str], Target]] = {}
    for row in found.iter_rows(named=True):
        for (optout_id,) in con.execute("select distinct optout_id from meta.optout_accounts where account_key = ?",
                                        [row["account_key"]]).fetchall():
            targets = by_optout.setdefault(optout_id, {})
            target = targets.setdefault((row["network"], row["account_key"]),
                                        Target(row["network"], row["account_key"]))
            # A value may be an id or a handle (an account opted out before it landed is keyed by what was given).
            target.ids.add(row["value"])
            target.handles.add(row["value"])
    for optout_id, targets in by_optout.items():
        for t in targets.values():
            _add_landed(con, optout_id, t)
    return {k: list(v.values()) for k, v in by_optout.items()}


def _add_landed(con, optout_id: int, t: Target) -> None:
    """Add to `t` the landed accounts its values name, and register their ids with the opt-out before the erasure
    deletes staging.accounts' rows (the only place a handle is tied to its id): an account opted out by @handle
    before it landed is registered under the handle alone, so a later file naming only its id (a likes table)
    would pass the landing check. The ids go in as handle keys under the same pseudonym, as an id opted out before
    it landed is (registry._lookup): find_registered.sql matches a value in either form, and the later erasure
    replaces the id by the pseudonym the first one used."""
    ids = set()
    for account_id, handle, name in query(con, "consent/landed_accounts", network=t.network, ids=sorted(t.ids),
                                          handles=sorted(h.lstrip("@").lower() for h in t.handles)).fetchall():
        ids.add(account_id)
        if handle:
            t.handles.add(handle)
        if name:
            t.names.add(name)
    t.ids |= ids
    key = secret(con)
    unkeyed = {i for i in ids if pseudonym(key, t.network, i) != t.pseudonym}  # an id registered as itself is found
    add_accounts(con, optout_id, [Target(t.network, t.pseudonym, handles=unkeyed)] if unkeyed else [])
