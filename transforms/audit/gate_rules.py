"""Judge swing metrics against their own history and against fixed bounds (no DuckDB; on the metrics' engine,
transforms/frames.py: `judge` takes and returns Polars LazyFrames or Spark DataFrames).

A metric row is one (part, scope, scope_value, metric, value). `part` says what was compared:
- `data`: old algorithm on new data vs the last published night (the whole change when the algorithm is unchanged);
- `algorithm`: new vs old algorithm on the same data;
- `total`: the candidate vs the last published night (reported; judged like `algorithm` only when the
  change cannot be split, see `judge`).
Verdicts: `ok`, `warn` (a data-driven swing: published with a warning), `hold` (an algorithm-driven swing past
tolerance: kept back until approved), `info` (reported, not judged).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from transforms.audit.swing import METRICS
from transforms.frames import api, native, small_table

MAD_TO_SIGMA = 1.4826  # MAD x this estimates the standard deviation of normal data
# Which accounts a night lists: over every account the window's sliding moves these every night (silent accounts
# come and go), so a total that cannot be split into data and algorithm parts counts its missing ones, as the
# algorithm's part does, over the accounts above the bottom (`with_missing_above_bottom`).
MEMBERSHIP = ("share_new", "share_missing")
# ... and even there, a night's new scored accounts are mostly people the network gained that day (9.7% on the
# Higgs week's 07-05): a total that cannot be split is not held for them (a split night judges the data's against
# their history and the algorithm's to its tolerance). Nor for a topic's new and missing rows: a topic's rows have no
# bottom to leave out (swing.py compares them all), so they are the window's sliding too.
GROWTH = ("share_new",)


@dataclass(frozen=True)
class MetricRule:
    metric: str
    bad: str  # "high" or "low": which direction is a swing
    data_bound: float | None
    algorithm_bound: float | None
    min_scale: float  # floor on the robust scale, so a perfectly calm history does not flag a tiny move
    history: bool = True  # False: the data-driven part is not judged against its history either (reported only)


@dataclass(frozen=True)
class GateRules:
    metrics: tuple[MetricRule, ...]
    history_nights: int = 14
    min_history: int = 5
    z_max: float = 4.0
    min_group_accounts: int = 200

    @classmethod
    def from_config(cls, config: dict) -> GateRules:
        history = config.get("history", {})
        return cls(
            metrics=tuple(MetricRule(metric=name, **spec) for name, spec in config["metrics"].items()),
            history_nights=int(history.get("nights", 14)),
            min_history=int(history.get("min_nights", 5)),
            z_max=float(history.get("z_max", 4.0)),
            min_group_accounts=int(config.get("min_group_accounts", 200)),
        )

    def frame(self) -> pl.LazyFrame:
        return pl.LazyFrame(
            [vars(m) for m in self.metrics],
            schema={"metric": pl.String, "bad": pl.String, "data_bound": pl.Float64,
                    "algorithm_bound": pl.Float64, "min_scale": pl.Float64, "history": pl.Boolean},
        )


def history_stats(history: Any) -> Any:
    """Median, MAD and count per (scope, scope_value, metric) of past data-driven values."""
    F, lf = api(history)
    keys = ["scope", "scope_value", "metric"]
    # the deviations from the group's median are a column first: a SQL engine cannot nest one aggregate in another
    dev = lf.with_columns(_dev=(F.col("value") - F.col("value").median().over(*keys)).abs())
    return native(dev.group_by(keys).agg(
        history_n=F.len().cast(F.Int64),
        history_median=F.col("value").median(),
        history_mad=F.col("_dev").median(),
    ), history)


def judge(current: Any, history: Any, rules: GateRules, split: bool = True) -> Any:
    """`current`: part, scope, scope_value, metric, value, n_common. `history`: scope, scope_value, metric,
    value (data-driven values of recent published, not-held nights). `split=False` means the change could
    not be split into data and algorithm parts, so the total is held to the algorithm tolerance. Both frames of one
    engine (transforms/frames.py); the result is that engine's frame.

    Adds history_n, history_median, z, bound, basis and verdict.
    """
    F, lf = api(current)
    high = F.col("bad") == "high"
    part = F.col("part")
    scale = F.max_horizontal(MAD_TO_SIGMA * F.col("history_mad"), F.col("min_scale"))
    z = (F.col("value") - F.col("history_median")) / scale
    has_history = (F.col("history_n").fill_null(0) >= rules.min_history) & F.col("history")
    history_bound = F.when(high).then(F.col("history_median") + rules.z_max * scale).otherwise(
        F.col("history_median") - rules.z_max * scale
    )
    reported = F.col("metric").is_in(GROWTH) | (F.col("metric").is_in(MEMBERSHIP) & (F.col("scope") == "topic"))
    strict = (part == "algorithm") | ((part == "total") & F.lit(not split) & ~reported)
    bound = (
        F.when(strict).then(F.col("algorithm_bound"))
        .when((part == "data") & has_history).then(history_bound)
        .when(part == "data").then(F.col("data_bound"))
    )
    beyond = F.when(high).then(F.col("value") > F.col("bound")).otherwise(F.col("value") < F.col("bound"))
    judged = ~F.col("bound").is_null() & (
        (F.col("scope") == "all") | (F.col("n_common") >= rules.min_group_accounts)
    )
    return native(
        lf.join(small_table(lf, rules.frame().collect()), on="metric", how="left")
        .join(api(history_stats(history))[1], on=["scope", "scope_value", "metric"], how="left")
        .with_columns(z=z, bound=bound)
        .with_columns(
            basis=F.when(strict).then(F.lit("tolerance"))
            .when((part == "data") & has_history).then(F.lit("history"))
            .when(part == "data").then(F.lit("fixed"))
            .otherwise(F.lit("none")),
            verdict=F.when(~judged).then(F.lit("info"))
            .when(~beyond.fill_null(False)).then(F.lit("ok"))
            .when(strict).then(F.lit("hold"))
            .otherwise(F.lit("warn")),
        )
        # history is of data-driven values: shown only beside the data-driven part
        .with_columns(*[F.when(part == "data").then(F.col(c)).alias(c) for c in ("history_n", "history_median", "z")])
        .with_columns(history_n=F.col("history_n").fill_null(0))
        .select("part", "scope", "scope_value", "metric", "value", "n_common", "history_n", "history_median",
                "z", "bound", "basis", "verdict"),
        current,
    )


def with_missing_above_bottom(total: pl.DataFrame, above_bottom: pl.DataFrame) -> pl.DataFrame:
    """A total that cannot be split, to be judged to the algorithm's tolerances: its share of missing accounts overall
    and per network taken from `above_bottom` (the same two nights compared over the accounts above the bottom on
    either: swing.py `floor`), its other rows as they are. Both frames: part, scope, scope_value, metric, value,
    n_common; only the total's rows are replaced."""
    replaced = ((pl.col("part") == "total") & (pl.col("metric") == "share_missing")
                & (pl.col("scope") != "topic"))
    return pl.concat([total.filter(~replaced), above_bottom.filter(replaced).select(total.columns)],
                     how="vertical_relaxed")


