"""The aggregate and score stages on a tiny warehouse: parts, changes, people, minors, topics."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl
import pytest

from clout import pipeline
from clout.core.warehouse import connect

D1, D2 = date(2024, 3, 1), date(2024, 3, 2)


def interactions(rows: list[tuple[str, str, date]]) -> pl.DataFrame:
    return pl.DataFrame([{
        "network": "x", "actor_id": a, "target_id": t, "kind": "repost", "post_id": None,
        "occurred_at": datetime.combine(d, datetime.min.time()) + timedelta(hours=12), "event_date": d,
        "source_file_id": 0} for a, t, d in rows], schema_overrides={"post_id": pl.String})


def load(settings, inter: pl.DataFrame, posts: pl.DataFrame | None = None, links: list[tuple] = ()) -> None:
    with connect(settings) as con:
        con.register("i", inter.to_arrow())
        con.execute("insert into staging.interactions by name select * from i")
        if posts is not None:
            con.register("p", posts.to_arrow())
            con.execute("insert into staging.posts by name select * from p")
        for person, network, account, minor in links:
            con.execute("insert into staging.identity_links (person_id, network, account_id, is_minor) "
                        "values (?, ?, ?, ?)", [person, network, account, minor])


def night(settings, day: date, publish: bool = True) -> str:
    run_id = pipeline.begin_run(settings, day)
    pipeline.aggregate_step(settings, run_id)
    pipeline.score_step(settings, run_id)
    if publish:
        pipeline.audit_step(settings, run_id)
        pipeline.publish_step(settings, run_id)
    return run_id


def rows(settings, sql: str, *params) -> list[dict]:
    with connect(settings) as con:
        rel = con.execute(sql, list(params))
        cols = [d[0] for d in rel.description]
        return [dict(zip(cols, r, strict=True)) for r in rel.fetchall()]


@pytest.fixture
def small(settings):
    day1 = [(f"fan{i}", "star", D1) for i in range(30)] + [("fan0", "other", D1), ("kid", "star", D1)]
    day2 = [(f"fan{i}", "star", D2) for i in range(5)] + [(f"fan{i}", "other", D2) for i in range(20)]
    day2 += [("star", "kid", D2), ("fan1", "tw_alice", D2), ("fan2", "tw_alice", D2)]
    inter = interactions(day1 + day2).with_columns(
        network=pl.when(pl.col("target_id") == "tw_alice").then(pl.lit("y")).otherwise(pl.col("network")))
    load(settings, inter, links=[
        ("alice", "x", "other", False), ("alice", "y", "tw_alice", False), ("p_kid", "x", "kid", True)])
    return settings


def test_scores_carry_parts_that_add_up_and_changes_with_causes(small):
    night(small, D1)
    run2 = night(small, D2)
    got = {r["account_id"]: r for r in rows(small, "select * from candidate.scores where run_id = ?", run2)}
    star, other = got["star"], got["other"]
    parts = sum(star[f"part_{p}"] or 0 for p in ("reach", "engagement", "rate", "impact", "audience", "discount"))
    assert parts == pytest.approx(star["score"] - 1, abs=1e-6)
    assert "rate" in star["unknown_parts"] and "audience" in star["unknown_parts"]  # no posts, no profiles
    assert other["previous_score"] is not None and other["change"] > 0
    assert other["change_explained"].startswith(f"+{other['change']}: ")
    assert "more different people reacted" in other["change_explained"]
    assert got["fan29"]["change_explained"] == "new tonight" or got["fan29"]["previous_score"] is not None


def test_minors_get_no_score_and_their_reactions_count_for_nobody(small):
    run1 = night(small, D1, publish=False)
    ids = {r["account_id"] for r in rows(small, "select account_id from candidate.scores where run_id = ?", run1)}
    assert "kid" not in ids
    star = rows(small, "select distinct_reactors from candidate.scores where run_id = ? and account_id = 'star'",
                run1)[0]
    assert star["distinct_reactors"] == pytest.approx(30)  # 30 fans; the kid's reaction is not counted
    people = {r["person_id"] for r in rows(small, "select person_id from candidate.person_scores where run_id = ?",
                                           run1)}
    assert "p_kid" not in people and "x:kid" not in people


def test_linked_accounts_make_one_person_with_the_best_network_leading(small):
    run2 = night(small, D2, publish=False)
    people = {r["person_id"]: r for r in rows(small, "select * from candidate.person_scores where run_id = ?", run2)}
    scores = {(r["network"], r["account_id"]): r["score"] for r in rows(
        small, "select network, account_id, score from candidate.scores where run_id = ?", run2)}
    alice = people["alice"]
    assert alice["networks"] == 2 and alice["best_network"] == "x" and alice["best_account_id"] == "other"
    assert alice["score"] >= max(scores[("x", "other")], scores[("y", "tw_alice")])
    assert people["x:star"]["score"] == scores[("x", "star")]  # unlinked: its own person, same score


def posts_frame(rows_: list[tuple[str, str, date, list[str]]]) -> pl.DataFrame:
    return pl.DataFrame([{
        "network": "x", "post_id": p, "author_id": a, "created_at": datetime.combine(d, datetime.min.time()),
        "event_date": d, "text": "new post", "hashtags": tags, "likes": 0, "reposts": 0, "replies": 0, "quotes": 0,
        "source_file_id": 0} for p, a, d, tags in rows_], schema_overrides={"hashtags": pl.List(pl.String)})


def test_topics_need_sustained_evidence_end_to_end(settings):
    posts = posts_frame([(f"p{i}", "writer", D1 if i < 2 else D2, ["SocialMedia"]) for i in range(3)]
                        + [("v1", "viral", D2, ["Lizards"])])
    reacts = [(f"fan{i}", "writer", D1 if i < 3 else D2, f"p{i % 3}") for i in range(9)]
    reacts += [(f"fan{i}", "viral", D2, "v1") for i in range(50)]
    inter = interactions([(a, t, d) for a, t, d, _ in reacts]).with_columns(
        post_id=pl.Series([p for *_, p in reacts]))
    load(settings, inter, posts)
    night(settings, D1, publish=False)
    run2 = night(settings, D2, publish=False)
    topics = rows(settings, "select * from candidate.topic_scores where run_id = ? order by account_id, rank", run2)
    writer = [t for t in topics if t["account_id"] == "writer"]
    assert writer and writer[0]["topic_slug"] == "social-media" and writer[0]["direct"]
    assert writer[0]["posts"] == 3 and writer[0]["days"] == 2 and writer[0]["distinct_reactors"] >= 5
    assert not [t for t in topics if t["account_id"] == "viral"]  # one viral post: no topic
    posts_known = rows(settings, "select posts from candidate.scores where run_id = ? and account_id = 'writer'",
                       run2)[0]["posts"]
    assert posts_known > 0
