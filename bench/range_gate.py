"""The range's gate of a backfill (sql/backfill/range_swing.sql) on generated nights, against the same query with
each night's top 100 taken by row_number() over the night (what it did before), in the same process.

    .venv/bin/python -m bench.range_gate [--accounts 1000000] [--nights 90] [--repeat 2]

Writes `--nights` nights of `--accounts` scores on each side (the published history and the backfill's candidate
rows: 1..100, the backfill's moved by -3..+3 on a third of the accounts) into a DuckDB file under /tmp, then runs
both queries under the range gate's own settings (sql/backfill/range_begin.sql: the 4 GB memory limit), checks
they return the same row, and prints seconds, the ratio, peak RSS and the load average.
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import duckdb

from bench.interactions import load_average
from clout.core.warehouse import bound_statements, run_sql

START = date(2024, 1, 1)
ROW_NUMBER_TOPS = """
top_new as (
    select logical_date, network, account_id
    from candidate
    qualify row_number() over (partition by logical_date order by score desc, network, account_id) <= 100
),

top_old as (
    select logical_date, network, account_id
    from published
    qualify row_number() over (partition by logical_date order by score desc, network, account_id) <= 100
),
"""


def build(con: duckdb.DuckDBPyConnection, accounts: int, nights: int) -> None:
    for schema in ("candidate", "meta", "published"):
        con.execute(f"create schema {schema}")
    n = accounts * nights
    con.execute(f"""create table published.scores as
        select $start + (i // {accounts})::int as logical_date, 'twitter' as network,
               (i % {accounts})::varchar as account_id,
               (1 + hash(i % {accounts}, i // 7 // {accounts}) % 100)::int as score
        from range({n}) as t(i)""", {"start": START})
    con.execute("""create table candidate.scores as
        select 'run-' || logical_date as run_id, logical_date, network, account_id,
               least(100, greatest(1, score + case when hash(account_id) % 3 = 0
                   then (hash(account_id, logical_date) % 7)::int - 3 else 0 end)) as score
        from published.scores""")
    con.execute("create table meta.backfill_nights as "
                "select distinct 'bf' as backfill_id, run_id from candidate.scores")


def timed(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> tuple[float, tuple]:
    run_sql(con, "backfill/range_begin")
    try:
        t = time.perf_counter()
        row = con.sql(sql, params=params).fetchall()[0]
        return time.perf_counter() - t, row
    finally:
        run_sql(con, "backfill/range_end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1_000_000)
    parser.add_argument("--nights", type=int, default=90)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="clout-bench-range-gate-"))
    try:
        con = duckdb.connect(str(home / "range.duckdb"))
        t = time.perf_counter()
        build(con, args.accounts, args.nights)
        last = con.execute("select max(logical_date) from published.scores").fetchall()[0][0]
        print(f"{args.nights} nights x {args.accounts:,} accounts on each side written in "
              f"{time.perf_counter() - t:.1f} s; load average {load_average()} ({os.cpu_count()} cores)", flush=True)
        params = {"backfill_id": "bf", "date_from": START, "date_to": last}
        ((current, used),) = bound_statements("backfill/range_swing", None, params)
        start, end = current.index("top_new as ("), current.index("churn as (")
        baseline = current[:start] + ROW_NUMBER_TOPS.strip() + "\n\n" + current[end:]
        for round_ in range(1, args.repeat + 1):
            base_s, base_row = timed(con, baseline, used)
            new_s, new_row = timed(con, current, used)
            same = all(math.isclose(a, b, rel_tol=1e-9) if isinstance(a, float) else a == b
                       for a, b in zip(base_row, new_row, strict=True))
            print(f"round {round_}: row_number tops {base_s:.2f} s, min_by tops (range_swing.sql) {new_s:.2f} s: "
                  f"ratio {new_s / base_s:.2f}; the same row (floats within 1e-9: DuckDB's parallel sums are "
                  f"unordered): {same}" + ("" if same else f" {base_row} {new_row}"), flush=True)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6
        print(f"peak RSS {peak:.2f} GB; load average {load_average()}")
    finally:
        shutil.rmtree(home, ignore_errors=True)



if __name__ == "__main__":
    main()
