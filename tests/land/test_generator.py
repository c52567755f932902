"""The seeded generator: same seed, same data; realistic shape; ground truth beside it; everything lands."""

from __future__ import annotations

import json

import numpy as np
from landkit import land, reconciles, sql

from clout.land.generator import GeneratorParams, generate, simulate, topic_hashtags


def test_same_seed_same_data_other_seed_other_data():
    a = simulate(GeneratorParams(people=300, days=3, seed=5))
    b = simulate(GeneratorParams(people=300, days=3, seed=5))
    c = simulate(GeneratorParams(people=300, days=3, seed=6))
    assert a["posts"].equals(b["posts"]) and a["likes"].equals(b["likes"])
    assert not a["posts"].equals(c["posts"])


def test_audiences_are_power_law_and_hashtags_come_from_the_klout_ontology():
    sim = simulate(GeneratorParams(people=3000, days=2, seed=1))
    followers = np.sort(sim["accounts"].filter(~sim["accounts"]["fresh"])["followers"].to_numpy())[::-1]
    top_share = followers[: len(followers) // 100].sum() / followers.sum()
    assert top_share > 0.2  # the top 1% hold a large share of all followers: a heavy tail
    assert "socialmedia" in topic_hashtags() or "social-media" not in topic_hashtags()
    assert set(sim["posts"]["tag1"].to_list()) <= set(range(len(sim["tags"])))


def test_engagement_mostly_flows_to_accounts_people_already_engage_with():
    sim = simulate(GeneratorParams(people=2000, days=3, seed=2, bot_share=0.0, rings=0, bought_targets=0))
    reactions = sim["posts"].filter(sim["posts"]["kind"] != "original")
    pairs = reactions.group_by("author", "target").len()
    repeated = pairs.filter(pairs["len"] > 1)["len"].sum() / reactions.height
    uniform = simulate(GeneratorParams(people=2000, days=3, seed=2, bot_share=1.0, rings=0, bought_targets=0))
    random_reactions = uniform["posts"].filter(uniform["posts"]["kind"] != "original")
    random_pairs = random_reactions.group_by("author", "target").len()
    baseline = random_pairs.filter(random_pairs["len"] > 1)["len"].sum() / random_reactions.height
    assert repeated > 0.15 and repeated > 3 * baseline  # repeats, far more than random targeting gives


def test_generated_exports_land_cleanly_with_ground_truth_beside_them(settings, tmp_path):
    out = tmp_path / "gen"
    summary = generate(out, GeneratorParams(people=200, days=2, seed=3, rings=1, bought_targets=1))
    truth = json.loads((out / "ground_truth.json").read_text())
    assert truth["bots"] and len(truth["rings"][0]) == 6 and len(truth["bought_engagement"][0]["buyers"]) == 40
    landed = land(settings, out)
    results = [r for r in landed if not r.skipped]
    assert results and all(reconciles(r) and r.quarantined == 0 for r in results)
    # Many owners' following_accounts.csv are byte-identical (they follow the same few accounts): each is its owner's
    # (actor.json beside it), so every one lands and every owner's follows reach staging
    csvs = list(out.rglob("following_accounts.csv"))
    assert len({f.read_bytes() for f in csvs}) < len(csvs)
    assert not [r.line() for r in landed if "already landed" in r.line()]
    rows = sum(len(f.read_text().splitlines()) - 1 for f in csvs)
    assert sql(settings, "select count(*) from staging.follows where network = 'mastodon'") == [(rows,)]
    assert {r.format for r in results} >= {"twitter_v2", "mastodon", "generic_interactions", "identity_links"}
    assert sql(settings, "select count(*) from staging.posts where network = 'twitter'")[0][0] == summary.posts
    # a bought burst: every buyer reposted the target's post
    bought = truth["bought_engagement"][0]
    (n,), = sql(settings, "select count(*) from staging.posts where repost_of_post_id = ?", [bought["post_id"]])
    assert n >= len(bought["buyers"])
