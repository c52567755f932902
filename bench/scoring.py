"""Nightly scoring benchmark: 1 million accounts, 20 million window interactions (issue 4).

    .venv/bin/python -m bench.scoring [--accounts 1000000] [--interactions 20000000] [--nx-edges 2000000]

1. Generates a seeded power-law engagement graph over a 90-day window (bench/synthetic.py), aggregated per
   actor, target and day as marts.engagement_daily holds it, and caches it as Parquet.
2. Scores it in a fresh process (what the score stage runs: window features with each account's first
   sighting, PageRank, model, change parts against the previous night, person scores) and prints the time and
   that process's peak RSS.
3. Times the PageRank step (scipy.sparse power iteration) against networkx.pagerank on the same graph in the
   same process; networkx gets a subgraph (the first --nx-edges pairs) because building a networkx graph of the
   full size takes too long, and both libraries are timed on that same subgraph too.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import polars as pl

CACHE = Path("/tmp/clout-bench")


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(accounts: int, interactions: int) -> Path:
    from bench.synthetic import background

    path = CACHE / f"edges-{accounts}-{interactions}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        from datetime import date

        edges = background(accounts, interactions, 90, date(2024, 6, 30), seed=42)
        edges.write_parquet(path)
        print(f"generated {interactions:,} interactions -> {edges.height:,} per-day edges in "
              f"{time.perf_counter() - t:.1f} s ({path})")
    return path


def score_once(path: Path) -> dict:
    """Run in a child process: read the window, score it like the score stage does, report time and RSS."""
    from transforms.algorithm import load_algorithm
    from transforms.explain import change_parts
    from transforms.scores import person_scores, score_accounts

    algo = load_algorithm("v1")
    edges = pl.read_parquet(path)
    day = edges["activity_date"].max()
    # What sql/score/account_activity.sql reads beside the window: when each account and network was first seen
    # (here the window is all the history there is). It drives the fresh / bought-engagement rules.
    seen = pl.concat([edges.select("network", account_id="actor_id", first_seen="activity_date"),
                      edges.select("network", account_id="target_id", first_seen="activity_date")])
    activity = (seen.group_by("network", "account_id").agg(pl.col("first_seen").min())
                .with_columns(network_first_seen=pl.col("first_seen").min().over("network")))
    read_rss = _rss_mb()
    cpu, t = time.process_time(), time.perf_counter()
    scored = score_accounts(edges.lazy(), day, algo, activity=activity.lazy()).collect()
    t_score, cpu_score = time.perf_counter() - t, time.process_time() - cpu
    # The previous night comes from published.scores in production; here it is scored too, untimed.
    previous = score_accounts(edges.lazy().filter(pl.col("activity_date") < day), day - timedelta(days=1), algo,
                              activity=activity.lazy().filter(pl.col("first_seen") < day))
    previous = previous.collect().with_columns(fingerprint=pl.lit(algo.fingerprint))
    cpu, t = time.process_time(), time.perf_counter()
    changes = change_parts(scored.lazy(), previous.lazy(), ["network", "account_id"], algo.calibration,
                           algo.fingerprint).collect()
    links = pl.LazyFrame(schema={"person_id": pl.String, "network": pl.String, "account_id": pl.String})
    people = person_scores(scored.lazy(), links, algo.model, algo).collect()
    t_rest, cpu_rest = time.perf_counter() - t, time.process_time() - cpu
    return {"edges": edges.height, "accounts": scored.height, "people": people.height,
            "changed": int(changes["change"].fill_null(0).ne(0).sum()), "score_s": t_score,
            "explain_people_s": t_rest, "nightly_s": t_score + t_rest, "cpu_s": cpu_score + cpu_rest,
            "peak_rss_mb": _rss_mb(), "rss_after_read_mb": read_rss}


def pagerank_vs_networkx(path: Path, nx_edges: int) -> None:
    import networkx as nx
    import numpy as np

    from transforms.algorithm import load_algorithm
    from transforms.features import _code, account_codes, pair_edges
    from transforms.network_impact import network_impact, pagerank

    algo = load_algorithm("v1")
    edges = pl.scan_parquet(path)
    day = edges.select(pl.col("activity_date").max()).collect().item()
    ids, nodes = account_codes(edges)
    coded = _code(edges, ids, [("actor_id", "actor_id"), ("target_id", "target_id")])
    pairs = (pair_edges(coded, day, algo.features)
             .select("network", "actor_id", "target_id", weight=pl.col("reactions").log1p()).collect())
    t = time.perf_counter()
    network_impact(pairs.lazy(), nodes, algo.impact).collect()
    full = time.perf_counter() - t
    print(f"PageRank (scipy.sparse power iteration) on the full graph: {pairs.height:,} weighted edges, "
          f"{len(ids):,} accounts: {full:.2f} s")

    sub = pairs.head(nx_edges).with_columns(pl.col("actor_id", "target_id").cast(pl.String))
    ids = pl.concat([sub["actor_id"], sub["target_id"]]).unique().sort()
    index = {v: i for i, v in enumerate(ids.to_list())}
    src = np.array([index[a] for a in sub["actor_id"].to_list()], dtype=np.int32)
    dst = np.array([index[b] for b in sub["target_id"].to_list()], dtype=np.int32)
    w = sub["weight"].to_numpy()
    t = time.perf_counter()
    ours = pagerank(src, dst, w, len(index), algo.impact)
    t_ours = time.perf_counter() - t
    t = time.perf_counter()
    g = nx.DiGraph()
    g.add_nodes_from(range(len(index)))
    g.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), w.tolist(), strict=True))
    t_build = time.perf_counter() - t
    t = time.perf_counter()
    theirs = nx.pagerank(g, alpha=algo.impact.damping, tol=1e-10, max_iter=200, weight="weight")
    t_nx = time.perf_counter() - t
    diff = float(np.abs(ours - np.array([theirs[i] for i in range(len(index))])).max())
    print(f"same subgraph ({sub.height:,} edges, {len(index):,} nodes): ours {t_ours:.3f} s, "
          f"networkx.pagerank {t_nx:.3f} s (+ {t_build:.1f} s to build the nx graph); "
          f"networkx / ours = {t_nx / t_ours:.1f}x (with build {(t_nx + t_build) / t_ours:.1f}x); "
          f"max |difference| of ranks {diff:.1e}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--accounts", type=int, default=1_000_000)
    ap.add_argument("--interactions", type=int, default=20_000_000)
    ap.add_argument("--nx-edges", type=int, default=2_000_000)
    ap.add_argument("--score-only", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.score_only:
        print(json.dumps(score_once(args.score_only)))
        return
    path = generate(args.accounts, args.interactions)
    out = subprocess.run([sys.executable, "-m", "bench.scoring", "--score-only", str(path)],
                         capture_output=True, text=True, check=True)
    r = json.loads(out.stdout.strip().splitlines()[-1])
    print(f"nightly scoring: {r['edges']:,} per-day edges ({args.interactions:,} interactions), "
          f"{r['accounts']:,} accounts scored in {r['score_s']:.1f} s; change parts + person scores "
          f"{r['explain_people_s']:.1f} s; total {r['nightly_s']:.1f} s wall, {r['cpu_s']:.1f} s CPU "
          f"(target < 60 s; load average now {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores); "
          f"peak RSS {r['peak_rss_mb']:,.0f} MB (target < 8,192 MB; {r['rss_after_read_mb']:,.0f} MB after reading)")
    pagerank_vs_networkx(path, args.nx_edges)


if __name__ == "__main__":
    main()
