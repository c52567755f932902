"""Backfills after an algorithm change: recompute a date range with a chosen algorithm beside the published
history, gate the whole range against it, and promote every night in one transaction, or none.

Each night of a backfill is an ordinary run (stage, aggregate, score into run-scoped candidate tables) with
status `backfill`, so nothing published changes until `promote`. Progress is kept in meta.backfill_nights:
a backfill that stops midway (or `failed`: a night raised) resumes where it stopped, and finished nights are not
recomputed. Scoring is
deterministic, so a resumed backfill gives the same rows as an uninterrupted one.

A night's change (previous_score, change, its parts and sentence) is measured against the backfill's own night
before (sql/score/previous_night.sql), its first night's against the published night before the range: once
promoted, the nights read as a nightly run of the algorithm would have published them.
"""

from __future__ import annotations

import getpass
import json
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, localcontext

import duckdb
import numpy as np
import polars as pl

from clout import pipeline
from clout.audit.gate import run_gate
from clout.audit.report import TOP_MOVERS, number, percent, save_movers, write_backfill_report
from clout.consent import runs_scored_before_erasure
from clout.core import faults
from clout.core.errors import CloutError, failure_message, stopped_by
from clout.core.lake import discard_runs
from clout.core.locks import WHOLE_RUN, forget_run, run_lock
from clout.core.published_tables import PUBLISHED_TABLES
from clout.core.settings import Settings
from clout.core.snapshot import refresh_snapshot
from clout.core.warehouse import connect, query, records, run_sql, transaction
from clout.progress import RunMarker
from clout.publish.publish import make_live, scored_before, show_runs, take_down
from transforms.algorithm import load_algorithm
from transforms.audit.gate_rules import brief
from transforms.audit.swing import METRICS

# Fault injection for the resume test: stop after scoring this many nights in one invocation.
STOP_AFTER_ENV = "CLOUT_BACKFILL_STOP_AFTER"
MOVERS_SHOWN = 10  # accounts the algorithm moved most, printed by the CLI (the report lists TOP_MOVERS)


@dataclass(frozen=True)
class BackfillResult:
    backfill_id: str
    outcome: str  # PASS | WARN | HOLD
    status: str
    nights: list[dict]
    summary: dict
    report_path: str
    movers: list[dict] = field(default_factory=list)  # the accounts the algorithm moved most (range_movers.sql)
    reasons: list[str] = field(default_factory=list)  # why it was held: one held night's findings (`held_on`)
    held_on: str = ""  # which night `reasons` are from, e.g. "2012-07-03's findings (one of 3 held nights; ...)"
    held_by: dict = field(default_factory=dict)  # each held night: the metrics past their bound, in a few words
    message: str | None = None  # why it failed (meta.backfills.reason while it is `failed`)
    resume: str = ""  # the command that resumes it

    def lines(self, movers: int = MOVERS_SHOWN) -> list[str]:
        if self.status in ("running", "failed"):
            return self._unfinished_lines()
        s = self.summary
        out = [
            f"backfill {self.backfill_id}: {len(self.nights)} nights, gate {self.outcome} ({self.status})",
            f"  vs published history: {s.get('accounts_compared') or 0:,} account-nights compared; of the "
            f"{s.get('accounts_scored') or 0:,} scored above 1 on either side, {percent(s.get('share_moved_10'))} "
            f"moved 10+ points, mean |move| {number(s.get('mean_abs_move'))}; "
            f"top-100 churn {percent(s.get('top100_churn'))}",
        ]
        out += [self._night_line(n) for n in self.nights]
        if self.reasons:
            out.append(f"  why held, {self.held_on}:")
            out += [f"    - {r}" for r in self.reasons]
        if self.movers:
            out.append(f"  accounts the algorithm moved most (new minus published algorithm on the same data; "
                       f"{min(movers, len(self.movers))} of {len(self.movers)}, all in the report):")
            out += [f"    {m['network']}:{m['account_id']} on {m['logical_date']}: {m['old_algorithm_score']:.0f} -> "
                    f"{m['new_algorithm_score']:.0f}, {m['why']}" for m in self.movers[:movers]]
        out.append(f"  report: {self.report_path}")
        return out

    def _night_line(self, n: dict) -> str:
        """A held night names what held it; another, how much the algorithm alone moved."""
        head = f"  {n['logical_date']}: {n['outcome'] or '-'} (change mostly {n['attribution'] or 'n/a'}-driven"
        held_by = self.held_by.get(n["logical_date"])
        if n["outcome"] == "HOLD" and held_by:
            return f"{head}; held by {', '.join(held_by)})"
        if n["algorithm_share_moved"] is None:  # no algorithm part: the same algorithm, or the old one not reproducible
            return f"{head})"
        return f"{head}; algorithm part moved {percent(n['algorithm_share_moved'])} 10+ points)"

    def _unfinished_lines(self) -> list[str]:
        """Not gated yet (no figures, no report): where it stopped and each night's state."""
        scored = sum(n["status"] in ("scored", "gated") for n in self.nights)
        why = (f"failed at {self.message}" if self.status == "failed" else
               "running, or stopped without finishing (killed?)")
        out = [f"backfill {self.backfill_id}: {len(self.nights)} nights, {scored} scored, not gated yet: {why}"]
        out += [f"  {n['logical_date']}: {n['status']}" + (f" (run {n['run_id']})" if n["run_id"] else "")
                for n in self.nights]
        return out


