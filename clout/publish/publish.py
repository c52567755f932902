"""Publish: make a run's candidate night live in one transaction, then refresh the read-only snapshot that ad-hoc
readers open (see clout.core.snapshot). Also rollback (make the previous published night live again) and reject
(discard a held candidate).

published.scores, person_scores and topic_scores are views over the candidate rows of the runs published.nights
names (clout.core.published_tables), so making a run live is one row of published.nights: nothing is copied, and
the snapshot writes only the new night's Parquet partition. A rollback switches the row back to the previous run,
whose candidate rows are still there: only a rejected run's rows are ever discarded, and a run that is or was
live cannot be rejected (a rolled-back run can: it comes back only by a new publish, and a rejected one never).

Only an audited run the gate passed (PASS or WARN) publishes by itself; a held run needs `approve` with a
reason. Every action appends to meta.publish_log: run, date, algorithm version and fingerprint, gate outcome,
the run it replaced, who and why. A crash at any point before the commit leaves published.* as it was
(DuckDB rolls back the unfinished transaction on the next open); a crash after it, before the snapshot
switch, is repaired by the next publish (`refresh_if_stale`).
"""

from __future__ import annotations

import getpass
import os
import sys
import time
from dataclasses import dataclass
from datetime import date

import duckdb

from clout.consent import runs_scored_before_erasure
from clout.core.errors import CloutError
from clout.core.lake import discard_runs
from clout.core.published_tables import PUBLISHED_TABLES
from clout.core.settings import Settings
from clout.core.snapshot import refresh_if_stale, refresh_snapshot
from clout.core.warehouse import query, records, run_sql, transaction

# Fault injection for the crash test: sleep this many seconds inside the publish transaction.
FAULT_SLEEP_ENV = "CLOUT_FAULT_PUBLISH_SLEEP"
AUTO_ACTOR = "gate"


def _run(con: duckdb.DuckDBPyConnection, run_id: str) -> dict:
    rows = records(query(con, "meta/run", run_id=run_id))
    if not rows:
        raise CloutError(f"no run {run_id!r}; `clout runs` lists the runs")
    return rows[0]


def _gate(con: duckdb.DuckDBPyConnection, run_id: str) -> dict | None:
    return next(iter(records(query(con, "audit/outcome", run_id=run_id))), None)


def status_words(con: duckdb.DuckDBPyConnection, run: dict) -> str:
    """A run's status as `clout runs` says it: a published run is `live`, or `replaced` by another run of its night."""
    if run["status"] != "published":
        return run["status"]
    return "live" if query(con, "meta/run_is_live", run_id=run["run_id"]).fetchall()[0][0] else \
        "replaced (published, then replaced by another run of its night)"


def _not_a_backfill_night(con: duckdb.DuckDBPyConnection, run: dict, action: str) -> None:
    """A backfill's nights are published or discarded only all together (`clout backfill promote` / `reject`): one
    rejected alone left the backfill held with a night it could never publish. `held`: a night whose gate held it
    and whose process was killed before it marked the night `backfill` again."""
    if run["status"] not in ("backfill", "held"):
        return
    rid, found = run["run_id"], query(con, "publish/backfill_of_run", run_id=run["run_id"]).fetchall()
    if not found:  # a nightly run
        return
    bid = found[0][0]
    then = (f"`clout backfill promote {bid} --reason \"...\"` publishes them" if action != "reject" else
            f"`clout backfill reject {bid} --reason \"...\"` discards them")
    raise CloutError(f"run {rid} is a night of backfill {bid}, not a held run of its own: a backfill's nights are "
                     f"published or discarded all together; `clout backfill review {bid}` shows them, {then}")


def _check_publishable(con: duckdb.DuckDBPyConnection, run: dict, gate: dict | None, action: str) -> None:
    rid = run["run_id"]
    _not_a_backfill_night(con, run, action)
    if run["status"] in ("shadow", "rejected"):
        raise CloutError(f"run {rid} is {run['status']}: it can never be published; run the date again")
    if gate is None:
        raise CloutError(f"run {rid} was not audited by the gate; run its audit step first (`clout run --date ...`)")
    if action == "publish" and gate["outcome"] == "HOLD":
        raise CloutError(
            f"run {rid} is held by the gate; `clout review {rid}`, then `clout approve {rid} --reason ...`")
    if action == "approve" and run["status"] != "held":
        raise CloutError(f"run {rid} is {status_words(con, run)}, not held: only a held run needs approval")
    erasure = runs_scored_before_erasure(con, [rid]).get(rid)
    if erasure:
        raise CloutError(f"run {rid} {scored_before(erasure)}; it cannot be published: run the night again "
                         f"(`clout run --date {run['logical_date']}`)")


