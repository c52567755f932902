"""The scoring model: a pure function from a per-account feature frame to a 1..100 score and its parts.

It can be evaluated on any feature data, not only on what the pipeline made (`clout score-features`).

Input, one row per account (counts over the window; the pipeline's are decayed by age). Every column but
`account_id` is optional, and a missing column or a null value means *unknown*, never zero: the model uses
what it has and lists the parts it could not compute in `unknown_parts`.

  account_id                                        required
  network                                           optional, for the caller's grouping
  followers, following, lists                       profile counts (`following` is read, never rewarded)
  posts                                             posts in the window
  reposts_received, replies_received, mentions_received, quotes_received, likes_received
  distinct_reactors                                 people who reacted at least once
  reposts_sent, mentions_sent, replies_sent         read, never rewarded: reacting is not influence
  network_impact                                    PageRank x accounts (1.0 = average account)
  effective_reactors                                distinct reactors weighted by selectivity (graph-made)
  suspect_share                                     0..1, share of engagement from rings / bought (graph-made)

Raw score = sum of parts (natural-log scale, weights from the algorithm config):

  reach       w_reach  * ln(1 + reactors)                 reactors = effective_reactors, else distinct_reactors
  engagement  w_engage * ln(1 + capped)                   capped = kind-weighted reactions, where more than
                                                          `repeat_cap` per reactor count only logarithmically,
                                                          x selectivity = effective / distinct reactors
  rate        w_rate   * ln(1 + capped / max(posts, 1))   reactions relative to posting volume
  impact      w_impact * ln(1 + max(impact - 1, 0))       only above-average network impact counts
  audience    w_aud    * ln(1 + followers + 10 * lists)
  discount    the same four parts computed on trusted volume (reactor, reaction and impact counts x
              (1 - discount_strength * suspect_share)), minus the four parts above: <= 0

The frozen calibration of the version maps raw to 1..100 (monotone; raw 0 = 1). Each part's points are its
share of the raw score times (score - 1), so the points of the parts add up to the score minus 1.
"""

from __future__ import annotations

import polars as pl

from transforms.algorithm import KINDS, Calibration, ModelParams

INPUT_COLUMNS = (
    "followers", "following", "lists", "posts",
    "reposts_received", "replies_received", "mentions_received", "quotes_received", "likes_received",
    "distinct_reactors", "reposts_sent", "mentions_sent", "replies_sent", "network_impact",
    "effective_reactors", "suspect_share",
)
PARTS = ("reach", "engagement", "rate", "impact", "audience", "discount")
# The columns a part needs: it is unknown when all of them are unknown.
PART_NEEDS = {
    "reach": ("effective_reactors", "distinct_reactors"),
    "engagement": tuple(f"{k}_received" for k in KINDS),
    "rate": ("posts",),
    "impact": ("network_impact",),
    "audience": ("followers", "lists"),
    "discount": ("suspect_share",),
}
OUTPUT_COLUMNS = ("account_id", "score", "raw_score", *(f"part_{p}" for p in PARTS), "unknown_parts")


def with_unknowns(frame: pl.LazyFrame) -> pl.LazyFrame:
    """Add every missing input column as null Float64 (unknown), and cast present ones to Float64."""
    names = frame.collect_schema().names()
    if "account_id" not in names:
        raise ValueError("the feature frame needs an `account_id` column")
    return frame.with_columns(
        *[pl.col(c).cast(pl.Float64) if c in names else pl.lit(None, pl.Float64).alias(c) for c in INPUT_COLUMNS],
        pl.col("account_id").cast(pl.String),
    )


def _ln1p(x: pl.Expr) -> pl.Expr:
    return x.clip(lower_bound=0.0).log1p()


