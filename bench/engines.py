"""The score step's transforms on each engine (issue 18): DuckDB + Polars (the default) and Spark (local mode).

    .venv/bin/python -m bench.engines [--accounts 100000 1000000] [--interactions-per-account 20] [--higgs]
                                      [--engines duckdb spark] [--repeats 1]

For each size it makes a night's feature frame once (bench/synthetic.py's seeded power-law graph over a 90-day
window, through transforms/features.py window_features, as the score state makes it: cached as Parquet in
/tmp/clout-bench-engines), plus the previous night's scores, then times, in a fresh process per engine, what the
score step runs on the engine (clout/score/score.py score_date): the model (transforms/scores.py
scores_from_features), the change parts against the previous night (transforms/explain.py change_parts) and the
person scores (transforms/scores.py person_scores), from the Polars feature frame to Polars frames of the rows
it writes back into the warehouse. On Spark that includes the Arrow transfer both ways; the SparkSession's start
is timed apart (it is paid once per process). The feature frame itself comes from the DuckDB score state on both
engines (clout/score/score_state.py; state on Spark is a later slice), so it is not timed here.

`--higgs` does the same on the real Higgs week: the night of 2012-07-04 (the announcement) against July 3.

Each line: engine, accounts, seconds (median of --repeats), CPU seconds of the Python process, peak RSS of the
Python process and (Spark) of its JVM, the load average before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import polars as pl

CACHE = Path("/tmp/clout-bench-engines")
END = date(2024, 6, 30)


def higgs_edges(path: Path | None = None) -> pl.DataFrame:
    """The real Higgs week (data/higgs, or a sample of its lines at `path`) as marts.engagement_daily holds it: one
    row per actor, target and day."""
    from clout.core.resources import HIGGS_FILE

    raw = pl.read_csv(path or HIGGS_FILE, separator=" ", has_header=False,
                      new_columns=["actor", "target", "ts", "kind"],
                      schema_overrides={"actor": pl.String, "target": pl.String})
    day = pl.from_epoch("ts", time_unit="s").dt.date()
    return (
        raw.filter(pl.col("actor") != pl.col("target"))
        .group_by(network=pl.lit("twitter"), actor_id="actor", target_id="target", activity_date=day)
        .agg(reposts=(pl.col("kind") == "RT").sum().cast(pl.Int32), replies=(pl.col("kind") == "RE").sum()
             .cast(pl.Int32), mentions=(pl.col("kind") == "MT").sum().cast(pl.Int32),
             quotes=pl.lit(0, pl.Int32), likes=pl.lit(0, pl.Int32))
    )


def _activity(edges: pl.DataFrame) -> pl.DataFrame:
    """What sql/score/account_activity.sql reads: each account's and network's first sighting (the window is all
    the history there is here)."""
    seen = pl.concat([edges.select("network", account_id="actor_id", first_seen="activity_date"),
                      edges.select("network", account_id="target_id", first_seen="activity_date")])
    return (seen.group_by("network", "account_id").agg(pl.col("first_seen").min())
            .with_columns(network_first_seen=pl.col("first_seen").min().over("network")))


def night_features(edges: pl.DataFrame, day: date, algo) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the feature frame of `day`, the night before's scores with the algorithm's fingerprint, as published.scores
    would give them to the score step), from per-day edges, by the pure Polars reference (transforms/features.py)."""
    from transforms.features import window_features
    from transforms.scores import scores_from_features

    frames = {}
    for night in (day - timedelta(days=1), day):
        window = edges.filter(pl.col("activity_date") <= night,
                              pl.col("activity_date") > night - timedelta(days=algo.window_days))
        activity = _activity(edges.filter(pl.col("activity_date") <= night))
        frames[night] = window_features(window.lazy(), night, algo, activity=activity.lazy()).collect()
    previous = (scores_from_features(frames[day - timedelta(days=1)].lazy(), algo).collect()
                .with_columns(fingerprint=pl.lit(algo.fingerprint)))
    return frames[day], previous


def night_frames(name: str, edges: pl.DataFrame, day: date) -> tuple[Path, Path]:
    """night_features as Parquet, made once."""
    from transforms.algorithm import load_algorithm

    features, previous = CACHE / f"{name}-features.parquet", CACHE / f"{name}-previous.parquet"
    if features.exists() and previous.exists():
        return features, previous
    CACHE.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    frames = night_features(edges, day, load_algorithm("v1"))
    frames[0].write_parquet(features)
    frames[1].write_parquet(previous)
    print(f"{name}: made the feature frames of {day} and the night before ({frames[0].height:,} accounts) in "
          f"{time.perf_counter() - t:.0f} s", flush=True)
    return features, previous


