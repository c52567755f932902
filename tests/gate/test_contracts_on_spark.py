"""The contract checks on the Spark engine (issue 18, docs/engines.md "Contracts and gate on Spark"): the same rules
(clout.audit.profile), their aggregates computed by Spark over a Spark DataFrame of the rows, judged and worded by the
same code as on DuckDB. Every check (name, column, pass or fail, the one-line detail) must be what the DuckDB engine
gives: on frames that break each rule, and on a real night's candidate rows, whole and broken. And each verdict must
be the one Great Expectations gives on the Spark rows themselves (its Spark datasource)."""

from __future__ import annotations

import math
import re

import duckdb
import polars as pl
import pytest
from gatekit import audit_held_or_not, copy_warehouse
from test_contract_profile import CFG, LAST_NIGHT, NIGHT, STATIC, _set, _valid

from clout.audit.checks import Reference
from clout.audit.profile import (
    columns_frame,
    columns_frame_on_spark,
    contract_rules,
    judge,
    night_rules,
    profile,
    profile_on_spark,
)
from clout.core.contracts import contract_schema, gx_results, validate
from clout.core.warehouse import connect

pytestmark = pytest.mark.spark

CONTRACT_COLUMNS = [p["name"] for p in contract_schema("candidate_scores")["properties"]]


def _same_aggregates(frame: pl.DataFrame, rules):
    """Every rule's aggregate of `frame` computed by DuckDB and by Spark: the same columns, of the same dtypes, and
    the same values (a standard deviation: to the last few bits). Returns (the DuckDB connection and statement,
    the Spark DataFrame, both engines' aggregates)."""
    from clout.core.engine import to_spark

    con = duckdb.connect()
    con.register("frame", frame.to_arrow())
    con.execute("create table t as select * from frame")
    rows, on_spark = "select * from t", to_spark(frame)
    aggregates = profile(con, rows, rules), profile_on_spark(on_spark, rules)
    assert list(aggregates[0].dtypes.items()) == list(aggregates[1].dtypes.items())
    for name in aggregates[0].columns:
        duck, spark = (a[name].iloc[0] for a in aggregates)
        duck, spark = (v.tolist() if hasattr(v, "tolist") else v for v in (duck, spark))
        if isinstance(duck, float) and not math.isnan(duck):
            assert math.isclose(duck, spark, rel_tol=1e-12), (name, duck, spark)
        else:
            assert str(duck) == str(spark), (name, duck, spark)
    return (con, rows), on_spark, aggregates


def _on_both(frame: pl.DataFrame, rules, columns: bool) -> tuple[list, list]:
    """[(rule name, passed, detail)] of `rules` on `frame` on each engine (DuckDB, Spark), their aggregates equal."""
    (con, rows), on_spark, aggregates = _same_aggregates(frame, rules)
    verdicts = []
    for found, cols in zip(aggregates, (columns_frame(con, rows), columns_frame_on_spark(on_spark)), strict=True):
        checks = judge(found, cols if columns else None, CONTRACT_COLUMNS if columns else None, rules, "t")
        verdicts.append([(r.name if r else "columns", passed, detail) for r, passed, detail in checks])
    return verdicts[0], verdicts[1]


@pytest.mark.parametrize("case", list(STATIC))
def test_each_contract_rule_gives_the_same_check_on_spark_as_on_duckdb(spark, case):
    """The static contract's rules (candidate_scores.yaml) on a frame that keeps them all, and on frames that break
    one each (a null key, a score of 101, a duplicate key, no rows, a missing column...): the same aggregates, and
    the same verdicts and one-line details, on both engines."""
    frame = STATIC[case](_valid("candidate_scores"))
    rules = contract_rules("candidate_scores")
    if case == "a missing column":  # the aggregates cannot read a missing column: only the column rule can run
        rules = [r for r in rules if r.column != "change_explained"]
    on_duckdb, on_spark = _on_both(frame, rules, columns=True)
    assert on_spark == on_duckdb
    assert all(passed for _, passed, _ in on_spark) == (case in ("valid", "a null part (allowed)")), on_spark


@pytest.mark.parametrize("case", [*NIGHT, "a null network"])
def test_each_rule_against_the_last_night_gives_the_same_check_on_spark_as_on_duckdb(spark, case):
    """The rules against the last published night (volume, spread, share at the minimum score, networks kept) on
    the nights that break them (every score 1, every score equal, a network missing, volume collapsed), and on a
    night with a null network (the networks present are worded with it)."""
    frames = NIGHT | {"a null network": _set(NIGHT["valid"], "network", None, rows=3)}
    rules = night_rules(Reference.of(LAST_NIGHT, CFG["min_score"]), CFG)
    on_duckdb, on_spark = _on_both(frames[case], rules, columns=False)
    assert on_spark == on_duckdb
    assert all(passed for _, passed, _ in on_spark) == (case in ("valid", "a null network")), on_spark


def test_no_rows_keep_no_network_on_either_engine(spark):
    """No candidate rows: networks kept is 0 on both engines (no network kept), not DuckDB's null list, which GX
    finds nothing to judge in and passes; the checks themselves are the "no rows" case above."""
    rules = night_rules(Reference.of(LAST_NIGHT, CFG["min_score"]), CFG)
    _, _, (duck, _) = _same_aggregates(NIGHT["valid"].head(0), rules)
    assert duck["rows"].iloc[0] == 0 and duck["networks_kept__network"].iloc[0] == 0


