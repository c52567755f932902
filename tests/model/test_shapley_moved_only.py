"""Shapley parts are computed only for the accounts whose parts moved, and each account plays only the game of
its moved parts (issues 19 and 14, the night's budget): the split is that of the whole game of six parts, an
unmoved part gets exactly 0, and an account whose parts did not move keeps the same explanation."""

from __future__ import annotations

import numpy as np
import polars as pl

from transforms.algorithm import load_algorithm
from transforms.explain import change_parts
from transforms.model import PARTS, _shapley, calibrate, score_features, with_shapley

KEYS = ["network", "account_id"]


def test_the_game_of_the_moved_parts_gives_the_split_of_the_whole_game_in_the_same_order():
    cal = load_algorithm("v1").calibration
    rng = np.random.default_rng(11)
    n = 2000
    today = rng.uniform(0, 5, (n, 6)) * (rng.random((n, 6)) < 0.6)
    base = rng.uniform(0, 5, (n, 6)) * (rng.random((n, 6)) < 0.6)
    today[:, 5], base[:, 5] = -rng.uniform(0, 3, n), -rng.uniform(0, 3, n)
    still = rng.random(n) < 0.7
    base[still] = today[still]  # 70% of the accounts: nothing moved
    today[::9] = 0.0  # some silent accounts (every part 0), moved or not
    frame = pl.DataFrame({"i": np.arange(n), **{f"t_{p}": today[:, k] for k, p in enumerate(PARTS)},
                          **{f"b_{p}": base[:, k] for k, p in enumerate(PARTS)}})
    frame = frame.with_columns(score=calibrate(pl.sum_horizontal([f"t_{p}" for p in PARTS]), cal),
                               base_score=calibrate(pl.sum_horizontal([f"b_{p}" for p in PARTS]), cal))
    for base_cols, base_score in (([f"b_{p}" for p in PARTS], "base_score"), (None, None)):
        args = ([f"t_{p}" for p in PARTS], base_cols, "score", base_score, cal, "phi_")
        fast = frame.lazy().pipe(with_shapley, *args).collect()
        whole = frame.lazy().pipe(_shapley, *args, players=list(range(len(PARTS)))).collect()
        assert fast.columns == whole.columns and fast.drop(cols := [f"phi_{p}" for p in PARTS]).equals(whole.drop(cols))
        # the same split to float rounding (the whole game sums terms that are exactly 0 for unmoved parts)
        assert np.abs(fast.select(cols).to_numpy() - whole.select(cols).to_numpy()).max() < 1e-12
        moved = (today != (base if base_cols else 0.0))
        assert (fast.select(cols).to_numpy()[~moved] == 0.0).all()  # a part that did not move: exactly 0
        shares = fast.select(pl.sum_horizontal(cols)).to_series().to_numpy()
        total = (frame["score"] - (frame["base_score"] if base_score else 1)).to_numpy()
        assert np.abs(shares - total).max() < 1e-9  # the shares add up to the change
    assert (fast.filter(pl.col("i") % 9 == 0).select([f"phi_{p}" for p in PARTS]).to_numpy() == 0).all()


def test_an_account_whose_parts_did_not_move_keeps_its_explanation():
    """Two nights of three accounts with the same algorithm: `quiet` has the same features both nights, `silent`
    none, `busy` gains reactors. Quiet and silent keep their score and parts, and their change reads as nothing
    moved; busy's change is split as before."""
    algo = load_algorithm("v1")

    def night(busy_reactors: float) -> pl.LazyFrame:
        frame = pl.LazyFrame({"network": ["t"] * 3, "account_id": ["quiet", "silent", "busy"],
                              "distinct_reactors": [12.0, 0.0, busy_reactors],
                              "effective_reactors": [10.0, 0.0, busy_reactors],
                              "reposts_received": [20.0, 0.0, 2 * busy_reactors],
                              "mentions_received": [5.0, 0.0, busy_reactors], "network_impact": [2.0, 0.0, 3.0],
                              "suspect_share": [0.1, 0.0, 0.0]})
        return score_features(frame, algo.model, algo.calibration).with_columns(fingerprint=pl.lit(algo.fingerprint))

    before, after = night(4.0), night(40.0)
    rows = {r["account_id"]: r for r in change_parts(after, before, KEYS, algo.calibration, algo.fingerprint)
            .collect().iter_rows(named=True)}
    prev = {r["account_id"]: r for r in before.collect().iter_rows(named=True)}
    for account in ("quiet", "silent"):
        row = rows[account]
        assert row["change"] == 0 and all(row[f"change_{p}"] == 0 for p in PARTS), row
        assert all(row[f"part_{p}"] == prev[account][f"part_{p}"] for p in PARTS), row  # the same parts as last night
        assert row["change_explained"] == "0: no part moved by half a point or more"
    assert rows["silent"]["score"] == 1 and all((rows["silent"][f"part_{p}"] or 0.0) == 0 for p in PARTS)
    busy = rows["busy"]
    assert busy["change"] > 0 and busy["change_reach"] > 0
    assert abs(sum(busy[f"change_{p}"] for p in PARTS) - busy["change"]) < 0.05


