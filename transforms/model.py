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

A `terms` model (v3, `model.terms` in its config) makes each part a sum of fitted weights x ln(1 + feature),
one weight per term (TERM_PARTS), so the weights can be fitted by a pairwise logistic over the same logs
(bench/validity.py --fit):

  reach       reactors    ln(1 + reactors)                  effective_reactors, else distinct_reactors
  engagement  reposts, quotes, replies, mentions, likes: ln(1 + that kind's reactions), repeats capped and
              scaled by selectivity as above, so each kind of deliberate act has its own weight
  rate        per_post    ln(1 + capped / max(posts, 1))
  impact      impact      ln(1 + max(impact - 1, 0))
  audience    followers   ln(1 + followers);   lists   ln(1 + lists)   (profile counts: not discounted)
  discount    as above: the same terms on trusted volume, minus the terms on all of it

The frozen calibration of the version maps raw to 1..100 (monotone; raw 0 = 1). A part's points are its
Shapley value in the calibrated score: the points it adds on average over every order in which the parts could
be added to nothing (exact, over the subsets of the parts that moved, vectorised). So the points of the parts add up to
the score minus 1, a suspect-engagement discount that cancels the rest shows as the negative points it takes,
and no part's points depend on an order. See `shapley_points`.
"""

from __future__ import annotations

from itertools import combinations
from math import factorial

import polars as pl

from transforms.algorithm import KINDS, TERMS, Calibration, ModelParams

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
# The part each log term of a `terms` model (v3) belongs to.
TERM_PARTS = {"reactors": "reach", "reposts": "engagement", "quotes": "engagement", "replies": "engagement",
              "mentions": "engagement", "likes": "engagement", "per_post": "rate", "impact": "impact",
              "followers": "audience", "lists": "audience"}
assert tuple(TERM_PARTS) == TERMS
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


def _capped(p: ModelParams, trust: pl.Expr) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(reactors, capped kind-weighted reactions, the factor each raw reaction count is scaled by), trusted."""
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
    factor = (capped / weighted).fill_nan(0.0).fill_null(selectivity.fill_null(1.0)) * trust
    return reactors, capped, factor


def log_terms(p: ModelParams, trust: pl.Expr) -> dict[str, pl.Expr]:
    """A `terms` model's ln(1 + feature) per term, before its weight; reaction counts scaled by `trust` and
    capped as in the `capped` engagement; null where the term's input is unknown."""
    reactors, capped, factor = _capped(p, trust)
    return {
        "reactors": _ln1p(reactors),
        **{k: _ln1p(pl.col(f"{k}_received") * factor) for k in KINDS},
        "per_post": _ln1p(capped.fill_null(0.0) / pl.col("posts").clip(lower_bound=1.0)),
        "impact": _ln1p(pl.col("network_impact") * trust - 1.0),
        "followers": _ln1p(pl.col("followers")),
        "lists": _ln1p(pl.col("lists")),
    }


def term_parts(p: ModelParams, trust: pl.Expr) -> dict[str, pl.Expr]:
    """A `terms` model's parts: weight x term summed per part, null when every term of the part is unknown."""
    terms = log_terms(p, trust)
    out = {}
    for part in dict.fromkeys(TERM_PARTS.values()):
        names = [t for t, q in TERM_PARTS.items() if q == part]
        known = pl.any_horizontal([terms[t].is_not_null() for t in names])
        total = pl.sum_horizontal([terms[t].fill_null(0.0) * p.terms[t] for t in names])
        out[part] = pl.when(known).then(total * getattr(p, part))
    return out


def raw_parts(p: ModelParams, trust: pl.Expr) -> dict[str, pl.Expr]:
    """Raw (log-scale) value of each part but audience, with reactor and reaction counts scaled by `trust`
    (0..1); null where the part's inputs are unknown."""
    if p.terms is not None:
        return {k: v for k, v in term_parts(p, trust).items() if k != "audience"}
    reactors, capped, _ = _capped(p, trust)
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
    """Feature frame -> the input columns plus `score` (1..100), `raw_score`, `part_<name>` points, `raw_<name>`
    (the part's raw value, null when unknown) and `unknown_parts` (comma-separated part names the model could
    not compute, "" when none)."""
    unknown = [pl.when(pl.all_horizontal([pl.col(c).is_null() for c in PART_NEEDS[part]])).then(pl.lit(part))
               for part in PARTS]
    # Suspect engagement (rings, bought) is removed before the logs: a buyer keeps what its real audience gives.
    trust = 1.0 - params.discount_strength * pl.col("suspect_share").fill_null(0.0).clip(0.0, 1.0)
    full, trusted = raw_parts(params, pl.lit(1.0)), raw_parts(params, trust)
    audience = (term_parts(params, trust)["audience"] if params.terms is not None else
                params.audience * _ln1p(pl.col("followers").fill_null(0.0) + 10 * pl.col("lists").fill_null(0.0)))
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
        .pipe(with_shapley, [f"_{p}" for p in PARTS], None, "score", None, cal, "_points_")
        .with_columns(
            # Points of a part = its Shapley value in the calibrated score; an unknown part has no points.
            *[pl.when(pl.col(f"_{p}").is_not_null()).then(pl.col(f"_points_{p}")).alias(f"part_{p}")
              for p in PARTS],
            unknown_parts=pl.concat_str(unknown, separator=",", ignore_nulls=True).fill_null(""),
        )
        .rename({f"_{p}": f"raw_{p}" for p in PARTS})
        .drop([f"_points_{p}" for p in PARTS])
    )


