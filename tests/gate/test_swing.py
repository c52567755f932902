"""Swing metrics and their judging on hand-made nights: pure Polars, no warehouse."""

from __future__ import annotations

import polars as pl
import pytest

from clout.audit.gate import load_gate_config
from transforms.audit.gate_rules import GateRules, MetricRule, judge
from transforms.audit.swing import SwingParams, swing_metrics


def night(scores: dict[str, int], network: str = "x") -> pl.LazyFrame:
    return pl.LazyFrame({"network": network, "account_id": list(scores), "score": list(scores.values()),
                         "raw_score": [float(v) for v in scores.values()]})


def metrics(before, after, params: SwingParams | None = None) -> dict:
    rows = swing_metrics(before, after, params or SwingParams()).collect()
    return {(r["scope_value"], r["metric"]): r["value"] for r in rows.iter_rows(named=True)}


BASE = {f"a{i}": 1 + i % 100 for i in range(500)}


def test_an_unchanged_night_does_not_move():
    m = metrics(night(BASE), night(BASE))
    assert m["all", "share_moved_10"] == 0 and m["all", "mean_abs_move"] == 0
    assert m["all", "spearman"] == pytest.approx(1) and m["all", "top100_overlap"] == 1
    assert m["all", "psi"] == pytest.approx(0, abs=1e-9) and m["all", "ks"] == 0


def test_a_20_point_drop_for_everyone_is_a_big_swing():
    dropped = {k: max(1, v - 20) for k, v in BASE.items()}
    m = metrics(night(BASE), night(dropped))
    assert m["all", "share_moved_10"] > 0.7 and m["all", "mean_abs_move"] > 14
    assert m["all", "psi"] > 0.1 and m["all", "ks"] > 0.1


def test_reversed_ranks_and_all_equal_scores_break_the_rank_metrics():
    reversed_ = {k: 101 - v for k, v in BASE.items()}
    assert metrics(night(BASE), night(reversed_))["all", "spearman"] == pytest.approx(-1)
    flat = metrics(night(BASE), night(dict.fromkeys(BASE, 1)))
    assert flat["all", "spearman"] == 0 and flat["all", "top100_overlap"] < 0.5


def test_new_and_missing_accounts_and_groups():
    half = dict(list(BASE.items())[:250])
    m = metrics(night(BASE), night(half))
    assert m["all", "share_missing"] == 0.5 and m["all", "share_new"] == 0
    two = pl.concat([night(BASE, "x"), night({k: min(100, v + 30) for k, v in BASE.items()}, "y")])
    before = pl.concat([night(BASE, "x"), night(BASE, "y")])
    m = metrics(before, two, SwingParams(groupings=((), ("network",))))
    assert m["x", "mean_abs_move"] == 0 and m["y", "mean_abs_move"] > 20
    assert 0 < m["all", "mean_abs_move"] < m["y", "mean_abs_move"]


def test_a_change_that_lifts_only_the_top_moves_the_top_100_not_the_population():
    """A calibration whose upper knots rose (or a penalty on the most reacted-to) moves the top accounts 10 points
    and keeps their order and membership: the population metrics barely move; the top-100 mean move does."""
    population = {f"a{i}": 1 + i % 60 for i in range(5000)} | {f"t{i}": 80 + i % 10 for i in range(100)}
    lifted = {k: min(100, v + 10) if k.startswith("t") else v for k, v in population.items()}
    m = metrics(night(population), night(lifted))
    assert m["all", "top100_mean_abs_move"] == pytest.approx(10)
    assert m["all", "mean_abs_move"] < 0.25 and m["all", "share_moved_10"] < 0.02 and m["all", "top100_overlap"] == 1
    unchanged = metrics(night(population), night(population))
    assert unchanged["all", "top100_mean_abs_move"] == 0


