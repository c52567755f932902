"""Person scores of a night: unlinked accounts taken as their own rows, against every person through the group-by.

    .venv/bin/python -m bench.person_scores [--accounts 10000000] [--linked 10000] [--repeat 2]

A night's scored accounts (two networks, seeded raw scores) and `--linked` accounts named by identity links (three
per person). Each round times the baseline (every account's person through today's `_linked_people`: the
group-by, the ordered sum and the choice of the best account; not the code before this change, which summed without
an order: docs/benchmarks.md compares with it) and then `person_scores` (the unlinked accounts'
people as their rows, the linked ones through the group-by), checks that both give the same people with the same
1..100 scores and raw scores within 1e-12, and prints seconds, CPU seconds, the ratio and the load average.
"""

from __future__ import annotations

import argparse
import os

import numpy as np
import polars as pl

from bench.interactions import load_average, rss_mb
from bench.pagerank_entries import timed
from transforms.algorithm import load_algorithm
from transforms.model import calibrate
from transforms.scores import _linked_people, person_scores


def night(n: int, linked: int, seed: int = 1) -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(seed)
    scores = pl.DataFrame({"network": np.where(rng.random(n) < 0.8, "x", "mastodon"),
                           "account_id": rng.permutation(n).astype(str), "raw_score": rng.normal(2.0, 1.5, n)})
    scores = scores.sort("network", "account_id")
    pick = rng.choice(n, linked, replace=False)
    links = scores[pick].select(pl.Series("person_id", [f"p{i // 3}" for i in range(linked)], pl.String),
                                "network", "account_id")
    return scores, links


def every_person_grouped(scores: pl.DataFrame, links: pl.DataFrame, algo) -> pl.DataFrame:
    """The baseline: every account's person (its link's, or its own id) through the group-by."""
    accounts = (scores.lazy().join(links.lazy(), on=["network", "account_id"], how="left")
                .with_columns(person_id=pl.coalesce("person_id", pl.concat_str("network", pl.lit(":"), "account_id"))))
    people = _linked_people(pl, accounts, algo.model)
    return (people.with_columns(score=calibrate(pl.col("raw_score"), algo.calibration))
            .select("person_id", "score", "raw_score", "networks", "best_network", "best_account_id")
            .sort("person_id").collect())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--linked", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    algo = load_algorithm("v1")
    scores, links = night(args.accounts, args.linked)
    print(f"{scores.height:,} accounts, {links.height:,} of them linked; load average {load_average()} "
          f"({os.cpu_count()} cores)")
    for round_ in range(1, args.repeat + 1):
        print(f"round {round_}:")
        base, expected = timed("every person grouped", lambda: every_person_grouped(scores, links, algo))
        new, got = timed("unlinked as rows", lambda: person_scores(scores.lazy(), links.lazy(), algo.model, algo)
                         .collect())
        same = (expected.drop("raw_score").equals(got.drop("raw_score"))
                and bool(((expected["raw_score"] - got["raw_score"]).abs()
                          <= 1e-12 * expected["raw_score"].abs().clip(lower_bound=1.0)).all()))
        print(f"  ratio {new / base:.2f} of the baseline; the same people and scores: {same}")
    print(f"peak RSS {rss_mb():,.0f} MB; load average {load_average()}")


if __name__ == "__main__":
    main()
