"""The opt-out registry: who asked to be left out, when, and through what channel.

The registry never holds an opted-out id or handle in clear (the erasure must leave no trace of them in the
file): it holds their pseudonym, a keyed sha256 of `network:value` under a per-warehouse secret. The same
pseudonym replaces them in other people's data, and a later landing is matched against it.
"""

from __future__ import annotations

import getpass
import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb

from clout.core.errors import CloutError
from clout.core.warehouse import query

PERSON = "person"  # the "network" part of a person id's pseudonym


def secret(con: duckdb.DuckDBPyConnection) -> str:
    rows = con.execute("select secret from meta.consent_key").fetchall()
    if len(rows) != 1:
        raise CloutError("meta.consent_key must hold exactly one secret; restore it from a backup of the warehouse")
    return rows[0][0]


def pseudonym(key: str, network: str, value: str) -> str:
    """Stable pseudonym of `value` on `network`; the same expression is used in sql/consent/*.sql."""
    return "anon-" + hashlib.sha256(f"{key}:{network}:{value}".encode()).hexdigest()[:16]


def handle_pseudonym(key: str, network: str, handle: str) -> str:
    return pseudonym(key, network, "@" + handle.lstrip("@").lower())


@dataclass
class Target:
    """One network account to erase: its pseudonym and every token that names it (ids, handles, person ids).
    Only in memory: tokens are never written to the warehouse."""

    network: str
    pseudonym: str
    ids: set[str] = field(default_factory=set)
    handles: set[str] = field(default_factory=set)
    person_ids: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)  # display names: replaced in text (someone's mention entity)

    def tokens(self) -> set[str]:
        handles = {h.lstrip("@").lower() for h in self.handles if h.lstrip("@")}
        persons = self.person_ids | {f"{self.network}:{i}" for i in self.ids}
        names = {n.strip().lower() for n in self.names if len(n.strip()) >= 3}
        return {t.lower() for t in self.ids | persons} | handles | {"@" + h for h in handles} | names


@dataclass(frozen=True)
class Request:
    subject: str
    network: str | None
    source: str
    requested_at: datetime | None = None


def resolve(con: duckdb.DuckDBPyConnection, request: Request) -> tuple[str, list[Target]]:
    """The accounts a request covers: a person's linked accounts, or one network account by id or @handle."""
    key = secret(con)
    subject = request.subject.strip()
    if not subject:
        raise CloutError("opt-out: give a person id, or an account id or @handle with --network")
    if request.network is None:
        links = con.execute(
            "select network, account_id from staging.identity_links where person_id = ? group by all order by all",
            [subject]).fetchall()
        if not links:
            raise CloutError(f"opt-out: no person {subject!r} in the identity links; to opt out a single account "
                             "give its network, e.g. `clout optout @handle --network twitter --source ...`")
        targets = [account_target(con, key, network, account_id) for network, account_id in links]
        for t in targets:
            t.person_ids.add(subject)
        return pseudonym(key, PERSON, subject), targets
    _check_account_subject(con, request.network, subject)
    target = _lookup(con, key, request.network, subject)
    return target.pseudonym, [target]


# The networks clout's export formats land (clout/land/formats): named before their first file lands, they are
# taken as given; any other network must be one the warehouse holds.
FORMAT_NETWORKS = ("facebook", "linkedin", "mastodon", "twitter")


def _check_account_subject(con, network: str, subject: str) -> None:
    """An account opt-out names a real network and an id or @handle: a misspelt or empty one would register an
    opt-out that matches nothing, and the person would believe they are out."""
    if not subject.lstrip("@"):
        raise CloutError(f"opt-out: {subject!r} is no account id or @handle")
    known = [n for (n,) in query(con, "consent/known_networks").fetchall()]
    if network not in known and network not in FORMAT_NETWORKS:
        raise CloutError(f"opt-out: no network {network!r} in this warehouse (it holds: {', '.join(known) or 'none'}; "
                         f"names are as landed, e.g. {', '.join(FORMAT_NETWORKS)})")


def _lookup(con, key: str, network: str, subject: str) -> Target:
    handle = subject.lstrip("@").lower()
    rows = con.execute(
        "select distinct account_id from staging.accounts where network = ? and (account_id = ? or lower(handle) = ?)",
        [network, subject, handle]).fetchall()
    if rows:
        target = account_target(con, key, network, rows[0][0])
        for (other,) in rows[1:]:  # the handle moved between accounts: erase every account that held it
            target.ids.add(other)
        target.handles.add(handle)
        return target
    # Not landed (yet): register what was given, as an id and, if it looks like one, a handle.
    target = Target(network, pseudonym(key, network, subject.lstrip("@")))
    if not subject.startswith("@"):
        target.ids.add(subject)
    target.handles.add(handle)
    return target


def account_target(con, key: str, network: str, account_id: str) -> Target:
    rows = con.execute(
        "select distinct handle, display_name from staging.accounts where network = ? and account_id = ?",
        [network, account_id]).fetchall()
    return Target(network, pseudonym(key, network, account_id), ids={account_id},
                  handles={h for h, _ in rows if h}, names={n for _, n in rows if n})


def register(con: duckdb.DuckDBPyConnection, request: Request, subject_key: str, targets: list[Target]) -> int:
    """Record the request (once per subject) and its accounts; returns the opt-out id."""
    existing = con.execute("select optout_id from meta.optouts where subject_key = ?", [subject_key]).fetchall()
    if existing:
        optout_id = existing[0][0]
    else:
        optout_id = con.execute("select nextval('meta.optout_id_seq')").fetchall()[0][0]
        now = datetime.now(UTC).replace(tzinfo=None)
        con.execute(
            "insert into meta.optouts values (?, ?, ?, ?, ?, ?, ?, ?)",
            [optout_id, "person" if request.network is None else "account", subject_key, request.network,
             request.source, request.requested_at or now, now, getpass.getuser()])
    add_accounts(con, optout_id, targets)
    return optout_id


def add_accounts(con: duckdb.DuckDBPyConnection, optout_id: int, targets: list[Target]) -> None:
    """Register the accounts an opt-out covers (their pseudonyms and their handles' pseudonyms), once each."""
    key = secret(con)
    known = set(con.execute("select network, account_key, coalesce(handle_key, '') from meta.optout_accounts "
                            "where optout_id = ?", [optout_id]).fetchall())
    for t in targets:
        for handle_key in {handle_pseudonym(key, t.network, h) for h in t.handles} or {""}:
            if (t.network, t.pseudonym, handle_key) not in known:
                con.execute("insert into meta.optout_accounts values (?, ?, ?, ?)",
                            [optout_id, t.network, t.pseudonym, handle_key or None])