def raw_parts(p: ModelParams, trust: pl.Expr) -> dict[str, pl.Expr]:
    """Raw (log-scale) value of each part, with reactor and reaction counts scaled by `trust` (0..1); null
    where the part's inputs are unknown."""
    weighted = pl.sum_horizontal([pl.col(f"{k}_received") * w for k, w in p.kind_weights.items()])
    any_kind = pl.any_horizontal([pl.col(f"{k}_received").is_not_null() for k in KINDS])
    weighted = pl.when(any_kind).then(weighted) * trust
    reactors = pl.coalesce("effective_reactors", "distinct_reactors") * trust
    cap = reactors * p.repeat_cap
    # Reactions from accounts that react to everything count less: scale by the audience's selectivity.
    # (of the trusted audience: suspect reactors are already out of `effective_reactors`).
    selectivity = (pl.col("effective_reactors") / (pl.col("distinct_reactors") * trust)).clip(0.0, 1.0).fill_nan(1.0)
    capped = pl.when(weighted > cap).then(cap + _ln1p(weighted - cap)).otherwise(weighted)
    capped = capped * selectivity.fill_null(1.0)
    return {
        "reach": p.reach * _ln1p(reactors),
        "engagement": p.engagement * _ln1p(capped),
        "rate": p.rate * _ln1p(capped.fill_null(0.0) / pl.col("posts").clip(lower_bound=1.0)),
        "impact": p.impact * _ln1p(pl.col("network_impact") * trust - 1.0),
    }


def calibrate(raw: pl.Expr, cal: Calibration) -> pl.Expr:
    """Piecewise-linear, monotone raw -> 1..100 with the frozen knots; beyond the last knot the last slope
    continues up to 100. Rounded half up, so equal raw scores always get equal points."""
    knots, points = (0.0, *cal.knots), (1.0, *cal.points)
    expr = pl.when(raw <= 0).then(pl.lit(1.0))
    for i in range(1, len(knots)):
        slope = (points[i] - points[i - 1]) / (knots[i] - knots[i - 1])
        expr = expr.when(raw <= knots[i]).then(points[i - 1] + (raw - knots[i - 1]) * slope)
    last = (points[-1] - points[-2]) / (knots[-1] - knots[-2])
    expr = expr.otherwise(points[-1] + (raw - knots[-1]) * last)
    return (expr + 0.5).floor().clip(1, 100).cast(pl.Int32)


def score_features(features: pl.LazyFrame, params: ModelParams, cal: Calibration) -> pl.LazyFrame:
    """Feature frame -> the input columns plus `score` (1..100), `raw_score`, `part_<name>` points and
    `unknown_parts` (comma-separated part names the model could not compute, "" when none)."""
    unknown = [pl.when(pl.all_horizontal([pl.col(c).is_null() for c in PART_NEEDS[part]])).then(pl.lit(part))
               for part in PARTS]
    # Suspect engagement (rings, bought) is removed before the logs: a buyer keeps what its real audience gives.
    trust = 1.0 - params.discount_strength * pl.col("suspect_share").fill_null(0.0).clip(0.0, 1.0)
    full, trusted = raw_parts(params, pl.lit(1.0)), raw_parts(params, trust)
    audience = params.audience * _ln1p(pl.col("followers").fill_null(0.0) + 10 * pl.col("lists").fill_null(0.0))
    return (
        with_unknowns(features)
        .with_columns(
            *[expr.alias(f"_{name}") for name, expr in full.items()],
            _audience=pl.when(pl.col("followers").is_not_null() | pl.col("lists").is_not_null()).then(audience),
            # Removing suspect engagement never adds points. The trusted parts can come out a hair above the full
            # ones (float residue, and the capped repeats per reactor when a share of reactions is removed): clipped.
            _discount=pl.when(pl.col("suspect_share").is_not_null())
            .then((pl.sum_horizontal(trusted.values()) - pl.sum_horizontal(full.values())).clip(upper_bound=0.0)),
        )
        .with_columns(raw_score=pl.sum_horizontal([f"_{p}" for p in PARTS]))
        # Float residue of a fully discounted account (1e-16) is zero, not a score with huge parts.
        .with_columns(raw_score=pl.when(pl.col("raw_score") > 1e-9).then(pl.col("raw_score")).otherwise(0.0))
        .with_columns(score=calibrate(pl.col("raw_score"), cal))
        .with_columns(
            # Points of a part = its share of the raw score x (score - 1); an unknown part has no points.
            *[pl.when(pl.col("raw_score") > 0)
              .then(pl.col(f"_{p}") / pl.col("raw_score") * (pl.col("score") - 1))
              .otherwise(pl.when(pl.col(f"_{p}").is_not_null()).then(0.0))
              .alias(f"part_{p}") for p in PARTS],
            unknown_parts=pl.concat_str(unknown, separator=",", ignore_nulls=True).fill_null(""),
        )
        .drop([f"_{p}" for p in PARTS])
    )