def scored_before(erasure: dict) -> str:
    """Why a run (or a backfill's nights) scored before an erasure cannot be published, for the operator."""
    return (f"was scored before erasure {erasure['erasure_id']} (opt-out {erasure['optout_id']}, "
            f"{erasure['erased_at']:%Y-%m-%d %H:%M} UTC) removed rows it was made from, so its scores still count "
            "an erased person's interactions")


def _fault_point() -> None:
    seconds = float(os.environ.get(FAULT_SLEEP_ENV) or 0)
    if seconds:
        print("publish: inside the transaction", file=sys.stderr, flush=True)
        time.sleep(seconds)


def publish_run(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str,
    action: str = "publish", reason: str | None = None, actor: str | None = None,
) -> None:
    """Make the run's candidate night live. `action`: publish (gate PASS/WARN) or approve (a held run)."""
    run, gate = _run(con, run_id), _gate(con, run_id)
    _check_publishable(con, run, gate, action)
    if action == "publish":
        actor = actor or AUTO_ACTOR
        reason = reason or (f"gate {gate['outcome']}" + (f": {run['message']}" if run["message"] else ""))
    refresh_if_stale(con, settings)  # a crash after an earlier commit left the snapshot behind
    with transaction(con):
        make_live(con, run_id, action, actor or getpass.getuser(), reason)
        if action == "publish":
            # the run ends here, before the snapshot is written: the snapshot's copy of meta.runs (what `clout runs`
            # reads) then has the run's final seconds; the gate's warnings stay its message
            run_sql(con, "meta/finish_run", run_id=run_id, status="published", outcome=None, message=run["message"])
        _fault_point()
    refresh_snapshot(con, settings)


def show_runs(con: duckdb.DuckDBPyConnection, settings: Settings) -> None:
    """After a command changed a run's status: `clout runs` reads the snapshot's copy of meta.runs (it cannot open
    the warehouse while a night writes it), so the snapshot is rebuilt, its partitions kept. Without a snapshot yet
    `clout runs` reads the warehouse itself: nothing to do. The status change is committed before this, so a refresh
    that fails (a full disk) is said, not raised: it must not hide the error of a failed step it follows, and the
    next publish refreshes the snapshot anyway."""
    if not settings.published_catalog.exists():
        return
    try:
        refresh_snapshot(con, settings)
    except Exception as e:  # any failure: `clout runs` is stale, nothing else is wrong
        print(f"warning: `clout runs` may show the runs as they were until the next publish: the published snapshot "
              f"could not be refreshed ({type(e).__name__}: {e})", file=sys.stderr, flush=True)


def make_live(con: duckdb.DuckDBPyConnection, run_id: str, action: str, actor: str, reason: str | None) -> None:
    """Log the action and make the run the live one of its night (published.nights: every published table follows);
    inside the caller's transaction."""
    if not query(con, "publish/has_scores", run_id=run_id).fetchall()[0][0]:
        # Never an empty night: the views would show nothing for the date (a run is scored before it is audited)
        raise CloutError(f"run {run_id} has no candidate scores to publish (rejected, or discarded); "
                         + _score_again(con, run_id, action))
    run_sql(con, "publish/log_action", run_id=run_id, action=action, actor=actor, reason=reason)
    run_sql(con, "publish/publish_night", run_id=run_id)


def _score_again(con: duckdb.DuckDBPyConnection, run_id: str, action: str) -> str:
    """What to do about a run with no rows to publish: a backfill's night (one rejected alone by an older clout)
    is scored again only by backfilling the range again, not by `clout run`."""
    found = query(con, "publish/backfill_of_run", run_id=run_id).fetchall() if action == "backfill" else []
    if not found:
        return "run its date again (`clout run --date ...`)"
    return (f"it is a night of backfill {found[0][0]}, so nothing was published: reject it (`clout backfill reject "
            f"{found[0][0]} --reason \"...\"`) and backfill the range again (the same `clout backfill` command with "
            "`--new`)")


def take_down(con: duckdb.DuckDBPyConnection, logical_date: date, actor: str, reason: str | None) -> None:
    """Log a rollback and unpublish a date that had no earlier live run; inside the caller's transaction."""
    run_sql(con, "publish/unpublish_night", logical_date=logical_date, actor=actor, reason=reason)


def approve_run(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, reason: str) -> None:
    if not (reason or "").strip():
        raise CloutError("approving a held run needs a reason: --reason \"why this swing is right\"")
    publish_run(con, settings, run_id, action="approve", reason=reason, actor=getpass.getuser())