# How each metric reads for a person: (what it says, given the value as text), and how to print a value.
_SAYS = {
    "share_moved_10": "{v} of the {n} {who} moved 10 points or more",
    "mean_abs_move": "the {n} {who} moved {v} on average",
    "spearman": "ranked by score, the {n} {who} keep their order at {v} (rank correlation, 1 = the same order)",
    "spearman_top1000": "the order of the top 1,000 agrees at {v} (rank correlation, 1 = the same order)",
    "top100_overlap": "{v} of the top 100 are still in the top 100",
    "top100_mean_abs_move": "the top 100 moved {v} on average",
    "psi": "the share of accounts per 10-point score band shifted by {v} (0 = the same shares; 0.1 is a clear "
           "shift)",
    "ks": "the share of accounts at or below some score differs by up to {v}",
    "share_new": "{v} of the accounts are new",
    "share_missing": "{v} of the accounts scored before are missing",
}
# New and missing accounts counted over those scored above the bottom (the algorithm's part, an unsplittable total)
_SAYS_ABOVE = {
    "share_new": "{v} of the accounts scored above 1 are new",
    "share_missing": "{v} of the accounts scored above 1 before are missing",
}
_PERCENT = {"share_moved_10", "top100_overlap", "ks", "share_new", "share_missing"}
_POINTS = {"mean_abs_move", "top100_mean_abs_move"}
_PART = {
    "algorithm": "the algorithm alone (the new algorithm against the last published one, on the same data)",
    "data": "the data (the same algorithm, this night's data against the last published night)",
    "total": "the whole change, which could not be split into data and algorithm",
}


