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

Matching runs in the aggregate stage (marts.post_topics), on Polars on either engine. The score step's half
(`topic_influence`, `top_topics`) is written in the part of Polars' API that Narwhals implements
(transforms/frames.py): it runs on Polars LazyFrames or PySpark DataFrames and returns the same kind.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import Any

import polars as pl

from transforms.algorithm import TopicParams
from transforms.frames import api, api_of, cut, native, row_number, small_table

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


def topic_influence(post_topics_: Any, post_reactions: Any, post_reactors: Any, params: TopicParams,
                    topic_edges: pl.LazyFrame | pl.DataFrame) -> Any:
    """Per network, account and topic: share of influence, evidence, and whether matched directly.

    `post_topics_`: `post_topics`' rows. `post_reactions`: network, post_id, author_id, reactions, reactor_bound (a
    lower bound of the post's distinct reactors from its counters, e.g. its like count). `post_reactors`: network,
    post_id, actor_id: frames of one engine (transforms/frames.py); `topic_edges`: the ontology's (Polars).
    Returns the engine's kind of frame.
    """
    F, on_topic = api(post_topics_)
    _, reactions = api(post_reactions)
    _, reactors = api(post_reactors)
    direct = (
        _evidence(F, on_topic, reactions, reactors, params)
        .rename({"author_id": "account_id"})
        .join(_all_reactions(F, reactions), on=["network", "account_id"])
        # NaN (no reactions at all) filled before the clip: Spark orders NaN above every number, so its clip makes it 1
        .with_columns(share=(F.col("topic_reactions") / F.col("all_reactions")).fill_nan(0.0).clip(0.0, 1.0))
        .select("network", "account_id", "topic_id", "share", "posts", "days", "distinct_reactors",
                direct=F.lit(True))
    )
    # the roll-up reads the direct matches twice: on Spark computed once (nothing on Polars)
    return native(_roll_up(cut(direct), topic_edges, params), post_topics_)


def _all_reactions(F: ModuleType, reactions: Any) -> Any:
    """Per network account: the reactions to all its posts in the window."""
    return (reactions.rename({"author_id": "account_id"}).group_by("network", "account_id")
            .agg(all_reactions=F.col("reactions").sum()))


def _evidence(F: ModuleType, on_topic: Any, reactions: Any, reactors: Any, params: TopicParams) -> Any:
    """Per network, author and topic with sustained evidence: its posts, days, distinct reactors and reactions
    (keywords weighted down)."""
    weight = F.when(F.col("source") == "hashtag").then(1.0).otherwise(params.keyword_weight)
    key = ["network", "author_id", "topic_id"]
    linked = (
        on_topic.select("network", "post_id", "author_id", "topic_id")
        .join(reactors, on=["network", "post_id"])
        .group_by(*key).agg(linked=F.col("actor_id").n_unique())
    )
    return (
        on_topic.join(reactions.select("network", "post_id", "reactions", "reactor_bound"),
                      on=["network", "post_id"], how="left")
        .group_by(*key)
        .agg(
            posts=F.col("post_id").n_unique(),
            days=F.col("activity_date").n_unique(),
            bound=F.col("reactor_bound").max(),
            topic_reactions=(F.col("reactions").fill_null(0) * weight).sum(),
        )
        .join(linked, on=key, how="left")
        .with_columns(distinct_reactors=F.max_horizontal(F.col("linked").fill_null(0), F.col("bound").fill_null(0)))
        .filter(
            F.col("posts") >= params.min_posts,
            F.col("days") >= params.min_days,
            F.col("distinct_reactors") >= params.min_reactors,
        )
    )


def _roll_up(direct: Any, edges: pl.LazyFrame | pl.DataFrame, params: TopicParams) -> Any:
    """Pass damped shares up the ontology, `max_depth` levels; per account and topic the strongest wins (equal
    shares: a direct match, then the most evidence, so that the row kept does not depend on the order the posts
    were read in: two children of a topic with the same damped share came out with either one's counts)."""
    F, direct = api(direct)
    # One join with every topic's ancestors (a small table made on Polars), not one join per level: on Spark each
    # level was planned again from the start
    parents = (
        direct.join(small_table(direct, _ancestors(edges, params.max_depth)), on="topic_id")
        .with_columns(topic_id=F.col("ancestor_id"), share=_damped(F, params), direct=F.lit(False))
        .drop("ancestor_id", "depth")
    )
    evidence = [-F.col(c).cast(F.Int64) for c in ("posts", "days", "distinct_reactors")]
    # Every column is a key or in the order, so rows tied in the order are one row (a topic reached by two paths)
    best = row_number(F, F.concat([direct, parents]), ["network", "account_id", "topic_id"],
                       [-F.col("share"), ~F.col("direct"), *evidence])
    return best.filter(F.col("_row") == 1).drop("_row")


