"""Each principle of the score, pinned with a small frame (issue 4, "Done when")."""

from __future__ import annotations

import polars as pl
import pytest
from model_frames import DAY, days_before, edge, score_edges, score_rows

from transforms.model import PARTS, score_features


def test_reactions_relative_to_posting_volume(v1):
    s = score_rows([
        {"account_id": "few_posts", "posts": 10, "reposts_received": 100, "distinct_reactors": 50},
        {"account_id": "many_posts", "posts": 1000, "reposts_received": 100, "distinct_reactors": 50},
    ], v1)
    assert s["few_posts"]["score"] > s["many_posts"]["score"]
    assert s["few_posts"]["part_rate"] > s["many_posts"]["part_rate"]


def test_distinct_reactors_beat_one_reactor_repeating(v1):
    s = score_rows([
        {"account_id": "crowd", "reposts_received": 100, "distinct_reactors": 100},
        {"account_id": "one_fan", "reposts_received": 100, "distinct_reactors": 1},
    ], v1)
    assert s["crowd"]["score"] >= s["one_fan"]["score"] + 15


def test_distinct_reactors_beat_repeats_from_the_graph_too(v1):
    crowd = [edge(f"fan{i}", "crowd") for i in range(100)]
    one_fan = [edge("superfan", "one_fan", n=100)]
    s = score_edges(crowd + one_fan, v1)
    assert s["crowd"]["score"] > s["one_fan"]["score"] + 15


def test_a_reaction_from_a_high_impact_account_beats_one_from_a_bot(v1):
    hub_fans = [edge(f"fan{i}", "hub") for i in range(200)]          # hub: an account many people react to
    bot_spray = [edge("bot", f"victim{i}") for i in range(500)]      # bot: reacts to everything, nobody reacts to it
    s = score_edges(hub_fans + bot_spray + [edge("hub", "chosen"), edge("bot", "botted")], v1)
    assert s["chosen"]["score"] > s["botted"]["score"]
    assert s["chosen"]["network_impact"] > 10 * s["botted"]["network_impact"]


def test_reactors_who_react_to_everything_count_less(v1):
    sprayers = [edge(f"spray{i}", f"v{j}") for i in range(20) for j in range(300)]
    picky = [edge(f"picky{i}", "liked_by_picky") for i in range(20)]
    sprayed = [edge(f"spray{i}", "liked_by_sprayers") for i in range(20)]
    s = score_edges(sprayers + picky + sprayed, v1)
    assert s["liked_by_picky"]["effective_reactors"] > 2 * s["liked_by_sprayers"]["effective_reactors"]
    assert s["liked_by_picky"]["score"] > s["liked_by_sprayers"]["score"]


def test_a_closed_ring_ends_well_below_the_same_volume_from_strangers(v1):
    ring = [f"ring{i}" for i in range(20)]
    ring_edges = [edge(a, b, day=days_before(d)) for a in ring for b in ring if a != b for d in range(3)]
    stranger_edges = [edge(f"stranger{i}", "popular", day=days_before(d)) for i in range(19) for d in range(3)]
    s = score_edges(ring_edges + stranger_edges, v1)
    member = s["ring0"]
    assert member["ring_share"] == pytest.approx(1.0)
    assert member["score"] <= s["popular"]["score"] - 15, (member["score"], s["popular"]["score"])


def test_a_ring_member_with_a_real_audience_keeps_part_of_it_and_sees_the_discount(v1):
    ring = [f"ring{i}" for i in range(20)]
    ring_edges = [edge(a, b) for a in ring for b in ring if a != b]
    audience = [edge(f"fan{i}", "ring0") for i in range(15)]
    s = score_edges(ring_edges + audience, v1)
    assert 0 < s["ring0"]["ring_share"] < 1
    assert s["ring0"]["part_discount"] < 0
    assert s["ring0"]["score"] > s["ring1"]["score"]


def test_a_ring_reacting_to_every_post_is_caught_beside_a_larger_real_audience(v1):
    """Six accounts repost each other's every post (10 a week); each also has 20 fans: more fans than partners,
    but most of the reactions come from the group. Same volume from strangers who are not reacted to: no ring.
    The group adds its members nothing: they score no more than their fans alone would give them."""
    ring = [f"ring{i}" for i in range(6)]
    edges = [edge(a, b, n=10) for a in ring for b in ring if a != b]
    edges += [edge(f"fan{i}_{m}", m) for m in [*ring, "honest", "fans_only"] for i in range(20)]
    edges += [edge(f"stranger{i}", "honest", n=10) for i in range(5)]
    edges += [edge("honest", f"pal{i}") for i in range(5)]  # honest reacts too, just not to its reactors
    s = score_edges(edges, v1)
    assert s["ring0"]["ring_share"] > 0.6 and s["ring0"]["part_discount"] < 0
    assert s["honest"]["ring_share"] == 0
    assert s["ring0"]["score"] <= s["fans_only"]["score"] < s["honest"]["score"], (
        s["ring0"]["score"], s["fans_only"]["score"], s["honest"]["score"])


