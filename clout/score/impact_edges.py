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
from pathlib import Path

import duckdb
import numpy as np
import scipy.sparse as sp

from clout.core.warehouse import query

FILES = ("dst", "src", "reactions")


@dataclass
class Edges:
    """A chain's pairs as edges: target code, actor code, reactions_s as a double, sorted in account order of
    (target, actor) (`index` of the night maps a code to its place in account order)."""

    dst: np.ndarray
    src: np.ndarray
    reactions: np.ndarray


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
    if edges is None or len(edges.dst) != source.pairs:
        edges = _sorted(source.read_all(), index)
    if source.folder:
        _keep(source.folder, source.chain, night, edges)
    return edges


def _sorted(fetched: dict, index: np.ndarray) -> Edges:
    """Every pair, sorted in account order of (target, actor): scipy's sparse matrix sorts by row (a counting
    sort) and each row's entries."""
    n = len(index)
    m = sp.csr_matrix((fetched.pop("reactions"), (index[fetched["dst"]], index[fetched["src"]])), shape=(n, n))
    order = np.empty(n, dtype=np.int32)  # account order -> code
    order[index[index >= 0]] = np.flatnonzero(index >= 0)
    rows = np.repeat(np.arange(n, dtype=np.int32), np.diff(m.indptr))
    return Edges(order[rows], order[m.indices], m.data)


def _patched(edges: Edges, patch: dict, index: np.ndarray) -> Edges:
    """The kept edges of the night before with the pairs the night touched: updated, deleted (reactions null) or
    inserted in their place, so the edges stay sorted."""
    n = np.int64(len(index))
    order = np.argsort(index[patch["dst"]].astype(np.int64) * n + index[patch["src"]])
    dst, src = patch["dst"][order], patch["src"][order]
    at = _places(edges, index, dst, src)
    if at is None:
        return None  # not in the night's account order: read the state again
    reactions = np.ma.getdata(patch["reactions"])[order]
    alive = ~np.ma.getmaskarray(patch["reactions"])[order]
    found = at < len(edges.dst)
    found[found] = (edges.dst[at[found]] == dst[found]) & (edges.src[at[found]] == src[found])
    edges.reactions[at[found & alive]] = reactions[found & alive]
    gone = at[found & ~alive]
    add = ~found & alive
    # the new pairs' places once the deleted ones are gone (np.insert's: before the kept edge of that rank)
    place = at[add] - np.searchsorted(gone, at[add])
    splice = _Splice(len(edges.dst), gone, place)
    for name, values in (("dst", dst[add]), ("src", src[add]), ("reactions", reactions[add])):
        setattr(edges, name, splice.apply(getattr(edges, name), values))
    return edges


BLOCK = 1 << 22  # edges per block of the passes over the kept edges: the temporaries stay small (tens of MB)


def _places(edges: Edges, index: np.ndarray, dst: np.ndarray, src: np.ndarray) -> np.ndarray | None:
    """Where each pair (target and actor codes) is, or would go, in the edges sorted in the night's account order of
    (target, actor): np.searchsorted's (left) place among the edges' keys, without a key per edge (at 10M accounts
    that was a gather over 195M edges, the longest pass of the patch). A pair's target has a run of edges, found by
    its place in account order; the pair's place in the run is a binary search on the actors' places, all pairs at
    once. None (read the state again) if a pair's account is not in the night's index (it left the window) or the
    runs' targets are not in strictly increasing account order. Inside a run the order is the night before's,
    which the night's index keeps: it numbers the same accounts in the same (network, account_id) order."""
    t, s = index[dst], index[src]
    starts = _run_starts(edges.dst)
    run_rank = index[edges.dst[starts]]
    if (t < 0).any() or (s < 0).any() or (run_rank < 0).any() or (run_rank[1:] <= run_rank[:-1]).any():
        return None
    total = len(edges.dst)
    ends = np.append(starts[1:], total)
    r = np.searchsorted(run_rank, t)  # the pair's run, or the run it would come before
    inside = r < len(run_rank)
    lo = np.full(len(t), total, dtype=np.int64)
    lo[inside] = starts[r[inside]]
    inside[inside] = run_rank[r[inside]] == t[inside]
    hi = lo.copy()
    hi[inside] = ends[r[inside]]
    active = np.flatnonzero(lo < hi)
    while active.size:  # halve each pair's [lo, hi) until it is the place: at most log2 of the longest run
        mid = (lo[active] + hi[active]) // 2
        right = index[edges.src[mid]] < s[active]
        lo[active[right]] = mid[right] + 1
        hi[active[~right]] = mid[~right]
        active = active[lo[active] < hi[active]]
    return lo


def _run_starts(dst: np.ndarray) -> np.ndarray:
    """Where each run of equal targets starts, a block at a time (no edge-sized temporary)."""
    parts = []
    for lo in range(0, len(dst), BLOCK):
        block = dst[lo:min(lo + BLOCK, len(dst))]
        if lo == 0 or dst[lo - 1] != block[0]:
            parts.append(np.array([lo], dtype=np.int64))
        parts.append(np.flatnonzero(block[1:] != block[:-1]).astype(np.int64) + lo + 1)
    return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)


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
        return None  # missing or damaged: the state is read again
    return (meta, edges) if len(edges.dst) == len(edges.src) == len(edges.reactions) == meta["pairs"] else None


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
                                                     "pairs": len(edges.dst)}))
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)  # a full disk: its 3 GB of partial files are not left to fill it
        raise
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    fresh.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
