"""Landing throughput and peak memory per format, on generated data.

    .venv/bin/python -m bench.landing                      # 10M generic interactions, 1M API v2 tweets, ...
    .venv/bin/python -m bench.landing --generic-rows 1000000 --v2-people 7000   # a quick run

Each landing runs in its own process on a fresh warehouse, so its peak RSS is its own. Data is generated
first (not timed) into --workdir and reused when already there. Printed per format: records read, seconds,
records/s, peak RSS (MB), the target, and the baseline: seconds for DuckDB alone to copy the same files into a
table in the same process (`bare copy s`), and landing's seconds as a multiple of it (`x bare`). Memory is
bounded by streaming when the peak RSS of the 10M-row landing is close to the 1M-row one (the `rss ratio` line);
landing runs under DuckDB's memory_limit (sql/land/begin.sql), so past that cap the peak stops growing, and a
file too small to reach it peaks lower.
The machine's load average is printed too: other processes on the same 2 cores slow every figure down.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

TARGETS = {"generic": 2_000_000, "generic_csv": 2_000_000, "twitter_v2": 100_000, "twitter_v2_day": 100_000,
           "twitter_v2_one_file": 100_000,
           "mastodon": 100_000, "mastodon_small": 100_000, "mastodon_small_on_v2": 100_000}


def child(paths: list[str], warehouse: str) -> None:
    """Land `paths` into a fresh warehouse; print records, seconds and this process's peak RSS as JSON."""
    from clout import pipeline
    from clout.core.settings import load_settings
    from clout.core.warehouse import connect

    settings = load_settings(warehouse)
    connect(settings).close()  # migrations are not landing
    posts_before = _posts(settings)  # a warehouse the landing starts from may hold posts already
    started = time.perf_counter()
    results = pipeline.land_files(settings, [Path(p) for p in paths])
    seconds = time.perf_counter() - started
    landed = [r for r in results if not r.skipped]
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # the landing's, before the baseline
    print(json.dumps({
        "records": sum(r.records for r in landed), "posts": _posts(settings) - posts_before, "files": len(landed),
        "quarantined": sum(r.quarantined for r in landed), "seconds": seconds, "peak_rss_mb": peak_rss_mb,
        "baseline_seconds": baseline(paths, Path(warehouse).with_name("baseline.duckdb")),
    }))


