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
and no part's points depend on an order. See `with_shapley`.

One code path, two engines: the functions are written in the part of Polars' API that Narwhals implements
(transforms/frames.py), so they take a Polars LazyFrame (the default engine) or a PySpark DataFrame (the Spark
engine) and return the same kind; an expression helper (`calibrate`, `log_terms`, ...) makes expressions of the
kind it is given. ln(1 + x) is Polars' log1p on Polars and log(1 + x) elsewhere (Narwhals has no log1p): raw values
agree to about 1e-14 between the engines.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import combinations
from math import factorial
from types import ModuleType
from typing import Any

import polars as pl

from transforms.algorithm import KINDS, TERMS, Calibration, ModelParams
from transforms.frames import (
    all_horizontal,
    any_horizontal,
    api,
    api_of,
    cut,
    materialize,
    native,
    ordered,
    small_table,
    with_row_ids,
)

Expr = Any  # a Polars or a Narwhals expression (transforms/frames.py)

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


def with_unknowns(frame: Any) -> Any:
    """Add every missing input column as null Float64 (unknown), and cast present ones to Float64."""
    F, lf = api(frame)
    names = lf.collect_schema().names()
    if "account_id" not in names:
        raise ValueError("the feature frame needs an `account_id` column")
    return native(lf.with_columns(
        *[F.col(c).cast(F.Float64) if c in names else F.lit(None, F.Float64).alias(c) for c in INPUT_COLUMNS],
        F.col("account_id").cast(F.String),
    ), frame)


def _ln1p(x: Expr) -> Expr:
    """ln(1 + x) of x >= 0 (negatives count 0). Polars keeps its log1p (the default engine's bits do not move);
    Narwhals has no log1p, so other engines take log(1 + x), within a few ulps of it."""
    if api_of(x) is pl:
        return x.clip(lower_bound=0.0).log1p()
    return (x.clip(lower_bound=0.0) + 1.0).log()


class _Columns:
    """Intermediate values as columns of their own (`bind`), each made by one step before the expressions that read
    them: Polars finds common subexpressions itself, Spark does not, and Narwhals' Spark division and log repeat their
    operands (to give Polars' inf and NaN), so one nested expression of the model grew to a plan Spark took
    minutes to optimise and could not compile. The same formulas either way: the same values."""

    def __init__(self, F: ModuleType, tag: str) -> None:
        self.F, self.tag, self.steps, self.names = F, tag, [], []

    def __call__(self, name: str, expr: Expr) -> Expr:
        column = f"_{self.tag}_{name}"
        if column not in self.names:
            self.names.append(column)
            self.steps.append(expr.alias(column))
        return self.F.col(column)

    def apply(self, lf: Any) -> Any:
        for step in self.steps:
            lf = lf.with_columns(step)
        return lf


def _inline(name: str, expr: Expr) -> Expr:
    return expr


def _capped(p: ModelParams, trust: Expr, bind: Callable[[str, Expr], Expr] = _inline) -> tuple[Expr, Expr, Expr]:
    """(reactors, capped kind-weighted reactions, the factor each raw reaction count is scaled by), trusted.
    `bind`: how intermediate values are kept (_Columns), else inline in the expressions."""
    F = api_of(trust)
    weighted = F.sum_horizontal([F.col(f"{k}_received") * w for k, w in p.kind_weights.items()])
    any_kind = any_horizontal(F, [~F.col(f"{k}_received").is_null() for k in KINDS])
    weighted = bind("weighted", F.when(any_kind).then(weighted) * trust)
    reactors = bind("reactors", F.coalesce(F.col("effective_reactors"), F.col("distinct_reactors")) * trust)
    cap = reactors * p.repeat_cap
    # Reactions from accounts that react to everything count less: scale by the audience's selectivity.
    # (of the trusted audience: suspect reactors are already out of `effective_reactors`).
    selectivity = bind("selectivity", (F.col("effective_reactors") / (F.col("distinct_reactors") * trust))
                       .clip(0.0, 1.0).fill_nan(1.0))
    capped = F.when(weighted > cap).then(cap + _ln1p(weighted - cap)).otherwise(weighted)
    capped = bind("capped", capped * selectivity.fill_null(1.0))
    factor = bind("factor", (capped / weighted).fill_nan(0.0).fill_null(selectivity.fill_null(1.0)) * trust)
    return reactors, capped, factor


