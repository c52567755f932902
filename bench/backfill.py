"""Backfill benchmark: a 90-night backfill of 100,000 accounts after an algorithm change (issue 6).

    .venv/bin/python -m bench.backfill [--accounts 100000] [--nights 90] [--per-day 60000] [--keep DIR]

1. Writes `--nights` days of seeded synthetic interactions (`actor target unix_ts kind`; power-law targets,
   every account active) and lands them through the real land stage.
2. Baseline, in the same process: the nightly job runs every night with v1 and publishes it (the history a
   backfill is compared against). Printed: seconds per night (mean, last) and in total.
3. The backfill: `clout backfill` with v1_1 over the whole range (stage, aggregate, score and gate each night
   against the published night of the same date, then gate the range as a whole). v1_1 reads the window as v1
   does, so each night's gate reads v1's scores of it from the published run (no shadow run: docs/gate.md).
   Printed: seconds per night and in total, the ratio to the nightly baseline, and peak RSS.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from bench.interactions import load_average, rss_mb, write_interactions
from clout import backfill, pipeline
from clout.core.settings import load_settings

START = date(2024, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--nights", type=int, default=90)
    parser.add_argument("--per-day", type=int, default=60_000, help="interactions per day")
    parser.add_argument("--keep", type=Path, help="build the warehouse here and keep it")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="clout-bench-backfill-"))
    home.mkdir(parents=True, exist_ok=True)
    settings = load_settings(home / "clout.duckdb")
    last = START + timedelta(days=args.nights - 1)
    try:
        t = time.perf_counter()
        days = [START + timedelta(days=i) for i in range(args.nights)]
        n = write_interactions(home / "interactions.txt", days, args.accounts, args.per_day, seed=11)
        pipeline.land_files(settings, [home / "interactions.txt"])
        print(f"{n:,} interactions over {args.nights} days among {args.accounts:,} accounts generated and landed "
              f"in {time.perf_counter() - t:.1f} s", flush=True)

        nightly = []
        for i in range(args.nights):
            t = time.perf_counter()
            pipeline.run_night(settings, START + timedelta(days=i), "v1")
            nightly.append(time.perf_counter() - t)
        print(f"baseline, nightly v1 runs: {sum(nightly):.1f} s for {args.nights} nights, "
              f"{np.mean(nightly):.2f} s per night (last night {nightly[-1]:.2f} s); load average {load_average()}",
              flush=True)

        t = time.perf_counter()
        backfill_id = backfill.start_or_resume(settings, START, last, "v1_1")
        backfill.score_nights(settings, backfill_id)
        scored = time.perf_counter() - t
        result = backfill.gate(settings, backfill_id)
        total = time.perf_counter() - t
        print(f"backfill v1_1: {total:.1f} s for {args.nights} nights = {total / args.nights:.2f} s per night "
              f"(scoring and gating each night {scored:.1f} s, gating the range {total - scored:.1f} s); gate "
              f"{result.outcome}; the old algorithm's scores read from the published run on {_reused(settings)} of "
              f"{args.nights} nights (a shadow run scored the others)")
        print(f"ratio backfill / nightly baseline: {total / sum(nightly):.2f}; peak RSS {rss_mb():,.0f} MB; "
              f"load average {load_average()} (2 cores)")
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


def _reused(settings) -> int:
    """Backfill nights whose gate read the night's published run as the old algorithm's scores (no shadow run)."""
    from clout.core.warehouse import connect

    with connect(settings, read_only=True) as con:
        return con.execute("select count(*) from meta.gate_outcomes as g join meta.backfill_nights as n "
                           "using (run_id) where g.shadow_run_id not like '%-shadow'").fetchone()[0]



if __name__ == "__main__":
    main()