def _backfill(con: duckdb.DuckDBPyConnection, backfill_id: str) -> dict:
    rows = records(query(con, "backfill/backfill", backfill_id=backfill_id))
    if not rows:
        raise CloutError(f"no backfill {backfill_id!r}; `clout backfill list` lists them")
    return rows[0]


def backfills(settings: Settings) -> list[dict]:
    """Every backfill of the warehouse, newest first (sql/backfill/list.sql)."""
    with connect(settings, read_only=True) as con:
        return records(query(con, "backfill/list"))


ENDED = ("promoted", "rolled_back", "rejected")  # a backfill's statuses after which the same command does nothing


def start_or_resume(settings: Settings, date_from: date, date_to: date, algorithm: str, new: bool = False) -> str:
    """The id of the latest backfill of the same range and algorithm while it is unfinished, or of a new one if
    there is none (or `new`). One that was promoted, rolled back or rejected is not done again without `new`."""
    if date_to < date_from:
        raise CloutError(f"--to {date_to} is before --from {date_from}")
    try:
        algo = load_algorithm(algorithm)
    except ValueError as e:
        raise CloutError(str(e)) from None
    with connect(settings) as con:
        latest = records(query(con, "backfill/latest", date_from=date_from, date_to=date_to,
                               fingerprint=algo.fingerprint))
        if latest and not new:
            if latest[0]["status"] in ENDED:
                raise CloutError(_already_backfilled(latest[0], date_from, date_to, algo.version))
            return latest[0]["backfill_id"]
        backfill_id = f"bf-{date_from:%Y%m%d}-{date_to:%Y%m%d}-{algo.version}-{uuid.uuid4().hex[:6]}"
        with transaction(con):
            run_sql(con, "backfill/begin", backfill_id=backfill_id, date_from=date_from, date_to=date_to,
                    algorithm_version=algo.version, fingerprint=algo.fingerprint)
    return backfill_id


def _not_ended(bf: dict) -> dict:
    """`bf`, unless it was promoted, rolled back or rejected: an Airflow task of it cleared or retried afterwards
    would score its nights again or gate it, setting it back to held or gated (a rejected backfill promotable, a
    promoted one promoted twice)."""
    if bf["status"] in ENDED:
        raise CloutError(_already_backfilled(bf, bf["date_from"], bf["date_to"], bf["algorithm_version"]))
    return bf


