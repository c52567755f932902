"""Helpers for the gate tests: dates of the Higgs week, samples of the real data, warehouse copies."""

from __future__ import annotations

import gzip
from datetime import date, timedelta
from pathlib import Path

from testkit import copy_warehouse  # noqa: F401 - the gate tests' copies, as every folder's

from clout.core.resources import HIGGS_FILE

JULY = [date(2012, 7, 1) + timedelta(days=i) for i in range(7)]
WEEK_SAMPLE_EVERY = 4  # every 4th interaction of the real week keeps its shape (the July 4 spike) at 1/4 the cost


def higgs_sample(path: Path, every: int, offset: int = 0, days: set[int] | None = None) -> Path:
    """Every n-th line of the real Higgs file (optionally only some July 2012 days)."""
    out = []
    with gzip.open(HIGGS_FILE, "rb") as f:
        for i, line in enumerate(f):
            if (i - offset) % every:
                continue
            day = (int(line.split()[2]) - 1341100800) // 86400 + 1  # 1341100800 = 2012-07-01T00:00Z
            if days is None or day in days:
                out.append(line)
    path.write_bytes(gzip.compress(b"".join(out)))
    return path
