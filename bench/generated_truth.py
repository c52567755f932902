"""Known bots, rings and bought engagement on generated exports: who reaches the top 1% (issue 4).

    .venv/bin/python -m bench.generated_truth [--people 2000] [--days 8] [--seed 42] [--algorithm v1] [--keep DIR]

1. Writes seeded realistic exports with clout/generator.py (Twitter v2 pages, Mastodon outboxes, likes,
   identity links) and their ground truth (`ground_truth.json`: bots, rings, bought bursts).
2. Lands them through the real land stage and runs the nightly job (stage, aggregate, score, audit, publish)
   for every generated day with the chosen algorithm, on a temporary warehouse.
3. Prints, for the last night's twitter scores: bots and ring members in the top 1% (of how many), and the
   points bought engagement adds to each buyer: its score minus its score on the same window without the
   bought reactions (the fresh accounts' edges removed, the rest scored by the same code as the score stage).

`--quick` stages and aggregates the earlier nights without scoring, auditing and publishing them (the model
test's mode): the last night is scored from the same warehouse window either way.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from clout import pipeline
from clout.aggregate.aggregate import aggregate_date
from clout.consent.filters import without_excluded
from clout.core.errors import CloutError
from clout.core.settings import Settings, load_settings
from clout.core.warehouse import connect, query
from clout.land.generator import GeneratorParams, generate
from clout.stage.stage import stage_date
from transforms.algorithm import Algorithm, load_algorithm
from transforms.scores import score_accounts

NETWORK = "twitter"  # the generator's bots, rings and buyers are twitter accounts


@dataclass(frozen=True)
class TruthReport:
    accounts: int  # scored twitter accounts on the last night
    top: int  # size of the top 1%
    bots: int
    bots_in_top: int
    ring_members: int
    rings_in_top: int
    bought_added: list[int]  # per buyer: score with the bought reactions - score without them
    buyer_scores: list[int]
    bought_share: list[float]  # per buyer: share of its reactors the model took for bought
    held_nights: int
    published_match: bool  # the last night's published scores are the ones measured
    seconds: dict[str, float]

    def lines(self) -> list[str]:
        return [
            f"bots in the top 1%: {self.bots_in_top} of {self.bots} "
            f"(top 1% = {self.top} of {self.accounts:,} scored twitter accounts)",
            f"ring members in the top 1%: {self.rings_in_top} of {self.ring_members}",
            f"points bought engagement adds to the buyers: {self.bought_added} (max "
            f"{max(self.bought_added, default=0)}; buyers' scores {self.buyer_scores}, bought_share "
            f"{[round(s, 2) for s in self.bought_share]})",
            f"nights held by the gate: {self.held_nights}; measured scores "
            f"{'=' if self.published_match else 'differ from'} the published night's",
            "seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in self.seconds.items()),
        ]


def run_nights(settings: Settings, first: date, days: int, algorithm: str, quick: bool) -> int:
    """The nightly job for every day (quick: the earlier nights only stage and aggregate); returns how many
    nights the gate held (a held night is scored all the same, it is only not published)."""
    held = 0
    for i in range(days):
        day = first + timedelta(days=i)
        if quick and i < days - 1:
            with connect(settings) as con:
                stage_date(con, day)
                aggregate_date(con, day)
            continue
        try:
            pipeline.run_night(settings, day, algorithm)
        except CloutError as e:
            if "HELD" not in str(e):
                raise
            held += 1
    return held


def window_inputs(settings: Settings, day: date, window_days: int) -> dict[str, pl.LazyFrame | None]:
    """The frames the score stage reads for `day`, consent filter applied, as it passes them on."""
    with connect(settings, read_only=True) as con:
        def frame(name: str, **params) -> pl.DataFrame:
            return without_excluded(con, query(con, f"score/{name}", **params).pl().lazy(), day).collect()

        window = {"logical_date": day, "window_days": window_days}
        out = {"edges": frame("window_edges", **window), "activity": frame("account_activity", logical_date=day),
               "posts": frame("window_posts", **window), "profiles": frame("profiles", logical_date=day)}
    # Posts and profiles are unknown (None) without any row, as in the score stage.
    return {k: v.lazy() if v.height or k in ("edges", "activity") else None for k, v in out.items()}


def network_scores(inputs: dict, day: date, algo: Algorithm, edges: pl.LazyFrame | None = None) -> pl.DataFrame:
    scored = score_accounts(inputs["edges"] if edges is None else edges, day, algo, inputs["activity"],
                            inputs["posts"], inputs["profiles"])
    return scored.filter(pl.col("network") == NETWORK).select("account_id", "score", "raw_score",
                                                              "bought_share").collect()


def top_share(scores: pl.DataFrame, share: float = 0.01) -> set[str]:
    """The top `share` of accounts by score, ties broken as everywhere (raw score, then id)."""
    ranked = scores.sort(["score", "raw_score", "account_id"], descending=[True, True, False])
    return set(ranked.head(max(1, int(ranked.height * share)))["account_id"])


def bought_points(inputs: dict, scores: pl.DataFrame, truth: dict, day: date, algo: Algorithm) -> list[tuple]:
    """Per buyer: (points the bought reactions add, score, bought_share); without = the same window minus the
    fresh accounts' edges."""
    fresh = [b for burst in truth["bought_engagement"] for b in burst["buyers"]]
    clean = inputs["edges"].filter(~(pl.col("actor_id").is_in(fresh) & (pl.col("network") == NETWORK)))
    without = dict(network_scores(inputs, day, algo, clean).select("account_id", "score").iter_rows())
    got = {r["account_id"]: r for r in scores.iter_rows(named=True)}
    out = []
    for buyer in (burst["target"] for burst in truth["bought_engagement"]):
        row = got.get(buyer, {"score": 1, "bought_share": 0.0})
        out.append((row["score"] - without.get(buyer, 1), row["score"], row["bought_share"]))
    return out