def baseline(paths: list[str], database: Path, split: bool = True) -> float | None:
    """Seconds for DuckDB alone to copy the same files into a table, under the same memory limit, with no parsing
    beyond lines and fields, no checks, numbering, lineage or dedup: the floor landing is measured against. Text
    tables become rows of text fields (read_csv; fields split on spaces too, `_space_separated`); JSON lines
    become one JSON value per line (read_ndjson_objects).
    None for folders of personal exports, where the floor is per-file overhead rather than a copy. `split` False:
    fields separated by spaces are not split (each line one text field, what this floor was before session 21)."""
    import duckdb

    files = [str(f) for p in map(Path, paths) for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    suffixes = {Path(f).suffix for f in files}
    if suffixes == {".jsonl"}:
        reader, options = "read_ndjson_objects", ""
    elif suffixes <= {".txt", ".csv", ".tsv"}:
        reader, options = "read_csv", ", all_varchar = true" + (_space_separated(files[0]) if split else "")
    else:
        return None
    with duckdb.connect(str(database)) as con:
        con.execute("set memory_limit = '1GB'")
        started = time.perf_counter()
        con.execute(f"create table copied as select * from {reader}($files{options})", {"files": files})
        return time.perf_counter() - started


def _space_separated(path: str) -> str:
    """`, delim = ' '` for a table whose fields are separated by spaces (SNAP's `actor target time kind`): DuckDB's
    sniffer tries commas, tabs, semicolons and pipes only, and would copy each line as one text field, a floor
    below what splitting the fields costs (0.37-0.44 s against 0.77-0.83 s for a 10M-account night's 2.2M lines)."""
    with open(path, "rb") as f:
        first = f.readline()
    return ", delim = ' '" if b" " in first and not any(c in first for c in b",\t;|") else ""


def _posts(settings) -> int:
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute("select count(*) from raw.records where entity = 'post'").fetchall()[0][0]


def run_child(paths: list[Path], workdir: Path, name: str, start_from: Path | None = None) -> dict:
    warehouse = workdir / f"wh-{name}" / "clout.duckdb"
    shutil.rmtree(warehouse.parent, ignore_errors=True)  # with DuckDB's spill folder, if a landing left one
    if start_from:
        warehouse.parent.mkdir(parents=True)
        shutil.copy(start_from, warehouse)
    out = subprocess.run([sys.executable, "-m", "bench.landing", "--child", *map(str, paths), str(warehouse)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def prepare(workdir: Path, args) -> dict[str, Path]:
    from clout.land.generator import (
        GeneratorParams,
        simulate,
        write_generic_interactions,
        write_likes,
        write_mastodon,
        write_twitter_v2,
    )

    workdir.mkdir(parents=True, exist_ok=True)
    paths = {}
    small = workdir / f"generic-{args.generic_rows // 10}.txt"
    big = workdir / f"generic-{args.generic_rows}.txt"
    for path, rows in ((small, args.generic_rows // 10), (big, args.generic_rows)):
        if not path.exists():
            _say(f"writing {rows:,} generic interactions to {path}")
            write_generic_interactions(path, rows, seed=1)
    paths["generic_small"], paths["generic"] = small, big
    v2 = workdir / f"v2-{args.v2_people}"
    if not (v2 / "done").exists():
        _say(f"simulating {args.v2_people:,} people x {args.v2_days} days for API v2, Mastodon and likes")
        sim = simulate(GeneratorParams(people=args.v2_people, days=args.v2_days, seed=7, likes_per_post=1.0))
        write_twitter_v2(sim, v2 / "twitter_v2")
        write_mastodon(sim, v2 / "mastodon", limit=2000)
        write_likes(sim, v2 / "likes.csv")
        (v2 / "done").write_text(str(sim["posts"].height))
    paths["twitter_v2"], paths["mastodon"], paths["generic_csv"] = v2 / "twitter_v2", v2 / "mastodon", v2 / "likes.csv"
    # one day of API v2 pages, and the whole week in one file: memory must not grow with the file
    days = sorted((v2 / "twitter_v2").glob("*.jsonl"))
    paths["twitter_v2_day"] = days[:1]
    paths["twitter_v2_one_file"] = week = workdir / f"v2-{args.v2_people}-week.jsonl"
    if not week.exists():
        with week.open("wb") as out:
            for day in days:
                out.write(day.read_bytes())
    # 200 personal exports, landed into an empty warehouse and into the one the API v2 week left: the cost of a
    # small file must not grow with what the warehouse already holds
    paths["mastodon_small"] = paths["mastodon_small_on_v2"] = sorted((v2 / "mastodon").iterdir())[:200]
    return {k: v if isinstance(v, list) else [v] for k, v in paths.items()}


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--child", nargs="+", metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/clout-bench-landing"))
    parser.add_argument("--generic-rows", type=int, default=10_000_000)
    parser.add_argument("--v2-people", type=int, default=70_000, help="about 15 posts per person per week")
    parser.add_argument("--v2-days", type=int, default=7)
    parser.add_argument("--only", default="generic_small,generic,generic_csv,twitter_v2,twitter_v2_day,"
                        "twitter_v2_one_file,mastodon_small,mastodon_small_on_v2,mastodon",
                        help="comma-separated formats to run")
    args = parser.parse_args()
    if args.child:
        child(args.child[:-1], args.child[-1])
        return
    paths = prepare(args.workdir, args)
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    print(f"{'format':<20} {'records':>12} {'posts':>10} {'seconds':>8} {'records/s':>12} {'posts/s':>10} "
          f"{'peak RSS MB':>11} {'target/s':>10} {'bare copy s':>11} {'x bare':>6}")
    rss = {}
    seconds = {}
    for name in args.only.split(","):
        start_from = args.workdir / "wh-twitter_v2" / "clout.duckdb" if name.endswith("_on_v2") else None
        if start_from and not start_from.exists():
            print(f"{name}: skipped, run twitter_v2 first (its warehouse is the starting point)")
            continue
        r = run_child(paths[name], args.workdir, name, start_from)
        rss[name], seconds[name] = r["peak_rss_mb"], r["seconds"]
        rate = r["records"] / r["seconds"]
        posts = f"{r['posts'] / r['seconds']:>10,.0f}" if r["posts"] else f"{'':>10}"
        target = TARGETS.get(name, TARGETS["generic"])
        bare = r["baseline_seconds"]
        vs_bare = f"{bare:>11.1f} {r['seconds'] / bare:>6.1f}" if bare else f"{'':>11} {'':>6}"
        print(f"{name:<20} {r['records']:>12,} {r['posts']:>10,} {r['seconds']:>8.1f} {rate:>12,.0f} {posts} "
              f"{r['peak_rss_mb']:>11,.0f} {target:>10,} {vs_bare}", flush=True)
    if {"mastodon_small", "mastodon_small_on_v2"} <= set(seconds):
        print(f"200 small exports into the API v2 week's warehouse: {seconds['mastodon_small_on_v2']:.1f} s, into an "
              f"empty one: {seconds['mastodon_small']:.1f} s (ratio "
              f"{seconds['mastodon_small_on_v2'] / seconds['mastodon_small']:.2f}; near 1: no cost per warehouse row)")
    if {"generic", "generic_small"} <= set(rss):
        print(f"rss ratio generic {args.generic_rows:,} rows / {args.generic_rows // 10:,} rows: "
              f"{rss['generic'] / rss['generic_small']:.2f} (10x the data; near 1: memory bounded by streaming)")
    if {"twitter_v2_day", "twitter_v2_one_file"} <= set(rss):
        print(f"rss ratio API v2 week in one file / one day: {rss['twitter_v2_one_file'] / rss['twitter_v2_day']:.2f} "
              "(7x the data; blocks of 128 MB, so a day is one block and the week file has two in flight)")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
