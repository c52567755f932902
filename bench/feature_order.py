"""The night's feature rows put in account order: DuckDB sorting by (network, account_id) against PageRank's index.

    .venv/bin/python -m bench.feature_order [--accounts 10000000] [--repeat 2]

A temp table shaped like score_features (state_features.sql: network, account_id, the state code and 16 doubles),
its accounts' codes in an order unrelated to their names, as the score state assigns them. Each round times the
baseline (what state_features did before: `order by network, account_id` in DuckDB, then `.pl()`) and then what it
does now (the rows fetched as they come, then score_state._in_account_order: rechunked and sorted by each account's
place in PageRank's index), checks the two frames are equal, and prints seconds, CPU seconds and the ratio.
"""

from __future__ import annotations

import argparse
from types import SimpleNamespace

import duckdb

from bench.interactions import load_average, rss_mb
from bench.pagerank_entries import timed
from clout.score.score_state import _in_account_order

DOUBLES = [f"x{i}" for i in range(16)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    n = args.accounts
    con = duckdb.connect()
    doubles = ", ".join(f"random() as {c}" for c in DOUBLES)
    # codes in one order, names in another (a multiplicative permutation), as a chain's codes are
    con.execute(f"create temp table score_features as select 'twitter' as network, "
                f"cast(i * 7919 % {n} as varchar) as account_id, cast(i as integer) as code, {doubles} "
                f"from range({n}) as t(i)")
    index = con.sql("select cast(row_number() over (order by network, account_id) - 1 as integer) as at "
                    "from score_features order by code").fetchnumpy()["at"]
    inputs = SimpleNamespace(index=index, state_code=index)  # what _in_account_order reads of PageRank's inputs
    columns = ", ".join(["network", "account_id", *DOUBLES])
    print(f"{n:,} feature rows; load average {load_average()}", flush=True)
    for round_ in range(1, args.repeat + 1):
        print(f"round {round_}:")
        before, old = timed("by names", lambda: con.sql(
            f"select {columns} from score_features order by network, account_id").pl())
        after, new = timed("by index", lambda: _in_account_order(
            con.sql(f"select {columns}, code from score_features").pl(), inputs))
        print(f"  ratio {after / before:.2f}, the same rows: {new.equals(old)}; load average {load_average()}, "
              f"peak RSS {rss_mb():,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
