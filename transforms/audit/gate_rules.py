"""Judge swing metrics against their own history and against fixed bounds (pure Polars, no DuckDB).

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

import polars as pl

MAD_TO_SIGMA = 1.4826  # MAD x this estimates the standard deviation of normal data


@dataclass(frozen=True)
class MetricRule:
    metric: str
    bad: str  # "high" or "low": which direction is a swing
    data_bound: float | None
    algorithm_bound: float | None
    min_scale: float  # floor on the robust scale, so a perfectly calm history does not flag a tiny move


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
                    "algorithm_bound": pl.Float64, "min_scale": pl.Float64},
        )


def history_stats(history: pl.LazyFrame) -> pl.LazyFrame:
    """Median, MAD and count per (scope, scope_value, metric) of past data-driven values."""
    dev = (pl.col("value") - pl.col("value").median()).abs()
    return history.group_by("scope", "scope_value", "metric").agg(
        history_n=pl.len().cast(pl.Int64),
        history_median=pl.col("value").median(),
        history_mad=dev.median(),
    )


def judge(current: pl.LazyFrame, history: pl.LazyFrame, rules: GateRules, split: bool = True) -> pl.LazyFrame:
    """`current`: part, scope, scope_value, metric, value, n_common. `history`: scope, scope_value, metric,
    value (data-driven values of recent published, not-held nights). `split=False` means the change could
    not be split into data and algorithm parts, so the total is held to the algorithm tolerance.

    Adds history_n, history_median, z, bound, basis and verdict.
    """
    high = pl.col("bad") == "high"
    scale = pl.max_horizontal(MAD_TO_SIGMA * pl.col("history_mad"), pl.col("min_scale"))
    z = (pl.col("value") - pl.col("history_median")) / scale
    has_history = pl.col("history_n").fill_null(0) >= rules.min_history
    history_bound = pl.when(high).then(pl.col("history_median") + rules.z_max * scale).otherwise(
        pl.col("history_median") - rules.z_max * scale
    )
    strict = pl.col("part").eq("algorithm") | (pl.col("part").eq("total") & pl.lit(not split))
    bound = (
        pl.when(strict).then(pl.col("algorithm_bound"))
        .when(pl.col("part").eq("data") & has_history).then(history_bound)
        .when(pl.col("part").eq("data")).then(pl.col("data_bound"))
    )
    beyond = pl.when(high).then(pl.col("value") > pl.col("bound")).otherwise(pl.col("value") < pl.col("bound"))
    judged = pl.col("bound").is_not_null() & (
        pl.col("scope").eq("all") | (pl.col("n_common") >= rules.min_group_accounts)
    )
    return (
        current.join(rules.frame(), on="metric", how="left")
        .join(history_stats(history), on=["scope", "scope_value", "metric"], how="left")
        .with_columns(z=z, bound=bound)
        .with_columns(
            basis=pl.when(strict).then(pl.lit("tolerance"))
            .when(pl.col("part").eq("data") & has_history).then(pl.lit("history"))
            .when(pl.col("part").eq("data")).then(pl.lit("fixed"))
            .otherwise(pl.lit("none")),
            verdict=pl.when(~judged).then(pl.lit("info"))
            .when(~beyond.fill_null(False)).then(pl.lit("ok"))
            .when(strict).then(pl.lit("hold"))
            .otherwise(pl.lit("warn")),
        )
        # history is of data-driven values: shown only beside the data-driven part
        .with_columns(pl.when(pl.col("part") == "data").then(pl.col(c)).alias(c)
                      for c in ("history_n", "history_median", "z"))
        .with_columns(history_n=pl.col("history_n").fill_null(0))
        .select("part", "scope", "scope_value", "metric", "value", "n_common", "history_n", "history_median",
                "z", "bound", "basis", "verdict")
    )


def describe(row: dict) -> str:
    """One line a person can read: what moved, by how much, against what."""
    where = "overall" if row["scope"] == "all" else f"{row['scope']} {row['scope_value']}"
    against = (
        f"history median {row['history_median']:.3g} over {row['history_n']} nights, bound {row['bound']:.3g}"
        if row["basis"] == "history" else f"bound {row['bound']:.3g}"
    )
    # Without a shadow run the change cannot be split: the "total" part is the whole change, unattributed.
    part = "unattributed (total)" if row["part"] == "total" else f"{row['part']}-driven"
    return f"{part} {row['metric']} {where} = {row['value']:.3g} ({against})"
