"""The score state: window features from state kept in the warehouse, updated from the new day only.

Design in docs/state.md. Per feature settings (a chain, clout.score.score.features_key) the warehouse keeps one
row per account (state.score_accounts, each with an integer code) and per pair of the window (state.score_pairs,
keyed by the two codes) with exact integer sums;
each night adds the new day and takes off the day that leaves the window (sql/score/state_*.sql), journalling
what it changed so that a rerun starts from the night before, exactly. A chain that is missing, for another
epoch, built with other exclusions, too far behind, or whose days changed beyond what its journals can undo is
rebuilt from the window's start. Either way the state of a night is the same integers, so the features are the
same bits. Network impact starts from the previous night's PageRank vector.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta

import duckdb
import numpy as np
import polars as pl
import scipy.sparse as sp

from clout.core.warehouse import query, records, run_sql, transaction
from clout.score.impact_edges import EdgeSource, edge_source, night_edges
from transforms.algorithm import KINDS, Algorithm
from transforms.features import SENT, burst_reactors
from transforms.network_impact import pagerank_matrix

KEEP_NIGHTS = 7  # journals and PageRank vectors kept: a rerun of one of the last 7 nights starts from its night before
MAX_ROLL_DAYS = 14  # a state further behind than this is rebuilt from the window rather than rolled forward
REBUILD_PART_ROWS = 25_000_000  # a rebuild's pairs are aggregated in parts of about this many window rows
WEIGHT_BLOCK = 1 << 22  # edges per block of PageRank's entries: the temporaries stay small (tens of MB)
MAX_SPAN_HALF_LIVES = 36  # E(x) spans at most 2^36: sums of up to 2^38 reactions fit the 128-bit integers
EPOCH_ORIGIN = date(1970, 1, 1)
FIRST_DAY = date(1, 1, 1)


class StateMismatch(Exception):
    """The state does not hold what the marts say it applied: it must be rebuilt."""


@dataclass(frozen=True)
class StateReport:
    chain_id: int
    epoch: date
    path: str  # "rebuilt", "incremental" or "current"
    undone: int  # nights undone (a rerun, or days whose marts changed)
    applied: int  # nights applied
    seconds: float
    rebuilt_on: date  # the night the chain's state was last rebuilt


def epoch_for(logical_date: date, algo: Algorithm) -> date:
    """The epoch of E(x) on a night: a function of the date only, so every path to a night's state uses the same one.

    Epochs move in blocks of whole windows; the window's days lie between epoch + 1 and epoch + block + window, so
    E(x) spans at most MAX_SPAN_HALF_LIVES half-lives. A night in a new block rebuilds the state once.
    """
    window, half_life = algo.window_days, algo.features.half_life_days
    if 2 * window > MAX_SPAN_HALF_LIVES * half_life:
        raise ValueError(f"algorithm {algo.version}: a {window}-day window is more than "
                         f"{MAX_SPAN_HALF_LIVES // 2} half-lives ({half_life} days): the score state cannot hold it")
    blocks = max(1, int((MAX_SPAN_HALF_LIVES * half_life - window) // window))
    block = blocks * window
    n = (logical_date - EPOCH_ORIGIN).days
    return EPOCH_ORIGIN + timedelta(days=(n // block) * block - window)


def _weights(algo: Algorithm, epoch: date) -> dict:
    return {"epoch": epoch, "half_life": float(algo.features.half_life_days)}


def prepare_state(con: duckdb.DuckDBPyConnection, logical_date: date, algo: Algorithm, key: str,
                  progress: Callable[[str], None] | None = None) -> StateReport:
    """Bring the chain of feature settings `key` to `logical_date`; committed as one transaction."""
    started = time.perf_counter()
    run_sql(con, "score/state_excluded", logical_date=logical_date)
    run_sql(con, "score/state_macros")  # after score_excluded, which its score_edges reads
    excluded_hash = query(con, "score/state_excluded_hash").fetchall()[0][0]
    window = algo.window_days
    _ensure_checksums(con, logical_date - timedelta(days=window + MAX_ROLL_DAYS + KEEP_NIGHTS), logical_date)
    chain = _chain(con, key)
    epoch = epoch_for(logical_date, algo)
    try:
        with transaction(con):
            path, undone, applied = _bring(con, chain, logical_date, algo, epoch, excluded_hash, progress)
    except StateMismatch:
        with transaction(con):
            path, undone, applied = _rebuild(con, chain, logical_date, algo, epoch, excluded_hash, progress)
    rebuilt_on = _chain(con, key)["rebuilt_on"]
    return StateReport(chain["chain_id"], epoch, path, undone, applied, time.perf_counter() - started, rebuilt_on)


def _chain(con: duckdb.DuckDBPyConnection, key: str) -> dict:
    rows = records(query(con, "score/state_chain", features_key=key))
    if not rows:
        run_sql(con, "score/state_new_chain", features_key=key)
        rows = records(query(con, "score/state_chain", features_key=key))
    return rows[0]


def _ensure_checksums(con: duckdb.DuckDBPyConnection, date_from: date, date_to: date) -> None:
    """Days aggregated before the score state existed get their checksum now (once)."""
    for (day,) in query(con, "score/state_missing_checksums", date_from=date_from, date_to=date_to).fetchall():
        run_sql(con, "aggregate/day_checksums", date_from=day, date_to=day)


def _bring(con, chain: dict, d: date, algo: Algorithm, epoch: date, excluded_hash: str, progress
           ) -> tuple[str, int, int]:
    """Undo nights back to a state every later night can start from, then apply nights up to `d`."""
    s, window = chain["state_date"], algo.window_days
    if s is None or chain["epoch"] != epoch or chain["excluded_hash"] != excluded_hash:
        return _rebuild(con, chain, d, algo, epoch, excluded_hash, progress)
    held_from = min(s, d) - timedelta(days=window + KEEP_NIGHTS - 1)
    changed = query(con, "score/state_changed_day", chain_id=chain["chain_id"], date_from=held_from).fetchall()[0][0]
    target = min(s, d) if changed is None else min(s, d, changed - timedelta(days=1))
    undo = [s - timedelta(days=i) for i in range((s - target).days)]
    undoable = {row[0] for row in query(con, "score/state_undoable", chain_id=chain["chain_id"],
                                        date_from=target + timedelta(days=1), date_to=s).fetchall()}
    if any(n not in undoable for n in undo) or (d - target).days > MAX_ROLL_DAYS:
        return _rebuild(con, chain, d, algo, epoch, excluded_hash, progress)
    for night in undo:
        _say(progress, f"score state: undoing night {night}")
        run_sql(con, "score/state_revert", chain_id=chain["chain_id"], night=night)
        run_sql(con, "score/state_mutual", chain_id=chain["chain_id"])
    nights = [target + timedelta(days=i + 1) for i in range((d - target).days)]
    for night in nights:
        _say(progress, f"score state: applying {night}")
        _apply(con, chain["chain_id"], night, algo, epoch)
    _finish(con, chain, d, epoch, excluded_hash, chain["rebuilt_on"])
    return ("incremental" if nights else "current"), len(undo), len(nights)


def _apply(con, chain_id: int, night: date, algo: Algorithm, epoch: date) -> None:
    days = {"in_from": night, "in_to": night, "out_day": night - timedelta(days=algo.window_days)}
    run_sql(con, "score/state_contributions", **_weights(algo, epoch), **days, seen_from=night)
    run_sql(con, "score/state_delta_codes", chain_id=chain_id)
    run_sql(con, "score/state_delta_pairs", **_weights(algo, epoch), **days, parts=1, part=0)
    run_sql(con, "score/state_pairs_before", chain_id=chain_id)
    run_sql(con, "score/state_journal", chain_id=chain_id, night=night)
    if query(con, "score/state_apply_check", chain_id=chain_id, night=night).fetchall()[0][0]:
        raise StateMismatch(f"chain {chain_id}: night {night} takes off rows the state does not hold")
    run_sql(con, "score/state_apply", chain_id=chain_id, night=night)
    run_sql(con, "score/state_accounts", chain_id=chain_id, night=night)


def _rebuild(con, chain: dict, d: date, algo: Algorithm, epoch: date, excluded_hash: str, progress
             ) -> tuple[str, int, int]:
    _say(progress, f"score state: rebuilding from the {algo.window_days}-day window ending {d}")
    first = d - timedelta(days=algo.window_days - 1)
    run_sql(con, "score/state_rebuild_begin")
    run_sql(con, "score/state_clear", chain_id=chain["chain_id"])
    days = {"in_from": first, "in_to": d, "out_day": None}
    run_sql(con, "score/state_contributions", **_weights(algo, epoch), **days, seen_from=FIRST_DAY)
    run_sql(con, "score/state_delta_codes", chain_id=chain["chain_id"])
    parts = _rebuild_parts(con, first, d)
    for part in range(parts):
        if parts > 1:
            _say(progress, f"score state: pairs, part {part + 1} of {parts}")
        run_sql(con, "score/state_delta_pairs", **_weights(algo, epoch), **days, parts=parts, part=part)
        run_sql(con, "score/state_rebuild_pairs", chain_id=chain["chain_id"])
    run_sql(con, "score/state_rebuild", chain_id=chain["chain_id"], in_from=first, in_to=d)
    run_sql(con, "score/state_begin")
    _finish(con, chain, d, epoch, excluded_hash, d)
    return "rebuilt", 0, 0


def _rebuild_parts(con, first: date, last: date) -> int:
    """How many parts a rebuild takes the window's pairs in: about REBUILD_PART_ROWS engagement rows each, so the
    aggregation of one part stays within the memory limit (state_begin.sql) instead of spilling the whole window."""
    rows = query(con, "score/state_window_rows", date_from=first, date_to=last).fetchall()[0][0]
    return max(1, -(-rows // REBUILD_PART_ROWS))


def _finish(con, chain: dict, d: date, epoch: date, excluded_hash: str, rebuilt_on: date) -> None:
    run_sql(con, "score/state_set_chain", chain_id=chain["chain_id"], epoch=epoch, state_date=d,
            excluded_hash=excluded_hash, rebuilt_on=rebuilt_on)
    keep_from = d - timedelta(days=KEEP_NIGHTS - 1)
    run_sql(con, "score/state_prune", chain_id=chain["chain_id"], keep_from=keep_from,
            days_from=keep_from - timedelta(days=MAX_ROLL_DAYS + 2 * 366))


def _say(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is not None:
        progress(message)


# --- features from the state -------------------------------------------------------------------------------------

def state_features(con: duckdb.DuckDBPyConnection, logical_date: date, algo: Algorithm, report: StateReport,
                   ) -> pl.DataFrame:
    """The window features of `logical_date` (as transforms.features.window_features makes them, without posts
    and profiles, which the caller adds) from the chain's state: one row per network account, sorted."""
    params, chain_id = algo.features, report.chain_id
    weights = _weights(algo, report.epoch)
    run_sql(con, "score/state_profile", chain_id=chain_id, logical_date=logical_date, fresh_days=params.fresh_days,
            low_activity_targets=params.low_activity_targets, burst_min_history_days=params.burst_min_history_days)
    _bursts(con, algo, report.epoch)
    run_sql(con, "score/state_codes", chain_id=chain_id)
    # The features' SQL (mostly reading the pairs) and PageRank (numpy and scipy on the kept edges) need nothing
    # of each other: PageRank's inputs are read first, then the SQL runs on the connection in a second thread
    # while PageRank runs here, so both cores work (the same statements, the same bits).
    pending: list[Future] = []
    inputs = _impact_inputs(con, logical_date, algo, report, wait=lambda: [f.result() for f in pending])
    with ThreadPoolExecutor(1) as pool:
        pending.append(pool.submit(
            run_sql, con, "score/state_features", chain_id=chain_id, logical_date=logical_date, **weights,
            reactor_full_weight_targets=float(params.reactor_full_weight_targets),
            reactor_weight_exponent=float(params.reactor_weight_exponent),
            ring_reciprocal_floor=float(params.ring_reciprocal_floor),
            ring_reciprocal_threshold=float(params.ring_reciprocal_threshold)))
        rank = _impact(inputs, logical_date, algo, report)
        pending[0].result()
    impact = _keep_impact(con, logical_date, report, inputs, rank)
    columns = ["network", "account_id", *[f"{k}_received" for k in KINDS], "reactions", "distinct_reactors",
               "effective_reactors", "ring_share", "bought_share", *[f"{k}_sent" for k in SENT], "posts"]
    frame = (con.sql(f"select {', '.join(columns)} from score_features order by network, account_id").pl()
             .with_columns(suspect_share=pl.col("ring_share"), network_impact=pl.Series(impact)))
    known = query(con, "score/state_posts_known", chain_id=chain_id).pl()
    if known.is_empty():
        frame = frame.drop("posts")
    else:
        frame = frame.with_columns(posts=pl.when(pl.col("network").is_in(known["network"].implode()))
                                   .then(pl.col("posts").fill_null(0.0)))
    features = ["network", "account_id", *[f"{k}_received" for k in KINDS], "reactions", "distinct_reactors",
                "effective_reactors", "ring_share", "bought_share", "suspect_share", *[f"{k}_sent" for k in SENT],
                "network_impact"]
    return frame.select(*features, *(["posts"] if "posts" in frame.columns else []))

