"""Swing metrics: how much a night's scores moved against another night's (no DuckDB).

`before` and `after` are frames of one engine (transforms/frames.py: Polars LazyFrames on the default engine,
Spark DataFrames on the Spark engine) with the key columns (by default network + account_id), `score` and
`raw_score`; the metrics come back as the same kind of frame. Every metric is computed per group (e.g. per network
or per topic), or over everything when `by` is empty (the group is then called `all`). Moves are measured on
accounts scored on both nights; distribution shift (PSI, KS) and the top-100 overlap use every account of each night.

`floor`: when set, accounts at or below it on both nights are left out of every metric. The gate sets it to the
bottom of the scale when it judges an algorithm against a fixed tolerance: an account nobody reacted to sits at
the bottom under any algorithm, so counting it as "did not move" would measure the network's share of silent
accounts (83% of the Higgs week), not the algorithm: the same change would pass on a network with more of them.
An account one night does not score is at the bottom there: at the bottom on one night and absent on the other,
it is left out too (a shorter window that stops listing silent accounts moved no one's score: counted as
missing on one side only, they made 12% of the Higgs week's accounts "missing" and shifted the bottom band).

Written in the part of Polars' API that Narwhals implements. Two metrics keep Polars' own faster form on Polars
(a rank correlation, `pl.corr(method="spearman")`, and a top-k per group, `top_k_by`); elsewhere they are the same
definitions in Narwhals' terms: average ranks over a window and Pearson's r of them (`_rank_correlation`), and a
row number over a window in the top list's order (`_flag_tops`). No engine-specific step is needed beyond
transforms/frames.py's.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import Any

import polars as pl

from transforms.frames import api, full_join, materialize, native, row_number, small_table

# Metric names, and whether a high value (or a low one) means "moved a lot".
METRICS: dict[str, str] = {
    "share_moved_10": "high",  # share of common accounts whose score moved by `move_points` or more
    "mean_abs_move": "high",  # mean absolute score change of common accounts
    "spearman": "low",  # rank correlation of common accounts' scores
    "spearman_top1000": "low",  # the same within the night-before top 1,000 (a vanished account counts as 0)
    "top100_overlap": "low",  # share of the top 100 still in the top 100
    # mean absolute score change of the accounts in the top 100 of either night (scored on both): a change that
    # lifts or sinks only the top moves few accounts and keeps their order, which no population metric sees
    "top100_mean_abs_move": "high",
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


def paired(before: Any, after: Any, keys: tuple[str, ...]) -> Any:
    """One row per key seen on either night: score_before, raw_before, score_after, raw_after (null where absent)."""
    F, before_lf = api(before)
    return native(_paired(F, before_lf, api(after)[1], keys), before)


def _paired(F: ModuleType, before: Any, after: Any, keys: tuple[str, ...]) -> Any:
    cols = [*keys, "score", "raw_score"]
    return full_join(before.select(cols), after.select(cols), list(keys), suffix="_a").select(
        *keys, score_before=F.col("score"), raw_before=F.col("raw_score"), score_after=F.col("score_a"),
        raw_after=F.col("raw_score_a"),
    )


def _top_rows(pairs: pl.LazyFrame, group: list[str], keys: tuple[str, ...], side: str, top: int) -> pl.LazyFrame:
    """The row numbers (`_row`) of each group's top `top` rows of one night: by score, then raw score, then key
    (smallest first), so ties break the same way every time. A top-k per group, not a sort of the whole night; row
    numbers, not keys, so flagging looks up one integer instead of the key strings. Only the rows at or above the
    group's k-th score can be among its top k: the top-k by the key strings reads those only (at 10M accounts it
    read every row, 5-7 s of each grouping)."""
    score, raw = f"score_{side}", f"raw_{side}"
    return (
        pairs.filter(pl.col(score).is_not_null())
        .filter(pl.col(score) >= pl.col(score).top_k(top).min().over(group))
        .group_by(group)
        .agg(pl.col("_row").top_k_by([score, raw, *keys], k=top, reverse=[False, False] + [True] * len(keys)))
        .select(pl.col("_row").explode())
    )


def _flag_tops(pairs: Any, group: list[str], params: SwingParams) -> Any:
    """top_rank (before, `rank_top`), top_before and top_after (`overlap_top`), each from the unflagged pairs.
    Polars takes each group's top rows with `top_k_by`; other engines number each group's rows in the same order
    (a night's missing scores last) and keep the first ones."""
    tops = (("before", params.rank_top, "top_rank"), ("before", params.overlap_top, "top_before"),
            ("after", params.overlap_top, "top_after"))
    F, pairs = api(pairs)
    if F is pl:
        numbered = pairs.with_row_index("_row")
        # the three top lists (a few thousand rows) made at once and looked up, rather than joined to every row
        found = pl.collect_all([_top_rows(numbered, group, params.keys, side, n) for side, n, _ in tops])
        return numbered.with_columns(pl.col("_row").is_in(rows["_row"].implode()).alias(name)
                                     for rows, (_, _, name) in zip(found, tops, strict=True)).drop("_row")
    out = pairs
    for side, n, name in tops:
        score, raw = F.col(f"score_{side}"), F.col(f"raw_{side}")
        order = [score.is_null(), -score, -raw, *(F.col(k) for k in params.keys)]
        out = row_number(F, out, group, order).with_columns(
            ((F.col("_row") <= n) & ~score.is_null()).alias(name)).drop("_row")
    return out


def _rank_correlation(F: ModuleType, pairs: Any, group: list[str], where: Any, x: Any, y: Any, name: str) -> Any:
    """Spearman's rank correlation of `x` and `y` over each group's rows `where`, as Polars' is: Pearson's r of
    the average ranks (ties share the mean of their ranks). Average ranks of n values sum to n (n + 1) / 2
    whatever the ties, so they are centred on (n + 1) / 2 without a pass for the mean. Constant values: NaN."""
    rows = pairs.filter(where).select(*group, x.alias("_x"), y.alias("_y"))
    centre = (F.col("_x").count().over(*group) + 1) / 2
    rows = rows.with_columns(_dx=F.col("_x").rank("average").over(*group) - centre,
                             _dy=F.col("_y").rank("average").over(*group) - centre)
    sums = rows.group_by(group).agg(_sxy=(F.col("_dx") * F.col("_dy")).sum(), _sxx=(F.col("_dx") ** 2).sum(),
                                    _syy=(F.col("_dy") ** 2).sum())
    return sums.select(*group, (F.col("_sxy") / (F.col("_sxx") * F.col("_syy")).sqrt()).alias(name))


def _moves(F: ModuleType, pairs: Any, group: list[str], params: SwingParams) -> Any:
    both = ~F.col("score_before").is_null() & ~F.col("score_after").is_null()
    move = (F.col("score_after") - F.col("score_before")).abs()
    top = F.col("top_rank")
    counts = {"n_before": ~F.col("score_before").is_null(), "n_after": ~F.col("score_after").is_null(),
              "n_common": both, "_tops_kept": F.col("top_before") & F.col("top_after"),
              "_top_before": F.col("top_before"), "_top_after": F.col("top_after")}
    aggs = {name: flag.cast(F.Int64).sum() for name, flag in counts.items()}

    def common(expr: Any, where: Any = both) -> Any:
        """`expr` of the accounts on both nights (and `where`): Polars filters them (a float mean of a filtered
        column and of one with nulls may sum in another order); SQL engines have no filter inside an aggregation,
        so there the other accounts' values are null, which a mean skips."""
        return expr.filter(where) if F is pl else F.when(where).then(expr)

    aggs |= {"share_moved_10": common((move >= params.move_points).cast(F.Int64)).mean(),
             "mean_abs_move": common(move).mean(),
             "top100_mean_abs_move": common(move, both & (F.col("top_before") | F.col("top_after"))).mean()}
    if F is pl:
        aggs |= {"spearman": pl.corr(pl.col("score_before").filter(both), pl.col("score_after").filter(both),
                                     method="spearman"),
                 "spearman_top1000": pl.corr(pl.col("score_before").filter(top),
                                             pl.col("score_after").fill_null(0).filter(top), method="spearman")}
    wide = pairs.group_by(group).agg(**aggs)
    if F is not pl:
        for name, where, after in (("spearman", both, F.col("score_after")),
                                   ("spearman_top1000", top, F.col("score_after").fill_null(0))):
            corr = _rank_correlation(F, pairs, group, where, F.col("score_before"), after, name)
            wide = wide.join(corr, on=group, how="left")
    return wide.with_columns(
        top100_overlap=F.col("_tops_kept")
        / F.min_horizontal(F.col("_top_before"), F.col("_top_after")).clip(lower_bound=1),
        share_new=(F.col("n_after") - F.col("n_common")) / F.col("n_after").clip(lower_bound=1),
        share_missing=(F.col("n_before") - F.col("n_common")) / F.col("n_before").clip(lower_bound=1),
    ).drop("_tops_kept", "_top_before", "_top_after")


def _distribution_shift(F: ModuleType, pairs: Any, group: list[str], params: SwingParams) -> Any:
    """PSI over score bins and KS over the 1..100 score CDF, each night's whole population."""
    def counts(col: str, name: str, bucket: Any) -> Any:
        return (pairs.filter(~F.col(col).is_null()).with_columns(bucket.alias("bucket"))
                .group_by(*group, "bucket").agg(F.len().cast(F.Int64).alias(name)))

    def shares(bucket_of) -> Any:
        joined = full_join(counts("score_before", "b", bucket_of("score_before")),
                           counts("score_after", "a", bucket_of("score_after")), [*group, "bucket"], suffix="_a")
        joined = joined.with_columns(F.col("a", "b").fill_null(0))
        return joined.with_columns(
            pb=F.col("b") / F.col("b").sum().over(*group).clip(lower_bound=1),
            pa=F.col("a") / F.col("a").sum().over(*group).clip(lower_bound=1),
        )

    pa, pb = F.col("pa").clip(lower_bound=_EPS), F.col("pb").clip(lower_bound=_EPS)
    bins = shares(lambda c: (F.col(c) - 1) // params.bin_width).with_columns(_psi=(pa - pb) * (pa / pb).log())
    psi = bins.group_by(group).agg(psi=F.col("_psi").sum())
    # the two cumulative shares in score order within each group
    cdf = [F.col(c).cum_sum().over(*group, order_by="bucket") for c in ("pa", "pb")]
    values = shares(lambda c: F.col(c)).with_columns(_gap=(cdf[0] - cdf[1]).abs())
    ks = values.group_by(group).agg(ks=F.col("_gap").max())
    return full_join(psi, ks, group, suffix="_ks")


def swing_metrics(before: Any, after: Any, params: SwingParams = SwingParams(), pairs: Any = None) -> Any:
    """Long rows: scope (`all` or the grouping's columns joined by `/`), scope_value, metric, value, n_common,
    for every grouping in `params.groupings` and every metric in METRICS. A correlation over constant scores is
    undefined (every score equal is exactly the broken run to catch), so it is reported as 0. `pairs`: the two
    nights already paired on `params.keys` (`paired(before, after, keys)`, evaluated; a Polars frame is moved to
    `before`'s engine), when another comparison of the same nights made them. Returns `before`'s kind of frame."""
    F, before_lf = api(before)
    if pairs is None:
        pairs = _paired(F, before_lf, api(after)[1], params.keys)
    elif F is not pl and isinstance(pairs, pl.DataFrame):
        pairs = small_table(before_lf, pairs)
    else:
        pairs = api(pairs)[1]
    if params.floor is not None:
        # an account one side does not score at all is not scored above the bottom there either: at 1 under one
        # algorithm and absent under the other, it is silent under both, not "missing" (nor "new")
        bottom = [F.col(f"score_{side}").fill_null(params.floor) <= params.floor for side in ("before", "after")]
        pairs = pairs.filter(~(bottom[0] & bottom[1]))
    # Evaluated once: every grouping and metric reads the pairs; the plan would otherwise redo the join per use.
    pairs = materialize(pairs)
    out = []
    for by in params.groupings:
        group = list(by) or ["scope"]
        p = pairs if by else pairs.with_columns(scope=F.lit("all"))
        p = materialize(_flag_tops(p, group, params))  # read by several metrics below
        wide = (
            _moves(F, p, group, params)
            .join(_distribution_shift(F, p, group, params), on=group, how="left")
            .with_columns(F.col("spearman", "spearman_top1000").fill_nan(0.0).fill_null(0.0))
            .with_columns(F.col("share_moved_10", "mean_abs_move", "top100_mean_abs_move").fill_null(0.0))
        )
        out.append(long_metrics(wide, list(by), "/".join(by) or "all"))
    return native(F.concat(out), before)


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
            top100_mean_abs_move=pl.lit(0.0),
            psi=pl.lit(0.0), ks=pl.lit(0.0), share_new=pl.lit(0.0), share_missing=pl.lit(0.0),
        )
        out.append(long_metrics(wide, list(by), "/".join(by) or "all"))
    return pl.concat(out)


def long_metrics(wide: Any, group: list[str], scope: str) -> Any:
    """Wide metrics (one row per group) as long rows: scope, scope_value, metric, value, n_common."""
    F, lf = api(wide)
    value = F.concat_str([F.col(c).cast(F.String) for c in group], separator="/") if group else F.lit("all")
    return native(
        lf.with_columns(scope=F.lit(scope), scope_value=value)
        .unpivot(on=list(METRICS), index=["scope", "scope_value", "n_common"], variable_name="metric")
        .with_columns(F.col("value").cast(F.Float64), F.col("n_common").cast(F.Int64))
        .select("scope", "scope_value", "metric", "value", "n_common"), wide)


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
