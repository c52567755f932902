"""Contract checks on a candidate night: the static contract (data_contracts/) plus checks that depend on the
last published night (volume, share at the minimum score, score spread, networks kept), all judged by Great
Expectations on exact aggregates DuckDB computes where the rows are (clout.gate.profile). A failed check means a
broken run: the night is held."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from clout.contracts import contract_schema
from clout.gate.profile import columns_frame, contract_rules, judge, night_rules, profile, rows_sql


@dataclass(frozen=True)
class Check:
    name: str
    column: str | None
    passed: bool
    severity: str  # hold | warn
    detail: str

    def line(self) -> str:
        on = f" on {self.column}" if self.column else ""
        return f"check {self.name}{on} failed: {self.detail}"


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
               contract: str = "candidate_scores", share_missing: float | None = None) -> list[Check]:
    """Every check of the run's candidate rows, passed or not: the contract's rules and the rules against the
    last published night, each an exact aggregate DuckDB computes over the rows where they are and Great
    Expectations judges (clout.gate.profile)."""
    rules = contract_rules(contract) + night_rules(ref, cfg)
    rows = rows_sql(f"audit/{contract}")
    aggregates = profile(con, rows, rules, run_id=run_id)
    columns = columns_frame(con, rows, run_id=run_id)
    contract_columns = [p["name"] for p in contract_schema(contract)["properties"]]
    checks = []
    for rule, passed, detail in judge(aggregates, columns, contract_columns, rules, contract):
        name, column = (rule.check, rule.column) if rule else ("expect_table_columns_to_match_set", None)
        checks.append(Check(name, column, passed, "hold", detail))
    if share_missing is not None:
        limit = cfg["missing_max_share"]
        checks.append(Check(
            "accounts_kept", None, share_missing <= limit, "hold",
            f"{share_missing:.1%} of the last published night's accounts are absent (at most {limit:.0%})",
        ))
    return checks