def _already_backfilled(bf: dict, date_from: date, date_to: date, version: str) -> str:
    bid, when = bf["backfill_id"], f"{bf['finished_at']:%Y-%m-%d %H:%M}"
    fate = {
        "promoted": f"promoted ({when}, {bf['actor']}): `clout backfill review {bid}` shows it, "
                    f"`clout backfill rollback {bid}` restores the history it replaced",
        "rolled_back": f"promoted, then rolled back ({when}, {bf['actor']}): `clout backfill review {bid}` shows it",
        "rejected": f"rejected ({when}, {bf['actor']}: {bf['reason']})",
    }[bf["status"]]
    return (f"{date_from} .. {date_to} was already backfilled with {version} by backfill {bid}, {fate}; nothing "
            f"was recomputed. To backfill the range again: `clout backfill --from {date_from} --to {date_to} "
            f"--algorithm {version} --new`")


def score_nights(settings: Settings, backfill_id: str, on_night: Callable[[date], None] = lambda d: None) -> int:
    """Score and gate every night not scored yet (or whose run failed), in date order; returns how many were
    scored now. A night that raises stops the backfill: its run is marked failed and the backfill `failed`, and
    the error names the command that resumes it. A night an earlier attempt scored but was stopped before gating
    is gated first, here: on the engine this job runs on (on Airflow with Spark, the submitted job), not later in
    the range's gate task."""
    stop_after = int(os.environ.get(STOP_AFTER_ENV) or 0)
    with connect(settings) as con:
        bf = _not_ended(_backfill(con, backfill_id))
        nights = records(query(con, "backfill/nights", backfill_id=backfill_id))
        todo = [n["logical_date"] for n in nights if n["status"] in ("pending", "failed")]
        if bf["status"] == "failed":  # resumed (the same command, or an Airflow retry of the nights' task)
            with transaction(con):
                run_sql(con, "backfill/resume", backfill_id=backfill_id)
        for night in (n for n in nights if n["status"] == "scored"):
            _gate_scored(con, settings, bf, night, on_night)
    for done, night in enumerate(todo):
        if stop_after and done == stop_after:
            raise CloutError(f"backfill {backfill_id} stopped after {done} nights ({STOP_AFTER_ENV}); "
                             "run the same command again to resume")
        on_night(night)
        _score_night(settings, bf, night)
    return len(todo)


def _gate_scored(con, settings: Settings, bf: dict, night: dict, on_night: Callable[[date], None]) -> None:
    """Gate a night an earlier attempt scored but did not gate; a gate that fails stops the backfill as a night's
    step does (the run and the backfill `failed`, the error naming the command that resumes it)."""
    on_night(night["logical_date"])
    try:
        _gate_night(con, settings, bf["backfill_id"], night["logical_date"], night["run_id"])
    except Exception as e:
        _night_failed(settings, bf["backfill_id"], night["logical_date"], night["run_id"], "audit", e)
        raise CloutError(f"backfill {bf['backfill_id']} stopped at {night['logical_date']} (audit failed): {e} "
                         f"Once that is fixed, `{resume_command(bf)}` resumes it") from e


def resume_command(bf: dict) -> str:
    return (f"clout backfill --from {bf['date_from']} --to {bf['date_to']} "
            f"--algorithm {bf['algorithm_version']}")


def _score_night(settings: Settings, bf: dict, night: date) -> None:
    # held by this process for the whole night, as `clout run` holds its run: killed, the night's run is abandoned by
    # the next command that writes, not after CLOUT_ABANDON_AFTER as a run driven step by step
    run_id = pipeline.new_run_id(night)
    with run_lock(settings, run_id, WHOLE_RUN):
        marker = RunMarker(settings, run_id, night, bf["algorithm_version"])  # `clout runs` shows the night's step
        try:
            pipeline.begin_run(settings, night, bf["algorithm_version"], run_id)
            _score_and_gate(settings, bf, night, run_id, marker.step)
        finally:
            marker.clear()  # gated or failed, the night's run is over: its marker and lock file go
            forget_run(settings, run_id)


