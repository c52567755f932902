"""A night's change sentences on Polars: every row's text made at once, against the moved rows' only.

    .venv/bin/python -m bench.change_sentences [--accounts 10000000] [--moved 0.3] [--repeat 2]

A frame shaped like change_parts' before its sentence (transforms/explain.py): each account's `change`, its
`previous_score` (null for 5%: new tonight) and its six `change_<part>` points, rounded to cents; in a share
`--moved` of the rows two or three parts moved by up to 20 points, in the others every part moved by under half a
point (on a generated 10M-account night 31% of the rows had a part move by half a point or more). Each round
times the baseline (explain._sentences over every row, what change_parts ran before) and then
explain.with_change_sentence (the moved rows' causes only), checks the sentences are the same, and prints
seconds, CPU seconds and the ratio.
"""

from __future__ import annotations

import argparse

import numpy as np
import polars as pl

from bench.interactions import load_average, rss_mb
from bench.pagerank_entries import timed
from transforms.explain import _sentences, with_change_sentence
from transforms.model import PARTS


def changes(n: int, moved: float, seed: int = 1) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    small = rng.uniform(-0.49, 0.49, (n, len(PARTS)))
    big = rng.uniform(-20.0, 20.0, (n, len(PARTS))) * (rng.random((n, len(PARTS))) < 0.45)
    points = np.round(np.where((rng.random(n) < moved)[:, None], big, small), 2)
    known = rng.random(n) >= 0.05
    previous = rng.integers(1, 100, n)
    frame = pl.DataFrame({"previous_score": previous, "change": np.round(points.sum(axis=1)).astype(np.int64),
                          **{f"change_{p}": points[:, i] for i, p in enumerate(PARTS)}})
    frame = frame.with_columns(pl.when(pl.Series(known)).then(pl.col(c)) for c in frame.columns)
    return frame.with_columns(_other_algorithm=pl.lit(False))  # the same algorithm as last night (explain.py)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=10_000_000)
    parser.add_argument("--moved", type=float, default=0.3)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    frame = changes(args.accounts, args.moved)
    print(f"{args.accounts:,} accounts, {args.moved:.0%} with parts moved; load average {load_average()}", flush=True)
    for round_ in range(1, args.repeat + 1):
        print(f"round {round_}:")
        before, old = timed("every row", lambda: _sentences(pl, frame.lazy()).collect())
        after, new = timed("moved rows", lambda: with_change_sentence(pl, frame.lazy()).collect())
        print(f"  ratio {after / before:.2f}, the same sentences: {new.equals(old)}; load average {load_average()}, "
              f"peak RSS {rss_mb():,.0f} MB", flush=True)


if __name__ == "__main__":
    main()
