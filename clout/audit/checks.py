"""Contract checks on a candidate night: the static contract (data_contracts/) plus checks that depend on the
last published night (volume, share at the minimum score, score spread, networks kept), all judged by Great
Expectations on exact aggregates computed where the rows are (clout.audit.profile): by DuckDB, or by Spark on the
Spark engine (docs/engines.md). A failed check means a broken run: the night is held."""

from __future__ import annotations

from dataclasses import dataclass, replace

import duckdb
import polars as pl

from clout.audit.profile import (
    columns_frame,
    columns_frame_on_spark,
    contract_rules,
    judge,
    night_rules,
    profile,
    profile_on_spark,
    rows_sql,
)
from clout.core.contract_wording import title
from clout.core.contracts import contract_schema
from clout.core.engine import resolve_engine
from clout.core.warehouse import query


@dataclass(frozen=True)
class Check:
    name: str
    column: str | None
    passed: bool
    severity: str  # hold | warn
    detail: str

    def line(self) -> str:
        return f"contract check failed ({title(self.name)}): {self.detail}"


@dataclass(frozen=True)
class Reference:
    """What the last published night looked like (None: there is no published night yet)."""

    rows: int
    networks: tuple[str, ...]
    share_at_min: float
    stdev: float

    @classmethod
    def of(cls, scores: pl.DataFrame, min_score: int) -> Reference:
        return cls(
            rows=scores.height,
            networks=tuple(sorted(scores["network"].unique().to_list())),
            share_at_min=float((scores["score"] == min_score).mean() or 0.0),
            stdev=float(scores["score"].std() or 0.0),
        )


def run_checks(con: duckdb.DuckDBPyConnection, run_id: str, ref: Reference | None, cfg: dict,
               contract: str = "candidate_scores", share_missing: float | None = None,
               engine: str | None = None, day: list[DayVolume] | None = None) -> list[Check]:
    """Every check of the run's candidate rows, passed or not: the contract's rules and the rules against the
    last published night, each an exact aggregate computed over the rows where they are and judged by Great
    Expectations (clout.audit.profile). `engine` (None: CLOUT_ENGINE, else duckdb): on spark, Spark computes the
    aggregates over the rows as a Spark DataFrame (`rows_on_spark`); the same rules, judged the same way."""
    against_last_night = night_rules(ref, cfg)
    rules = contract_rules(contract) + against_last_night
    rows = rows_sql(f"audit/{contract}")
    if resolve_engine(engine) == "spark":
        frame = rows_on_spark(con, rows, run_id=run_id)
        aggregates, columns = profile_on_spark(frame, rules), columns_frame_on_spark(frame)
    else:
        aggregates = profile(con, rows, rules, run_id=run_id)
        columns = columns_frame(con, rows, run_id=run_id)
    contract_columns = [p["name"] for p in contract_schema(contract)["properties"]]
    checks, night = [], {id(r) for r in against_last_night}
    for rule, passed, detail in judge(aggregates, columns, contract_columns, rules, contract):
        name, column = (rule.check, rule.column) if rule else ("expect_table_columns_to_match_set", None)
        check = Check(name, column, passed, "hold", detail)
        checks.append(_against_last_night(check, ref, cfg) if rule is not None and id(rule) in night else check)
    if share_missing is not None:
        limit = cfg["missing_max_share"]
        checks.append(Check(
            "accounts_kept", None, share_missing <= limit, "hold",
            f"{share_missing:.1%} of the last published night's accounts are absent (at most {limit:.0%})",
        ))
    checks += [d.check(cfg["day_volume_min_ratio"]) for d in day or []]
    return checks


@dataclass(frozen=True)
class DayVolume:
    """One network's interactions on a night's day, and the median of its latest days with any before it."""

    logical_date: object
    network: str
    interactions: int
    usual: float
    days: int

    def check(self, min_ratio: float) -> Check:
        return Check("interactions_delivered", None, self.interactions >= min_ratio * self.usual, "hold",
                     f"{self.network}: {self.interactions:,} interactions on {self.logical_date}, where its "
                     f"{self.days} latest days before it had a median of {self.usual:,.0f} (at least "
                     f"{min_ratio:.0%} of it: a delivery cut short or missing?)")


def day_volume(con: duckdb.DuckDBPyConnection, logical_date, cfg: dict) -> list[DayVolume]:
    """Each network's day against its latest `day_volume_history_days` days with interactions (within
    `day_volume_lookback_days`); a network with fewer than `day_volume_min_days` of them (a young warehouse, a new
    network) has no usual volume yet and is not judged."""
    rows = query(con, "audit/day_volume", logical_date=logical_date, history_days=cfg["day_volume_history_days"],
                 lookback_days=cfg["day_volume_lookback_days"]).fetchall()
    return [DayVolume(logical_date, network, int(n), float(usual), int(days)) for network, n, usual, days in rows
            if days >= max(1, cfg["day_volume_min_days"])]


def rows_on_spark(con: duckdb.DuckDBPyConnection, rows: str, **params):
    """The rows of the statement `rows` as a Spark DataFrame. The candidate rows live in the DuckDB warehouse (the
    score step wrote them back), so today they travel to Spark through Arrow, as the features do (docs/engines.md);
    once the candidate tables are Parquet datasets a cluster shares, this is where Spark reads them instead."""
    from clout.core.engine import to_spark

    return to_spark(con.sql(rows, params=params or None).pl())


def _against_last_night(check: Check, ref: Reference | None, cfg: dict) -> Check:
    """Say what a bound was derived from: the last published night."""
    if ref is None:
        return check
    why = {
        "expect_table_row_count_to_be_between":
            f"{cfg['volume_min_ratio']:.0%} of the last published night's {ref.rows:,} rows",
        "expect_column_stdev_to_be_between":
            f"{cfg['stdev_min_ratio']:.0%} of the last published night's {ref.stdev:.4g}",
        "expect_column_values_to_not_be_in_set":
            f"the last published night's {ref.share_at_min:.1%} plus {cfg['min_score_max_rise']:.0%}",
        "expect_column_distinct_values_to_contain_set": "every network of the last published night",
    }.get(check.name)
    return replace(check, detail=f"{check.detail} ({why})") if why else check
