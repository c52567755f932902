"""Person scores (transforms/scores.py person_scores): one row per person, against a reference written row by row.

Most people are one unlinked account and take that account's row directly; the people a link names are added up.
Both kinds are checked against a plain Python reference, an unlinked account whose own id ("network:account") a
link also names is that linked person's, and a rerun on the same accounts in another row order gives the same bits.
"""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from transforms.algorithm import load_algorithm
from transforms.scores import person_scores

ALGO = load_algorithm("v1")
W = ALGO.model.other_networks_weight
LINKS_SCHEMA = {"person_id": pl.String, "network": pl.String, "account_id": pl.String}


def accounts(n: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    raw = rng.normal(2.0, 1.5, n)
    return pl.DataFrame({
        "network": np.where(rng.random(n) < 0.7, "x", "mastodon"),
        "account_id": [f"a{i}" for i in rng.permutation(n)],
        # ties (a person's two accounts at the same raw score) and missing raw scores, as real nights have
        "raw_score": np.where(np.arange(n) % 11 == 0, np.round(raw, 1), raw),
    }).with_columns(raw_score=pl.when(pl.int_range(n) % 13 == 5).then(None).otherwise(pl.col("raw_score"))
                    ).sort("network", "account_id")


def reference(scores: pl.DataFrame, links: pl.DataFrame) -> dict[str, tuple]:
    """person_id -> (raw_score, networks, best_network, best_account_id), one account at a time."""
    link = {(r["network"], r["account_id"]): r["person_id"] for r in links.iter_rows(named=True)}
    members: dict[str, list[tuple]] = {}
    for r in scores.iter_rows(named=True):
        person = link.get((r["network"], r["account_id"])) or f"{r['network']}:{r['account_id']}"
        members.setdefault(person, []).append((r["network"], r["account_id"], r["raw_score"]))
    out = {}
    for person, rows in members.items():
        known = [raw for _, _, raw in rows if raw is not None]
        best_raw = max(known) if known else None
        best = min(rows, key=lambda m: (m[2] != best_raw, m[0], m[1])) if best_raw is not None else min(rows)
        raw = None if best_raw is None else best_raw + W * (sum(known) - best_raw)
        out[person] = (raw, len(rows), best[0], best[1])
    return out


def some_links(scores: pl.DataFrame, k: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    pick = rng.choice(scores.height, k, replace=False)
    linked = scores[pick].select("network", "account_id")
    people = [f"p{i // 3}" for i in range(k)]
    # a link naming a person by an unlinked account's own id: that account is this person's too
    unlinked = scores.join(linked, on=["network", "account_id"], how="anti").row(0, named=True)
    people[0] = f"{unlinked['network']}:{unlinked['account_id']}"
    return pl.DataFrame({"person_id": people, "network": linked["network"], "account_id": linked["account_id"]},
                        schema=LINKS_SCHEMA)


@pytest.mark.parametrize("linked", [0, 600])
def test_every_person_is_what_the_reference_makes_of_their_accounts(linked):
    scores = accounts(3_000, seed=1)
    links = some_links(scores, linked, seed=2) if linked else pl.DataFrame(schema=LINKS_SCHEMA)
    got = person_scores(scores.lazy(), links.lazy(), ALGO.model, ALGO).collect()
    want = reference(scores, links)
    assert got["person_id"].to_list() == sorted(want)
    for row in got.iter_rows(named=True):
        raw, networks, best_network, best_account = want[row["person_id"]]
        assert (row["networks"], row["best_network"], row["best_account_id"]) == (networks, best_network,
                                                                                  best_account), row
        assert row["raw_score"] == pytest.approx(raw, rel=1e-12, abs=1e-12) if raw is not None else (
            row["raw_score"] is None)
    if linked:
        first = links.row(0, named=True)["person_id"]
        assert want[first][1] == 2 and got.filter(pl.col("person_id") == first)["networks"].item() == 2


def test_a_person_of_one_unlinked_account_has_that_account_raw_score_exactly():
    scores = accounts(2_000, seed=3)
    got = person_scores(scores.lazy(), pl.LazyFrame(schema=LINKS_SCHEMA), ALGO.model, ALGO).collect()
    joined = got.join(scores.with_columns(person_id=pl.concat_str("network", pl.lit(":"), "account_id")),
                      on="person_id")
    assert joined.height == scores.height == got.height
    assert joined["raw_score"].equals(joined["raw_score_right"])
    assert (joined["networks"] == 1).all() and joined["best_account_id"].equals(joined["account_id"])


def test_a_rerun_gives_the_same_bits_whatever_order_the_accounts_come_in():
    scores = accounts(60_000, seed=4)
    links = some_links(scores, 30_000, seed=5)
    runs = [person_scores(scores.sample(fraction=1.0, shuffle=True, seed=s).lazy(), links.lazy(), ALGO.model,
                          ALGO).collect() for s in range(4)]
    for other in runs[1:]:
        assert other.equals(runs[0])