def _claim_night(settings: Settings, backfill_id: str, night: date, run_id: str) -> None:
    """Name the night's run on its row before it scores: its score step measures the change against the backfill's
    own night before (sql/score/previous_night.sql finds the backfill by the run), not the published one."""
    with connect(settings) as con, transaction(con):
        run_sql(con, "backfill/claim_night", backfill_id=backfill_id, logical_date=night, run_id=run_id)


def _score_and_gate(settings: Settings, bf: dict, night: date, run_id: str,
                    on_step: Callable[[str], None] = lambda step: None) -> None:
    backfill_id = bf["backfill_id"]
    resume = resume_command(bf)
    then = f"resume the backfill: `{resume}`"  # the night's own errors name this, not `clout run`

    def stage() -> None:  # the run named on the night's row first, inside the try below: a failure marks it failed
        _claim_night(settings, backfill_id, night, run_id)
        pipeline.stage_step(settings, run_id, then)

    steps = (("stage", stage),
             ("aggregate", lambda: pipeline.aggregate_step(settings, run_id)),
             ("score", lambda: pipeline.score_step(settings, run_id, then)))  # the gate comes below
    step_name = "stage"
    try:
        for name, step in steps:
            step_name = name  # the step that raised, for the run's and the backfill's message
            on_step(name)
            step()
            faults.point(f"backfill:after_{name}")
    except BaseException as e:  # Ctrl-C too: the night must not stay `running`, nor the backfill
        _stopped(settings, bf, night, run_id, step_name, e)
    with connect(settings) as con:
        with transaction(con):
            run_sql(con, "publish/set_status", run_id=run_id, status="backfill",
                    message=f"night of backfill {backfill_id}; published only by promoting the whole backfill")
            run_sql(con, "backfill/set_night", backfill_id=backfill_id, logical_date=night, run_id=run_id,
                    status="scored", outcome=None)
        faults.point("backfill:before_gate")
        on_step("audit")
        try:
            # Gated now, not after the range: the night's kept features serve its shadow run and are dropped,
            # instead of 90 nights of them waiting in the file.
            _gate_night(con, settings, backfill_id, night, run_id)
        except BaseException as e:  # the night stays `scored` (resuming gates it); the backfill is `failed`
            _stopped(settings, bf, night, run_id, "audit", e, scored=True)


def _stopped(settings: Settings, bf: dict, night: date, run_id: str, step: str, e: BaseException,
             scored: bool = False) -> None:
    """A night that raised in `step`: marked (_night_failed), then the error raised again naming the backfill and
    the command that resumes it (an interruption keeps its kind, with that as its note)."""
    backfill_id, resume = bf["backfill_id"], resume_command(bf)
    _night_failed(settings, backfill_id, night, run_id, step, e, scored)
    if not isinstance(e, Exception):
        if stopped_by(e):
            e.add_note(f"backfill {backfill_id} {failure_message(step, e)} of {night}; `{resume}` resumes it")
        raise e
    hint = "" if resume in str(e) else f" Once that is fixed, `{resume}` resumes it from {night}."
    raise CloutError(f"backfill {backfill_id} stopped at {night} ({step} failed): {e}{hint}") from e


def _night_failed(settings: Settings, backfill_id: str, night: date, run_id: str, step: str,
                  error: BaseException, scored: bool = False) -> None:
    """The night's run `failed` (as a nightly run's), the night `failed` and the backfill `failed` with why:
    what `clout runs` and `clout backfill review` show until the same command resumes it. `scored`: stopped in its
    gate, the night stays `scored`, so that resuming gates it rather than scoring it again."""
    pipeline.mark_failed(settings, run_id, step, error)
    why = failure_message(step, error) if stopped_by(error) else f"{step} failed: {error}"
    with connect(settings) as con, transaction(con):
        if not scored:
            run_sql(con, "backfill/set_night", backfill_id=backfill_id, logical_date=night, run_id=run_id,
                    status="failed", outcome=None)
        run_sql(con, "backfill/set_status", backfill_id=backfill_id, status="failed", outcome=None, summary=None,
                report_path=None, actor=None, reason=f"{night}: {why}")