def calibrated(raw: pl.Expr, cal: Calibration) -> pl.Expr:
    """`calibrate` before rounding: 1 + a sum of hinges (no branches), so 2^k of them stay cheap."""
    knots, points = (0.0, *cal.knots), (1.0, *cal.points)
    slopes = [(points[i] - points[i - 1]) / (knots[i] - knots[i - 1]) for i in range(1, len(knots))]
    expr = pl.lit(1.0)
    for i, slope in enumerate(slopes):
        width = knots[i + 1] - knots[i] if i + 1 < len(slopes) else None
        expr = expr + slope * (raw - knots[i]).clip(0.0, width)
    return expr.clip(1.0, 100.0)


RESIDUE = 1e-9  # points: below this a part's share is float residue


def with_shapley(frame: pl.LazyFrame, today: list[str], base: list[str] | None, score: str, base_score: str | None,
                 cal: Calibration, prefix: str) -> pl.LazyFrame:
    """Add `<prefix><part>`: each part's share of `score - base_score` as its exact Shapley value (`_shapley`).

    A part at the baseline's value (nulls as 0; from nothing: 0) is a null player: switching it changes no subset's
    value, so its Shapley value is exactly 0 and the others' values are those of the game without it. So each row
    plays the game of the parts that moved only: the rows are split by which parts moved (a bit mask) and each
    group evaluates the 2^m subsets of its m moved parts instead of all 2^6. Where no part moved the game is
    constant: every share is 0 (on the Higgs week 83% of the accounts; a 10M-account night's rows move 2-3 parts,
    so 4-8 subsets instead of 64). Row order is kept."""
    now = [pl.col(c).fill_null(0.0) for c in today]
    then = [pl.col(c).fill_null(0.0) for c in base] if base else [pl.lit(0.0)] * len(today)
    row, moved = "_shapley_row", "_shapley_moved"
    # Collected once: the shares are computed on the columns the game reads, split by the parts that moved, and
    # put back beside the rows in their order (a plan evaluated twice may not give its rows in the same order).
    data = frame.collect()
    game = data.select(*dict.fromkeys([*today, *(base or []), score, *([base_score] if base_score else [])]))
    numbered = game.with_row_index(row).with_columns(
        pl.sum_horizontal([(a != b).cast(pl.Int16) * (1 << i) for i, (a, b) in enumerate(zip(now, then, strict=True))])
        .alias(moved))
    shares = [f"{prefix}{p}" for p in PARTS]
    groups = [numbered.lazy().head(0).with_columns(**{c: pl.lit(0.0) for c in shares})]
    for (mask,), rows in numbered.partition_by(moved, as_dict=True).items():
        players = [i for i in range(len(today)) if mask >> i & 1]
        groups.append(_shapley(rows.lazy(), today, base, score, base_score, cal, prefix, players) if players else
                      rows.lazy().with_columns(**{c: pl.lit(0.0) for c in shares}))
    split = pl.concat(pl.collect_all(groups), how="vertical_relaxed").sort(row)
    return data.hstack(split.select(shares)).lazy()


