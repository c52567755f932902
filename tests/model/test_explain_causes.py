"""Explanations name the true cause (issue 19): a part's share of a change is the change that part alone makes
(Shapley values over the parts), and a score's parts show what each adds or takes."""

from __future__ import annotations

from itertools import permutations

import numpy as np
import polars as pl
import pytest

from transforms.algorithm import load_algorithm
from transforms.explain import change_parts, describe_parts
from transforms.model import PARTS, calibrated, score_features, with_shapley

KEYS = ["network", "account_id"]


def night(ring_share: float, impact: float, reactors: float = 1.0) -> pl.LazyFrame:
    """One account with one reactor who replies and mentions (account 80087 on the Higgs week)."""
    return pl.LazyFrame({"network": ["twitter"], "account_id": ["80087"], "replies_received": [reactors],
                         "mentions_received": [reactors], "reposts_received": [0.0], "distinct_reactors": [reactors],
                         "effective_reactors": [reactors], "network_impact": [impact],
                         "suspect_share": [ring_share]})


def scored(frame: pl.LazyFrame, algo) -> pl.LazyFrame:
    return score_features(frame, algo.model, algo.calibration).with_columns(fingerprint=pl.lit(algo.fingerprint))


@pytest.mark.parametrize("version", ["v1", "v3"])
def test_a_ring_discount_is_named_as_the_cause_not_the_parts_that_did_not_fall(version):
    """The same single reactor, a higher network impact, and the ring share going from 0 to 1: the drop is the
    discount's, impact did not take points, and the reactors did not either."""
    algo = load_algorithm(version)
    before, after = scored(night(0.0, 8.0), algo), scored(night(1.0, 14.0), algo)
    row = change_parts(after, before, KEYS, algo.calibration, algo.fingerprint).collect().row(0, named=True)
    assert row["previous_score"] > 10 and row["score"] == 1
    assert row["change_discount"] <= row["change"] + 1, row
    assert row["change_impact"] >= 0 and abs(row["change_reach"]) < 0.5 and abs(row["change_engagement"]) < 0.5, row
    assert row["change_explained"].startswith(f"{row['change']}: more engagement discounted as a closed group"), row
    assert "fewer" not in row["change_explained"], row


def test_a_fully_discounted_score_shows_what_the_discount_takes():
    """Score 1 because a ring's engagement is removed: the parts still say so (the ring line is not +0.0)."""
    algo = load_algorithm("v1")
    row = scored(night(1.0, 14.0), algo).collect().row(0, named=True)
    assert row["score"] == 1 and row["part_discount"] < -5 and row["part_reach"] > 0
    assert sum(row[f"part_{p}"] or 0.0 for p in PARTS) == pytest.approx(0.0, abs=1e-9)
    assert describe_parts(row)[0].strip().startswith("-")  # the largest line is what the discount takes


def test_a_change_is_split_as_the_exact_average_over_every_order_of_the_parts():
    """with_shapley against a brute force over all 720 orders in which the six parts can switch."""
    cal = load_algorithm("v1").calibration
    rng = np.random.default_rng(7)
    n = 40
    today = rng.uniform(0, 6, (n, 6)) * (rng.random((n, 6)) < 0.7)
    base = rng.uniform(0, 6, (n, 6)) * (rng.random((n, 6)) < 0.7)
    today[:, 5], base[:, 5] = -rng.uniform(0, 8, n), -rng.uniform(0, 3, n)  # the discount is <= 0
    base[:5] = today[:5]  # nothing moved: nobody gets anything
    today[5:10, 2] = base[5:10, 2]  # one part that did not move, among others that did

    def v(x: np.ndarray) -> np.ndarray:
        return pl.DataFrame({"r": x.sum(axis=1)}).select(calibrated(pl.col("r"), cal).alias("r"))["r"].to_numpy()

    frame = pl.DataFrame({**{f"t_{p}": today[:, i] for i, p in enumerate(PARTS)},
                          **{f"b_{p}": base[:, i] for i, p in enumerate(PARTS)}})
    frame = frame.with_columns(score=pl.Series(v(today)), base_score=pl.Series(v(base)))
    got = frame.lazy().pipe(with_shapley, [f"t_{p}" for p in PARTS], [f"b_{p}" for p in PARTS], "score",
                            "base_score", cal, "phi_").collect().select([f"phi_{p}" for p in PARTS]).to_numpy()
    orders = list(permutations(range(6)))
    want = np.zeros((n, 6))
    for order in orders:
        x = base.copy()
        for i in order:
            before = v(x)
            x[:, i] = today[:, i]
            want[:, i] += (v(x) - before) / len(orders)
    np.testing.assert_allclose(got, want, atol=1e-9)
    assert np.abs(got[:5]).max() < 1e-12 and np.abs(got[5:10, 2]).max() < 1e-12