def _gate_night(con, settings: Settings, backfill_id: str, night: date, run_id: str) -> None:
    """Gate one scored night against the published night of the same date. The gate marks a held run `held`;
    a backfill night is promoted only as a whole, so it goes back to `backfill`."""
    result = run_gate(con, settings, run_id, same_date_baseline=True)
    # The range's gate adds up each night's pairs: made now from the frames the night's gate read (the night's
    # scores and the published night's, paired by its compares), instead of reading every night of the range again.
    base = result.nights.get("baseline")
    new = result.nights["candidate"].scores
    sums = night_swing(new, base.scores if base is not None else new.clear(), result.paired)
    with transaction(con):
        # the gate's message of a held night names `clout approve` / `reject`, which refuse a backfill's night
        run_sql(con, "publish/set_status", run_id=run_id, status="backfill",
                message=f"night of backfill {backfill_id}, gate {result.outcome}; published only by promoting the "
                        f"whole backfill (`clout backfill review {backfill_id}`)")
        run_sql(con, "backfill/set_night", backfill_id=backfill_id, logical_date=night, run_id=None,
                status="gated", outcome=result.outcome)
        run_sql(con, "backfill/keep_night_swing", backfill_id=backfill_id, logical_date=night, run_id=run_id,
                published_run_id=(result.baseline or {}).get("run_id"), **sums)


TOP = 100  # the top lists whose churn the range's gate measures (sql/backfill/range_swing.sql)


def night_swing(new: pl.DataFrame, old: pl.DataFrame, pairs: pl.DataFrame | None = None) -> dict:
    """What the range's gate adds up over one night, as sql/backfill/range_swing.sql reads it: `new` the backfill's
    scores of the night, `old` the published night's (network, account_id, score). The accounts on both sides
    (pairs on the account; `pairs`: the two already paired by the gate, `transforms.audit.swing.paired(old, new)`,
    of which the rows with both scores are these), exact integer counts and sums over those scored above 1 on
    either side, and each side's top 100 by score, ties by network and account_id."""
    keys = ["network", "account_id"]
    if pairs is None:
        both = new.lazy().select(*keys, pl.col("score").alias("score_after")).join(
            old.lazy().select(*keys, pl.col("score").alias("score_before")), on=keys, how="inner")
    else:
        both = pairs.lazy().filter(pl.col("score_before").is_not_null() & pl.col("score_after").is_not_null())
    y, x = pl.col("score_after").cast(pl.Int64), pl.col("score_before").cast(pl.Int64)
    scored = (y > 1) | (x > 1)
    sums = both.select(
        accounts_compared=pl.len().cast(pl.Int64),
        accounts_scored=scored.sum().cast(pl.Int64),
        moved_10=(scored & ((y - x).abs() >= 10)).sum().cast(pl.Int64),
        abs_move=(y - x).abs().filter(scored).sum(),
        sum_new=y.filter(scored).sum(), sum_old=x.filter(scored).sum(),
        sum_new2=(y * y).filter(scored).sum(), sum_old2=(x * x).filter(scored).sum(),
        sum_new_old=(y * x).filter(scored).sum(),
    ).collect().row(0, named=True)

    def top(frame: pl.DataFrame) -> pl.LazyFrame:
        return frame.lazy().top_k(TOP, by=["score", *keys], reverse=[False, True, True]).select(keys)

    tops = pl.collect_all([top(old).select(pl.len()), top(new).join(top(old), on=keys, how="inner").select(pl.len())])
    return sums | {"top_old": int(tops[0].item()), "top_common": int(tops[1].item())}


def _night_swings(con: duckdb.DuckDBPyConnection, backfill_id: str) -> list[dict]:
    """Every night's sums for the range's gate: those kept when the nights were gated, and the nights whose sums do
    not hold any more (sql/backfill/stale_night_swings.sql) compared again now."""
    for night in records(query(con, "backfill/stale_night_swings", backfill_id=backfill_id)):
        new = query(con, "audit/run_scores", run_id=night["run_id"]).pl()
        old = query(con, "audit/published_scores", logical_date=night["logical_date"]).pl()
        sums = night_swing(new, old)
        with transaction(con):
            run_sql(con, "backfill/keep_night_swing", backfill_id=backfill_id, **night, **sums)
    return records(query(con, "backfill/night_swings", backfill_id=backfill_id))


