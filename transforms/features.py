"""Window features: the engagement graph of a trailing window (per-day aggregates) -> one row per account.

Pure Polars. Every count is decayed by age (half-life from the algorithm), so a quiet day barely moves a
feature and a quiet month halves it. Beside the counts of the public feature frame (see transforms/model.py)
this adds what only the graph can tell:

- `effective_reactors`: distinct reactors, each weighted by how selective it is (a reactor that reacts to
  thousands of accounts counts less), and by the recency of its latest reaction;
- `ring_share`: share of the reactors that this account reacts to in return, beyond a threshold (rescaled
  so the threshold is 0 and "everyone" is 1): mutual reacting within a closed group;
- `bought_share`: share of the reactors that are fresh, low-activity accounts (first seen in the last
  `fresh_days` on a network observed for longer, reacting to few accounts, nobody reacting to them);
- `suspect_share`: the ring share, which the model discounts. Bought engagement is removed at the source
  instead: a fresh, low-activity reactor has weight 0 in `effective_reactors` and passes no network impact;
- `network_impact`: PageRank-style impact (transforms/network_impact.py).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.algorithm import KINDS, Algorithm, FeatureParams
from transforms.network_impact import network_impact

# Edge columns by kind in marts.engagement_daily, and the feature names they become.
EDGE_KINDS = {"reposts": "reposts", "quotes": "quotes", "replies": "replies", "mentions": "mentions", "likes": "likes"}
SENT = ("reposts", "mentions", "replies")


def decay(logical_date: date, params: FeatureParams) -> pl.Expr:
    """0.5 ** (age / half-life), age in whole days before `logical_date` (0 on the day itself)."""
    age = (pl.lit(logical_date) - pl.col("activity_date")).dt.total_days()
    return 0.5 ** (age.cast(pl.Float64) / params.half_life_days)


def pair_edges(edges: pl.LazyFrame, logical_date: date, params: FeatureParams) -> pl.LazyFrame:
    """One row per network, actor and target: decayed reactions by kind, total, and latest recency."""
    kinds = [k for k in KINDS if k in edges.collect_schema().names()]
    w = decay(logical_date, params)
    return (
        edges.with_columns(_w=w)
        .group_by("network", "actor_id", "target_id")
        .agg(
            *[(pl.col(k) * pl.col("_w")).sum().alias(k) for k in kinds],
            reactions=(pl.sum_horizontal(kinds) * pl.col("_w")).sum(),
            recency=pl.col("_w").max(),
        )
    )


def reactor_profile(pairs: pl.LazyFrame, activity: pl.LazyFrame | None, logical_date: date,
                    params: FeatureParams) -> pl.LazyFrame:
    """Per reactor: how many accounts it reacts to, its weight, and whether it is fresh and low-activity."""
    targets = pairs.group_by("network", account_id="actor_id").agg(targets=pl.len())
    receivers = pairs.select("network", account_id="target_id").unique().with_columns(receives=pl.lit(True))
    prof = (
        targets.join(receivers, on=["network", "account_id"], how="left")
        .with_columns(
            reactor_weight=(params.reactor_full_weight_targets / pl.col("targets").cast(pl.Float64))
            .pow(params.reactor_weight_exponent).clip(upper_bound=1.0),
        )
    )
    if activity is None:
        return prof.with_columns(fresh_low=pl.lit(False))
    # Fresh only where the network was observed for `fresh_days` before the account appeared: in a data set
    # that starts last week, everyone is new, and nobody is suspect for it.
    horizon = pl.lit(logical_date) - pl.duration(days=params.fresh_days)
    fresh = (pl.col("first_seen") > horizon) & (pl.col("first_seen") > pl.col("network_first_seen")
                                                  + pl.duration(days=params.fresh_days))
    return (
        prof.join(activity, on=["network", "account_id"], how="left")
        .with_columns(
            fresh_low=(fresh.fill_null(False) & (pl.col("targets") <= params.low_activity_targets)
                       & pl.col("receives").is_null()),
        )
        # A fresh, low-activity reactor is the least selective kind: it counts for nothing.
        .with_columns(reactor_weight=pl.when(pl.col("fresh_low")).then(0.0).otherwise(pl.col("reactor_weight")))
        .drop("first_seen", "network_first_seen")
    )


def received_features(pairs: pl.LazyFrame, reactors: pl.LazyFrame, params: FeatureParams) -> pl.LazyFrame:
    """Per account reacted to: decayed reactions by kind, distinct and effective reactors, suspect shares."""
    kinds = [k for k in KINDS if k in pairs.collect_schema().names()]
    prof = reactors.select("network", actor_id="account_id", r_weight="reactor_weight", fresh_low="fresh_low")
    # A pair is mutual when the reverse pair exists; codes are unique across networks, so a 64-bit key will do.
    key = pl.col("actor_id").cast(pl.UInt64) * (1 << 32) + pl.col("target_id").cast(pl.UInt64)
    back = pl.col("target_id").cast(pl.UInt64) * (1 << 32) + pl.col("actor_id").cast(pl.UInt64)
    enriched = (
        pairs.with_columns(mutual=back.is_in(pairs.select(key).collect().to_series().implode()))
        .join(prof, on=["network", "actor_id"], how="left")
    )
    per_target = enriched.group_by("network", account_id="target_id").agg(
        *[pl.col(k).sum().alias(f"{k}_received") for k in kinds],
        reactions=pl.col("reactions").sum(),
        distinct_reactors=pl.col("recency").sum(),
        effective_reactors=(pl.col("recency") * pl.col("r_weight")).sum(),
        # Shares are of (recency-weighted) distinct reactors: the model removes that share of the audience.
        mutual=pl.col("recency").filter(pl.col("mutual").fill_null(False)).sum(),
        fresh_low=pl.col("recency").filter(pl.col("fresh_low").fill_null(False)).sum(),
    )
    thr = params.ring_reciprocal_threshold
    return (
        per_target.with_columns(
            ring_share=((pl.col("mutual") / pl.col("distinct_reactors") - thr) / (1 - thr)).clip(0.0, 1.0),
            bought_share=(pl.col("fresh_low") / pl.col("distinct_reactors")).clip(0.0, 1.0).fill_nan(0.0),
        )
        # Bought engagement is already out (fresh reactors weigh 0 and pass no impact); rings are discounted.
        .with_columns(suspect_share=pl.col("ring_share"))
        .drop("mutual", "fresh_low")
    )


def sent_features(pairs: pl.LazyFrame) -> pl.LazyFrame:
    kinds = [k for k in SENT if k in pairs.collect_schema().names()]
    return pairs.group_by("network", account_id="actor_id").agg(
        *[pl.col(k).sum().alias(f"{k}_sent") for k in kinds]
    )


def post_features(posts: pl.LazyFrame, logical_date: date, params: FeatureParams) -> pl.LazyFrame:
    """`posts`: network, account_id, activity_date, posts -> decayed posts in the window."""
    return posts.group_by("network", "account_id").agg(posts=(pl.col("posts") * decay(logical_date, params)).sum())


def window_features(
    edges: pl.LazyFrame,
    logical_date: date,
    algo: Algorithm,
    activity: pl.LazyFrame | None = None,
    posts: pl.LazyFrame | None = None,
    profiles: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """The feature frame of every account in the window's graph (one row per network and account).

    `edges`: network, actor_id, target_id, activity_date, reposts, replies, mentions, quotes, likes (window
      already applied, self-reactions and minors already removed).
    `activity`: network, account_id, first_seen, network_first_seen (all history up to the date), or None.
    `posts`: network, account_id, activity_date, posts for networks whose posts we know, or None: an account
      on a network with post data and no posts has 0 posts; on a network without post data, unknown.
    `profiles`: network, account_id, followers, following, lists (latest observation), or None = unknown.
    """
    params = algo.features
    ids, nodes = account_codes(edges)
    coded = _code(edges, ids, [("actor_id", "actor_id"), ("target_id", "target_id")])
    pairs = pair_edges(coded, logical_date, params).collect().lazy()
    coded_activity = _code(activity, ids, [("account_id", "account_id")]) if activity is not None else None
    reactors = reactor_profile(pairs, coded_activity, logical_date, params).collect().lazy()
    # Fresh, low-activity reactors pass no impact: without out-edges their rank spreads evenly over everyone.
    trusted_pairs = pairs.join(reactors.filter(pl.col("fresh_low")).select("network", actor_id="account_id"),
                               on=["network", "actor_id"], how="anti")
    impact = network_impact(
        trusted_pairs.select("network", "actor_id", "target_id", weight=pl.col("reactions").log1p()), nodes,
        algo.impact,
    )
    frame = (
        ids.lazy().select(network="net", account_id="code")
        .join(received_features(pairs, reactors, params), on=["network", "account_id"], how="left")
        .join(sent_features(pairs), on=["network", "account_id"], how="left")
        .join(impact, on="account_id", how="left")
    )
    received = [c for c in frame.collect_schema().names() if c.endswith(("_received", "_sent"))]
    frame = frame.with_columns(
        pl.col(*received, "reactions", "distinct_reactors", "effective_reactors").fill_null(0.0),
        pl.col("ring_share", "bought_share", "suspect_share").fill_null(0.0),
    )
    frame = _decode(frame, ids)
    if posts is not None:
        known = posts.select("network").unique().with_columns(_posts_known=pl.lit(True))
        frame = (
            frame.join(post_features(posts, logical_date, params), on=["network", "account_id"], how="left")
            .join(known, on="network", how="left")
            .with_columns(posts=pl.when(pl.col("_posts_known")).then(pl.col("posts").fill_null(0.0)))
            .drop("_posts_known")
        )
    if profiles is not None:
        frame = frame.join(profiles.select("network", "account_id", "followers", "following", "lists"),
                           on=["network", "account_id"], how="left")
    return frame


def account_codes(edges: pl.LazyFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Integer codes for the window's accounts, contiguous per network (joins and PageRank run on integers).

    Returns (ids: network, account_id, net, code) and (nodes: network = net code, lo, n).
    """
    ids = (
        pl.concat([edges.select("network", account_id="actor_id"), edges.select("network", account_id="target_id")])
        .unique()
        .sort("network", "account_id")
        .with_columns(code=pl.int_range(pl.len(), dtype=pl.UInt32), net=pl.col("network").rank("dense")
                      .cast(pl.UInt16))
        .collect()
    )
    nodes = ids.group_by("net").agg(lo=pl.col("code").min(), n=pl.len()).rename({"net": "network"}).sort("network")
    return ids, nodes


def _code(frame: pl.LazyFrame, ids: pl.DataFrame, columns: list[tuple[str, str]]) -> pl.LazyFrame:
    """Replace (network, <column>) string keys by the integer codes; network by its small code."""
    for col, out in columns:
        frame = frame.join(ids.lazy().select("network", **{col: "account_id"}, _code="code", _net="net"),
                           on=["network", col], how="inner").drop(col).rename({"_code": out})
        frame = frame.drop("network").rename({"_net": "network"}) if col == columns[-1][0] else frame.drop("_net")
    return frame


def _decode(frame: pl.LazyFrame, ids: pl.DataFrame) -> pl.LazyFrame:
    back = ids.lazy().select(_code="code", _network="network", _account_id="account_id")
    return (
        frame.join(back, left_on="account_id", right_on="_code", how="left")
        .drop("network", "account_id")
        .rename({"_network": "network", "_account_id": "account_id"})
    )