def synthetic(accounts: int, per_account: int) -> tuple[Path, Path]:
    from bench.synthetic import background

    name = f"synthetic-{accounts}-{per_account}"
    if (CACHE / f"{name}-features.parquet").exists():
        return CACHE / f"{name}-features.parquet", CACHE / f"{name}-previous.parquet"
    return night_frames(name, background(accounts, accounts * per_account, 90, END, seed=42), END)


def _peak_mb(pid: int | str = "self") -> float | None:
    """Peak RSS of a process (VmHWM). Not ru_maxrss: Linux carries it over fork and exec, so a child started by a
    parent that just made a 1M-account feature frame would report the parent's peak as its own."""
    try:
        with open(f"/proc/{pid}/status") as f:
            return next(int(line.split()[1]) / 1024 for line in f if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return None


def _jvm_peak_mb() -> float | None:
    """Peak RSS of this process's JVM children (Spark's driver in local mode), from /proc (VmHWM)."""
    import psutil

    peaks = [_peak_mb(child.pid) for child in psutil.Process().children(recursive=True)]
    peaks = [p for p in peaks if p is not None]
    return max(peaks) if peaks else None


def time_engine(engine: str, features_path: Path, previous_path: Path, repeats: int) -> dict:
    """In a child process: the score step's transforms on `engine` (clout/score/score.py score_frames, what
    score_date runs), from the Polars features to the Polars rows it writes; no topics (these nights have no
    posts)."""
    from clout.core import engine as engines
    from clout.score.score import score_frames
    from transforms.algorithm import load_algorithm

    algo = load_algorithm("v1")
    features = pl.read_parquet(features_path)
    # the night before as the same algorithm scored it: each change is split into its parts (the Shapley game)
    previous = pl.read_parquet(previous_path).with_columns(fingerprint=pl.lit(algo.fingerprint))
    links = pl.DataFrame(schema={"person_id": pl.String, "network": pl.String, "account_id": pl.String})
    started = time.perf_counter()
    session = engines.spark_session() if engine == "spark" else None
    start_s = time.perf_counter() - started
    seconds, cpu = [], []
    for _ in range(repeats):
        c, t = time.process_time(), time.perf_counter()
        _, accounts, people, _ = score_frames(features, previous.lazy(), links.lazy(), algo, engine)
        seconds.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    return {"engine": engine, "accounts": accounts.height, "people": people.height,
            "seconds": sorted(seconds)[len(seconds) // 2], "all_seconds": seconds, "cpu_s": min(cpu),
            "start_s": start_s, "peak_rss_mb": _peak_mb(),
            "jvm_peak_mb": _jvm_peak_mb() if session is not None else None,
            "checksum": int(accounts["score"].sum())}


def _child(engine: str, features: Path, previous: Path, repeats: int) -> dict:
    cmd = [sys.executable, "-m", "bench.engines", "--child", engine, str(features), str(previous), str(repeats)]
    load_before = os.getloadavg()[0]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=os.environ | {"PYTHONWARNINGS": "ignore"})
    if proc.returncode:
        raise SystemExit(f"{engine} failed:\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    return result | {"load_before": load_before, "load_after": os.getloadavg()[0]}


def _line(size: str, r: dict) -> str:
    jvm = f", JVM peak {r['jvm_peak_mb']:,.0f} MB" if r.get("jvm_peak_mb") else ""
    start = f", session start {r['start_s']:.1f} s (not counted)" if r["engine"] == "spark" else ""
    runs = ", ".join(f"{s:.2f}" for s in r["all_seconds"])
    return (f"{size:>10} {r['engine']:>6}: {r['seconds']:7.2f} s (runs {runs}"
            f"; CPU of the Python process {r['cpu_s']:.1f} s), peak RSS {r['peak_rss_mb']:,.0f} MB{jvm}{start}; "
            f"{r['accounts']:,} accounts, sum of scores {r['checksum']:,}; load {r['load_before']:.2f} -> "
            f"{r['load_after']:.2f}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--accounts", type=int, nargs="*", default=[100_000])
    ap.add_argument("--interactions-per-account", type=int, default=20)
    ap.add_argument("--higgs", action="store_true", help="the real Higgs night of 2012-07-04 too")
    ap.add_argument("--engines", nargs="+", default=["duckdb", "spark"], choices=["duckdb", "spark"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        engine, features, previous, repeats = args.child
        print(json.dumps(time_engine(engine, Path(features), Path(previous), int(repeats))))
        return
    sizes = [("higgs", night_frames("higgs-0704", higgs_edges(), date(2012, 7, 4)))] if args.higgs else []
    sizes += [(f"{n:,}", synthetic(n, args.interactions_per_account)) for n in args.accounts]
    print(f"score step transforms (model, change parts, person scores), median of {args.repeats}; "
          f"{os.cpu_count()} cores", flush=True)
    for size, (features, previous) in sizes:
        for engine in args.engines:
            print(_line(size, _child(engine, features, previous, args.repeats)), flush=True)


if __name__ == "__main__":
    main()
