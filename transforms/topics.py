"""Topic influence from Klout's open ontology (data/klout_topics, CC BY 3.0).

1. Matching (`post_topics`): a post's hashtags and the 1- to 3-word phrases of its text are normalised (lower
   case, only letters and digits) and matched to topics by normalised slug and display name, so "#SocialMedia",
   "social media" and "socialmedia" all reach `social-media`. Hashtags are strong evidence, keywords weaker.
2. Evidence (`topic_influence`): an account is influential on a topic only with sustained evidence: at least
   `min_posts` posts on it, on `min_days` different days, with reactions from `min_reactors` distinct people.
   One viral post never makes anyone "influential about lizards".
3. Share: how much of the account's influence comes from the topic = reactions to its posts on the topic /
   reactions to all its posts (keywords weighted by `keyword_weight`).
4. Roll-up: a qualifying topic passes `parent_damping` x its share to each parent, `damping ** 2` to the
   grandparents, ... (the strongest path wins; nothing is counted twice).
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import polars as pl

from transforms.algorithm import TopicParams

ONTOLOGY_DIR = files("transforms.data") / "klout_topics"
TOPICS_FILE = "klout_topic_ontology_20180601.csv"
EDGES_FILE = "klout_topic_edge_20180601.csv"


def normalise(expr: pl.Expr) -> pl.Expr:
    """'#SocialMedia', 'social media', 'social-media' -> 'socialmedia'."""
    return expr.str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]", "")


def load_topics(folder: Path = ONTOLOGY_DIR) -> pl.LazyFrame:
    """topic_id, slug, name (ids are strings: some exceed 64 bits)."""
    return pl.scan_csv(folder / TOPICS_FILE, infer_schema=False).select(
        topic_id="topicId", slug="topicSlug", name="topicDisplayName"
    )


def load_topic_edges(folder: Path = ONTOLOGY_DIR) -> pl.LazyFrame:
    """child_id -> parent_id, without the synthetic _ROOT_."""
    return (
        pl.scan_csv(folder / EDGES_FILE, infer_schema=False)
        .select(parent_id="parentTopicId", child_id="childTopicId")
        .filter(pl.col("parent_id") != "0", pl.col("child_id") != pl.col("parent_id"))
    )


def topic_keys(topics: pl.LazyFrame) -> pl.LazyFrame:
    """key -> topic_id, from slugs and display names; a key shared by several topics goes to the lowest id."""
    keys = pl.concat([
        topics.select("topic_id", key=normalise(pl.col("slug"))),
        topics.select("topic_id", key=normalise(pl.col("name"))),
    ])
    return keys.filter(pl.col("key").str.len_chars() >= 2).group_by("key").agg(pl.col("topic_id").min())


def post_topics(posts: pl.LazyFrame, topics: pl.LazyFrame) -> pl.LazyFrame:
    """`posts`: network, post_id, author_id, activity_date, text, hashtags (list of strings) ->
    one row per network, post and topic, with `source` = hashtag | keyword (hashtag wins)."""
    keys = topic_keys(topics)
    base = posts.select("network", "post_id", "author_id", "activity_date", "text", "hashtags")
    tags = (
        base.select("network", "post_id", "author_id", "activity_date", key=pl.col("hashtags"))
        .explode("key")
        .with_columns(key=normalise(pl.col("key")), source=pl.lit("hashtag"))
    )
    words = pl.col("text").fill_null("").str.to_lowercase().str.extract_all(r"[\p{L}\p{N}]+")
    phrases = (
        base.with_columns(w=words)
        .with_columns(
            w2=pl.col("w").list.eval(pl.element() + pl.element().shift(-1)).list.drop_nulls(),
            w3=pl.col("w").list.eval(pl.element() + pl.element().shift(-1) + pl.element().shift(-2))
            .list.drop_nulls(),
        )
        .select("network", "post_id", "author_id", "activity_date",
                key=pl.concat_list("w", "w2", "w3"))
        .explode("key")
        .with_columns(source=pl.lit("keyword"))
    )
    return (
        pl.concat([tags, phrases])
        .join(keys, on="key")
        .group_by("network", "post_id", "author_id", "activity_date", "topic_id")
        .agg(source=pl.col("source").min())  # "hashtag" < "keyword"
    )


def topic_influence(
    post_topics_: pl.LazyFrame,
    post_reactions: pl.LazyFrame,
    post_reactors: pl.LazyFrame,
    params: TopicParams,
    topic_edges: pl.LazyFrame,
) -> pl.LazyFrame:
    """Per network, account and topic: share of influence, evidence, and whether matched directly.

    `post_reactions`: network, post_id, author_id, reactions, reactor_bound (a lower bound of the post's
      distinct reactors from its counters, e.g. its like count). `post_reactors`: network, post_id, actor_id.
    """
    weight = pl.when(pl.col("source") == "hashtag").then(1.0).otherwise(params.keyword_weight)
    totals = post_reactions.group_by("network", account_id="author_id").agg(all_reactions=pl.col("reactions").sum())
    on_topic = post_topics_.join(post_reactions.select("network", "post_id", "reactions", "reactor_bound"),
                                 on=["network", "post_id"], how="left")
    linked = (
        post_topics_.select("network", "post_id", "author_id", "topic_id")
        .join(post_reactors, on=["network", "post_id"])
        .group_by("network", "author_id", "topic_id").agg(linked=pl.col("actor_id").n_unique())
    )
    direct = (
        on_topic.group_by("network", "author_id", "topic_id")
        .agg(
            posts=pl.col("post_id").n_unique(),
            days=pl.col("activity_date").n_unique(),
            bound=pl.col("reactor_bound").max(),
            topic_reactions=(pl.col("reactions").fill_null(0) * weight).sum(),
        )
        .join(linked, on=["network", "author_id", "topic_id"], how="left")
        .with_columns(distinct_reactors=pl.max_horizontal(pl.col("linked").fill_null(0), pl.col("bound").fill_null(0)))
        .filter(
            pl.col("posts") >= params.min_posts,
            pl.col("days") >= params.min_days,
            pl.col("distinct_reactors") >= params.min_reactors,
        )
        .rename({"author_id": "account_id"})
        .join(totals, on=["network", "account_id"])
        .with_columns(share=(pl.col("topic_reactions") / pl.col("all_reactions")).clip(0.0, 1.0).fill_nan(0.0))
        .select("network", "account_id", "topic_id", "share", "posts", "days", "distinct_reactors",
                direct=pl.lit(True))
    )
    return _roll_up(direct, topic_edges, params)


def _roll_up(direct: pl.LazyFrame, edges: pl.LazyFrame, params: TopicParams) -> pl.LazyFrame:
    """Pass damped shares up the ontology, `max_depth` levels; per account and topic the strongest wins (equal
    shares: a direct match, then the most evidence, so that the row kept does not depend on the order the posts
    were read in: two children of a topic with the same damped share came out with either one's counts)."""
    levels, frontier = [direct], direct
    for _ in range(params.max_depth):
        frontier = (
            frontier.join(edges, left_on="topic_id", right_on="child_id")
            .with_columns(topic_id=pl.col("parent_id"), share=pl.col("share") * params.parent_damping,
                          direct=pl.lit(False))
            .drop("parent_id")
        )
        levels.append(frontier)
    key = ["network", "account_id", "topic_id"]
    return (
        pl.concat(levels)
        .sort([*key, "share", "direct", "posts", "days", "distinct_reactors"],
              descending=[False, False, False, True, True, True, True, True])
        .group_by(key, maintain_order=True)
        .first()
    )


def top_topics(influence: pl.LazyFrame, scores: pl.LazyFrame, topics: pl.LazyFrame, params: TopicParams,
               ) -> pl.LazyFrame:
    """Keep each account's `top_n` topics; topic points = the account's score x the topic's share."""
    return (
        influence.join(scores.select("network", "account_id", "score"), on=["network", "account_id"])
        .join(topics.select("topic_id", "slug", "name"), on="topic_id", how="left")
        .with_columns(topic_score=(pl.col("score") * pl.col("share")).round(1))
        .sort(["network", "account_id", "share", "direct", "slug"], descending=[False, False, True, True, False])
        .group_by("network", "account_id", maintain_order=True)
        .head(params.top_n)
        .with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("network", "account_id"))
        .select("network", "account_id", "topic_id", topic_slug="slug", topic_name="name", rank="rank",
                share="share", topic_score="topic_score", posts="posts", days="days",
                distinct_reactors="distinct_reactors", direct="direct")
    )
