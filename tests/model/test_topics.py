"""Topic influence: matching to the Klout ontology, the evidence rule, roll-up to parents."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
import pytest

from transforms.topics import load_topic_edges, load_topics, post_topics, top_topics, topic_influence

D0 = date(2024, 3, 1)


@pytest.fixture(scope="module")
def topics():
    return load_topics().collect().lazy()


def posts_frame(rows: list[tuple[str, str, int, str, list[str]]]) -> pl.LazyFrame:
    """(post_id, author, day offset, text, hashtags)."""
    return pl.DataFrame(
        [{"network": "x", "post_id": p, "author_id": a, "activity_date": D0 + timedelta(days=d), "text": t,
          "hashtags": h} for p, a, d, t, h in rows],
        schema_overrides={"hashtags": pl.List(pl.String)},
    ).lazy()


def matched(topics, rows) -> set[tuple[str, str]]:
    out = post_topics(posts_frame(rows), topics).join(topics, on="topic_id").collect()
    return {(r["post_id"], r["slug"]) for r in out.iter_rows(named=True)}


def test_hashtag_phrase_and_squashed_words_all_reach_the_same_topic(topics):
    got = matched(topics, [
        ("p1", "a", 0, "", ["SocialMedia"]),
        ("p2", "a", 0, "I love social media so much", []),
        ("p3", "a", 0, "socialmedia!", []),
        ("p4", "a", 0, "nothing relevant here", None),
    ])
    assert {("p1", "social-media"), ("p2", "social-media"), ("p3", "social-media")} <= got
    assert not any(p == "p4" and s == "social-media" for p, s in got)


def influence(topics, posts: pl.LazyFrame, reactors: dict[str, int]):
    reactions = posts.select("network", "post_id", "author_id").with_columns(
        reactions=pl.col("post_id").replace_strict(reactors, default=0, return_dtype=pl.Int64),
        reactor_bound=pl.lit(0, pl.Int64))
    linked = pl.DataFrame(
        [{"network": "x", "post_id": p, "actor_id": f"r{p}{i}"} for p, n in reactors.items() for i in range(n)],
        schema={"network": pl.String, "post_id": pl.String, "actor_id": pl.String}).lazy()
    from transforms.algorithm import load_algorithm

    params = load_algorithm("v1").topics
    infl = topic_influence(post_topics(posts, topics), reactions, linked, params, load_topic_edges())
    scores = pl.DataFrame({"network": ["x"], "account_id": ["a"], "score": [60]}).lazy()
    return top_topics(infl, scores, topics, params).collect()


def test_one_viral_post_gives_no_topic(topics):
    posts = posts_frame([("viral", "a", 0, "look at this lizard", ["lizards"])]
                        + [(f"o{i}", "a", i, "my breakfast", []) for i in range(1, 6)])
    assert influence(topics, posts, {"viral": 5000}).height == 0


def test_sustained_evidence_gives_the_topic_and_its_parents(topics):
    posts = posts_frame([(f"p{i}", "a", i, "new post", ["SocialMedia"]) for i in range(4)]
                        + [(f"o{i}", "a", i, "lunch", []) for i in range(4)])
    out = influence(topics, posts, {f"p{i}": 3 for i in range(4)} | {f"o{i}": 1 for i in range(4)})
    first = out.row(0, named=True)
    assert first["topic_slug"] == "social-media" and first["direct"]
    assert first["share"] == pytest.approx(12 / 16)
    parents = out.filter(~pl.col("direct"))
    assert parents.height >= 1 and (parents["share"] <= first["share"] * 0.5 + 1e-9).all()


@pytest.mark.parametrize("posts_, days, reactors", [(2, 2, 10), (3, 1, 10), (3, 3, 4)])
def test_each_evidence_threshold_is_required(topics, posts_, days, reactors):
    posts = posts_frame([(f"p{i}", "a", i % days, "x", ["SocialMedia"]) for i in range(posts_)])
    per_post = {f"p{i}": 0 for i in range(posts_)} | {"p0": reactors}
    assert influence(topics, posts, per_post).height == 0


def test_the_roll_up_keeps_the_same_row_whatever_order_the_posts_came_in(v1):
    """Two child topics of one parent with the same damped share and different evidence: the parent keeps the
    row with the most evidence, read in either order (it kept whichever came first: a generated week's topic
    scores differed in posts and days between two warehouses of the same data)."""
    from transforms.topics import _roll_up

    direct = pl.DataFrame({"network": "x", "account_id": "a", "topic_id": ["c1", "c2"], "share": [0.4, 0.4],
                           "posts": [4, 5], "days": [2, 3], "distinct_reactors": [3, 4], "direct": True})
    edges = pl.LazyFrame({"child_id": ["c1", "c2"], "parent_id": ["p", "p"]})
    kept = [_roll_up(frame.lazy(), edges, v1.topics).filter(pl.col("topic_id") == "p").collect().rows()
            for frame in (direct, direct.reverse())]
    assert kept[0] == kept[1] and len(kept[0]) == 1
    assert kept[0][0][4:7] == (5, 3, 4)  # posts, days, distinct reactors of the better-evidenced child


def test_the_roll_up_damps_a_share_level_by_level_and_keeps_one_row_per_topic(v1):
    """The roll-up joins a match with all its ancestors at once (transforms/topics.py `_ancestors`), and still damps
    the share once per level, to the bit: 1/3 x 0.3 x 0.3, which is not 1/3 x 0.09 in floats. An ancestor reached by
    two paths keeps the stronger (the shorter) once."""
    from dataclasses import replace

    from transforms.topics import _roll_up

    params = replace(v1.topics, parent_damping=0.3, max_depth=3)
    direct = pl.DataFrame({"network": "x", "account_id": "a", "topic_id": ["c"], "share": [1 / 3], "posts": 3,
                           "days": 2, "distinct_reactors": 5, "direct": True})
    edges = pl.LazyFrame({"child_id": ["c", "p", "g", "c"], "parent_id": ["p", "g", "r", "g"]})
    got = _roll_up(direct.lazy(), edges, params).collect()
    assert got.height == 4 and dict(got.select("topic_id", "share").iter_rows()) == {
        "c": 1 / 3, "p": 1 / 3 * 0.3, "g": 1 / 3 * 0.3, "r": 1 / 3 * 0.3 * 0.3}
    assert 1 / 3 * 0.3 * 0.3 != 1 / 3 * (0.3 * 0.3)
    assert got.filter(pl.col("topic_id") == "c")["direct"].to_list() == [True] and got["direct"].sum() == 1
