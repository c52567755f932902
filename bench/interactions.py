"""Seeded generic interaction files (`actor target unix_ts kind` lines) for the pipeline benchmarks, and the
process's peak RSS they print."""

from __future__ import annotations

import os
import resource
from datetime import UTC, date, datetime
from pathlib import Path

import numpy as np
import polars as pl

KINDS = np.array(["RT", "MT", "RE"])


def write_interactions(path: Path, days: list[date], accounts: int, per_day: int, seed: int,
                       everyone_acts: bool = False) -> int:
    """`per_day` interactions on each day among `accounts`, power-law targets (a realistic skew); with
    `everyone_acts`, every account acts each day (the actors start with a permutation). Returns the lines."""
    rng = np.random.default_rng(seed)
    frames = []
    for day in days:
        start = int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())
        actors = (np.concatenate([rng.permutation(accounts), rng.integers(0, accounts, max(per_day - accounts, 0))])
                  if everyone_acts else rng.integers(0, accounts, per_day))
        targets = ((accounts * rng.random(actors.size) ** 4).astype(np.int64) * 7919 + 13) % accounts
        frames.append(pl.DataFrame({
            "actor": actors, "target": targets, "ts": start + rng.integers(0, 86400, actors.size),
            "kind": KINDS[rng.choice(3, actors.size, p=[0.5, 0.3, 0.2])],
        }).filter(pl.col("actor") != pl.col("target")))
    lines = pl.concat(frames)
    lines.write_csv(path, separator=" ", include_header=False)
    return lines.height


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load_average() -> str:
    """The machine's 1-, 5- and 15-minute load averages, as the benches print them beside their figures."""
    return " ".join(f"{x:.1f}" for x in os.getloadavg())
