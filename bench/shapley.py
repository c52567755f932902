"""The Shapley split of scores into parts: what skipping the accounts whose parts did not move saves (issue 19).

    .venv/bin/python -m bench.shapley [--accounts 1000000] [--repeats 3]

A frame of `--accounts` rows with six raw parts (log-scale values like the model's; a share of the rows silent:
every part 0, as an account nobody reacted to) is split into points from nothing (`with_shapley`, as the score
stage does for every night's scores) at several silent shares, and compared with splitting every row (`_shapley`:
what the score stage did before), the two interleaved. Printed: min / median / max seconds over the repeats, rows/s
and the ratio (of the minima: the machine is shared), peak RSS and the load average. The results are checked equal.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import time

import numpy as np
import polars as pl

from transforms.algorithm import load_algorithm
from transforms.model import PARTS, _shapley, calibrate, with_shapley


def frame(n: int, silent: float, seed: int = 42) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    live = rng.random(n) >= silent
    cols = {f"r_{p}": np.where(live, rng.gamma(1.5, 0.4, n), 0.0) for p in PARTS}
    cols["r_discount"] = -np.where(live & (rng.random(n) < 0.1), rng.random(n) * cols["r_engagement"], 0.0)
    return pl.DataFrame({"account_id": np.arange(n).astype(str), **cols})


def timed(fns: dict, repeats: int) -> tuple[dict[str, list[float]], dict[str, pl.DataFrame]]:
    """Each function `repeats` times, interleaved (a, b, a, b, ...): on a shared, noisy machine both see the same
    load; the minimum is the least disturbed figure."""
    times, out = {k: [] for k in fns}, {}
    for _ in range(repeats):
        for name, fn in fns.items():
            t = time.perf_counter()
            out[name] = fn()
            times[name].append(time.perf_counter() - t)
    return times, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    cal = load_algorithm("v1").calibration
    cols = [f"r_{p}" for p in PARTS]
    print(f"load average {os.getloadavg()[0]:.2f} before; {args.accounts:,} accounts, {args.repeats} repeats")
    for silent in (0.0, 0.5, 0.83):
        f = frame(args.accounts, silent).lazy().with_columns(
            score=calibrate(pl.sum_horizontal(cols), cal))
        times, out = timed({
            "every": lambda f=f: f.pipe(_shapley, cols, None, "score", None, cal, "p_").collect(),
            "moved": lambda f=f: f.pipe(with_shapley, cols, None, "score", None, cal, "p_").collect()}, args.repeats)
        assert out["every"].equals(out["moved"]), "the split with skipping differs from the split of every row"
        every, moved = times["every"], times["moved"]
        print(f"silent {silent:4.0%}: every row {min(every):.2f}/{statistics.median(every):.2f}/{max(every):.2f} s "
              f"({args.accounts / min(every):,.0f} rows/s); moved rows only "
              f"{min(moved):.2f}/{statistics.median(moved):.2f}/{max(moved):.2f} s "
              f"({args.accounts / min(moved):,.0f} rows/s); ratio of minima {min(moved) / min(every):.2f} "
              f"(min/median/max; load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:,.0f} MB; "
          f"load average {os.getloadavg()[0]:.2f} after")


if __name__ == "__main__":
    main()