def _shapley(frame: pl.LazyFrame, today: list[str], base: list[str] | None, score: str, base_score: str | None,
             cal: Calibration, prefix: str, players: list[int]) -> pl.LazyFrame:
    """Add `<prefix><part>`: each part's share of `score - base_score` as its exact Shapley value.

    `today` / `base`: the raw part columns (PARTS order) now and at the baseline (None: all zero, and
    `base_score` None: 1, to split a score into points from 1); `players`: the parts that moved (the others are
    at the baseline's value in every row of `frame`: their share is 0). The game: v(S) = the calibrated score
    with the parts in S at today's values and the others at the baseline's (nulls count 0). A part's value is the
    average of what switching it alone adds, over every subset of the other players, weighted as over every
    order: order-free, and a part that did not move gets nothing. Scores are rounded, the game is not: the
    rounding rest (under a point) goes to the parts that moved the way it points, in proportion, so the shares
    add up to exactly `score - base_score`. The 2^m subset values are vectorised columns.
    """
    k, m = len(today), len(players)
    now = [pl.col(c).fill_null(0.0) for c in today]
    then = [pl.col(c).fill_null(0.0) for c in base] if base else [pl.lit(0.0)] * k
    subsets = [s for size in range(m + 1) for s in combinations(players, size)]
    name = {s: "_v" + "".join(map(str, s)) for s in subsets}
    frame = frame.with_columns(
        calibrated(pl.sum_horizontal([now[i] if i in s else then[i] for i in range(k)]), cal).alias(name[s])
        for s in subsets)
    phi = {p: pl.lit(0.0) for p in PARTS}
    for i in players:
        terms = []
        for size in range(m):
            weight = factorial(size) * factorial(m - size - 1) / factorial(m)
            for s in combinations([j for j in players if j != i], size):
                terms.append(weight * (pl.col(name[tuple(sorted((*s, i)))]) - pl.col(name[s])))
        phi[PARTS[i]] = pl.sum_horizontal(terms)
    frame = frame.with_columns(**{f"_phi_{p}": e for p, e in phi.items()}).drop(name.values())
    cols = [pl.col(f"_phi_{p}") for p in PARTS]
    total = pl.col(score) - (pl.col(base_score) if base_score else pl.lit(1.0))
    frame = frame.with_columns(
        _rest=total - pl.sum_horizontal(cols),
        _pos=pl.sum_horizontal([c.clip(lower_bound=0.0) for c in cols]),
        _neg=pl.sum_horizontal([(-c).clip(lower_bound=0.0) for c in cols]),
    )
    up = pl.col("_rest") > 0
    same, other = pl.when(up).then("_pos").otherwise("_neg"), pl.when(up).then("_neg").otherwise("_pos")
    use_same = same > 0
    mass = pl.when(use_same).then(same).otherwise(other)
    out = {}
    for p, c in zip(PARTS, cols, strict=True):
        share = pl.when(use_same == up).then(c.clip(lower_bound=0.0)).otherwise((-c).clip(lower_bound=0.0))
        points = c + pl.when(mass > 0).then(pl.col("_rest") * share / mass).otherwise(0.0)
        # A part whose share the rest takes back whole (a score of 1: every point of it rounded away) comes out as
        # c - c, float residue of either sign (-6e-17 at 10M accounts, which the contract part >= 0 caught): 0.
        out[f"{prefix}{p}"] = pl.when(points.abs() < RESIDUE).then(0.0).otherwise(points)
    return frame.with_columns(**out).drop([f"_phi_{p}" for p in PARTS], "_rest", "_pos", "_neg")