def test_the_top_100s_move_holds_an_algorithm_and_is_only_reported_for_the_data():
    rules = GateRules.from_config(load_gate_config())
    rows = [(part, "all", "all", "top100_mean_abs_move", 9.9, 5000) for part in ("algorithm", "data")]
    current = pl.LazyFrame(rows, schema=["part", "scope", "scope_value", "metric", "value", "n_common"], orient="row")
    history = pl.LazyFrame([("all", "all", "top100_mean_abs_move", 0.5)] * 6,
                           schema={"scope": pl.String, "scope_value": pl.String, "metric": pl.String,
                                   "value": pl.Float64}, orient="row")
    out = {r["part"]: r["verdict"] for r in judge(current, history, rules).collect().iter_rows(named=True)}
    assert out == {"algorithm": "hold", "data": "info"}  # a real event moves the top most: not a reason to warn


RULES = GateRules(metrics=(MetricRule("mean_abs_move", "high", 2.0, 2.5, 0.2),
                           MetricRule("spearman", "low", 0.9, 0.9, 0.01)), min_history=3, z_max=4.0)


def judged(rows, history=(), split=True) -> dict:
    current = pl.LazyFrame(rows, schema=["part", "scope", "scope_value", "metric", "value", "n_common"], orient="row")
    hist = pl.LazyFrame(list(history), schema={"scope": pl.String, "scope_value": pl.String, "metric": pl.String,
                                               "value": pl.Float64}, orient="row")
    out = judge(current, hist, RULES, split).collect()
    return {(r["part"], r["metric"]): (r["verdict"], r["basis"]) for r in out.iter_rows(named=True)}


def test_data_swings_warn_algorithm_swings_hold_and_small_groups_are_not_judged():
    v = judged([("data", "all", "all", "mean_abs_move", 3.0, 1000), ("algorithm", "all", "all", "mean_abs_move",
                3.0, 1000), ("data", "network", "tiny", "spearman", 0.1, 5), ("total", "all", "all", "spearman", 0.1,
                1000)])
    assert v["data", "mean_abs_move"] == ("warn", "fixed")
    assert v["algorithm", "mean_abs_move"] == ("hold", "tolerance")
    assert v["data", "spearman"][0] == "info"  # 5 accounts: too few to judge
    assert v["total", "spearman"][0] == "info"  # the total is reported, the parts are judged


def test_history_replaces_the_fixed_bound_once_long_enough():
    calm = [("all", "all", "mean_abs_move", x) for x in (0.3, 0.35, 0.32, 0.31)]
    assert judged([("data", "all", "all", "mean_abs_move", 1.8, 1000)], calm)["data", "mean_abs_move"] == (
        "warn", "history")  # under the fixed 2.0, yet far outside its own history
    noisy = [("all", "all", "mean_abs_move", x) for x in (2.5, 3.5, 3.0, 2.8)]
    assert judged([("data", "all", "all", "mean_abs_move", 3.2, 1000)], noisy)["data", "mean_abs_move"] == (
        "ok", "history")


def test_an_unsplittable_change_is_held_to_the_algorithm_tolerance():
    v = judged([("total", "all", "all", "mean_abs_move", 3.0, 1000)], split=False)
    assert v["total", "mean_abs_move"] == ("hold", "tolerance")


def test_the_gate_computes_one_network_once_with_the_same_figures_as_per_network():
    """gate.compare: with one network, the per-network rows are the overall rows, not a second computation."""
    from clout.audit.gate import Night, compare

    moved = {k: max(1, min(100, v + (i % 7) - 3)) for i, (k, v) in enumerate(BASE.items())}
    before = Night(night(BASE, "mastodon").collect())
    after = Night(night(dict(list(moved.items())[40:]) | {"new": 50}, "mastodon").collect())
    ours = compare("total", before, after).collect()
    full = swing_metrics(before.scores.lazy(), after.scores.lazy(),
                         SwingParams(groupings=((), ("network",)))).collect()
    key = ["scope", "scope_value", "metric"]
    joined = ours.join(full, on=key, how="full", coalesce=True)
    assert joined.height == full.height == ours.height
    assert joined.filter(pl.col("n_common") != pl.col("n_common_right")).is_empty()
    assert (joined["value"] - joined["value_right"]).abs().max() < 1e-12  # float sums in another order
    assert set(ours["scope_value"]) == {"all", "mastodon"}