def _ancestors(edges: pl.LazyFrame | pl.DataFrame, max_depth: int) -> pl.DataFrame:
    """topic_id, ancestor_id, depth: each topic's parents (depth 1), their parents (2), ... to `max_depth`; an
    ancestor reached by several paths of one length once."""
    edges = edges.lazy().select("child_id", "parent_id").collect()
    level = edges.select(topic_id="child_id", ancestor_id="parent_id").unique()
    levels = []
    for depth in range(1, max_depth + 1):
        levels.append(level.with_columns(depth=pl.lit(depth, pl.Int32)))
        level = (level.join(edges, left_on="ancestor_id", right_on="child_id")
                 .select("topic_id", ancestor_id="parent_id").unique())
    return pl.concat(levels) if levels else level.clear().with_columns(depth=pl.lit(0, pl.Int32))


def _damped(F: ModuleType, params: TopicParams) -> Any:
    """The share passed up `depth` levels: multiplied by the damping once per level, as a level-by-level roll-up
    does (one product with damping ** depth can differ in the last bit)."""
    shares = [F.col("share")]
    for _ in range(params.max_depth):
        shares.append(shares[-1] * params.parent_damping)
    damped = shares[-1]
    for depth in range(params.max_depth - 1, 0, -1):
        damped = F.when(F.col("depth") == depth).then(shares[depth]).otherwise(damped)
    return damped


def top_topics(influence: Any, scores: Any, topics: pl.LazyFrame | pl.DataFrame, params: TopicParams) -> Any:
    """Keep each account's `top_n` topics (the largest share first, then direct matches, then by slug; a topic
    missing from the ontology's topic list has no slug and comes first, as Polars sorts nulls); topic points = the
    account's score x the topic's share. `influence` and `scores`: frames of one engine; `topics`: the ontology's
    (Polars). Returns the engine's kind of frame, sorted by account and rank."""
    F, lf = api(influence)
    _, scores_lf = api(scores)
    account = ["network", "account_id"]
    named = (
        lf.join(scores_lf.select(*account, "score"), on=account)
        .join(small_table(lf, topics.lazy().select("topic_id", "slug", "name").collect()), on="topic_id", how="left")
        .with_columns(topic_score=_tenths(F.col("score") * F.col("share")))
    )
    ranked = row_number(F, named, account, [-F.col("share"), ~F.col("direct"), F.col("slug").fill_null("")])
    return native(
        ranked.filter(F.col("_row") <= params.top_n)
        .select(*account, "topic_id", F.col("slug").alias("topic_slug"), F.col("name").alias("topic_name"),
                F.col("_row").alias("rank"), "share", "topic_score", "posts", "days", "distinct_reactors", "direct")
        .sort(*account, "rank"),
        influence)


def _tenths(x: Any) -> Any:
    """x >= 0 rounded to 0.1 as Polars' round(1) rounds it, to the bit, on every engine: x * 10 to the nearest
    integer, ties to the even one, read as that many tenths. Not Spark's round (half up, of the shortest decimal:
    61 x 0.25 = 15.25 reads 15.3), and not a division by 10 (Polars divides by a constant as a product with 0.1:
    38 / 10 reads 3.8000000000000003): the tenths as decimal text ('3.8'), which both engines parse to the nearest
    double, as Polars' round divides."""
    F = api_of(x)
    r = x * 10.0
    low = r.floor()
    tenths = (F.when(r - low > 0.5).then(low + 1.0).when(r - low < 0.5).then(low)
              .otherwise(low + low.abs() % 2.0)).cast(F.Int64)
    return F.concat_str([(tenths // 10).cast(F.String), F.lit("."), (tenths % 10).cast(F.String)]).cast(F.Float64)