def _bursts(con, algo: Algorithm, epoch: date) -> None:
    """score_bursts (temp): the young network's newcomers that came in a burst (transforms.features)."""
    young = con.sql("select network, account_id, first_seen from score_profile where is_new and not mature").pl()
    bursts = pl.DataFrame(schema={"network": pl.String, "account_id": pl.String})
    if young.height:
        edges = query(con, "score/state_burst_edges", **_weights(algo, epoch), day_from=young["first_seen"].min(),
                      day_to=young["first_seen"].max()).pl()
        prof = con.sql("select network, account_id, first_seen from score_profile").pl()
        bursts = burst_reactors(edges.lazy(), young, prof, algo.features)
    con.execute("create or replace temp table score_bursts (network varchar, account_id varchar)")
    if bursts.height:
        con.register("bursts_frame", bursts.to_arrow())
        con.execute("insert into score_bursts select network, account_id from bursts_frame")
        con.unregister("bursts_frame")


@dataclass
class _ImpactInputs:
    """What PageRank reads of the warehouse for a night, read before it starts (see state_features)."""

    nodes: list[tuple[int, int]]  # each network's first index and number of accounts
    state_code: np.ndarray  # the night's index -> the account's code in the state
    index: np.ndarray  # code -> the night's index (-1: not in the night)
    edges: EdgeSource
    scale: float  # E(night): the pairs' integer sums over it are decayed reactions
    untrusted: np.ndarray  # codes of the reactors who pass no impact
    start: np.ndarray  # the previous night's vector by the night's index (nan: not known)