def test_friends_answering_each_other_are_no_ring(v1):
    edges = [edge(f"fan{i}", "author") for i in range(20)]
    edges += [edge(f"friend{i}", "author", n=2) for i in range(2)] + [edge("author", f"friend{i}") for i in range(2)]
    assert score_edges(edges, v1)["author"]["ring_share"] == 0


def test_a_very_active_poster_with_few_reactions_per_post_scores_low(v1):
    """A bot posts 15 times as much as a person; the same 10 people react to each once: reactions per post."""
    edges = [edge(f"r{i}", target) for i in range(10) for target in ("bot", "person")]
    posts = pl.DataFrame({"network": "x", "account_id": ["bot", "person"], "activity_date": DAY,
                          "posts": [300, 20]}).lazy()
    s = score_edges(edges, v1, posts=posts)
    assert s["bot"]["part_rate"] < s["person"]["part_rate"] / 3
    assert s["bot"]["score"] < s["person"]["score"]


def _activity(first_seen: dict, network_first_seen) -> pl.LazyFrame:
    return pl.DataFrame({"network": "x", "account_id": list(first_seen), "first_seen": list(first_seen.values()),
                         "network_first_seen": network_first_seen}).lazy()


def test_a_bought_burst_is_caught_on_a_network_observed_for_less_than_fresh_days(v1):
    """A network observed for a week; 40 accounts that appeared today repost one account that 10 regulars react to."""
    organic = [edge(f"regular{i}", f"author{i % 20}", day=days_before(i % 7)) for i in range(300)]
    organic += [edge(f"regular{i}", "buyer", day=days_before(i % 3)) for i in range(10)]
    bought = [edge(f"fresh{i}", "buyer") for i in range(40)]
    first_seen = {f"regular{i}": days_before(7) for i in range(300)} | {f"author{i}": days_before(7) for i in range(20)}
    first_seen |= {"buyer": days_before(7)} | {f"fresh{i}": DAY for i in range(40)}
    with_bought = score_edges(organic + bought, v1, activity=_activity(first_seen, days_before(7)))["buyer"]
    clean = score_edges(organic, v1, activity=_activity(first_seen, days_before(7)))["buyer"]
    assert with_bought["bought_share"] > 0.7
    assert with_bought["score"] <= clean["score"] + 1, (with_bought["score"], clean["score"])


def test_newcomers_drawn_by_a_real_event_are_not_called_bought(v1):
    """On an event day newcomers reach everyone the event touches, at about the network's ratio: no burst."""
    accounts = ["event", *[f"author{i}" for i in range(30)]]
    established = {a: 100 if a == "event" else 5 for a in accounts}
    edges, first_seen = [], {a: days_before(7) for a in accounts}
    for a in accounts:
        edges += [edge(f"old_{a}_{i}", a) for i in range(established[a])]
        edges += [edge(f"new_{a}_{i}", a) for i in range(int(1.6 * established[a]))]
        first_seen |= {f"old_{a}_{i}": days_before(7) for i in range(established[a])}
        first_seen |= {f"new_{a}_{i}": DAY for i in range(int(1.6 * established[a]))}
    s = score_edges(edges, v1, activity=_activity(first_seen, days_before(7)))
    assert s["event"]["bought_share"] == 0 and s["author0"]["bought_share"] == 0


def test_bought_engagement_from_fresh_low_activity_accounts_is_discounted(v1):
    """A mature network (observed for months); one account buys 200 reactions from accounts created this week."""
    organic = [edge(f"regular{i}", f"author{i % 10}", day=days_before(i % 30)) for i in range(300)]
    bought = [edge(f"fresh{i}", "buyer", day=DAY) for i in range(200)]
    honest = [edge(f"regular{i}", "honest", day=DAY) for i in range(200)]
    edges = organic + bought + honest
    first_seen = {e["actor_id"]: days_before(200) for e in organic + honest} | {f"fresh{i}": DAY for i in range(200)}
    first_seen |= {f"author{i}": days_before(200) for i in range(10)} | {"buyer": days_before(200),
                                                                        "honest": days_before(200)}
    activity = pl.DataFrame({"network": "x", "account_id": list(first_seen), "first_seen": list(first_seen.values()),
                             "network_first_seen": days_before(365)}).lazy()
    with_activity = score_edges(edges, v1, activity=activity)
    assert with_activity["buyer"]["bought_share"] > 0.9
    assert with_activity["buyer"]["score"] < with_activity["honest"]["score"] - 15
    # In a data set that only starts this week everyone is new: nobody is called bought for it.
    young = activity.with_columns(network_first_seen=pl.lit(days_before(3)))
    assert score_edges(edges, v1, activity=young)["buyer"]["bought_share"] == 0