@pytest.mark.parametrize("case", ["valid", "a null account", "a score of 101", "a duplicate key"])
def test_the_aggregates_on_spark_give_the_verdicts_gx_gives_on_the_spark_rows(spark, case):
    """Great Expectations on the Spark DataFrame itself, row by row, through its Spark datasource (clout.core.contracts
    `validate`: `add_spark`, a dataframe asset, a whole-dataframe batch definition): every rule's verdict is the one
    the aggregates computed on Spark give."""
    from clout.core.engine import to_spark

    frame = to_spark(STATIC[case](_valid("candidate_scores")))
    rules = contract_rules("candidate_scores")
    ours = {}
    for rule, passed, _ in judge(profile_on_spark(frame, rules), columns_frame_on_spark(frame), CONTRACT_COLUMNS,
                                 rules, "t"):
        check, column = (rule.check, rule.column) if rule else ("expect_table_columns_to_match_set", None)
        ours[(check, None if check.startswith("expect_compound") else column)] = passed
    on_rows = {(f.check, f.column): f.passed for f in validate(frame, "candidate_scores").findings}
    assert on_rows == ours
    assert all(ours.values()) == (case == "valid")


def test_the_rules_against_the_last_night_on_spark_give_gx_verdicts_on_the_spark_rows(spark):
    """The same for the rules against the last published night, on each night that breaks one (GX's own
    expectations on the rows: row count, standard deviation, share of 1s, distinct networks)."""
    from great_expectations import expectations as gxe

    from clout.core.engine import to_spark

    ref = Reference.of(LAST_NIGHT, CFG["min_score"])
    rules = night_rules(ref, CFG)
    allowed = ref.share_at_min + CFG["min_score_max_rise"]
    expectations = [
        gxe.ExpectTableRowCountToBeBetween(min_value=math.ceil(CFG["volume_min_ratio"] * ref.rows)),
        gxe.ExpectColumnStdevToBeBetween(column="score", min_value=CFG["stdev_min_ratio"] * ref.stdev),
        gxe.ExpectColumnValuesToNotBeInSet(column="score", value_set=[1], mostly=1 - allowed),
        gxe.ExpectColumnDistinctValuesToContainSet(column="network", value_set=list(ref.networks)),
    ]
    for case, frame in NIGHT.items():
        on_spark = to_spark(frame)
        ours = [passed for _, passed, _ in judge(profile_on_spark(on_spark, rules), None, None, rules, "t")]
        assert ours == [bool(r.success) for r in gx_results(on_spark, "rows", expectations)], case
        assert all(ours) == (case == "valid"), (case, ours)


# A real night's candidate rows broken as the score step never should: the table itself keeps keys non-null (a null
# key fails the score step's insert), so the broken keys here are a duplicate and a score off the 1..100 scale.
BREAKAGES = {
    "whole": None,
    "a score of 101": "update candidate.scores set score = 101 where run_id = $run and account_id = "
                      "(select min(account_id) from candidate.scores where run_id = $run)",
    "a duplicate key": "insert into candidate.scores select * from candidate.scores where run_id = $run "
                       "order by network, account_id limit 3",
    "a network missing": "delete from candidate.scores where run_id = $run and network = 'mastodon'",
}


def _audit(settings, run_id: str) -> tuple[str, list, list]:
    """(the audit's outcome, every check recorded, the findings) of the run, audited on this process's engine."""
    audit_held_or_not(settings, run_id)
    with connect(settings, read_only=True) as con:
        checks = con.execute("select check_name, column_name, passed, severity, detail from meta.gate_checks "
                             "where run_id = ? order by all", [run_id]).fetchall()
        outcome, findings = con.execute("select outcome, findings::varchar from meta.gate_outcomes where run_id = ?",
                                        [run_id]).fetchall()[0]
    return outcome, checks, findings


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_real_night_gets_the_same_checks_and_outcome_on_both_engines(spark, two_networks_scored, breakage,
                                                                       tmp_path, monkeypatch):
    """July 3 of two networks of the real Higgs data, scored and not yet audited, audited with CLOUT_ENGINE=duckdb
    and with CLOUT_ENGINE=spark (on Spark the DuckDB aggregates are not computed: they would fail): the same
    checks, each with its detail, the same findings and outcome. Whole, the night passes every check; with a score
    of 101, a duplicate key or a network missing, it is held on both engines by the same finding."""
    import clout.audit.checks

    home, run_id = two_networks_scored
    audits = {}
    for engine in ("duckdb", "spark"):
        settings = copy_warehouse(home, tmp_path / engine)
        if BREAKAGES[breakage]:
            with connect(settings) as con:
                con.execute(BREAKAGES[breakage].replace("$run", "$1"), [run_id])
        monkeypatch.setenv("CLOUT_ENGINE", engine)
        if engine == "spark":
            monkeypatch.setattr(clout.audit.checks, "profile", None)  # no DuckDB aggregates on the Spark engine
        audits[engine] = _audit(settings, run_id)
    outcome, checks, findings = audits["spark"]
    assert audits["spark"] == audits["duckdb"]
    assert len(checks) > 30  # every rule of the contract, those against the last night, accounts kept
    failed = [f"{name} ({detail})" for name, _, passed, _, detail in checks if not passed]
    if breakage == "whole":
        assert outcome != "HOLD" and not failed, failed
    else:
        want = {"a score of 101": r"expect_column_values_to_be_between \(1 score values outside between 1 and 100\)",
                "a duplicate key": r"expect_compound_columns_to_be_unique \(3 rows repeat another row's",
                "a network missing": "expect_column_distinct_values_to_contain_set .*missing: mastodon"}[breakage]
        assert outcome == "HOLD" and any(re.search(want, f) for f in failed), failed
        assert "contract check failed" in findings