def test_a_score_of_1_splits_into_parts_of_exactly_0_not_float_residue():
    """Raw parts of three accounts of a 10M-account night scored 1: the rounding rest takes every point back, and
    the parts came out as -6e-17 (a contract failure that held the night); they are 0."""
    cal = load_algorithm("v1").calibration
    raw = [[0.02928420951758113, 0.008692775866747401, 0.0, 0.0, 0.0, 0.0],
           [0.018385579384532762, 0.008736190522207895, 0.0, 0.0, 0.0, 0.0],
           [0.010367749143403531, 0.004120943377241076, 0.0, 0.0, 0.0, 0.0]]
    frame = pl.DataFrame({f"t_{p}": [r[k] for r in raw] for k, p in enumerate(PARTS)})
    frame = frame.with_columns(score=calibrate(pl.sum_horizontal([f"t_{p}" for p in PARTS]), cal))
    assert frame["score"].to_list() == [1, 1, 1]
    parts = frame.lazy().pipe(with_shapley, [f"t_{p}" for p in PARTS], None, "score", None, cal, "phi_").collect()
    assert (parts.select([f"phi_{p}" for p in PARTS]).to_numpy() == 0.0).all()


def test_a_part_that_moved_by_float_residue_takes_no_share_of_the_rounding_rest():
    """Account 176926 of the Higgs week on 2012-07-07 (Spark engine): its reach read 1.09096981536802540 on July 6
    and ...518 on July 7 (the same reactors, summed in another order), its engagement moved for real, and its score
    went 27 -> 28. The game of {reach, engagement} gave reach a Shapley value of -3.6e-15, the only part pointing
    the rounding rest's way (-0.36), so reach took the rest whole: -0.36 / +1.36 where the default engine (reach
    unchanged to the bit) read 0 / +1.0. A value under RESIDUE is residue: the same split either way."""
    cal = load_algorithm("v1").calibration
    today = {"reach": 1.09096981536802518, "engagement": 0.86368123374047578, "impact": 0.0, "discount": 0.0}
    base = {"reach": 1.09096981536802540, "engagement": 0.71093049451689128, "impact": 0.0, "discount": 0.0}
    frame = pl.LazyFrame({**{f"t_{p}": [today.get(p)] for p in PARTS}, **{f"b_{p}": [base.get(p)] for p in PARTS},
                          "score": [28], "base_score": [27]},
                         schema={**{f"{s}_{p}": pl.Float64 for s in "tb" for p in PARTS},
                                 "score": pl.Int32, "base_score": pl.Int32})
    args = ([f"t_{p}" for p in PARTS], [f"b_{p}" for p in PARTS], "score", "base_score", cal, "phi_")
    splits = [frame.pipe(_shapley, *args, players=players).select([f"phi_{p}" for p in PARTS]).collect().row(0)
              for players in ([1], [0, 1])]  # engagement alone moved; reach moved too, by 2e-16
    assert splits[0] == splits[1] == (0.0, 1.0, 0.0, 0.0, 0.0, 0.0)
    assert with_shapley(frame, *args).select([f"phi_{p}" for p in PARTS]).collect().row(0) == splits[0]