def log_terms(p: ModelParams, trust: Expr, bind: Callable[[str, Expr], Expr] = _inline) -> dict[str, Expr]:
    """A `terms` model's ln(1 + feature) per term, before its weight; reaction counts scaled by `trust` and
    capped as in the `capped` engagement; null where the term's input is unknown."""
    F = api_of(trust)
    reactors, capped, factor = _capped(p, trust, bind)
    return {
        "reactors": _ln1p(reactors),
        **{k: _ln1p(F.col(f"{k}_received") * factor) for k in KINDS},
        "per_post": _ln1p(capped.fill_null(0.0) / F.col("posts").clip(lower_bound=1.0)),
        "impact": _ln1p(F.col("network_impact") * trust - 1.0),
        "followers": _ln1p(F.col("followers")),
        "lists": _ln1p(F.col("lists")),
    }


def term_parts(p: ModelParams, trust: Expr, bind: Callable[[str, Expr], Expr] = _inline) -> dict[str, Expr]:
    """A `terms` model's parts: weight x term summed per part, null when every term of the part is unknown."""
    F = api_of(trust)
    terms = log_terms(p, trust, bind)
    out = {}
    for part in dict.fromkeys(TERM_PARTS.values()):
        names = [t for t, q in TERM_PARTS.items() if q == part]
        known = any_horizontal(F, [~terms[t].is_null() for t in names])
        total = F.sum_horizontal([terms[t].fill_null(0.0) * p.terms[t] for t in names])
        out[part] = F.when(known).then(total * getattr(p, part))
    return out


def raw_parts(p: ModelParams, trust: Expr, bind: Callable[[str, Expr], Expr] = _inline) -> dict[str, Expr]:
    """Raw (log-scale) value of each part but audience, with reactor and reaction counts scaled by `trust`
    (0..1); null where the part's inputs are unknown."""
    F = api_of(trust)
    if p.terms is not None:
        return {k: v for k, v in term_parts(p, trust, bind).items() if k != "audience"}
    reactors, capped, _ = _capped(p, trust, bind)
    return {
        "reach": p.reach * _ln1p(reactors),
        "engagement": p.engagement * _ln1p(capped),
        "rate": p.rate * _ln1p(capped.fill_null(0.0) / F.col("posts").clip(lower_bound=1.0)),
        "impact": p.impact * _ln1p(F.col("network_impact") * trust - 1.0),
    }


def calibrate(raw: Expr, cal: Calibration) -> Expr:
    """Piecewise-linear, monotone raw -> 1..100 with the frozen knots; beyond the last knot the last slope
    continues up to 100. Rounded half up, so equal raw scores always get equal points."""
    F = api_of(raw)
    knots, points = (0.0, *cal.knots), (1.0, *cal.points)
    expr = F.when(raw <= 0).then(F.lit(1.0))
    for i in range(1, len(knots)):
        slope = (points[i] - points[i - 1]) / (knots[i] - knots[i - 1])
        expr = expr.when(raw <= knots[i]).then(points[i - 1] + (raw - knots[i - 1]) * slope)
    last = (points[-1] - points[-2]) / (knots[-1] - knots[-2])
    expr = expr.otherwise(points[-1] + (raw - knots[-1]) * last)
    return (expr + 0.5).floor().clip(1, 100).cast(F.Int32)