def _impact_inputs(con, logical_date: date, algo: Algorithm, report: StateReport, wait: Callable[[], object]
                   ) -> _ImpactInputs:
    """PageRank's inputs by the night's index (score_codes); `wait`: until the connection is free again, for a
    full read of the pairs when the kept edges cannot be used."""
    nodes = con.sql("select min(code), count(*) from score_codes group by network order by 1").fetchall()
    state_code = con.sql("select state_code from score_codes order by code").fetchnumpy()["state_code"]
    total = len(state_code)
    index = np.full(int(state_code.max()) + 1 if total else 0, -1, dtype=np.int32)
    index[state_code] = np.arange(total, dtype=np.int32)
    chain = {"chain_id": report.chain_id, "epoch": report.epoch, "rebuilt_on": report.rebuilt_on}
    scale = query(con, "score/state_impact_scale", logical_date=logical_date,
                  **_weights(algo, report.epoch)).fetchall()[0][0]
    start = np.full(total, np.nan)
    warm = query(con, "score/state_warm_start", chain_id=report.chain_id,
                 night=logical_date - timedelta(days=1)).fetchnumpy()
    held = warm["code"] < len(index)
    at = index[warm["code"][held]]
    start[at[at >= 0]] = warm["rank"][held][at >= 0]
    return _ImpactInputs(nodes, state_code, index, edge_source(con, chain, report, wait), scale,
                         query(con, "score/state_untrusted").fetchnumpy()["code"], start)


