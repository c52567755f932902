"""Swing metrics: how much a night's scores moved against another night's (pure Polars, no DuckDB).

`before` and `after` are LazyFrames with the key columns (by default network + account_id), `score` and
`raw_score`. Every metric is computed per group (e.g. per network or per topic), or over everything when
`by` is empty (the group is then called `all`). Moves are measured on accounts scored on both nights;
distribution shift (PSI, KS) and the top-100 overlap use every account of each night.

`floor`: when set, accounts at or below it on both nights are left out of every metric. The gate sets it to the
bottom of the scale when it judges an algorithm against a fixed tolerance: an account nobody reacted to sits at
the bottom under any algorithm, so counting it as "did not move" would measure the network's share of silent
accounts (83% of the Higgs week), not the algorithm: the same change would pass on a network with more of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

# Metric names, and whether a high value (or a low one) means "moved a lot".
METRICS: dict[str, str] = {
    "share_moved_10": "high",  # share of common accounts whose score moved by `move_points` or more
    "mean_abs_move": "high",  # mean absolute score change of common accounts
    "spearman": "low",  # rank correlation of common accounts' scores
    "spearman_top1000": "low",  # the same within the night-before top 1,000 (a vanished account counts as 0)
    "top100_overlap": "low",  # share of the top 100 still in the top 100
    "psi": "high",  # population stability index of the score distribution, 10-point bins
    "ks": "high",  # Kolmogorov-Smirnov distance between the two score distributions
    "share_new": "high",  # accounts scored after but not before, as a share of after
    "share_missing": "high",  # accounts scored before but not after, as a share of before
}
COUNTS = ("n_before", "n_after", "n_common")
_EPS = 1e-4  # PSI floor for an empty bin, so one empty bin does not make the index infinite


@dataclass(frozen=True)
class SwingParams:
    keys: tuple[str, ...] = ("network", "account_id")
    groupings: tuple[tuple[str, ...], ...] = ((),)  # () = everything as one group, called `all`
    move_points: int = 10
    rank_top: int = 1000
    overlap_top: int = 100
    bin_width: int = 10
    floor: int | None = None  # leave out accounts at or below this score on both nights (None: keep every one)


def paired(before: pl.LazyFrame, after: pl.LazyFrame, keys: tuple[str, ...]) -> pl.LazyFrame:
    """One row per key seen on either night: score_before, raw_before, score_after, raw_after (null where absent)."""
    cols = [*keys, "score", "raw_score"]
    return before.select(cols).join(after.select(cols), on=list(keys), how="full", coalesce=True, suffix="_a").select(
        *keys, score_before="score", raw_before="raw_score", score_after="score_a", raw_after="raw_score_a"
    )


def _top_rows(pairs: pl.LazyFrame, group: list[str], keys: tuple[str, ...], side: str, top: int,
              name: str) -> pl.LazyFrame:
    """The row numbers (`_row`) of each group's top `top` rows of one night, flagged `name`: by score, then raw
    score, then key (smallest first), so ties break the same way every time. A top-k per group, not a sort of the
    whole night; row numbers, not keys, so flagging joins on one integer instead of the key strings."""
    score, raw = f"score_{side}", f"raw_{side}"
    return (
        pairs.filter(pl.col(score).is_not_null())
        .group_by(group)
        .agg(pl.col("_row").top_k_by([score, raw, *keys], k=top, reverse=[False, False] + [True] * len(keys)))
        .select(pl.col("_row").explode())
        .with_columns(pl.lit(True).alias(name))
    )


def _flag_tops(pairs: pl.LazyFrame, group: list[str], params: SwingParams) -> pl.LazyFrame:
    """top_rank (before, `rank_top`), top_before and top_after (`overlap_top`), each from the unflagged pairs."""
    tops = (("before", params.rank_top, "top_rank"), ("before", params.overlap_top, "top_before"),
            ("after", params.overlap_top, "top_after"))
    numbered = pairs.with_row_index("_row")
    out = numbered
    for side, n, name in tops:
        out = out.join(_top_rows(numbered, group, params.keys, side, n, name), on="_row", how="left")
    return out.drop("_row").with_columns(pl.col(name).fill_null(False) for _, _, name in tops)


def _moves(pairs: pl.LazyFrame, group: list[str], params: SwingParams) -> pl.LazyFrame:
    both = pl.col("score_before").is_not_null() & pl.col("score_after").is_not_null()
    move = (pl.col("score_after") - pl.col("score_before")).abs()
    top = pl.col("top_rank")
    return pairs.group_by(group).agg(
        n_before=pl.col("score_before").is_not_null().sum(),
        n_after=pl.col("score_after").is_not_null().sum(),
        n_common=both.sum(),
        share_moved_10=(move >= params.move_points).filter(both).mean(),
        mean_abs_move=move.filter(both).mean(),
        spearman=pl.corr(
            pl.col("score_before").filter(both), pl.col("score_after").filter(both), method="spearman"
        ),
        spearman_top1000=pl.corr(
            pl.col("score_before").filter(top), pl.col("score_after").fill_null(0).filter(top), method="spearman"
        ),
        top100_overlap=(pl.col("top_before") & pl.col("top_after")).sum()
        / pl.min_horizontal(pl.col("top_before").sum(), pl.col("top_after").sum()).clip(lower_bound=1),
    ).with_columns(
        share_new=(pl.col("n_after") - pl.col("n_common")) / pl.col("n_after").clip(lower_bound=1),
        share_missing=(pl.col("n_before") - pl.col("n_common")) / pl.col("n_before").clip(lower_bound=1),
    )


def _distribution_shift(pairs: pl.LazyFrame, group: list[str], params: SwingParams) -> pl.LazyFrame:
    """PSI over score bins and KS over the 1..100 score CDF, each night's whole population."""
    def counts(col: str, name: str, bucket: pl.Expr) -> pl.LazyFrame:
        return pairs.filter(pl.col(col).is_not_null()).group_by(*group, bucket.alias("bucket")).agg(
            pl.len().alias(name)
        )

    def shares(bucket_of) -> pl.LazyFrame:
        joined = counts("score_before", "b", bucket_of("score_before")).join(
            counts("score_after", "a", bucket_of("score_after")), on=[*group, "bucket"], how="full", coalesce=True
        ).with_columns(pl.col("a", "b").fill_null(0))
        return joined.with_columns(
            pb=pl.col("b") / pl.col("b").sum().over(group).clip(lower_bound=1),
            pa=pl.col("a") / pl.col("a").sum().over(group).clip(lower_bound=1),
        )

    bins = shares(lambda c: (pl.col(c) - 1) // params.bin_width)
    psi = bins.group_by(group).agg(
        psi=((pl.col("pa").clip(lower_bound=_EPS) - pl.col("pb").clip(lower_bound=_EPS))
             * (pl.col("pa").clip(lower_bound=_EPS) / pl.col("pb").clip(lower_bound=_EPS)).log()).sum()
    )
    values = shares(lambda c: pl.col(c)).sort("bucket")
    ks = values.group_by(group).agg(
        ks=(pl.col("pa").cum_sum() - pl.col("pb").cum_sum()).abs().max()
    )
    return psi.join(ks, on=group, how="full", coalesce=True)


def swing_metrics(before: pl.LazyFrame, after: pl.LazyFrame, params: SwingParams = SwingParams(),
                  pairs: pl.DataFrame | None = None) -> pl.LazyFrame:
    """Long rows: scope (`all` or the grouping's columns joined by `/`), scope_value, metric, value, n_common,
    for every grouping in `params.groupings` and every metric in METRICS. A correlation over constant scores is
    undefined (every score equal is exactly the broken run to catch), so it is reported as 0. `pairs`: the two
    nights already paired on `params.keys` (`paired(before, after, keys).collect()`), when another comparison of
    the same nights made them."""
    # Materialised once: every grouping and metric reads the pairs; the plan would otherwise redo the join per use.
    pairs = paired(before, after, params.keys) if pairs is None else pairs.lazy()
    if params.floor is not None:
        silent = (pl.col("score_before") <= params.floor) & (pl.col("score_after") <= params.floor)
        pairs = pairs.filter(~silent.fill_null(False))
    pairs = pairs.collect().lazy()
    out = []
    for by in params.groupings:
        group = list(by) or ["scope"]
        p = pairs if by else pairs.with_columns(scope=pl.lit("all"))
        p = _flag_tops(p, group, params).collect().lazy()  # read by several metrics below
        wide = (
            _moves(p, group, params)
            .join(_distribution_shift(p, group, params), on=group, how="left")
            .with_columns(pl.col("spearman", "spearman_top1000").fill_nan(0.0).fill_null(0.0))
            .with_columns(pl.col("share_moved_10", "mean_abs_move").fill_null(0.0))
        )
        out.append(long_metrics(wide, list(by), "/".join(by) or "all"))
    return pl.concat(out)


def self_metrics(night: pl.DataFrame, params: SwingParams = SwingParams()) -> pl.LazyFrame | None:
    """What `swing_metrics(night, night, params)` returns, without pairing the night with itself: every account is
    on both sides at the same score, so nothing moved, the two distributions and top lists are the same, and only a
    group's size and whether its ranks correlate at all are read from the rows. A backfill night's gate compares the
    published run of the night with itself when that run is the old algorithm's scores (clout/audit/gate.py).

    None (compute it the long way) when the pairing would not be one row per account: a key seen twice, or a null
    score, or with `floor` set. tests/gate/test_swing.py holds the rows equal to swing_metrics' on varied nights.

    A rank correlation of scores with themselves is 1 when they hold two different values and undefined (0, as in
    swing_metrics) otherwise; in the top `rank_top`, two different values are there when the smallest of the top
    scores is below the largest. Each other metric is a count over the group or 0."""
    if params.floor is not None or night.get_column("score").null_count():
        return None
    if night.select(pl.struct(*params.keys).is_duplicated().any()).item():
        return None
    out = []
    for by in params.groupings:
        group = list(by) or ["scope"]
        frame = night.lazy() if by else night.lazy().with_columns(scope=pl.lit("all"))
        score = pl.col("score")
        varies = (score.min() < score.max())
        top_varies = (score.top_k(params.rank_top).min() < score.max())
        n = pl.len().cast(pl.Int64)
        wide = frame.group_by(group).agg(
            n_before=n, n_after=n, n_common=n,
            share_moved_10=pl.lit(0.0), mean_abs_move=pl.lit(0.0),
            spearman=pl.when(varies).then(1.0).otherwise(0.0),
            spearman_top1000=pl.when(top_varies).then(1.0).otherwise(0.0),
            top100_overlap=pl.lit(1.0),  # every group has a row: its top list is itself
            psi=pl.lit(0.0), ks=pl.lit(0.0), share_new=pl.lit(0.0), share_missing=pl.lit(0.0),
        )
        out.append(long_metrics(wide, list(by), "/".join(by) or "all"))
    return pl.concat(out)


def long_metrics(wide: pl.LazyFrame, group: list[str], scope: str) -> pl.LazyFrame:
    """Wide metrics (one row per group) as long rows: scope, scope_value, metric, value, n_common."""
    value = pl.concat_str([pl.col(c).cast(pl.String) for c in group], separator="/") if group else pl.lit("all")
    return (
        wide.with_columns(scope=pl.lit(scope), scope_value=value)
        .unpivot(on=list(METRICS), index=["scope", "scope_value", "n_common"], variable_name="metric")
        .with_columns(pl.col("value").cast(pl.Float64), pl.col("n_common").cast(pl.Int64))
        .select("scope", "scope_value", "metric", "value", "n_common")
    )


def score_histogram(scores: pl.LazyFrame, bin_width: int = 1) -> pl.LazyFrame:
    """Counts per score bin (bin = lowest score in it), for plotting without shipping every row."""
    return (
        scores.group_by(bin=((pl.col("score") - 1) // bin_width) * bin_width + 1)
        .agg(accounts=pl.len())
        .sort("bin")
    )


def changes(before: pl.LazyFrame, after: pl.LazyFrame, keys: tuple[str, ...] = ("network", "account_id")):
    """Common accounts' score change (`after - before`), one row per key."""
    return before.select(*keys, before=pl.col("score")).join(
        after.select(*keys, after=pl.col("score")), on=list(keys), how="inner"
    ).with_columns(change=pl.col("after") - pl.col("before"))
