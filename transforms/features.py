"""Window features: the engagement graph of a trailing window (per-day aggregates) -> one row per account.

Pure Polars. Every count is decayed by age (half-life from the algorithm), so a quiet day barely moves a
feature and a quiet month halves it. Beside the counts of the public feature frame (see transforms/model.py)
this adds what only the graph can tell:

- `effective_reactors`: distinct reactors, each weighted by how selective it is (a reactor that reacts to
  thousands of accounts counts less), and by the recency of its latest reaction;
- `ring_share`: the share of the reactions that come from accounts this account reacts to in return, all of
  it from `ring_reciprocal_threshold` up, none below `ring_reciprocal_floor`, fading in between: mutual
  reacting within a closed group (a ring member reposts every post of the others, so reactions, not reactors);
- `bought_share`: share of the reactors that are fresh, low-activity accounts (first seen in the last
  `fresh_days`, reacting to few accounts, nobody reacting to them; on a network observed for less than
  `fresh_days` before they appeared, only when they came in a burst, see `burst_reactors`);
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
                    params: FeatureParams, edges: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Per reactor: how many accounts it reacts to, its weight, and whether it is fresh and low-activity.

    Fresh = first seen in the last `fresh_days`. On a network observed for longer than `fresh_days` before the
    account appeared, that is enough. Observed for less, a first sighting may only be the data set starting: the
    account must then also have appeared after `burst_min_history_days` of history, and in a burst
    (`burst_reactors`, which reads the per-day `edges`).
    """
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
    history = pl.col("first_seen") - pl.col("network_first_seen")
    prof = (
        prof.join(activity, on=["network", "account_id"], how="left")
        .with_columns(
            _new=((pl.col("first_seen") > pl.lit(logical_date) - pl.duration(days=params.fresh_days))
                  & (pl.col("targets") <= params.low_activity_targets) & pl.col("receives").is_null()
                  & (history > pl.duration(days=params.burst_min_history_days))).fill_null(False),
            _mature=(history > pl.duration(days=params.fresh_days)).fill_null(False),
        )
        .collect()
    )
    young = prof.filter(pl.col("_new") & ~pl.col("_mature"))
    burst = (burst_reactors(edges, young, prof, params) if edges is not None and young.height
             else pl.DataFrame(schema={"network": prof["network"].dtype, "account_id": prof["account_id"].dtype}))
    return (
        prof.join(burst.with_columns(_burst=pl.lit(True)), on=["network", "account_id"], how="left")
        .with_columns(fresh_low=pl.col("_new") & (pl.col("_mature") | pl.col("_burst").fill_null(False)))
        # A fresh, low-activity reactor is the least selective kind: it counts for nothing.
        .with_columns(reactor_weight=pl.when(pl.col("fresh_low")).then(0.0).otherwise(pl.col("reactor_weight")))
        .drop("first_seen", "network_first_seen", "_new", "_mature", "_burst")
        .lazy()
    )


def burst_reactors(edges: pl.LazyFrame, young: pl.DataFrame, prof: pl.DataFrame,
                   params: FeatureParams) -> pl.DataFrame:
    """The `young` newcomers (network, account_id, first_seen) that came in a burst on one target.

    On its first day, a newcomer reacted to a target that day's newcomers crowded: at least `burst_min_reactors`
    of them, and `burst_ratio` times more than the target's established reactors (first seen before) would bring
    at the network's own newcomer-to-established ratio that day. A real event brings newcomers to everyone it
    touches, at about the network's ratio; bought accounts all arrive at one account. A day without established
    reactors is a data set's first day: nothing is a burst there.
    """
    newcomers = young.select("network", actor_id="account_id", activity_date="first_seen", _newcomer=pl.lit(True))
    seen = prof.lazy().select("network", actor_id="account_id", _first="first_seen")
    day_edges = (
        edges.select("network", "actor_id", "target_id", "activity_date")
        .join(newcomers.lazy().select("network", "activity_date").unique(), on=["network", "activity_date"],
              how="semi")
        .unique()
        .join(seen, on=["network", "actor_id"], how="left")
        .join(newcomers.lazy(), on=["network", "actor_id", "activity_date"], how="left")
        .with_columns(_newcomer=pl.col("_newcomer").fill_null(False),
                      _established=(pl.col("_first") < pl.col("activity_date")).fill_null(False))
        .collect()
    )
    per_target = day_edges.group_by("network", "target_id", "activity_date").agg(
        n=pl.col("_newcomer").sum(), e=pl.col("_established").sum())
    per_day = per_target.group_by("network", "activity_date").agg(
        ratio=pl.col("n").sum() / pl.col("e").sum().cast(pl.Float64))
    bursts = per_target.join(per_day, on=["network", "activity_date"]).filter(
        (pl.col("n") >= params.burst_min_reactors)
        & (pl.col("n") > params.burst_ratio * pl.col("ratio") * pl.col("e").clip(lower_bound=1)))
    return (
        day_edges.filter(pl.col("_newcomer"))
        .join(bursts, on=["network", "target_id", "activity_date"], how="semi")
        .select("network", account_id="actor_id").unique()
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
        # Rings are judged on (decayed) reactions, as a ring member reposts every post of the others; bought
        # engagement on (recency-weighted) distinct reactors, as a bought account reacts once.
        mutual=pl.col("reactions").filter(pl.col("mutual").fill_null(False)).sum() / pl.col("reactions").sum(),
        fresh_low=pl.col("recency").filter(pl.col("fresh_low").fill_null(False)).sum(),
    )
    floor, thr = params.ring_reciprocal_floor, params.ring_reciprocal_threshold
    return (
        per_target.with_columns(
            # The reciprocated share itself is removed: all of it from `thr` up, fading in from `floor`, so friends
            # who answer each other lose nothing and a score never falls off a cliff at the threshold.
            ring_share=(pl.col("mutual") * ((pl.col("mutual") - floor) / (thr - floor)).clip(0.0, 1.0))
            .fill_nan(0.0).clip(0.0, 1.0),
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
    reactors = reactor_profile(pairs, coded_activity, logical_date, params, coded).collect().lazy()
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
