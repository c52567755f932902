"""Where a night's touched pairs go in PageRank's kept edges: by target runs, against every edge's key.

    .venv/bin/python -m bench.kept_edges [--accounts 10000000] [--edges 195000000] [--patch 4400000] [--repeat 2]

Synthetic edges in account order of (target, actor) (skewed targets, uniform actors), stored by the accounts'
codes as clout.score.impact_edges keeps them, and a night's patch (half of it pairs already there, half new, as a
night with a day in and a day out touches). Each round times the baseline (what the patch did before: every edge's
key in the night's account order, a block at a time, then np.searchsorted of the pairs' keys) and then
impact_edges._places (each pair's target run, then a binary search in it), checks they give the same places, and
prints seconds, CPU seconds and the ratio.
"""

from __future__ import annotations

import argparse
import os

import numpy as np

from bench.interactions import load_average, rss_mb
from bench.pagerank_entries import timed
from clout.score import impact_edges
from clout.score.impact_edges import Edges


def every_key(edges: Edges, index: np.ndarray, dst: np.ndarray, src: np.ndarray) -> np.ndarray:
    """The baseline: each edge's key (target's place x accounts + actor's place), then a search over them."""
    n = np.int64(len(index))
    scaled = index.astype(np.int64) * n
    targets = edges.dst
    keys = np.empty(len(targets), dtype=np.int64)
    for lo in range(0, len(keys), impact_edges.BLOCK):
        hi = min(lo + impact_edges.BLOCK, len(keys))
        np.take(scaled, targets[lo:hi], out=keys[lo:hi])
        keys[lo:hi] += index[edges.src[lo:hi]]
    return np.searchsorted(keys, scaled[dst] + index[src])


def synthetic(rng: np.random.Generator, n: int, edges_n: int, patch_n: int):
    """Edges sorted in account order and stored by code; a patch of pairs (codes) sorted in account order."""
    state_code = rng.permutation(n).astype(np.int32)  # account order -> code
    index = np.empty(n, dtype=np.int32)
    index[state_code] = np.arange(n, dtype=np.int32)
    keys = np.unique((n * rng.random(edges_n) ** 4).astype(np.int64) * n + rng.integers(0, n, edges_n))
    edges = Edges.from_targets(state_code[keys // n], state_code[keys % n], rng.random(len(keys)))
    old = keys[rng.choice(len(keys), patch_n // 2, replace=False)]
    new = (n * rng.random(patch_n - len(old)) ** 4).astype(np.int64) * n + rng.integers(0, n, patch_n - len(old))
    pairs = np.unique(np.concatenate([old, new]))
    return edges, index, state_code[pairs // n], state_code[pairs % n]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--edges", type=int, default=195_000_000)
    parser.add_argument("--patch", type=int, default=4_400_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    edges, index, dst, src = synthetic(np.random.default_rng(1), args.accounts, args.edges, args.patch)
    print(f"{len(edges.src):,} edges among {args.accounts:,} accounts, a patch of {len(dst):,} pairs; "
          f"load average {load_average()} ({os.cpu_count()} cores)")
    for round_ in range(1, args.repeat + 1):
        print(f"round {round_}:")
        base, expected = timed("every key", lambda: every_key(edges, index, dst, src))
        new, got = timed("target runs", lambda: impact_edges._places(edges, index, dst, src))
        print(f"  ratio {new / base:.2f} of the baseline; the same places: {np.array_equal(expected, got)}")
    print(f"peak RSS {rss_mb():,.0f} MB; load average {load_average()}")


if __name__ == "__main__":
    main()