def _impact(inputs: _ImpactInputs, logical_date: date, algo: Algorithm, report: StateReport) -> np.ndarray:
    """PageRank per network by the night's index, warm-started from the previous night's vector; no warehouse
    access (but a full read of the pairs when the kept edges cannot be used)."""
    edges = night_edges(inputs.edges, logical_date, report, inputs.index)
    row_sizes, columns, weight = _trusted_weights(inputs, edges)
    del edges  # ~3 GB at 10M accounts: kept on disk for the next night, not needed here any more
    total = len(inputs.state_code)
    # the edges sorted by (target, actor) in account order are the rows of the matrix, each row's entries sorted
    indptr = np.concatenate([[0], np.cumsum(row_sizes)])
    rank = np.empty(total)
    for lo, n in inputs.nodes:
        a, b = indptr[lo], indptr[lo + n]
        m = sp.csr_matrix((weight[a:b], _local(columns[a:b], lo), indptr[lo:lo + n + 1] - a), shape=(n, n))
        m.has_sorted_indices = True
        x0 = inputs.start[lo:lo + n]
        x0 = None if np.isnan(x0).all() else np.where(np.isnan(x0), 1.0 / n, x0)
        rank[lo:lo + n] = pagerank_matrix(m, algo.impact, start=x0)
    return rank