def score_features(features: Any, params: ModelParams, cal: Calibration) -> Any:
    """Feature frame -> the input columns plus `score` (1..100), `raw_score`, `part_<name>` points, `raw_<name>`
    (the part's raw value, null when unknown) and `unknown_parts` (comma-separated part names the model could
    not compute, "" when none). A Polars frame keeps its row order."""
    F, lf = api(features)
    unknown = [F.when(all_horizontal(F, [F.col(c).is_null() for c in PART_NEEDS[part]]))
               .then(F.lit(part)) for part in PARTS]
    # Suspect engagement (rings, bought) is removed before the logs: a buyer keeps what its real audience gives.
    lf = with_unknowns(lf).with_columns(
        _trust=1.0 - params.discount_strength * F.col("suspect_share").fill_null(0.0).clip(0.0, 1.0))
    trust = F.col("_trust")
    as_full, as_trusted = _Columns(F, "full"), _Columns(F, "trusted")
    full, trusted = raw_parts(params, F.lit(1.0), as_full), raw_parts(params, trust, as_trusted)
    audience = (term_parts(params, trust, as_trusted)["audience"] if params.terms is not None else
                params.audience * _ln1p(F.col("followers").fill_null(0.0) + 10 * F.col("lists").fill_null(0.0)))
    lf = cut(as_trusted.apply(cut(as_full.apply(lf)))).with_columns(
        *[expr.alias(f"_{name}") for name, expr in full.items()],
        *[expr.alias(f"_trusted_part_{name}") for name, expr in trusted.items()],
    )
    scored = (
        lf.with_columns(
            _audience=F.when(~F.col("followers").is_null() | ~F.col("lists").is_null()).then(audience),
            # Removing suspect engagement never adds points. The trusted parts can come out a hair above the full
            # ones (float residue, and the capped repeats per reactor when a share of reactions is removed): clipped.
            _discount=F.when(~F.col("suspect_share").is_null())
            .then((F.sum_horizontal([F.col(f"_trusted_part_{name}") for name in trusted])
                   - F.sum_horizontal([F.col(f"_{name}") for name in full])).clip(upper_bound=0.0)),
        )
        .drop("_trust", *as_full.names, *as_trusted.names, *[f"_trusted_part_{name}" for name in trusted])
        .with_columns(raw_score=F.sum_horizontal([F.col(f"_{p}") for p in PARTS]))
        # Float residue of a fully discounted account (1e-16) is zero, not a score with huge parts.
        .with_columns(raw_score=F.when(F.col("raw_score") > 1e-9).then(F.col("raw_score")).otherwise(0.0))
        .with_columns(score=calibrate(F.col("raw_score"), cal))
        .pipe(with_shapley, [f"_{p}" for p in PARTS], None, "score", None, cal, "_points_")
        .with_columns(
            # Points of a part = its Shapley value in the calibrated score; an unknown part has no points.
            *[F.when(~F.col(f"_{p}").is_null()).then(F.col(f"_points_{p}")).alias(f"part_{p}")
              for p in PARTS],
            unknown_parts=F.concat_str(unknown, separator=",", ignore_nulls=True).fill_null(""),
        )
        .rename({f"_{p}": f"raw_{p}" for p in PARTS})
        .drop([f"_points_{p}" for p in PARTS])
    )
    return native(scored, features)


def calibrated(raw: Expr, cal: Calibration) -> Expr:
    """`calibrate` before rounding: 1 + a sum of hinges (no branches), so 2^k of them stay cheap."""
    F = api_of(raw)
    knots, points = (0.0, *cal.knots), (1.0, *cal.points)
    slopes = [(points[i] - points[i - 1]) / (knots[i] - knots[i - 1]) for i in range(1, len(knots))]
    expr = F.lit(1.0)
    for i, slope in enumerate(slopes):
        width = knots[i + 1] - knots[i] if i + 1 < len(slopes) else None
        expr = expr + slope * (raw - knots[i]).clip(0.0, width)
    return expr.clip(1.0, 100.0)