def _random_nights(seed: int, n: int, tie_all: bool = False) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Two nights of two networks: accounts missing on either side, scores with many ties (1..100 and raw scores
    rounded to two places), or every score equal."""
    import numpy as np

    rng = np.random.default_rng(seed)

    def one(noise: float) -> pl.DataFrame:
        ids = np.arange(n)
        keep = rng.random(n) > 0.1
        raw = np.clip(rng.random(n) ** 3 + rng.normal(0, noise, n), 0, 1).round(2)
        score = np.full(n, 40) if tie_all else (1 + 99 * raw).astype(np.int64)
        return pl.DataFrame({"network": np.where(ids % 3 == 0, "a", "b"), "account_id": ids.astype(str),
                             "score": score, "raw_score": raw}).filter(pl.Series(keep))

    return one(0.0), one(0.05)


@pytest.mark.parametrize(("seed", "n", "tie_all"), [(1, 40, False), (2, 3000, False), (3, 3000, True)])
def test_spearman_is_polars_spearman_over_each_groups_common_accounts(seed, n, tie_all):
    """Spearman's correlation over the accounts scored on both nights only, overall and per network, ties
    included (every score equal: undefined, reported as 0)."""
    before, after = _random_nights(seed, n, tie_all)
    ours = metrics(before.lazy(), after.lazy(), SwingParams(groupings=((), ("network",))))
    common = before.join(after, on=["network", "account_id"], suffix="_a")
    expected = {"all": common} | {k: common.filter(pl.col("network") == k) for k in ("a", "b")}
    for scope, rows in expected.items():
        want = rows.select(pl.corr("score", "score_a", method="spearman")).item()
        if want is None or want != want:  # constant scores: undefined, reported as 0
            want = 0.0
        assert ours[scope, "spearman"] == pytest.approx(want, abs=1e-12), scope


@pytest.mark.parametrize(("seed", "n", "tie_all"), [(4, 60, False), (5, 5000, False), (6, 5000, True)])
def test_the_top_rows_are_the_first_rows_of_the_night_sorted(seed, n, tie_all):
    """The top 100 (overlap) and top 1,000 (rank) per group, found among the rows at or above the group's k-th
    score only: the same rows as a sort of the whole night by score, raw score and key, ties at the boundary and a
    group smaller than k included."""
    from transforms.audit.swing import _flag_tops, paired

    params = SwingParams(groupings=(("network",),))
    before, after = _random_nights(seed, n, tie_all)
    pairs = paired(before.lazy(), after.lazy(), params.keys).collect()
    flagged = _flag_tops(pairs.lazy(), ["network"], params).collect()
    for side, k, flag in (("before", 1000, "top_rank"), ("before", 100, "top_before"), ("after", 100, "top_after")):
        expected = (pairs.filter(pl.col(f"score_{side}").is_not_null())
                    .sort(f"score_{side}", f"raw_{side}", "network", "account_id",
                          descending=[True, True, False, False])
                    .group_by("network", maintain_order=True).head(k).select("network", "account_id"))
        got = flagged.filter(flag).select("network", "account_id")
        assert sorted(got.rows()) == sorted(expected.rows()), flag


def _self_nights():
    """Nights to compare with themselves: ties, one account, flat scores, few distinct values at the top, several
    networks, empty, raw scores that tie and that do not."""
    import numpy as np

    rng = np.random.default_rng(7)
    nights = [night(BASE), night({"only": 40}), night(dict.fromkeys(BASE, 1)), night({"a": 1, "b": 2}),
              night({f"t{i}": 100 if i < 1500 else 1 + i % 99 for i in range(3000)}),
              night({f"u{i}": 100 if i < 999 else 99 for i in range(1200)}),
              pl.concat([night(BASE, "x"), night({"solo": 7}, "y"), night(dict.fromkeys(list(BASE)[:9], 3), "z")]),
              night({}).cast({"account_id": pl.String, "score": pl.Int64, "raw_score": pl.Float64})]
    for n, top in ((1, 100), (2, 2), (10, 3), (5000, 100), (20000, 10)):
        score = rng.integers(1, top + 1, n)
        nights.append(pl.LazyFrame({"network": rng.choice(["x", "y"], n), "account_id": [f"r{i}" for i in range(n)],
                                    "score": score, "raw_score": score + rng.random(n).round(1)}))
    return nights


@pytest.mark.parametrize("groupings", [((),), ((), ("network",))])
def test_a_night_against_itself_gets_the_rows_swing_metrics_computes(groupings):
    """swing.self_metrics (the gate of a backfill night compares the published run with itself when it is the old
    algorithm's scores): the same rows, values and counts as pairing the night with itself, bit for bit."""
    from transforms.audit.swing import self_metrics

    params = SwingParams(groupings=groupings)
    for frame in _self_nights():
        scores = frame.collect()
        full = swing_metrics(scores.lazy(), scores.lazy(), params).collect()
        ours = self_metrics(scores, params).collect()
        key = ["scope", "scope_value", "metric"]
        assert ours.schema == full.schema
        assert ours.sort(key).to_dicts() == full.sort(key).to_dicts(), scores.head(3)


def test_topics_against_themselves_and_what_self_metrics_leaves_to_the_long_way():
    from clout.audit.gate import Night, compare
    from transforms.audit.swing import self_metrics

    base = night(BASE).collect()
    topics = pl.concat([base.with_columns(topic=pl.lit(t), score=(pl.col("score") * k % 97 + 1).cast(pl.Float64))
                        for k, t in ((1, "science"), (3, "music"))]).head(700)
    topics = pl.concat([topics, topics.head(1).with_columns(topic=pl.lit("lonely"))])
    params = SwingParams(keys=("network", "account_id", "topic"), groupings=(("topic",),))
    full = swing_metrics(topics.lazy(), topics.lazy(), params).collect()
    assert self_metrics(topics, params).collect().sort("scope_value", "metric").equals(
        full.sort("scope_value", "metric"))
    # the gate's compare: the same frames on both sides take the shortcut, with the rows of the long way
    same = Night(base, topics)
    ours = compare("data", same, same).collect().sort("scope", "scope_value", "metric")
    long = compare("data", same, Night(base.clone(), topics.clone())).collect().sort("scope", "scope_value", "metric")
    assert ours.equals(long)
    # a key twice (a broken night) pairs with itself four times, a null score with nothing: the long way
    twice = pl.concat([base, base.head(1)])
    assert self_metrics(twice, SwingParams()) is None
    assert self_metrics(base.with_columns(score=pl.when(pl.col("account_id") == "a3").then(None)
                                          .otherwise(pl.col("score"))), SwingParams()) is None
    assert self_metrics(base, SwingParams(floor=1)) is None
    assert compare("data", Night(twice), Night(twice)).collect().sort("scope", "scope_value", "metric").equals(
        compare("data", Night(twice), Night(twice.clone())).collect().sort("scope", "scope_value", "metric"))


def test_compares_of_the_same_nights_share_their_pairs_and_topic_metrics_with_the_same_rows():
    """gate.compare with `shared` (a backfill night whose old algorithm's scores are the baseline: its total change
    and its algorithm part compare the same frames): the accounts paired once, the topic metrics computed once, and
    the rows those of compares that share nothing."""
    from clout.audit.gate import Night, compare

    moved = {k: max(1, min(100, v + (i % 23) - 11)) for i, (k, v) in enumerate(BASE.items())}
    before, after = night(BASE).collect(), night(dict(list(moved.items())[30:]) | {"new": 50}).collect()
    two = [pl.concat([f, f.with_columns(network=pl.lit("y"), score=(pl.col("score") * 7 % 100 + 1))])
           for f in (before, after)]
    for b, a in ((before, after), tuple(two)):
        topics = [pl.concat([f.with_columns(topic=pl.lit(t), score=(pl.col("score") * k % 97 + 1).cast(pl.Float64))
                             for k, t in ((1, "science"), (3, "music"))]) for f in (b, a)]
        old, new = Night(b, topics[0]), Night(a, topics[1])
        shared: dict = {}
        ours = [compare("total", old, new, shared=shared).collect(),
                compare("algorithm", old, new, floor=1, shared=shared).collect()]
        assert {k[0] for k in shared} == {"pairs", "topics"} and len(shared) == 2
        theirs = [compare("total", old, new).collect(), compare("algorithm", old, new, floor=1).collect()]
        for x, y in zip(ours, theirs, strict=True):
            key = ["scope", "scope_value", "metric"]
            assert x.sort(key).drop("value").equals(y.sort(key).drop("value"))
            assert (x.sort(key)["value"] - y.sort(key)["value"]).abs().max() < 1e-12  # sums in another order
        assert ours[1].filter(pl.col("scope") == "topic").height > 0


@pytest.mark.parametrize("with_shadow", [False, True])
def test_the_reports_movers_from_the_gates_pairs_are_the_movers_joined_again(with_shadow):
    """The report reads the nightly gate's paired accounts (clout/audit/gate.py `shared`) instead of joining the
    two nights again: the same movers, new and vanished accounts left out, with and without an old algorithm."""
    from datetime import date

    from clout.audit.report import _movers
    from clout.audit.result import GateResult, Night
    from transforms.audit.swing import paired

    before, after = _random_nights(11, 3000, False)
    nights = {"baseline": Night(before), "candidate": Night(after)}
    if with_shadow:
        nights["shadow"] = Night(after.with_columns(score=pl.col("score") // 2))

    def movers(pairs):
        result = GateResult("r", date(2024, 1, 1), "PASS", "data", {}, None, [], [], pl.DataFrame(), nights=nights,
                            paired=pairs)
        return _movers(result).sort("network", "account_id")

    joined = movers(None)
    assert joined.height == before.join(after, on=["network", "account_id"]).height < min(before.height, after.height)
    assert movers(paired(before.lazy(), after.lazy(), ("network", "account_id")).collect()).equals(joined)


@pytest.mark.parametrize(("algorithm", "data", "expected"), [
    ({"mean_abs_move": 0.05, "top100_mean_abs_move": 9.0}, {"mean_abs_move": 0.08, "top100_mean_abs_move": 2.0},
     "algorithm"),  # only the top moved by the algorithm: the population's mean move says data
    ({"mean_abs_move": 0.9, "top100_mean_abs_move": 1.0}, {"mean_abs_move": 0.5, "top100_mean_abs_move": 3.0},
     "algorithm"),
    ({"mean_abs_move": 0.0, "top100_mean_abs_move": 0.0}, {"mean_abs_move": 0.0, "top100_mean_abs_move": 0.0},
     "data"),  # an algorithm that moved nothing (a copy of the published one) is not the cause
    ({"mean_abs_move": 0.1, "top100_mean_abs_move": 0.5}, {"mean_abs_move": 0.4, "top100_mean_abs_move": 2.0}, "data"),
])
def test_the_attribution_names_the_algorithm_when_it_moved_more_overall_or_at_the_top(algorithm, data, expected):
    from clout.audit.gate import _attribution

    rows = [(part, "all", metric, value, "ok") for part, values in (("algorithm", algorithm), ("data", data))
            for metric, value in values.items()]
    metrics = pl.DataFrame(rows, schema=["part", "scope", "metric", "value", "verdict"], orient="row")
    assert _attribution({"run_id": "published"}, True, "shadow", metrics) == expected