def range_summary(nights: list[dict]) -> dict:
    """The range's figures from its nights' sums (night_swing): the row that
    sql/backfill/range_swing.sql makes from every account-night of the range at once, computed as DuckDB computes
    it: the averages as a long double quotient of exact integer sums (avg); the correlation from the exact integer
    moments (DuckDB's corr sums floats in no fixed order: the two agree to about 1e-15); null with no account-night
    scored, NaN where a side does not vary (as corr)."""
    def total(name: str) -> int:
        return sum(int(n[name]) for n in nights)

    n, top_old = total("accounts_scored"), total("top_old")
    x, y, xx, yy, xy = (total(k) for k in ("sum_old", "sum_new", "sum_old2", "sum_new2", "sum_new_old"))
    spread = (n * xx - x * x) * (n * yy - y * y)
    if not n:
        pearson = None
    elif not spread:
        pearson = float("nan")
    else:
        with localcontext() as exact:
            exact.prec = 60
            pearson = float(Decimal(n * xy - x * y) / Decimal(spread).sqrt())
    return {
        "accounts_compared": total("accounts_compared"),
        "accounts_scored": n,
        "nights_compared": sum(1 for night in nights if night["accounts_compared"]),
        # avg(case ... then 1.0 else 0.0 end): a DECIMAL(2, 1) average, its sum in tenths
        "share_moved_10": float(np.longdouble(total("moved_10") * 10) / (np.longdouble(n) * 10)) if n else None,
        "mean_abs_move": float(np.longdouble(total("abs_move")) / np.longdouble(n)) if n else None,
        "pearson": pearson,
        "top100_churn": 1 - total("top_common") / max(top_old, 1),
    }


def gate(settings: Settings, backfill_id: str) -> BackfillResult:
    """Gate the range as a whole. Each night was gated when scored (score_nights gates one an interrupted attempt
    left ungated when it resumes); one still ungated is gated now against the published night of the same date."""
    with connect(settings) as con:
        bf = _not_ended(_backfill(con, backfill_id))
        for night in records(query(con, "backfill/nights", backfill_id=backfill_id)):
            if night["status"] == "scored":
                _gate_night(con, settings, backfill_id, night["logical_date"], night["run_id"])
        nights = records(query(con, "backfill/nights", backfill_id=backfill_id))
        summary = range_summary(_night_swings(con, backfill_id))
        movers = _range_movers(con, backfill_id)
        outcomes = {n["outcome"] for n in nights}
        outcome = "HOLD" if "HOLD" in outcomes else "WARN" if "WARN" in outcomes else "PASS"
        held_on, reasons = _held_reasons(con, backfill_id)
        held_by = _held_by(con, backfill_id)
        report = write_backfill_report(con, settings.reports_dir / f"{backfill_id}.html", bf, nights, summary,
                                       outcome, reasons, held_on)
        status = "held" if outcome == "HOLD" else "gated"
        with transaction(con):
            run_sql(con, "backfill/set_status", backfill_id=backfill_id, status=status, outcome=outcome,
                    summary=json.dumps(summary, default=str), report_path=str(report), actor=None, reason=None)
        show_runs(con, settings)  # `clout runs` reads the snapshot: its nights' runs are `backfill` now
    return BackfillResult(backfill_id, outcome, status, nights, summary, str(report), movers, reasons, held_on,
                          held_by)


def _range_movers(con: duckdb.DuckDBPyConnection, backfill_id: str) -> list[dict]:
    """The accounts the algorithm moved most over the range (from each night's list), kept as the backfill report's
    rows in meta.report_movers (under the backfill's id, so an erasure renders its report again like a run's)."""
    frame = query(con, "backfill/range_movers", backfill_id=backfill_id, top=TOP_MOVERS).pl()
    with transaction(con):
        save_movers(con, backfill_id, None, frame.select(
            "network", "account_id", "old_algorithm_score", "new_algorithm_score", "algorithm_change",
            why=pl.format("on {}: {}", pl.col("logical_date").cast(pl.String), "why")))
    return frame.to_dicts()