RESIDUE = 1e-9  # points: below this a part's share is float residue


def with_shapley(frame: Any, today: list[str], base: list[str] | None, score: str, base_score: str | None,
                 cal: Calibration, prefix: str) -> Any:
    """Add `<prefix><part>`: each part's share of `score - base_score` as its exact Shapley value (`_shapley`).

    A part at the baseline's value (nulls as 0; from nothing: 0) is a null player: switching it changes no subset's
    value, so its Shapley value is exactly 0 and the others' values are those of the game without it. So each row
    plays the game of the parts that moved only: the rows are split by which parts moved (a bit mask) and each
    group evaluates the 2^m subsets of its m moved parts instead of all 2^6. Where no part moved the game is
    constant: every share is 0 (on the Higgs week 83% of the accounts; a 10M-account night's rows move 2-3 parts,
    so 4-8 subsets instead of 64). A Polars frame keeps its row order.

    On Polars the frame is evaluated once, the masks present are read (at most 64 values), each mask's rows are
    filtered and scored as their own group, and the groups' shares are sorted back into the rows' order and set
    beside them. Other engines (Spark) play the same game in long form (`_shapley_long`)."""
    F, lf = api(frame)
    if F is not pl:  # another engine (Spark): the same game in long form, one plan for every mask
        return native(_shapley_long(lf, today, base, score, base_score, cal, prefix), frame)
    now = [F.col(c).fill_null(0.0) for c in today]
    then = [F.col(c).fill_null(0.0) for c in base] if base else [F.lit(0.0)] * len(today)
    row, moved = "_shapley_row", "_shapley_moved"
    # The game is played on the columns it reads, and the shares are put back beside the rows in their order (a
    # copy of a few columns, not of every column of the frame).
    data, _ = ordered(lf, row)
    game = data.select(row, *dict.fromkeys([*today, *(base or []), score, *([base_score] if base_score else [])]))
    game = materialize(game.with_columns(
        F.sum_horizontal([(a != b).cast(F.Int16) * (1 << i) for i, (a, b) in enumerate(zip(now, then, strict=True))])
        .alias(moved)))
    shares = [f"{prefix}{p}" for p in PARTS]
    masks = sorted(game.select(moved).unique().collect()[moved].to_list())
    groups = [game.with_columns(**{c: F.lit(0.0) for c in shares}).head(0)]  # the columns, when there are no rows
    for mask in masks:
        rows = game.filter(F.col(moved) == mask)
        players = [i for i in range(len(today)) if mask >> i & 1]
        groups.append(_shapley(rows, today, base, score, base_score, cal, prefix, players) if players else
                      rows.with_columns(**{c: F.lit(0.0) for c in shares}))
    split = F.concat(groups, how="vertical").sort(row).select(shares).collect()
    return native(F.concat([data.collect().drop(row), split], how="horizontal").lazy(), frame)


