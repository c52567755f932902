"""The score step on a big window: from scratch (the state rebuilt from the 90-day window) vs incremental nights
(the state brought forward by one day), with a DuckDB floor in the same process (issue 14).

    .venv/bin/python -m bench.score_state [--accounts 1000000] [--interactions 20000000] [--nights 2]
                                          [--repeat 2] [--reference] [--profile]

1. Builds (once, cached under /tmp/clout-bench) a warehouse whose marts hold a seeded power-law engagement graph
   (bench/synthetic.py's shape: skewed actors, more skewed targets, five kinds) over 90 + `nights` days, as
   marts.engagement_daily and marts.account_daily hold it, `interactions` per 90 days.
2. Runs the score step (clout.score.score.score_date: the score state, window features, PageRank, model, change
   parts, person scores, topics, candidate rows) in a fresh process per night: the first night with no state
   (rebuilt from the window), then `nights` incremental nights; `--repeat` times (each repeat rebuilds again).
   `--reference` also times the score step on the old path (the whole window read into Polars).
3. Each process also times DuckDB alone on the same rows (the floor): reading the night's new day and grouping it
   by target with a distinct-actor count (the whole window for a from-scratch night), and prints the score step
   as a multiple of it, its peak RSS, its CPU use (both cores busy = CPU / wall near 2) and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import polars as pl

CACHE = Path("/tmp/clout-bench")
END = date(2024, 6, 30)  # the first measured night: the 90-day window ends here
KINDS = ("reposts", "replies", "mentions", "quotes", "likes")


def warehouse_path(accounts: int, interactions: int, nights: int) -> Path:
    return CACHE / f"state-{accounts}-{interactions}-{nights}" / "clout.duckdb"


def build(accounts: int, interactions: int, nights: int) -> Path:
    """The marts of 90 + nights days, generated day by day (memory: one day at a time)."""
    from clout.core.settings import load_settings
    from clout.core.warehouse import connect, run_sql

    path = warehouse_path(accounts, interactions, nights)
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".building")
    tmp.unlink(missing_ok=True)
    started = time.perf_counter()
    per_day = interactions // 90
    first = END - timedelta(days=89)
    with connect(load_settings(tmp)) as con:
        for i in range(90 + nights):
            day = first + timedelta(days=i)
            con.register("day_edges", _day(accounts, per_day, day, seed=i).to_arrow())
            con.execute("insert into marts.engagement_daily by name select *, reposts + replies + mentions + quotes "
                        "+ likes as reactions from day_edges")
            con.unregister("day_edges")
            run_sql(con, "aggregate/account_daily", logical_date=day)
            run_sql(con, "aggregate/day_checksums", date_from=day, date_to=day)
        con.execute("checkpoint")
        rows = con.execute("select count(*) from marts.engagement_daily").fetchall()[0][0]
    tmp.rename(path)
    print(f"built {rows:,} per-day edges over {90 + nights} days ({per_day:,} interactions a day, {accounts:,} "
          f"accounts) in {time.perf_counter() - started:.0f} s: {path}", flush=True)
    return path


def _day(accounts: int, n: int, day: date, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    actors = (accounts * rng.random(n) ** 2).astype(np.int64)
    targets = ((accounts * rng.random(n) ** 4).astype(np.int64) * 7919 + 13) % accounts
    kind = rng.choice(5, n, p=[0.35, 0.2, 0.25, 0.05, 0.15]).astype(np.int8)
    frame = pl.DataFrame({"a": actors.astype(np.int32), "t": targets.astype(np.int32), "k": kind})
    return (
        frame.filter(pl.col("a") != pl.col("t"))
        .group_by("a", "t")
        .agg(*[(pl.col("k") == i).sum().cast(pl.Int32).alias(name) for i, name in enumerate(KINDS)])
        .select(network=pl.lit("x"), actor_id=pl.format("u{}", "a"), target_id=pl.format("u{}", "t"),
                activity_date=pl.lit(day), **{k: pl.col(k) for k in KINDS})
    )


def measure(path: Path, night: date, mode: str) -> dict:
    """In a fresh process: the score step of `night` (mode: rebuild | incremental | reference), then the floor."""
    from bench.night import time_statements

    spent = time_statements() if os.environ.get("CLOUT_BENCH_PROFILE") else None
    from clout.core.settings import load_settings
    from clout.core.warehouse import connect
    from clout.score import score
    from transforms.algorithm import load_algorithm

    algo = load_algorithm("v1")
    settings = load_settings(path)
    with connect(settings) as con:
        if mode == "rebuild":
            con.execute("update meta.score_chains set state_date = null")
        features = None
        cpu, t = time.process_time(), time.perf_counter()
        if mode == "reference":
            features = score.reference_window_frame(con, night, algo)
        rows = score.score_date(con, f"bench-{mode}-{night}", night, algo, features=features)
        seconds, cpu_s = time.perf_counter() - t, time.process_time() - cpu
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        chain = con.execute("select state_date, rebuilt_on from meta.score_chains").fetchall()
        pairs = con.execute("select count(*) from state.score_pairs").fetchall()[0][0]
        days = 1 if mode == "incremental" else algo.window_days
        t = time.perf_counter()
        con.execute("select network, target_id, count(distinct actor_id), sum(reactions) from marts.engagement_daily "
                    "where activity_date > ? and activity_date <= ? group by all",
                    [night - timedelta(days=days), night]).fetchall()
        floor = time.perf_counter() - t
    if spent is not None:  # --profile: CPU seconds per SQL file of the score step (and the floor's)
        for name, (wall, cpu_spent, n) in sorted(spent.items(), key=lambda kv: -kv[1][1])[:15]:
            print(f"  sql {name:<36} {wall:>8.2f} s {cpu_spent:>8.2f} cpu-s x{n}", file=sys.stderr, flush=True)
        con.execute("delete from candidate.scores where run_id like 'bench-%'")
        con.execute("delete from candidate.person_scores where run_id like 'bench-%'")
    return {"mode": mode, "night": str(night), "accounts": rows, "pairs": pairs, "seconds": seconds,
            "cpu_s": cpu_s, "peak_rss_mb": rss, "floor_s": floor, "load": os.getloadavg()[0],
            "chain": [str(c) for c in chain[0]] if chain else None}


def _child(path: Path, night: date, mode: str) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.score_state", "--measure", str(path), "--night", str(night),
                          "--mode", mode], capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{mode} night {night} failed:\n{out.stderr[-3000:]}")
    if os.environ.get("CLOUT_BENCH_PROFILE"):
        print(out.stderr, end="", flush=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def _line(r: dict) -> str:
    return (f"{r['mode']:<11} {r['night']}  {r['accounts']:>10,} accounts  {r['pairs']:>11,} pairs  "
            f"score step {r['seconds']:7.1f} s  (CPU {r['cpu_s'] / r['seconds']:.2f} cores)  "
            f"peak RSS {r['peak_rss_mb']:8,.0f} MB  floor {r['floor_s']:5.2f} s  "
            f"= {r['seconds'] / r['floor_s']:5.1f}x  load {r['load']:.1f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--interactions", type=int, default=20_000_000)
    ap.add_argument("--nights", type=int, default=2, help="incremental nights after the from-scratch one")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--reference", action="store_true", help="also time the old whole-window Polars path")
    ap.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--night", type=date.fromisoformat, help=argparse.SUPPRESS)
    ap.add_argument("--mode", help=argparse.SUPPRESS)
    ap.add_argument("--profile", action="store_true", help="print CPU seconds per SQL file of each score step")
    args = ap.parse_args()
    if args.profile:
        os.environ["CLOUT_BENCH_PROFILE"] = "1"
    if args.measure:
        print(json.dumps(measure(args.measure, args.night, args.mode)))
        return
    path = build(args.accounts, args.interactions, args.nights)
    print(f"score step, {args.accounts:,} accounts, {args.interactions:,} interactions in the 90-day window "
          f"({os.cpu_count()} cores); floor = DuckDB alone grouping the same rows by target "
          f"(the window for a from-scratch night, the new day for an incremental one)", flush=True)
    results = []
    for _ in range(args.repeat):
        if args.reference:
            results.append(_child(path, END, "reference"))
            print(_line(results[-1]), flush=True)
        results.append(_child(path, END, "rebuild"))
        print(_line(results[-1]), flush=True)
        for i in range(args.nights):
            results.append(_child(path, END + timedelta(days=i + 1), "incremental"))
            print(_line(results[-1]), flush=True)
    for mode in ("reference", "rebuild", "incremental"):
        runs = [r for r in results if r["mode"] == mode]
        if runs:
            s = sorted(r["seconds"] for r in runs)
            m = max(r["peak_rss_mb"] for r in runs)
            print(f"{mode}: score step min {s[0]:.1f} / median {s[len(s) // 2]:.1f} / max {s[-1]:.1f} s over "
                  f"{len(s)} runs, peak RSS up to {m:,.0f} MB")


if __name__ == "__main__":
    main()
