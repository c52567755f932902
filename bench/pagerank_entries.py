"""PageRank's entries from the kept edges, on both cores, against the whole-array formulas in the same process.

    .venv/bin/python -m bench.pagerank_entries [--accounts 10000000] [--edges 100000000] [--repeat 2]

Synthetic edges sorted by target (skewed targets, uniform actors, 1% of the accounts untrusted), as
clout.score.impact_edges keeps them. Each round times the baseline (the plain whole-array formulas: a mask of the
trusted reactors' edges, ln(1 + reactions / scale) of each, the rows counted by target, which is what
score_state._trusted_weights computed on one core before it went block by block) and then
score_state._trusted_weights, checks they give the same arrays, and prints seconds, CPU seconds and the ratio.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

from bench.interactions import load_average, rss_mb
from clout.score import score_state
from clout.score.impact_edges import Edges


def whole_array(inputs: score_state._ImpactInputs, edges: Edges) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The baseline: the entries by whole-array formulas (one core)."""
    trusted = np.ones(len(inputs.index), dtype=bool)
    trusted[inputs.untrusted] = False
    keep = trusted[edges.src]
    weight = np.log1p(edges.reactions[keep] / inputs.scale)
    rows = np.bincount(edges.dst[keep], minlength=len(inputs.index))[inputs.state_code]
    return rows, inputs.index[edges.src[keep]], weight


def timed(label: str, fn) -> tuple[float, object]:
    """Run fn(); print its wall and CPU seconds under `label`; return the wall seconds and what fn returned."""
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label:<12} {wall:6.2f} s  {cpu:6.2f} cpu-s", flush=True)
    return wall, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--edges", type=int, default=100_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    rng = np.random.default_rng(1)
    n = args.accounts
    state_code = rng.permutation(n).astype(np.int32)  # the night's index -> code
    index = np.empty(n, dtype=np.int32)
    index[state_code] = np.arange(n, dtype=np.int32)
    edges = Edges.from_targets(np.sort((n * rng.random(args.edges) ** 4).astype(np.int32)),
                               rng.integers(0, n, args.edges, dtype=np.int32), rng.random(args.edges) * 1e3)
    untrusted = rng.choice(n, n // 100, replace=False).astype(np.int32)
    inputs = score_state._ImpactInputs([(0, n)], state_code, index, None, 7.0, untrusted, None)
    print(f"{args.edges:,} edges among {n:,} accounts; load average {load_average()} ({os.cpu_count()} cores)")
    for round_ in range(1, args.repeat + 1):
        print(f"round {round_}:")
        base, expected = timed("whole-array", lambda: whole_array(inputs, edges))
        new, got = timed("by blocks", lambda: score_state._trusted_weights(inputs, edges))
        same = all(np.array_equal(a, b) for a, b in zip(expected, got, strict=True))
        print(f"  ratio {new / base:.2f} of the baseline; the same arrays: {same}")
        del expected, got
    print(f"peak RSS {rss_mb():,.0f} MB; load average {load_average()}")


if __name__ == "__main__":
    main()