def measure(home: Path, params: GeneratorParams, algorithm: str = "v1", quick: bool = False) -> TruthReport:
    """Generate into `home`, land, run the nights; the report of the last night."""
    seconds, t = {}, time.perf_counter()
    data = home / "generated"
    generate(data, params)
    truth = json.loads((data / "ground_truth.json").read_text())
    seconds["generate"], t = time.perf_counter() - t, time.perf_counter()
    settings = load_settings(home / "warehouse" / "clout.duckdb")
    pipeline.land_files(settings, [data])
    seconds["land"], t = time.perf_counter() - t, time.perf_counter()
    held = run_nights(settings, params.start, params.days, algorithm, quick)
    seconds["nights"], t = time.perf_counter() - t, time.perf_counter()

    algo = load_algorithm(algorithm)
    last = params.start + timedelta(days=params.days - 1)
    inputs = window_inputs(settings, last, algo.window_days)
    scores = network_scores(inputs, last, algo)
    top = top_share(scores)
    ring_members = {m for ring in truth["rings"] for m in ring}
    bought = bought_points(inputs, scores, truth, last, algo)
    seconds["measure"] = time.perf_counter() - t
    return TruthReport(scores.height, len(top), len(truth["bots"]), len(top & set(truth["bots"])),
                       len(ring_members), len(top & ring_members), [b[0] for b in bought], [b[1] for b in bought],
                       [b[2] for b in bought], held, published_match(settings, last, scores), seconds)


def published_match(settings: Settings, day: date, scores: pl.DataFrame) -> bool:
    with connect(settings, read_only=True) as con:
        published = con.sql("select account_id, score from published.scores where logical_date = $day "
                            "and network = $network", params={"day": day, "network": NETWORK}).pl()
    return published.sort("account_id").equals(scores.select("account_id", "score").sort("account_id"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--days", type=int, default=8)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--algorithm", default="v1")
    parser.add_argument("--quick", action="store_true", help="score, audit and publish the last night only")
    parser.add_argument("--keep", type=Path, help="generate and build the warehouse here and keep them")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="clout-bench-truth-"))
    params = GeneratorParams(people=args.people, days=args.days, seed=args.seed)
    try:
        t = time.perf_counter()
        report = measure(home, params, args.algorithm, args.quick)
        print(f"{args.people:,} people over {args.days} days generated (seed {args.seed}), landed, "
              f"{'the last night' if args.quick else f'{args.days} nights'} run with {args.algorithm}")
        for line in report.lines():
            print(line)
        print(f"total {time.perf_counter() - t:.1f} s")
    finally:
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
