"""The gate's contract checks run on exact DuckDB aggregates judged by Great Expectations (clout.audit.profile).
Each rule's verdict must be the one GX gives on the rows themselves: valid and broken frames side by side, for the
static contract and for the rules against the last published night. A passing table passes."""

from __future__ import annotations

from datetime import date

import duckdb
import polars as pl
import pytest

from clout.audit.checks import Reference
from clout.audit.profile import columns_frame, contract_rules, judge, night_rules, profile
from clout.core.contracts import contract_schema, gx_results, validate

ROWS = 400
CFG = {"volume_min_ratio": 0.7, "missing_max_share": 0.25, "min_score_max_rise": 0.10, "min_score": 1,
       "stdev_min_ratio": 0.5, "networks_kept": True}


def _valid(contract: str) -> pl.DataFrame:
    """ROWS rows that keep every rule of the contract: values inside each column's bounds and enum, unique keys."""
    cols = {}
    for p in contract_schema(contract)["properties"]:
        opts, kind = p.get("logicalTypeOptions") or {}, p["physicalType"]
        if "enum" in opts:
            cols[p["name"]] = [opts["enum"][i % len(opts["enum"])] for i in range(ROWS)]
        elif kind == "varchar":
            cols[p["name"]] = [("twitter", "mastodon")[i % 2] if p["name"] == "network" else f"{p['name']}-{i}"
                               for i in range(ROWS)]
        elif kind in ("integer", "bigint"):
            lo, hi = opts.get("minimum", 0), opts.get("maximum", 10**6)
            cols[p["name"]] = pl.Series([lo + (i * 7) % (hi - lo + 1) for i in range(ROWS)], dtype=pl.Int64)
        elif kind == "double":
            lo, hi = opts.get("minimum", -1.0), opts.get("maximum", 1.0)
            hi = lo + 1.0 if hi is None else hi
            lo = hi - 1.0 if lo is None else lo
            cols[p["name"]] = [lo + (hi - lo) * (i % 10) / 10 for i in range(ROWS)]
        elif kind == "date":
            cols[p["name"]] = [date(2024, 6, 30)] * ROWS
        elif kind == "timestamp":
            cols[p["name"]] = pl.Series([date(2024, 6, 30)] * ROWS).cast(pl.Datetime("us"))
        else:
            raise AssertionError(f"no generator for {kind}")
    if contract == "candidate_scores":
        cols["run_id"] = ["run-1"] * ROWS  # one run: the key is (run, network, account)
    return pl.DataFrame(cols)


def _row(frame: pl.DataFrame, i: int) -> pl.DataFrame:
    return frame.slice(i, 1)


def _set(frame: pl.DataFrame, column: str, value, rows: int = 1) -> pl.DataFrame:
    index = pl.int_range(pl.len())
    return frame.with_columns(pl.when(index < rows).then(pl.lit(value, dtype=frame[column].dtype))
                              .otherwise(pl.col(column)).alias(column))


STATIC = {
    "valid": lambda f: f,
    "a null account": lambda f: _set(f, "account_id", None),
    "a score of 101": lambda f: _set(f, "score", 101),
    "a score of 0": lambda f: _set(f, "score", 0),
    "a ring share of 1.5": lambda f: _set(f, "ring_share", 1.5),
    "a positive discount": lambda f: _set(f, "part_discount", 0.5),
    "a null part (allowed)": lambda f: _set(f, "part_reach", None, rows=50),
    "a duplicate key": lambda f: pl.concat([f, _row(f, 3)]),
    "an extra column": lambda f: f.with_columns(extra=pl.lit(1)),
    "a missing column": lambda f: f.drop("change_explained"),
    "no rows": lambda f: f.head(0),
}


def _aggregate_verdicts(frame: pl.DataFrame, rules) -> dict:
    con = duckdb.connect()
    con.register("frame", frame.to_arrow())
    con.execute("create table t as select * from frame")
    rows = "select * from t"
    contract_columns = [p["name"] for p in contract_schema("candidate_scores")["properties"]]
    out = {}
    for rule, passed, _ in judge(profile(con, rows, rules), columns_frame(con, rows), contract_columns, rules, "t"):
        if rule is None:
            out[("expect_table_columns_to_match_set", None)] = passed
        else:
            column = None if rule.check.startswith("expect_compound") else rule.column
            out[(rule.check, column)] = passed
    return out