def test_inactivity_decays_gently(v1):
    def score_after(quiet_days: int) -> int:
        last = days_before(quiet_days)
        edges = [edge(f"fan{i}", "author", day=last) for i in range(40)]
        edges += [edge(f"fan{i}", "author", day=days_before(quiet_days + 10)) for i in range(40)]
        edges += [edge(f"other{i}", f"pal{i % 50}") for i in range(400)]  # the rest of the network stays active
        return score_edges(edges, v1)["author"]["score"]

    today, one_day, month = score_after(0), score_after(1), score_after(30)
    assert today - one_day <= 1                          # a single quiet day barely moves it
    assert 3 <= today - month <= 20, (today, month)      # a quiet month lowers it, gradually, not off a cliff
    assert score_after(10) > month                       # and the fall is gradual


def test_missing_columns_are_unknown_never_zero(v1):
    s = score_rows([{"account_id": "a", "reposts_received": 30, "distinct_reactors": 20}], v1)["a"]
    assert set(s["unknown_parts"].split(",")) == {"rate", "impact", "audience", "discount"}
    assert s["part_rate"] is None and s["part_impact"] is None
    zero_posts = score_rows([{"account_id": "a", "reposts_received": 30, "distinct_reactors": 20, "posts": 0,
                              "network_impact": 0.0, "followers": 0, "lists": 0, "suspect_share": 0}], v1)["a"]
    assert zero_posts["unknown_parts"] == "" and zero_posts["part_rate"] is not None


def test_parts_add_up_to_the_score_and_scale_is_1_to_100(v1):
    rows = [{"account_id": str(i), "reposts_received": i * i, "distinct_reactors": i * i // 2 + 1, "posts": i + 1,
             "network_impact": i / 3, "followers": 10 * i, "suspect_share": (i % 4) / 4} for i in range(60)]
    out = score_features(pl.DataFrame(rows).lazy(), v1.model, v1.calibration).collect()
    total = sum(out[f"part_{p}"].fill_null(0) for p in PARTS)
    assert ((total - (out["score"] - 1)).abs() < 1e-6).all()
    assert out["score"].min() >= 1 and out["score"].max() <= 100


def test_score_is_monotone_and_ties_are_deterministic(v1):
    rows = [{"account_id": f"a{i}", "reposts_received": i, "distinct_reactors": i} for i in range(0, 5000, 7)]
    out = score_features(pl.DataFrame(rows).lazy(), v1.model, v1.calibration).collect()
    assert out["score"].is_sorted() and out["raw_score"].is_sorted()
    assert out["score"][0] == 1
    again = score_features(pl.DataFrame(rows[::-1]).lazy(), v1.model, v1.calibration).collect()
    assert dict(zip(out["account_id"], out["score"], strict=True)) == dict(
        zip(again["account_id"], again["score"], strict=True))


def test_a_top_score_is_rare_on_the_reference_population(v1):
    """The frozen calibration: half of the accounts with reactions score 20 or less, 50+ is about the top 5%."""
    from transforms.calibration import reference_raw_scores
    from transforms.model import calibrate

    raw = reference_raw_scores("v1")
    scores = pl.DataFrame({"raw": raw}).select(s=calibrate(pl.col("raw"), v1.calibration))["s"]
    assert scores.median() <= 21
    assert 0.03 <= (scores >= 50).mean() <= 0.07
    assert (scores >= 80).mean() < 0.002


def test_unknown_feature_values_are_refused_cleanly(v1):
    with pytest.raises(ValueError, match="account_id"):
        score_features(pl.DataFrame({"posts": [1]}).lazy(), v1.model, v1.calibration).collect()


def test_removing_suspect_engagement_never_adds_points(v1):
    """Not even float residue: the gate's candidate contract holds part_discount <= 0."""
    import numpy as np

    rng = np.random.default_rng(3)
    n = 20_000
    counts = {c: rng.pareto(1.2, n) * 10 for c in ("reposts_received", "replies_received", "mentions_received",
                                                  "quotes_received", "likes_received", "posts", "network_impact",
                                                  "reactions")}
    features = pl.DataFrame({"account_id": [f"a{i}" for i in range(n)], **counts,
                             "distinct_reactors": counts["reposts_received"] / 2 + 1,
                             "effective_reactors": counts["reposts_received"] / 3 + 1,
                             # a ring share of 2e-16 is what a sum of float weights leaves for "no ring"
                             "suspect_share": np.concatenate([np.full(n // 2, 2e-16),
                                                              rng.uniform(0, 1e-3, n - n // 2)])})
    scored = score_features(features.lazy(), v1.model, v1.calibration).collect()
    assert scored["part_discount"].max() == 0.0