def _held_reasons(con: duckdb.DuckDBPyConnection, backfill_id: str) -> tuple[str, list[str]]:
    """The hold findings of the held night with the most of them, the latest if several (the others' read alike;
    each night's report has its own), and which night that is."""
    rows = records(query(con, "backfill/held_findings", backfill_id=backfill_id))
    held = [(r["logical_date"], [f["text"] for f in json.loads(r["findings"] or "[]") if f["severity"] == "hold"])
            for r in rows]
    if not held:
        return "", []
    night, texts = max(held, key=lambda h: (len(h[1]), h[0]))
    of = f" (one of {len(held)} held nights; each night's report has its own)" if len(held) > 1 else ""
    return f"{night}'s findings{of}", texts


def _held_by(con: duckdb.DuckDBPyConnection, backfill_id: str) -> dict[date, list[str]]:
    """Each held night's metrics past their bound, in the gate's order of metrics, a few words each."""
    order = list(METRICS)
    out: dict[date, list[dict]] = {}
    for row in records(query(con, "backfill/held_metrics", backfill_id=backfill_id)):
        out.setdefault(row["logical_date"], []).append(row)
    return {night: [brief(r) for r in sorted(rows, key=lambda r: order.index(r["metric"]))]
            for night, rows in out.items()}


def review(settings: Settings, backfill_id: str) -> BackfillResult:
    """A gated backfill as `clout backfill` printed it: range figures, nights, why held, the accounts the algorithm
    moved most, the report."""
    with connect(settings, read_only=True) as con:
        bf = _backfill(con, backfill_id)
        nights = records(query(con, "backfill/nights", backfill_id=backfill_id))
        movers = query(con, "backfill/range_movers", backfill_id=backfill_id, top=TOP_MOVERS).pl().to_dicts()
        held_on, reasons = _held_reasons(con, backfill_id)
        held_by = _held_by(con, backfill_id)
    summary = json.loads(bf["summary"]) if bf.get("summary") else {}
    return BackfillResult(backfill_id, bf["outcome"] or "-", bf["status"], nights, summary,
                          str(bf.get("report_path") or ""), movers, reasons, held_on, held_by,
                          bf["reason"] if bf["status"] == "failed" else None, resume_command(bf))


def run_backfill(
    settings: Settings, date_from: date, date_to: date, algorithm: str,
    on_night: Callable[[date], None] = lambda d: None, new: bool = False,
) -> BackfillResult:
    """Start (or resume) a backfill, score its nights and gate the range. Publishes nothing."""
    backfill_id = start_or_resume(settings, date_from, date_to, algorithm, new)
    score_nights(settings, backfill_id, on_night)
    return gate(settings, backfill_id)


def promote(settings: Settings, backfill_id: str, reason: str | None = None) -> int:
    """Publish every night of a gated backfill in one transaction. A held backfill needs a reason."""
    actor = getpass.getuser()
    with connect(settings) as con:
        bf = _backfill(con, backfill_id)
        if bf["status"] not in ("gated", "held"):
            raise CloutError(f"backfill {backfill_id} is {bf['status']}; only a gated backfill can be promoted")
        if bf["status"] == "held" and not (reason or "").strip():
            raise CloutError(f"backfill {backfill_id} was held by the gate ({bf['report_path']}); promoting it "
                             f"is an approval: add --reason \"why this swing is right\"")
        nights = records(query(con, "backfill/nights", backfill_id=backfill_id))
        _check_not_erased_since(con, bf, nights)
        reason = reason or f"backfill {backfill_id}: gate {bf['outcome']}"
        with transaction(con):
            for night in nights:
                make_live(con, night["run_id"], "backfill", actor, f"{reason} [{backfill_id}]")
            run_sql(con, "backfill/set_status", backfill_id=backfill_id, status="promoted", outcome=None,
                    summary=None, report_path=None, actor=actor, reason=reason)
        refresh_snapshot(con, settings)
    return len(nights)


