"""Network impact: a PageRank-style measure on the weighted engagement graph, by sparse power iteration.

A reaction passes a share of the reactor's own impact to the account reacted to, so reactions from
influential accounts count more and a reactor who reacts to everything spreads its impact thin. Computed
with scipy.sparse matrix-vector products (no Python loop over nodes or edges), one network at a time.

`network_impact` is PageRank x number of accounts, so the average account has 1.0.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import polars as pl
import scipy.sparse as sp

from transforms.algorithm import ImpactParams


def pagerank(src: np.ndarray, dst: np.ndarray, weight: np.ndarray, n: int, params: ImpactParams,
             start: np.ndarray | None = None) -> np.ndarray:
    """PageRank of `n` nodes over weighted edges src -> dst (int32 indices); returns a vector summing to 1.

    The edges (no two alike) may come in any order: the matrix keeps them sorted by (dst, src) and every sum runs
    in that order, so the same edges give the same bits. See pagerank_matrix.
    """
    # M[dst, src] = the weight of src's edge to dst; scipy sorts each row's entries
    return pagerank_matrix(sp.csr_matrix((weight, (dst, src)), shape=(n, n)), params, start)


def pagerank_matrix(m: sp.csr_matrix, params: ImpactParams, start: np.ndarray | None = None) -> np.ndarray:
    """PageRank over the weights m[dst, src] (each row's entries sorted by src: every sum runs in that order);
    returns a vector summing to 1. `m`'s data is made the transition shares in place.

    Dangling nodes (no out-edges) hand their rank to everyone evenly, the usual convention. `start`: where the
    power iteration starts (yesterday's vector: fewer iterations to the same tolerance), else evenly.
    """
    n = m.shape[0]
    # Column-stochastic transition matrix: M[dst, src] = share of src's weight that goes to dst. The out-weights
    # are summed in the matrix's order.
    out_weight = np.bincount(m.indices, weights=m.data, minlength=n)
    m.data /= out_weight[m.indices]
    dangling = out_weight == 0
    x = np.full(n, 1.0 / n) if start is None else start / start.sum()
    d = params.damping
    with _Product(m) as product:
        for _ in range(params.max_iterations):
            new = d * (product(x) + x[dangling].sum() / n) + (1.0 - d) / n
            done = np.abs(new - x).sum() < params.tolerance
            x = new
            if done:
                break
    return x / x.sum()


class _Product:
    """m @ x on every core: the rows split in blocks of about equal edges, one thread each (scipy's sparse product
    releases the GIL). Each row's sum is the same as in one product, so the bits are too."""

    PARALLEL_EDGES = 2_000_000  # below this, threads cost more than they save

    def __init__(self, m: sp.csr_matrix) -> None:
        cores = os.cpu_count() or 1
        self.blocks = [m]
        if cores > 1 and m.nnz >= self.PARALLEL_EDGES:
            cuts = np.searchsorted(m.indptr, np.linspace(0, m.nnz, cores + 1)[1:-1])
            bounds = [0, *sorted(set(int(c) for c in cuts) - {0, m.shape[0]}), m.shape[0]]
            # views of m's arrays (no copy): rows r0..r1 of m
            self.blocks = [sp.csr_matrix((m.data[m.indptr[r0]:m.indptr[r1]], m.indices[m.indptr[r0]:m.indptr[r1]],
                                          m.indptr[r0:r1 + 1] - m.indptr[r0]), shape=(r1 - r0, m.shape[1]))
                           for r0, r1 in zip(bounds[:-1], bounds[1:], strict=True)]
        self.pool = ThreadPoolExecutor(len(self.blocks)) if len(self.blocks) > 1 else None

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if self.pool is None:
            return self.blocks[0] @ x
        return np.concatenate(list(self.pool.map(lambda b: b @ x, self.blocks)))

    def __enter__(self) -> _Product:
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.shutdown()


def network_impact(pairs: pl.LazyFrame, nodes: pl.DataFrame, params: ImpactParams) -> pl.LazyFrame:
    """PageRank per network over integer-coded accounts.

    `pairs`: network, actor_id, target_id (integer codes), weight (> 0), one row per pair.
    `nodes`: network, lo, n: each network's accounts have the contiguous codes lo .. lo + n - 1 (accounts
      without edges are nodes too). Returns account_id (code), network_impact for every node.
    """
    pairs_df = pairs.select("network", "actor_id", "target_id", "weight").collect()
    by_network = pairs_df.partition_by("network", as_dict=True)
    out = []
    for network, lo, n in nodes.select("network", "lo", "n").iter_rows():
        edges = by_network.get((network,))
        if edges is None:
            rank = np.full(n, 1.0 / n)
        else:
            src = (edges["actor_id"].to_numpy() - lo).astype(np.int32)
            dst = (edges["target_id"].to_numpy() - lo).astype(np.int32)
            rank = pagerank(src, dst, edges["weight"].to_numpy().astype(np.float64), n, params)
        out.append(pl.DataFrame({"account_id": pl.int_range(lo, lo + n, dtype=pl.UInt32, eager=True),
                                 "network_impact": rank * n}))
    if not out:
        return pl.LazyFrame(schema={"account_id": pl.UInt32, "network_impact": pl.Float64})
    return pl.concat(out).lazy()