def value_text(metric: str, value: float | None, extra: int = 0) -> str:
    """A metric's value in its unit: a percent, points, or a plain number; `extra` more decimals."""
    if value is None:
        return "n/a"
    if metric in _PERCENT:
        return f"{100 * value:.{1 + extra}f}%"
    if metric in _POINTS:
        return f"{value:.{2 + extra}f} points"
    return f"{value:.{(3 if metric in ('psi', 'ks') else 2) + extra}f}"


def _value_and_bound(metric: str, value: float | None, bound: float | None) -> tuple[str, str]:
    """Both in the metric's unit, with as many more decimals as it takes (up to 3) for a value past its bound not
    to read as equal to it ("0.90 ... below the tolerance, 0.90" was 0.8983 against 0.90)."""
    for extra in range(4):
        texts = value_text(metric, value, extra), value_text(metric, bound, extra)
        if texts[0] != texts[1] or value == bound:
            return texts
    return texts


# Each metric in a few words, for a line that lists several (a backfill's night: what held it).
_SHORT = {
    "share_moved_10": "moved 10+", "mean_abs_move": "mean move", "spearman": "rank agreement",
    "spearman_top1000": "top-1,000 rank agreement", "top100_overlap": "top 100 kept",
    "top100_mean_abs_move": "top-100 mean move", "psi": "band shift",
    "ks": "distribution gap", "share_new": "new accounts", "share_missing": "missing accounts",
}


def brief(row: dict) -> str:
    """A metric against its bound in a few words, e.g. "rank agreement 0.845 < 0.900": three decimals where
    `value_text` has two, so a value just past its bound never reads as equal to it."""
    metric = row["metric"]

    def text(v: float) -> str:
        return value_text(metric, v) if metric in _PERCENT | _POINTS else f"{v:.3f}"

    where = "" if row["scope"] == "all" else f" ({row['scope']} {row['scope_value']})"
    sign = ">" if METRICS.get(metric) == "high" else "<"
    return f"{_SHORT.get(metric, metric)}{where} {text(row['value'])} {sign} {text(row['bound'])}"


def describe(row: dict) -> str:
    """One line a person can read: what moved, by how much, against what. E.g. "the algorithm alone (...): 21.0%
    of the top 100 left the top 100 ... below the tolerance for an algorithm change, 70.0%"."""
    metric = row["metric"]
    where = "" if row["scope"] == "all" else f" in {row['scope']} {row['scope_value']}"
    # the algorithm part is measured over the accounts either algorithm scores above the bottom (swing.py `floor`),
    # and so is an unsplittable total's share of missing accounts (judged to the algorithm's tolerance)
    above = row["part"] == "algorithm" or (metric == "share_missing" and row["basis"] == "tolerance")
    who = "accounts either algorithm scores above 1" if row["part"] == "algorithm" else "accounts compared"
    value, bound = _value_and_bound(metric, row["value"], row["bound"])
    says = (_SAYS_ABOVE if above and metric in _SAYS_ABOVE else _SAYS).get(metric, metric + " = {v}").format(
        v=value, n=f"{int(row.get('n_common') or 0):,}", who=who)
    direction = "above" if METRICS.get(metric) == "high" else "below"
    if row["basis"] == "history":
        against = (f"usually {value_text(metric, row['history_median'])} over the last {row['history_n']} "
                   f"published nights; {direction} {bound} is unusual")
    elif row["basis"] == "tolerance":
        against = f"{direction} the tolerance for an algorithm change, {bound}"
    else:
        against = f"{direction} the fixed bound {bound} (too few published nights to judge by history)"
    return f"{_PART.get(row['part'], row['part'])}{where}: {says}; {against}"
