"""Cost of consent: an opt-out's erasure and compaction, and the landing check, on the real Higgs week.

    .venv/bin/python -m bench.consent                 # full Higgs file (563k interactions), 2 published nights
    .venv/bin/python -m bench.consent --every 10      # every 10th line: a quick run

Printed: warehouse size, the erasure (seconds, rows changed, tables touched), compaction (seconds, bytes
before/after), the bytes check, and the landing of one more file with an empty vs a non-empty registry
(the check hashes the new file's account values; ratio vs the empty-registry landing in the same process).
"""

from __future__ import annotations

import argparse
import gzip
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

from clout import consent, pipeline
from clout.core.resources import HIGGS_FILE
from clout.core.settings import load_settings
from clout.core.warehouse import connect


def _subset(path: Path, every: int, shift_days: int = 0) -> Path:
    with gzip.open(HIGGS_FILE, "rb") as f:
        lines = [line for i, line in enumerate(f) if i % every == 0]
    if shift_days:  # a "later delivery": same people, new times, so new bytes and new rows
        lines = [b" ".join([*line.split()[:2], str(int(line.split()[2]) + 86400 * shift_days).encode(),
                            line.split()[3]]) + b"\n" for line in lines]
    path.write_bytes(gzip.compress(b"".join(lines)))
    return path


def _timed_land(settings, path: Path) -> float:
    started = time.perf_counter()
    pipeline.land_files(settings, [path])
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=1, help="keep every n-th Higgs line")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="clout-bench-consent-"))
    settings = load_settings(root / "warehouse" / "clout.duckdb")
    higgs = _subset(root / "higgs.txt.gz", args.every)
    started = time.perf_counter()
    pipeline.land_files(settings, [higgs])
    for day in (1, 2):
        try:
            pipeline.run_night(settings, date(2012, 7, day))
        except Exception as e:  # a held night still leaves a warehouse to erase from
            print(f"night {day}: {str(e)[:100]}")
    print(f"setup: {time.perf_counter() - started:.1f} s, warehouse {settings.warehouse.stat().st_size / 1e6:.1f} MB, "
          f"load average {os.getloadavg()[0]:.2f}")
    with connect(settings) as con:
        account, reactions = con.execute(
            "select target_id, count(*) from raw.generic_interactions group by 1 order by 2 desc limit 1 offset 5"
        ).fetchall()[0]
        interactions = con.execute("select count(*) from raw.generic_interactions").fetchall()[0][0]
    print(f"erasing account {account} ({reactions:,} interactions received) of {interactions:,} raw interactions")
    result = consent.optout(settings, consent.Request(account, "twitter", "bench"))
    e, c = result.erasure, result.compaction
    print(f"erasure: {e.seconds:.2f} s, {e.rows_changed:,} rows in {len(e.rows)} table/actions, "
          f"{len(e.files)} files removed or rewritten")
    print(f"compaction: {c.seconds:.2f} s, {c.bytes_before / 1e6:.1f} MB -> {c.bytes_after / 1e6:.1f} MB")
    with connect(settings) as con:
        left = con.execute("select count(*) from raw.generic_interactions where ? in (actor_id, target_id)",
                           [account]).fetchall()[0][0]
    print(f"rows left naming the account: {left}")

    # Landing check: the same later delivery into a copy without opt-outs, then into this warehouse.
    plain = load_settings(root / "plain" / "clout.duckdb")
    pipeline.land_files(plain, [higgs])
    later = _subset(root / "later.txt.gz", args.every, shift_days=7)
    empty = _timed_land(plain, later)
    guarded = _timed_land(settings, later)
    print(f"landing a later delivery: {empty:.2f} s with no opt-outs, {guarded:.2f} s with one "
          f"(ratio {guarded / empty:.2f}, includes erasing and compacting what it brought back)")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