def _shapley(frame: Any, today: list[str], base: list[str] | None, score: str, base_score: str | None,
             cal: Calibration, prefix: str, players: list[int]) -> Any:
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
    F, lf = api(frame)
    k, m = len(today), len(players)
    # Each value the game reads more than once is a column of its own, so every expression below stays small: the
    # same plan on Polars, and Narwhals translates it in a fraction of the time of one nested tree.
    now = [f"_now{i}" for i in range(k)]
    then = [f"_then{i}" for i in range(k)]
    lf = lf.with_columns(
        *[F.col(c).fill_null(0.0).alias(now[i]) for i, c in enumerate(today)],
        *[(F.col(base[i]).fill_null(0.0) if base else F.lit(0.0)).alias(then[i]) for i in range(k)])
    subsets = [s for size in range(m + 1) for s in combinations(players, size)]
    name = {s: "_v" + "".join(map(str, s)) for s in subsets}
    lf = lf.with_columns(
        [F.sum_horizontal([F.col(now[i] if i in s else then[i]) for i in range(k)]).alias(name[s]) for s in subsets])
    # Polars: one expression over every subset's column, expanded per column (the hinges are built once); Narwhals
    # takes no expression of several columns where it appears more than once, so there one per column.
    lf = lf.with_columns(calibrated(F.col(*name.values()), cal).name.keep() if F is pl else
                         [calibrated(F.col(name[s]), cal).alias(name[s]) for s in subsets])
    phi = {p: F.lit(0.0) for p in PARTS}
    for i in players:
        terms = []
        for size in range(m):
            weight = factorial(size) * factorial(m - size - 1) / factorial(m)
            for s in combinations([j for j in players if j != i], size):
                terms.append(weight * (F.col(name[tuple(sorted((*s, i)))]) - F.col(name[s])))
        phi[PARTS[i]] = F.sum_horizontal(terms)
    lf = lf.with_columns(**{f"_phi_{p}": e for p, e in phi.items()}).drop(*name.values(), *now, *then)
    return native(_split_rest(F, lf, score, base_score, prefix), frame)


def _split_rest(F: ModuleType, lf: Any, score: str, base_score: str | None, prefix: str) -> Any:
    """`<prefix><part>` from each part's Shapley value `_phi_<part>`: the rounding rest (the score is rounded, the
    game is not) goes to the parts that moved the way it points, in proportion (see _shapley). A Shapley value under
    RESIDUE is float residue (a part whose raw value moved by an ulp: sums taken in another order, on another night or
    engine), so 0: such a part did not move, and takes no share of the rest (which it would take whole when it is
    the only part that points the rest's way: a change of +1 read +1.0 or -0.36/+1.36 by the last bit of one part)."""
    lf = lf.with_columns(**{f"_phi_{p}": F.when(F.col(f"_phi_{p}").abs() < RESIDUE).then(0.0)
                            .otherwise(F.col(f"_phi_{p}")) for p in PARTS})
    cols = [F.col(f"_phi_{p}") for p in PARTS]
    total = F.col(score) - (F.col(base_score) if base_score else F.lit(1.0))
    lf = lf.with_columns(
        _rest=total - F.sum_horizontal(cols),
        _pos=F.sum_horizontal([c.clip(lower_bound=0.0) for c in cols]),
        _neg=F.sum_horizontal([(-c).clip(lower_bound=0.0) for c in cols]),
    )
    lf = lf.with_columns(_up=F.col("_rest") > 0)
    up = F.col("_up")
    lf = lf.with_columns(_same=F.when(up).then(F.col("_pos")).otherwise(F.col("_neg")),
                         _other=F.when(up).then(F.col("_neg")).otherwise(F.col("_pos")))
    lf = lf.with_columns(_use_same=F.col("_same") > 0)
    use_same = F.col("_use_same")
    lf = lf.with_columns(_mass=F.when(use_same).then(F.col("_same")).otherwise(F.col("_other")),
                         _same_way=use_same == up)
    mass = F.col("_mass")
    out = {}
    for p, c in zip(PARTS, cols, strict=True):
        share = F.when(F.col("_same_way")).then(c.clip(lower_bound=0.0)).otherwise((-c).clip(lower_bound=0.0))
        points = c + F.when(mass > 0).then(F.col("_rest") * share / mass).otherwise(0.0)
        out[f"_pts_{p}"] = points
    lf = lf.with_columns(**out)
    # A part whose share the rest takes back whole (a score of 1: every point of it rounded away) comes out as
    # c - c, float residue of either sign (-6e-17 at 10M accounts, which the contract part >= 0 caught): 0.
    lf = lf.with_columns(**{f"{prefix}{p}": F.when(F.col(f"_pts_{p}").abs() < RESIDUE).then(0.0)
                            .otherwise(F.col(f"_pts_{p}")) for p in PARTS})
    lf = lf.drop(*[f"_phi_{p}" for p in PARTS], *[f"_pts_{p}" for p in PARTS], "_rest", "_pos", "_neg", "_up",
                 "_same", "_other", "_use_same", "_mass", "_same_way")
    return lf


