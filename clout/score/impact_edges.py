"""PageRank's edges of a night, sorted, kept beside the warehouse and patched by the next night's pairs.

The score state's pairs (state.score_pairs) are PageRank's edges. Sorting ~200M of them by (target, actor) every
night (what a sparse matrix needs, and the order every sum runs in) was a third of a 10M-account night. Their
order in account order does not change from one night to the next but by the pairs a night touches: so the
night's edges are kept sorted, by the accounts' codes in the state, in a folder beside the warehouse
(`<warehouse>.impact/chain-<id>/`), and the next night patches them with the pairs it touched (a binary search,
an update, a delete and an insert: O(edges) copying, no sort). docs/state.md, PageRank's edges.

The kept edges are a cache of the state, never the truth: they are used only for the night they were made for
(a rerun) or the night after it reached by one applied night (the patch), with the same epoch, the same rebuild
and the same number of pairs as the state; anything else (a rebuild, an undo, a missing or damaged folder)
reads every pair from the state and sorts them again, which gives the same edges.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property
from pathlib import Path

import duckdb
import numpy as np
import scipy.sparse as sp

from clout.core.warehouse import query

FILES = ("targets", "runs", "src", "reactions")


@dataclass
class Edges:
    """A chain's pairs as edges, sorted in account order of (target, actor) (`index` of the night maps a code to its
    place in account order): each target's edges are one run. `targets` (code) and `runs` (its number of edges) list
    the runs in order; `src` (actor code) and `reactions` (reactions_s as a double) are per edge. A target per run,
    not per edge: at 10M accounts a per-edge target column was 0.8 GB to read, patch and write every night, and the
    passes that need the runs (the places, the rows' sizes) had to find them in it first."""

    targets: np.ndarray  # int32
    runs: np.ndarray  # int64, each > 0
    src: np.ndarray  # int32
    reactions: np.ndarray  # float64

    @classmethod
    def from_targets(cls, dst: np.ndarray, src: np.ndarray, reactions: np.ndarray) -> Edges:
        """From a target per edge (edges already sorted, so each target's edges are consecutive)."""
        starts = np.flatnonzero(np.diff(dst, prepend=-1))  # codes are >= 0
        return cls(dst[starts], np.diff(np.append(starts, len(dst))).astype(np.int64), src, reactions)

    @cached_property  # read by the places, the patch and the entries of one night; `runs` is never changed in place
    def bounds(self) -> np.ndarray:
        """Where each run starts, and the number of edges last (len(runs) + 1 values)."""
        return np.concatenate([[0], np.cumsum(self.runs)]).astype(np.int64)

    @property
    def dst(self) -> np.ndarray:
        """Each edge's target code (a copy the size of the edges: for checks, not for the night's passes)."""
        return np.repeat(self.targets, self.runs)


@dataclass
class EdgeSource:
    """What night_edges reads of the warehouse, read up front so that the connection is free for another
    statement while the edges are loaded, patched and turned into PageRank's matrix (score_state.state_features)."""

    chain: dict
    folder: Path | None
    pairs: int
    patch: dict | None  # the pairs the night touched, when one applied night can patch the kept edges
    read_all: Callable[[], dict]  # every pair of the state (waits for the connection first)


def edge_source(con: duckdb.DuckDBPyConnection, chain: dict, report, wait: Callable[[], object]) -> EdgeSource:
    """`chain`: chain_id, epoch, rebuilt_on of the state; `report`: how prepare_state brought it to the night;
    `wait`: returns once the connection is free again (read_all runs after it)."""
    chain_id = chain["chain_id"]
    pairs = query(con, "score/state_pair_count", chain_id=chain_id).fetchall()[0][0]
    patching = report.path == "incremental" and report.undone == 0 and report.applied == 1
    patch = query(con, "score/state_impact_patch").fetchnumpy() if patching else None

    def read_all() -> dict:
        wait()
        return query(con, "score/state_impact_edges", chain_id=chain_id).fetchnumpy()

    return EdgeSource(chain, _folder(con, chain_id), pairs, patch, read_all)


def night_edges(source: EdgeSource, night: date, report, index: np.ndarray) -> Edges:
    """The chain's edges on `night`, sorted by the night's `index` (code -> account order); kept for the next night."""
    kept = _load(source.folder, source.chain) if source.folder else None
    edges = None
    if kept is not None:
        meta, edges = kept
        del kept
        if report.path == "current" and report.undone == 0 and meta["night"] == str(night):
            pass  # a rerun of the night the edges were kept for
        elif source.patch is not None and meta["night"] == str(night - timedelta(days=1)):
            edges = _patched(edges, source.patch, index)
        else:
            edges = None
    if edges is None or len(edges.src) != source.pairs:
        edges = _sorted(source.read_all(), index)
    if source.folder:
        _keep(source.folder, source.chain, night, edges)
    return edges


def _sorted(fetched: dict, index: np.ndarray) -> Edges:
    """Every pair, sorted in account order of (target, actor): scipy's sparse matrix sorts by row (a counting
    sort) and each row's entries; its rows' sizes are the runs."""
    n = len(index)
    m = sp.csr_matrix((fetched.pop("reactions"), (index[fetched["dst"]], index[fetched["src"]])), shape=(n, n))
    order = np.empty(n, dtype=np.int32)  # account order -> code
    order[index[index >= 0]] = np.flatnonzero(index >= 0)
    sizes = np.diff(m.indptr)
    rows = np.flatnonzero(sizes)
    return Edges(order[rows], sizes[rows].astype(np.int64), order[m.indices], m.data)


def _patched(edges: Edges, patch: dict, index: np.ndarray) -> Edges | None:
    """The kept edges of the night before with the pairs the night touched: updated, deleted (reactions null) or
    inserted in their place, so the edges stay sorted; a target's run shrinks, grows, goes or comes with them."""
    n = np.int64(len(index))
    order = np.argsort(index[patch["dst"]].astype(np.int64) * n + index[patch["src"]])
    dst, src = patch["dst"][order], patch["src"][order]
    located = _locate(edges, index, dst, src)
    if located is None:
        return None  # not in the night's account order: read the state again
    at, run, has_run = located
    reactions = np.ma.getdata(patch["reactions"])[order]
    alive = ~np.ma.getmaskarray(patch["reactions"])[order]
    found = has_run.copy()  # the edge at the pair's place is the pair: in its target's run, with its actor
    found[found] = at[found] < edges.bounds[run[found] + 1]
    found[found] = edges.src[at[found]] == src[found]
    edges.reactions[at[found & alive]] = reactions[found & alive]
    gone = at[found & ~alive]
    add = ~found & alive
    # the new pairs' places once the deleted ones are gone (np.insert's: before the kept edge of that rank)
    place = at[add] - np.searchsorted(gone, at[add])
    splice = _Splice(len(edges.src), gone, place)
    runs = (edges.runs - np.bincount(run[found & ~alive], minlength=len(edges.runs))
            + np.bincount(run[add & has_run], minlength=len(edges.runs)))
    # a target without a run gets one, before the run it would come before (the pairs are in account order)
    new = add & ~has_run
    new_dst, new_run = dst[new], run[new]
    first = np.flatnonzero(np.diff(new_dst, prepend=-1))  # each new target's first pair (codes are >= 0)
    targets = np.insert(edges.targets, new_run[first], new_dst[first])
    runs = np.insert(runs, new_run[first], np.diff(np.append(first, len(new_dst))))
    left = runs > 0  # a target whose every pair was deleted has no run
    return Edges(targets[left], runs[left], splice.apply(edges.src, src[add]),
                 splice.apply(edges.reactions, reactions[add]))


BLOCK = 1 << 22  # edges per block of the passes over the kept edges: the temporaries stay small (tens of MB)


def _places(edges: Edges, index: np.ndarray, dst: np.ndarray, src: np.ndarray) -> np.ndarray | None:
    """Where each pair (target and actor codes) is, or would go, in the edges sorted in the night's account order of
    (target, actor): np.searchsorted's (left) place among the edges' keys, without a key per edge (at 10M accounts
    that was a gather over 195M edges, the longest pass of the patch). None (read the state again) if a pair's
    account is not in the night's index (it left the window) or the runs' targets are not in strictly increasing
    account order. Inside a run the order is the night before's, which the night's index keeps: it numbers the
    same accounts in the same (network, account_id) order."""
    located = _locate(edges, index, dst, src)
    return None if located is None else located[0]


def _locate(edges: Edges, index: np.ndarray, dst: np.ndarray, src: np.ndarray
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """_places' places, each pair's run (its target's, or the run it would come before) and whether its target has
    a run. A pair's place in its target's run is a binary search on the actors' places, all pairs at once."""
    t, s = index[dst], index[src]
    run_rank = index[edges.targets]
    if (t < 0).any() or (s < 0).any() or (run_rank < 0).any() or (run_rank[1:] <= run_rank[:-1]).any():
        return None
    bounds = edges.bounds
    total = int(bounds[-1])
    r = np.searchsorted(run_rank, t)  # the pair's run, or the run it would come before
    inside = r < len(run_rank)
    lo = np.full(len(t), total, dtype=np.int64)
    lo[inside] = bounds[r[inside]]
    has_run = inside.copy()
    has_run[inside] = run_rank[r[inside]] == t[inside]
    hi = lo.copy()
    hi[has_run] = bounds[r[has_run] + 1]
    active = np.flatnonzero(lo < hi)
    while active.size:  # halve each pair's [lo, hi) until it is the place: at most log2 of the longest run
        mid = (lo[active] + hi[active]) // 2
        right = index[edges.src[mid]] < s[active]
        lo[active[right]] = mid[right] + 1
        hi[active[~right]] = mid[~right]
        active = active[lo[active] < hi[active]]
    return lo, r, has_run


class _Splice:
    """np.insert(np.delete(column, gone), place, values) for several columns with the same gone and place: the
    masks are made once, and each column is copied once, a block at a time (np.delete and np.insert each copy the
    whole column and make their own mask)."""

    def __init__(self, length: int, gone: np.ndarray, place: np.ndarray) -> None:
        self.keep = np.ones(length, dtype=bool)
        self.keep[gone] = False
        self.gone, self.place = gone, place
        self.at = place + np.arange(len(place))  # where the new values land in the result
        self.slot = np.ones(length - len(gone) + len(place), dtype=bool)  # where the kept values land
        self.slot[self.at] = False

    def apply(self, column: np.ndarray, values: np.ndarray) -> np.ndarray:
        out = np.empty(len(self.slot), dtype=column.dtype)
        out[self.at] = values
        for lo in range(0, len(column), BLOCK):
            hi = min(lo + BLOCK, len(column))
            first, last = self._kept_rank(lo), self._kept_rank(hi)  # the block's kept values: ranks first..last-1
            if last == first:
                continue
            # the kept value of rank r lands at r + (new values placed at or before r)
            start = first + np.searchsorted(self.place, first, side="right")
            stop = last - 1 + np.searchsorted(self.place, last - 1, side="right") + 1
            out[start:stop][self.slot[start:stop]] = column[lo:hi][self.keep[lo:hi]]
        return out

    def _kept_rank(self, i: int) -> int:
        """Kept values before position i of the column."""
        return i - int(np.searchsorted(self.gone, i))


def _folder(con: duckdb.DuckDBPyConnection, chain_id: int) -> Path | None:
    """Settings.kept_edges_dir of the warehouse the connection has open (an erasure drops it); None in memory."""
    (path,) = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchall()[0]
    return Path(f"{path}.impact") / f"chain-{chain_id}" if path else None


def _load(folder: Path, chain: dict) -> tuple[dict, Edges] | None:
    try:
        meta = json.loads((folder / "meta.json").read_text())
        if meta["epoch"] != str(chain["epoch"]) or meta["rebuilt_on"] != str(chain["rebuilt_on"]):
            return None
        edges = Edges(*(np.load(folder / f"{name}.npy") for name in FILES))
    except (OSError, ValueError, KeyError):
        return None  # missing (or kept in an older layout) or damaged: the state is read again
    whole = (len(edges.targets) == len(edges.runs) and len(edges.src) == len(edges.reactions) == meta["pairs"]
             and int(edges.runs.sum()) == meta["pairs"] and (edges.runs > 0).all())
    return (meta, edges) if whole else None


def _keep(folder: Path, chain: dict, night: date, edges: Edges) -> None:
    """Written beside, then swapped in: a crash leaves the old folder or the new one, and either is checked."""
    fresh = folder.with_name(folder.name + ".new")
    shutil.rmtree(fresh, ignore_errors=True)
    fresh.mkdir(parents=True)
    try:
        for name in FILES:
            np.save(fresh / f"{name}.npy", getattr(edges, name))
        (fresh / "meta.json").write_text(json.dumps({"night": str(night), "epoch": str(chain["epoch"]),
                                                     "rebuilt_on": str(chain["rebuilt_on"]),
                                                     "pairs": len(edges.src)}))
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)  # a full disk: its 3 GB of partial files are not left to fill it
        raise
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