def _check_not_erased_since(con, bf: dict, nights: list[dict]) -> None:
    """Refuse nights scored before an opt-out removed rows they were made from (checked before any is made live)."""
    stale = runs_scored_before_erasure(con, [n["run_id"] for n in nights if n["run_id"]])
    if stale:
        erasure = max(stale.values(), key=lambda e: e["erasure_id"])
        bid = bf["backfill_id"]
        raise CloutError(f"backfill {bid} {scored_before(erasure)}; it cannot be promoted: reject it (`clout backfill "
                         f"reject {bid} --reason ...`) and backfill the range again (`{resume_command(bf)} --new`)")


def reject(settings: Settings, backfill_id: str, reason: str) -> None:
    """Discard a backfill that was not promoted (its runs rejected, their candidate rows deleted); the published
    history does not change."""
    if not (reason or "").strip():
        raise CloutError("rejecting a backfill needs a reason: --reason \"what is wrong with it\"")
    with connect(settings) as con:
        bf = _backfill(con, backfill_id)
        if bf["status"] in ("promoted", "rolled_back"):
            raise CloutError(f"backfill {backfill_id} is {bf['status']}; `clout backfill rollback` undoes a promotion")
        with transaction(con):
            for night in records(query(con, "backfill/nights", backfill_id=backfill_id)):
                if night["run_id"]:
                    run_sql(con, "publish/set_status", run_id=night["run_id"], status="rejected",
                            message=f"backfill {backfill_id} rejected: {reason}")
                    # never live (only a promotion makes them live), and a rejected run never is: the published
                    # tables' views would scan these rows for nothing
                    for table in PUBLISHED_TABLES:
                        run_sql(con, "publish/discard_candidate", {"table": table}, run_id=night["run_id"])
            run_sql(con, "backfill/set_status", backfill_id=backfill_id, status="rejected", outcome=None,
                    summary=None, report_path=None, actor=getpass.getuser(), reason=reason)
        show_runs(con, settings)  # `clout runs` reads the snapshot: its nights' runs are `rejected` now
        discarded = [n["run_id"] for n in records(query(con, "backfill/nights", backfill_id=backfill_id))
                     if n["run_id"]]
    discard_runs(settings.warehouse, discarded)  # the Spark engine's copies of the rows discarded


def rollback(settings: Settings, backfill_id: str, reason: str | None = None) -> tuple[int, list[dict]]:
    """Restore, in one transaction, the nights that were live before the backfill was promoted; returns how many,
    and the nights left as they are (logical_date, live_run_id): a night published again since the promotion (a
    rerun, an approval) or rolled back alone keeps what is live now, which restoring the night before the backfill
    would silently undo."""
    actor, reason = getpass.getuser(), reason or f"rollback of backfill {backfill_id}"
    with connect(settings) as con:
        bf = _backfill(con, backfill_id)
        if bf["status"] != "promoted":
            raise CloutError(f"backfill {backfill_id} is {bf['status']}; only a promoted backfill can be rolled back")
        promoted = records(query(con, "backfill/previous_runs", backfill_id=backfill_id))
        previous = [n for n in promoted if n["live_run_id"] == n["run_id"]]
        with transaction(con):
            for night in previous:
                if night["previous_run_id"]:
                    make_live(con, night["previous_run_id"], "rollback", actor, reason)
                else:
                    take_down(con, night["logical_date"], actor, reason)
                run_sql(con, "publish/set_status", run_id=night["run_id"], status="rolled_back", message=reason)
            run_sql(con, "backfill/set_status", backfill_id=backfill_id, status="rolled_back", outcome=None,
                    summary=None, report_path=None, actor=actor, reason=reason)
        refresh_snapshot(con, settings)
    return len(previous), [n for n in promoted if n["live_run_id"] != n["run_id"]]