def reject_run(con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, reason: str) -> None:
    """Discard a held (or otherwise unpublished) candidate; the published state does not change."""
    if not (reason or "").strip():
        raise CloutError("rejecting a run needs a reason: --reason \"what is wrong with it\"")
    run = _run(con, run_id)
    if run["status"] in ("published", "rolled_back"):
        # a rolled back run is a night before something a rollback may restore (`clout backfill rollback`)
        raise CloutError(f"run {run_id} is {status_words(con, run).replace('_', ' ')}: a run that was live keeps its "
                         "rows for a rollback and cannot be rejected (`clout rollback` takes a live night back)")
    if run["status"] in ("shadow", "rejected"):
        raise CloutError(f"run {run_id} is {run['status']}; only an unpublished run can be rejected")
    if run["status"] == "running":
        # Its steps go on (an Airflow DAG run between two tasks; `clout run` holds the writer lock, so it cannot be
        # here): the next would judge or publish a run whose rows were just discarded.
        raise CloutError(f"run {run_id} is running: its steps are not over (`clout runs` shows the last one; an "
                         "Airflow DAG run between two tasks is running too). Let it end (published, held or failed), "
                         "then reject it; a run whose task was killed is marked abandoned (at once when the task ran "
                         "on this machine, else after CLOUT_ABANDON_AFTER seconds without a step) and can be "
                         "rejected then")
    _not_a_backfill_night(con, run, "reject")
    with transaction(con):
        run_sql(con, "publish/log_action", run_id=run_id, action="reject", actor=getpass.getuser(), reason=reason)
        run_sql(con, "publish/reject_run", run_id=run_id, reason=reason)
        for table in PUBLISHED_TABLES:
            run_sql(con, "publish/discard_candidate", {"table": table}, run_id=run_id)
    discard_runs(settings.warehouse, [run_id])  # the Spark engine's copies of the rows discarded
    refresh_snapshot(con, settings)


@dataclass(frozen=True)
class Rollback:
    logical_date: date
    removed_run_id: str
    restored_run_id: str | None  # None: the date had no earlier live run, so it is no longer published
    undone: dict | None = None  # the publish-log row of the action undone

    def line(self) -> str:
        u = self.undone or {}
        what = (f"undid the {u.get('action', 'publish')} of run {self.removed_run_id} "
                f"({u.get('algorithm_version') or '?'}) for {self.logical_date}"
                + (f", done by {u['actor']} at {u['published_at']:%Y-%m-%d %H:%M}" if u.get("published_at") else ""))
        if self.restored_run_id:
            return (f"{what}: run {self.restored_run_id} ({u.get('previous_algorithm_version') or '?'}) is live for "
                    f"{self.logical_date} again")
        return f"{what}: {self.logical_date} is no longer published (no run was live for it before)"


def rollback(con: duckdb.DuckDBPyConnection, settings: Settings, reason: str | None = None,
             logical_date: date | None = None, run_id: str | None = None) -> Rollback:
    """Undo the last publish action still in effect (or the last one of `logical_date`, or `run_id`'s): the run
    that was live for its date before is live again; a date that had none is unpublished."""
    target = next(iter(records(query(con, "publish/rollback_target", logical_date=logical_date, run_id=run_id))),
                  None)
    if target is None:
        if run_id:
            raise CloutError(f"run {run_id} is not live: there is no publish of it to roll back "
                             "(`clout runs` shows which runs are live)")
        if logical_date:
            raise CloutError(f"no published night for {logical_date}: nothing to roll back")
        raise CloutError("nothing is published; there is nothing to roll back")
    promoted_by = (query(con, "publish/backfill_of_run", run_id=target["run_id"]).fetchall()
                   if target["action"] == "backfill" and not (logical_date or run_id) else [])
    if promoted_by:  # a promotion published its range together: undoing its last night alone half-publishes it
        bf = promoted_by[0][0]
        raise CloutError(f"the last publish was the promotion of backfill {bf}, a range of nights published together: "
                         f"`clout backfill rollback {bf}` restores the nights it replaced; `clout rollback --date "
                         f"{target['logical_date']}` undoes that one night only")
    day, removed, previous = target["logical_date"], target["run_id"], target["previous_run_id"]
    actor, reason = getpass.getuser(), reason or "rollback"
    refresh_if_stale(con, settings)
    with transaction(con):
        if previous:
            make_live(con, previous, "rollback", actor, reason)
        else:
            take_down(con, day, actor, reason)
        run_sql(con, "publish/set_status", run_id=removed, status="rolled_back", message=f"rolled back: {reason}")
    refresh_snapshot(con, settings)
    return Rollback(day, removed, previous, target)