def test_the_rounding_rest_goes_to_the_parts_that_moved_its_way_and_the_shares_add_up():
    algo = load_algorithm("v1")
    rng = np.random.default_rng(3)
    n = 500
    frame = pl.LazyFrame({"network": "twitter", "account_id": [str(i) for i in range(n)],
                          "reposts_received": rng.pareto(1.2, n) * 3, "mentions_received": rng.pareto(1.2, n),
                          "distinct_reactors": rng.pareto(1.2, n) + 1, "network_impact": rng.pareto(1.5, n),
                          "suspect_share": rng.uniform(0, 1, n) * (rng.random(n) < 0.3)})
    before = scored(frame, algo)
    after = scored(frame.with_columns(pl.col("reposts_received", "network_impact") * rng.uniform(0.5, 2, n)), algo)
    out = change_parts(after, before, KEYS, algo.calibration, algo.fingerprint).collect()
    total = out.select(pl.sum_horizontal([f"change_{p}" for p in PARTS]) - pl.col("change")).to_series()
    assert total.abs().max() < 0.05  # each share is rounded to 2 decimals
    # Only reposts and impact moved: reach, rate, audience get nothing; engagement and discount may.
    assert out.select(pl.col("change_reach", "change_rate", "change_audience").abs().max()).row(0) == (0, 0, 0)


def test_the_moved_rows_sentences_are_those_of_every_row_at_once():
    """On Polars only the rows where a part moved by half a point get their causes written (the rest of a night
    is most of its rows); every row's sentence is what the every-row form writes: new tonight, no part moved,
    a part just at or under half a point, parts in order of size and name, a null change, in the rows' order."""
    from transforms.explain import _sentences, with_change_sentence

    parts = {p: [None, 0.49, -0.5, 2.25, 0.0, None, -12.0, 0.5, 0.2, -3.0] for p in PARTS}
    parts["reach"] = [None, 0.2, 0.1, -2.25, 0.0, None, 0.65, 0.5, 0.1, 8.0]
    frame = pl.DataFrame({"previous_score": [None, 40, 41, 42, 43, 44, 45, 46, 47, 48],
                          "change": [None, 0, -1, 3, 0, None, -50, 2, 1, -7],
                          "_other_algorithm": [False] * 8 + [True, True],  # the last two: another algorithm's night
                          **{f"change_{p}": v for p, v in parts.items()}})
    got = with_change_sentence(pl, frame.lazy()).collect()
    assert got.equals(_sentences(pl, frame.lazy()).collect())
    assert got["change_explained"][0] == "new tonight"
    assert got["change_explained"][1] == "0: no part moved by half a point or more"
    assert got["change_explained"][3].startswith("+3: ")
    assert got["change_explained"][5] is None
    # against a night another algorithm scored: said, and the parts named without blaming the data for the change
    assert got["change_explained"][8] == ("+1 against a night scored by another algorithm: no part moved by half a "
                                          "point or more")
    assert got["change_explained"][9].startswith("-7 against a night scored by another algorithm: different people who "
                                                 "reacted (+8.0), ")
    assert "more" not in got["change_explained"][9] and "fewer" not in got["change_explained"][9]


@pytest.mark.parametrize("same", [True, False])
def test_a_change_against_another_algorithms_night_says_so(same):
    """The same account's features on two nights; last night scored by this algorithm (its change split into causes
    in the words of the data) or by another (a fingerprint of another version: named as such)."""
    algo = load_algorithm("v1")
    before = scored(night(0.0, 8.0, reactors=2.0), algo)
    if not same:
        before = before.with_columns(fingerprint=pl.lit("another-version"))
    row = change_parts(scored(night(0.0, 8.0, reactors=9.0), algo), before, KEYS, algo.calibration,
                       algo.fingerprint).collect().row(0, named=True)
    assert row["change"] > 0 and "_other_algorithm" not in row
    said = row["change_explained"]
    assert ("against a night scored by another algorithm" in said) is not same, said
    assert ("more different people reacted" in said) is same, said


def test_last_nights_rows_without_raw_values_are_explained_by_their_points():
    """Rows published before raw values were kept (the same fingerprint, raw_* null): no Shapley game to play, so
    the shares are the points' differences, not a game against tonight (every share 0)."""
    algo = load_algorithm("v1")
    before = scored(night(0.0, 8.0, reactors=2.0), algo)
    before = before.with_columns(**{c: pl.lit(None, dtype=pl.Float64) for c in before.collect_schema().names()
                                    if c.startswith("raw_")})
    row = change_parts(scored(night(0.0, 8.0, reactors=9.0), algo), before, KEYS, algo.calibration,
                       algo.fingerprint).collect().row(0, named=True)
    assert row["change"] > 0 and row["change_reach"] > 0.5, row
    assert "more different people reacted" in row["change_explained"], row["change_explained"]


def test_the_change_parts_come_in_tonights_row_order():
    """change_parts keeps tonight's rows in their order (the candidate rows are written in it, and the Spark engine's
    are sorted to match it): Polars 2's left join keeps no order unless asked, and gives another one each run."""
    algo = load_algorithm("v1")
    rng = np.random.default_rng(11)
    n = 3000

    def accounts(scale: float) -> pl.LazyFrame:
        v = rng.uniform(0, 20, n) * scale
        return pl.LazyFrame({"network": ["twitter"] * n, "account_id": [f"{i:05d}" for i in range(n)],
                             "replies_received": v, "mentions_received": v / 2, "reposts_received": v / 3,
                             "distinct_reactors": v, "effective_reactors": v, "network_impact": v / 10,
                             "suspect_share": [0.0] * n})

    after = scored(accounts(1.0), algo).collect()
    before = scored(accounts(1.2), algo).collect().sample(fraction=1.0, shuffle=True, seed=3)
    for _ in range(3):
        out = change_parts(after.lazy(), before.lazy(), KEYS, algo.calibration, algo.fingerprint).collect()
        assert out["account_id"].to_list() == after["account_id"].to_list()
        assert out["change"].is_not_null().all()