def _keep_impact(con, logical_date: date, report: StateReport, inputs: _ImpactInputs, rank: np.ndarray
                 ) -> np.ndarray:
    """Keep the night's vector for the next night, by the accounts' codes in the state; returns network_impact
    (PageRank x the network's accounts) by the night's index."""
    keep = pl.DataFrame({"code": inputs.state_code, "rank": rank})
    with transaction(con):
        con.register("impact", keep.to_arrow())
        run_sql(con, "score/state_keep_impact", chain_id=report.chain_id, night=logical_date,
                keep_from=logical_date - timedelta(days=KEEP_NIGHTS))
        con.unregister("impact")
    impact = np.empty(len(rank))
    for lo, n in inputs.nodes:
        impact[lo:lo + n] = rank[lo:lo + n] * n
    return impact


def _trusted_weights(inputs: _ImpactInputs, edges) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The night's matrix entries for the pairs whose reactor is trusted (a fresh, low-activity reactor passes no
    impact): each row's (target's) number of entries by the night's index, each entry's column (actor) by the
    night's index, and its weight ln(1 + decayed reactions). At 10M accounts these are ~190M entries (each array
    0.8-1.5 GB): they are written in place, a block of edges at a time on every core (numpy lets go of the GIL in
    these passes; by then the features' SQL beside PageRank is done, so one core sat idle), and each row is counted
    from its target's run of the sorted edges. Each entry is the same element-wise formula whichever block makes
    it, so the bits are those of the whole-array formulas."""
    trusted = np.ones(len(inputs.index), dtype=bool)
    trusted[inputs.untrusted] = False
    total, bounds = len(edges.src), edges.bounds
    blocks = [(lo, min(lo + WEIGHT_BLOCK, total)) for lo in range(0, total, WEIGHT_BLOCK)]
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:
        keeps = list(pool.map(lambda b: trusted[edges.src[b[0]:b[1]]], blocks))
        offsets = np.concatenate([[0], np.cumsum([np.count_nonzero(k) for k in keeps])]).astype(np.int64)
        weight = np.empty(int(offsets[-1]))
        columns = np.empty(int(offsets[-1]), dtype=np.int32)

        def fill(i: int) -> tuple[int, np.ndarray]:
            (lo, hi), keep, out = blocks[i], keeps[i], slice(offsets[i], offsets[i + 1])
            np.compress(keep, edges.reactions[lo:hi], out=weight[out])
            np.divide(weight[out], inputs.scale, out=weight[out])
            np.log1p(weight[out], out=weight[out])
            np.take(inputs.index, np.compress(keep, edges.src[lo:hi]), out=columns[out])
            # the runs in the block (the first may have begun in the block before): their kept edges summed
            first, last = np.searchsorted(bounds, lo, side="right") - 1, np.searchsorted(bounds, hi)
            cuts = np.maximum(bounds[first:last], lo) - lo
            return first, np.add.reduceat(keep, cuts, dtype=np.int64)

        counted = list(pool.map(fill, range(len(blocks))))
    by_run = np.zeros(len(edges.runs), dtype=np.int64)
    for first, kept in counted:  # a run cut by a block's end adds up here
        by_run[first:first + len(kept)] += kept
    rows = np.zeros(len(inputs.state_code), dtype=np.int64)
    rows[inputs.index[edges.targets]] = by_run
    return rows, columns, weight


def _local(codes: np.ndarray, lo: int) -> np.ndarray:
    """A network's edge codes numbered from 0 (no copy for the first network)."""
    return codes if lo == 0 else (codes - lo).astype(np.int32)
