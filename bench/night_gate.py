"""Audit and publish of a night of K x the accounts bench.night scored: the steps after scoring at sizes the score
step cannot reach yet (issue 14: 10M accounts).

    .venv/bin/python -m bench.night --accounts 1000000 --interactions 20000000    # first: the 1M base warehouse
    .venv/bin/python -m bench.night_gate --scale 10 [--repeat 2]                   # then: 10M accounts

1. Once (cached as `scaled-<K>/` beside bench.night's base): a copy of the 1M base warehouse whose published night
   (the live run's scores, person scores, topic scores; its snapshot partitions too) holds every account K times
   (account ids suffixed `~1`..`~K-1`): a published night of K x 1M accounts.
2. Each repeat, on a fresh copy: the next date's candidate is that night's rows with every score moved by -2..+2
   points (a quiet night: the gate passes it), written as a run's candidate rows (not timed, not scoring).
3. Timed, in a child process through the pipeline's entry points (what `clout run` calls after score):
   `pipeline.audit_step` (contracts on DuckDB aggregates judged by GX, swing metrics, report) and
   `pipeline.publish_step`, each with its seconds, CPU seconds and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from bench.night import LAST_BASE_DAY, RssSampler, _cpu, _process, _say, copy_base

SUFFIXED = {"scores": ("account_id",), "person_scores": ("person_id", "best_account_id"),
            "topic_scores": ("account_id",)}


def build_scaled(base: Path, scaled: Path, k: int) -> None:
    if (scaled / "done").exists():
        return
    from clout.core.settings import load_settings
    from clout.core.snapshot import refresh_snapshot
    from clout.core.warehouse import connect

    _say(f"building {scaled}: the published night {LAST_BASE_DAY} with every account {k} times")
    copy_base(base, scaled)
    settings = load_settings(scaled / "clout.duckdb")
    with connect(settings) as con:
        (run_id,) = con.execute("select run_id from published.nights where logical_date = ?",
                                [LAST_BASE_DAY]).fetchall()[0]
        for table, columns in SUFFIXED.items():  # published.<table> is a view over the live run's rows: it follows
            replace = ", ".join(f"{c} || '~' || k as {c}" for c in columns)
            con.execute(f"insert into candidate.{table} select * exclude (k) replace ({replace}) "
                        f"from candidate.{table}, range(1, {k}) as t(k) where run_id = ?", [run_id])
        con.execute("update meta.runs set rows_scored = rows_scored * ? where run_id = ?", [k, run_id])
        for old in settings.snapshot_dir.glob(f"*/logical_date={LAST_BASE_DAY}/*.parquet"):
            old.unlink()
        refresh_snapshot(con, settings)
        con.execute("checkpoint")
    (scaled / "done").write_text("ok\n")


def candidate_night(warehouse: Path) -> str:
    """The next date's candidate: the published night with every score moved by -2..+2 points. Returns the run."""
    from clout import pipeline
    from clout.core.settings import load_settings
    from clout.core.warehouse import connect

    settings = load_settings(warehouse)
    day = LAST_BASE_DAY + timedelta(days=1)
    run_id = pipeline.begin_run(settings, day, "v1")
    moved = "greatest(1, least(100, score + (hash(account_id) % 5)::int - 2))"
    with connect(settings) as con:
        (base_run,) = con.execute("select run_id from published.nights where logical_date = ?",
                                  [LAST_BASE_DAY]).fetchall()[0]
        for table, key in (("scores", "account_id"), ("person_scores", "best_account_id"),
                           ("topic_scores", None)):
            move = moved.replace("account_id", key) if key else "score"
            con.execute(f"insert into candidate.{table} select * replace ($run as run_id, $day as logical_date"
                        + (f", {move} as score, score as previous_score, {move} - score as change" if key else "")
                        + f") from candidate.{table} where run_id = $base",
                        {"run": run_id, "day": day, "base": base_run})
        (rows,) = con.execute("select count(*) from candidate.scores where run_id = ?", [run_id]).fetchall()[0]
        con.execute("update meta.runs set rows_scored = ? where run_id = ?", [rows, run_id])
        con.execute("checkpoint")
    return run_id


def child(warehouse: str, run_id: str) -> None:
    sampler = RssSampler()
    from clout import pipeline
    from clout.core.settings import load_settings

    settings = load_settings(warehouse)
    steps, report = {}, None
    sampler.mark()
    for name, step in (("audit", pipeline.audit_step), ("publish", pipeline.publish_step)):
        t, cpu = time.perf_counter(), _cpu()
        result = step(settings, run_id)
        steps[name] = {"seconds": time.perf_counter() - t, "cpu": _cpu() - cpu, "peak_rss_mb": sampler.mark() / 2**20}
        if name == "audit":
            report = {"outcome": result.outcome, "bytes": result.report_path.stat().st_size}
    sampler.stop()
    print(json.dumps({"steps": steps, "report": report,
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", type=int, default=10)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--interactions", type=int, default=20_000_000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/clout-bench-night"))
    ap.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    cache = args.workdir / f"a{args.accounts}-i{args.interactions}-s{args.seed}"
    base = cache / "base-publish-v1"
    if not (base / "done").exists():
        raise SystemExit(f"{base}: run `python -m bench.night --accounts {args.accounts} --interactions "
                         f"{args.interactions}` first (its base warehouse is the starting point)")
    scaled = cache / f"scaled-{args.scale}"
    build_scaled(base, scaled, args.scale)
    night = cache / f"scaled-{args.scale}-night"
    for i in range(1, args.repeat + 1):
        copy_base(scaled, night)
        run_id = candidate_night(night / "clout.duckdb")
        load = os.getloadavg()
        wall, cpu, rss, out = _process([sys.executable, "-m", "bench.night_gate", "--child",
                                        str(night / "clout.duckdb"), run_id])
        r = json.loads(out.strip().splitlines()[-1])
        accounts = args.accounts * args.scale
        print(f"repeat {i}: {accounts:,} accounts ({args.scale} x the 1M night), {date.today()}; load average "
              f"before {' '.join(f'{x:.1f}' for x in load)}, after {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        for name, s in r["steps"].items():
            print(f"  {name:<8} {s['seconds']:>7.1f} s  {s['cpu']:>6.1f} cpu s  cpu/wall {s['cpu'] / s['seconds']:.2f}"
                  f"  peak RSS {s['peak_rss_mb']:>7,.0f} MB  {accounts / s['seconds']:>12,.0f} accounts/s")
        print(f"  process: {wall:.1f} s wall, {cpu:.1f} s CPU, peak RSS {rss:,.0f} MB; gate {r['report']['outcome']}, "
              f"run report {r['report']['bytes'] / 2**20:.1f} MB", flush=True)
    shutil.rmtree(night, ignore_errors=True)


if __name__ == "__main__":
    main()