def _shapley_long(frame: Any, today: list[str], base: list[str] | None, score: str, base_score: str | None,
                  cal: Calibration, prefix: str) -> Any:
    """with_shapley on an engine whose plans cost more than its rows (Spark): the game of the parts that moved, in
    long form. Each row is joined to the subsets of its moved parts (a table of the 3^6 = 729 (mask, subset) pairs
    with each player's Shapley weight in that subset: `_subset_table`), each subset's value is one expression, and
    a part's value is the weighted sum over its row's subsets (a group by). The same game and the same subset
    values as _shapley; the sums run in the engine's order (the shares agree to about 1e-12, not to the bit).
    Splitting by mask as on Polars cost Spark a plan per mask (seconds each); the whole game in one row, 64 subset
    columns, a plan it took seconds to build and could not compile."""
    F, lf = api(frame)
    k = len(today)
    row, moved = "_shapley_row", "_shapley_moved"
    now, then = [f"_now{i}" for i in range(k)], [f"_then{i}" for i in range(k)]
    lf = with_row_ids(lf.with_columns(
        *[F.col(c).fill_null(0.0).alias(now[i]) for i, c in enumerate(today)],
        *[(F.col(base[i]).fill_null(0.0) if base else F.lit(0.0)).alias(then[i]) for i in range(k)]), row)
    lf = materialize(lf.with_columns(
        F.sum_horizontal([(F.col(a) != F.col(b)).cast(F.Int16) * (1 << i)
                          for i, (a, b) in enumerate(zip(now, then, strict=True))]).cast(F.Int64).alias(moved)))
    subsets = small_table(lf, _subset_table(k))
    values = (
        lf.select(row, moved, *now, *then)
        .join(subsets, left_on=moved, right_on="_mask", how="inner")  # no part moved: no subset, every share 0
        .with_columns(_v=calibrated(F.sum_horizontal(
            [F.when(F.col(f"_in{i}")).then(F.col(now[i])).otherwise(F.col(then[i])) for i in range(k)]), cal))
    )
    phi = values.group_by(row).agg(*[(F.col(f"_w{i}") * F.col("_v")).sum().alias(f"_phi_{p}")
                                     for i, p in enumerate(PARTS)])
    lf = (lf.join(phi, on=row, how="left")
          .with_columns(*[F.col(f"_phi_{p}").fill_null(0.0) for p in PARTS])
          .drop(row, moved, *now, *then))
    return native(_split_rest(F, lf, score, base_score, prefix), frame)


def _subset_table(k: int) -> pl.DataFrame:
    """Every (mask of moved parts, subset of them): `_in<i>` whether part i is in the subset, `_w<i>` its weight in
    part i's Shapley value (+s!(m-s-1)!/m! with i in it, -(s')!(m-s'-1)!/m! without, 0 when i did not move)."""
    rows = []
    for mask in range(1, 1 << k):
        players = [i for i in range(k) if mask >> i & 1]
        m = len(players)
        for size in range(m + 1):
            for subset in combinations(players, size):
                w = [0.0] * k
                for i in players:
                    w[i] = (factorial(size - 1) * factorial(m - size) / factorial(m) if i in subset else
                            -factorial(size) * factorial(m - size - 1) / factorial(m))
                rows.append({"_mask": mask, **{f"_in{i}": i in subset for i in range(k)},
                             **{f"_w{i}": w[i] for i in range(k)}})
    return pl.DataFrame(rows, schema={"_mask": pl.Int64, **{f"_in{i}": pl.Boolean for i in range(k)},
                                      **{f"_w{i}": pl.Float64 for i in range(k)}})