@pytest.mark.parametrize("case", list(STATIC))
def test_each_contract_rule_on_aggregates_gives_gx_verdict_on_the_rows(case):
    frame = STATIC[case](_valid("candidate_scores"))
    if case == "a missing column":  # the aggregates cannot read a missing column: only the column rule can run
        rules = [r for r in contract_rules("candidate_scores") if r.column != "change_explained"]
    else:
        rules = contract_rules("candidate_scores")
    ours = _aggregate_verdicts(frame, rules)
    gx_rows = {(f.check, f.column): f.passed for f in validate(frame.to_pandas(), "candidate_scores").findings}
    gx_rows = {k: v for k, v in gx_rows.items() if k in ours}
    assert len(gx_rows) == len(ours), (sorted(ours), sorted(gx_rows))
    assert ours == gx_rows
    if case in ("valid", "a null part (allowed)"):
        assert all(ours.values()), ours  # a passing table passes
    else:
        assert not all(ours.values()), f"{case} passed every rule"


def test_an_enum_rule_on_aggregates_gives_gx_verdict_on_the_rows():
    valid = _valid("staging_interactions")
    broken = _set(valid, "kind", "poke", rows=2)
    for frame, expected in ((valid, True), (broken, False)):
        con = duckdb.connect()
        con.register("frame", frame.to_arrow())
        rules = [r for r in contract_rules("staging_interactions") if r.check == "expect_column_values_to_be_in_set"]
        (_, passed, detail), = judge(profile(con, "select * from frame", rules), None, None, rules, "t")
        gx = {(f.check, f.column): f.passed for f in validate(frame.to_pandas(), "staging_interactions").findings}
        assert passed == gx[("expect_column_values_to_be_in_set", "kind")] == expected, detail


def _night(scores: list[int], networks: list[str]) -> pl.DataFrame:
    return pl.DataFrame({"network": networks, "account_id": [f"a{i}" for i in range(len(scores))],
                         "score": scores, "raw_score": [float(s) for s in scores]})


LAST_NIGHT = _night([1 + (i * 37) % 100 for i in range(ROWS)], [("twitter", "mastodon")[i % 2] for i in range(ROWS)])
NIGHT = {
    "valid": LAST_NIGHT.with_columns(score=(pl.col("score") % 97) + 1),
    # Klout, May 2011: a score of 1 for everyone
    "every score 1": LAST_NIGHT.with_columns(score=pl.lit(1)),
    "every score equal": LAST_NIGHT.with_columns(score=pl.lit(50)),
    "a network missing": LAST_NIGHT.filter(pl.col("network") == "twitter"),
    "volume collapsed": LAST_NIGHT.head(ROWS // 3),
    "no rows": LAST_NIGHT.head(0),  # every rule judged and worded (no network kept), not a crash
}


def _gx_on_rows(frame: pl.DataFrame, ref: Reference) -> list[bool]:
    """The same rules as row-level GX expectations (what the gate ran on the whole night before)."""
    from great_expectations import expectations as gxe

    allowed = ref.share_at_min + CFG["min_score_max_rise"]
    expectations = [
        gxe.ExpectTableRowCountToBeBetween(min_value=-(-CFG["volume_min_ratio"] * ref.rows // 1)),
        gxe.ExpectColumnStdevToBeBetween(column="score", min_value=CFG["stdev_min_ratio"] * ref.stdev),
        gxe.ExpectColumnValuesToNotBeInSet(column="score", value_set=[1], mostly=1 - allowed),
        gxe.ExpectColumnDistinctValuesToContainSet(column="network", value_set=list(ref.networks)),
    ]
    return [bool(r.success) for r in gx_results(frame.to_pandas(), "rows", expectations)]


@pytest.mark.parametrize("case", list(NIGHT))
def test_rules_against_the_last_night_on_aggregates_give_gx_verdicts_on_the_rows(case):
    ref = Reference.of(LAST_NIGHT, CFG["min_score"])
    rules = night_rules(ref, CFG)
    frame = NIGHT[case]
    con = duckdb.connect()
    con.register("night", frame.to_arrow())
    ours = [passed for _, passed, _ in judge(profile(con, "select * from night", rules), None, None, rules, "t")]
    assert ours == _gx_on_rows(frame, ref)
    assert all(ours) == (case == "valid"), ours
