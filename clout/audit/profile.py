"""Contract checks where the data is: DuckDB (or, on the Spark engine, Spark) computes exact aggregates of a night's
rows in one pass, and Great Expectations judges those aggregates. No night is copied into pandas, whatever its size.

Why not GX on the rows: its pandas engine needs the whole night in memory (10M accounts: many GB, minutes), and
its SQL path on DuckDB reports every expectation as failed (DESIGN.md). Why not a sample: a contract is about
every row (one null account id, one score of 101, one duplicate key must fail the night), and a sample misses
them. So every rule of the contract becomes an exact aggregate whose value decides it the same way:

| contract rule (the check's name, as GX names it)  | aggregate (DuckDB, one pass)                  | GX judges   |
|---------------------------------------------------|-----------------------------------------------|-------------|
| expect_table_columns_to_match_set                 | the relation's columns (no rows read)        | on 0 rows   |
| expect_column_values_to_not_be_null               | rows where the column is null                 | = 0         |
| expect_column_values_to_be_between (min, max)     | rows outside [min, max] (nulls are not)       | = 0         |
| expect_column_values_to_be_in_set                 | rows not in the set (nulls are not)           | = 0         |
| expect_(compound_)column(s)_to_be_unique          | rows - distinct keys                          | = 0         |
| expect_table_row_count_to_be_between              | rows                                          | in bounds   |
| expect_column_stdev_to_be_between                 | sample standard deviation                     | in bounds   |
| expect_column_values_to_not_be_in_set, mostly m   | share of non-null rows in the set             | <= 1 - m    |
| expect_column_distinct_values_to_contain_set      | 1 when the distinct values hold the whole set | = 1         |

tests/gate/test_contract_profile.py holds each rule's verdict equal to GX's own on the rows (valid and invalid
frames side by side), and a passing night passing.

On the Spark engine (docs/engines.md) each rule states the same aggregate in Spark SQL (`spark_sql`, beside its
DuckDB `sql`), Spark computes them all in one job over the Spark DataFrame of the rows (`profile_on_spark`), and the
one row it returns is judged and worded by the same code (`judge`): one set of rules, the same verdicts and the
same findings on both engines. tests/gate/test_contracts_on_spark.py holds each aggregate equal on both engines and
each verdict equal to GX's own on the Spark rows (its Spark datasource).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import duckdb
import pandas as pd

from clout.core.contract_wording import describe, plain
from clout.core.contracts import contract_schema, gx_results
from clout.core.warehouse import sql_text


@dataclass(frozen=True)
class Rule:
    """One contract rule as an exact aggregate: `sql` computes `name`; GX expects it within [low, high]."""

    check: str
    column: str | None
    name: str
    sql: str
    low: float | None = None
    high: float | None = None
    strict_low: bool = False
    kwargs: dict | None = None  # the rule as GX states it on the rows (min_value, value_set, mostly...): its wording
    result_key: str = "unexpected_count"  # what the aggregate is in GX's result on the rows
    observed_sql: str | None = None  # for the wording only: a value GX reports on the rows the aggregate stands for
    spark_sql: str | None = None  # `sql` in Spark SQL: the same aggregate of the same rows, on the Spark engine
    observed_spark_sql: str | None = None  # `observed_sql` in Spark SQL

    def expectation(self):
        from great_expectations import expectations as gxe

        return gxe.ExpectColumnValuesToBeBetween(column=self.name, min_value=self.low, max_value=self.high,
                                                 strict_min=self.strict_low)


def _q(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'


def _literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'" if isinstance(value, str) else repr(value)


def _sq(column: str) -> str:
    """A column's name in Spark SQL."""
    return "`" + column.replace("`", "``") + "`"


def _spark_literal(value) -> str:
    """A value in Spark SQL, whose strings read a backslash as an escape (DuckDB's do not)."""
    if isinstance(value, str):
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"
    return repr(value)


def _outside(column: str, lo, hi) -> str:
    """The condition of a value outside [lo, hi] (either may be None), in DuckDB's and Spark's SQL alike."""
    return " or ".join(([f"{column} < {lo!r}"] if lo is not None else [])
                       + ([f"{column} > {hi!r}"] if hi is not None else []))


def contract_rules(contract: str) -> list[Rule]:
    """The static rules of `data_contracts/<contract>.yaml` (ODCS v3), as aggregates."""
    schema = contract_schema(contract)
    rules = []
    for p in schema["properties"]:
        col, opts = p["name"], p.get("logicalTypeOptions") or {}
        if p.get("required"):
            rules.append(Rule("expect_column_values_to_not_be_null", col, f"nulls__{col}",
                              f"count(*) - count({_q(col)})", 0, 0, kwargs={"column": col},
                              spark_sql=f"count(*) - count({_sq(col)})"))
        if "minimum" in opts or "maximum" in opts:
            lo, hi = opts.get("minimum"), opts.get("maximum")
            rules.append(Rule("expect_column_values_to_be_between", col, f"outside__{col}",
                              f"count(*) filter (where {_outside(_q(col), lo, hi)})", 0, 0,
                              kwargs={"column": col, "min_value": lo, "max_value": hi},
                              spark_sql=f"count(*) filter (where {_outside(_sq(col), lo, hi)})"))
        if "enum" in opts:
            values = ", ".join(_literal(v) for v in opts["enum"])
            spark_values = ", ".join(_spark_literal(v) for v in opts["enum"])
            rules.append(Rule("expect_column_values_to_be_in_set", col, f"not_in_set__{col}",
                              f"count(*) filter (where {_q(col)} not in ({values}))", 0, 0,
                              kwargs={"column": col, "value_set": opts["enum"]},
                              spark_sql=f"count(*) filter (where {_sq(col)} not in ({spark_values}))"))
    keys = [p["name"] for p in sorted((p for p in schema["properties"] if p.get("primaryKey")),
                                      key=lambda p: p.get("primaryKeyPosition", 0))]
    if keys:
        check = "expect_column_values_to_be_unique" if len(keys) == 1 else "expect_compound_columns_to_be_unique"
        distinct = _q(keys[0]) if len(keys) == 1 else "(" + ", ".join(map(_q, keys)) + ")"
        # Spark's count(distinct a, b) skips a row with any null; a struct, like DuckDB's row value, does not
        spark_distinct = _sq(keys[0]) if len(keys) == 1 else "struct(" + ", ".join(map(_sq, keys)) + ")"
        rules.append(Rule(check, ",".join(keys), "duplicates", f"count(*) - count(distinct {distinct})", 0, 0,
                          kwargs={"column": keys[0], "column_list": keys},
                          spark_sql=f"count(*) - count(distinct {spark_distinct})"))
    for rule in schema.get("quality", []):
        if rule.get("metric") == "rowCount" and "mustBeGreaterThan" in rule:
            rules.append(Rule("expect_table_row_count_to_be_between", None, "rows", "count(*)",
                              rule["mustBeGreaterThan"] + 1, kwargs={"min_value": rule["mustBeGreaterThan"] + 1},
                              result_key="observed_value", spark_sql="count(*)"))
    return rules


def night_rules(ref, cfg: dict) -> list[Rule]:
    """Rules against the last published night (`ref`: a checks.Reference; None when there is none): volume,
    score spread, share at the minimum score, every network kept. With no published night, only that the
    scores are not all equal."""
    stdev = "coalesce(stddev_samp(score), 0)"  # the same text in Spark SQL (its stddev_samp of one row is null too)
    if ref is None:
        return [Rule("expect_column_stdev_to_be_between", "score", "stdev__score", stdev, 0, strict_low=True,
                     kwargs={"column": "score", "min_value": 0, "strict_min": True}, result_key="observed_value",
                     spark_sql=stdev)]
    min_score = int(cfg["min_score"])
    rows = math.ceil(cfg["volume_min_ratio"] * ref.rows)
    spread = cfg["stdev_min_ratio"] * ref.stdev
    out = [
        Rule("expect_table_row_count_to_be_between", None, "rows", "count(*)", rows, kwargs={"min_value": rows},
             result_key="observed_value", spark_sql="count(*)"),
        Rule("expect_column_stdev_to_be_between", "score", "stdev__score", stdev, spread, strict_low=ref.stdev == 0,
             kwargs={"column": "score", "min_value": spread, "strict_min": ref.stdev == 0},
             result_key="observed_value", spark_sql=stdev),
    ]
    allowed_at_min = ref.share_at_min + cfg["min_score_max_rise"]
    if allowed_at_min < 1:
        out.append(Rule("expect_column_values_to_not_be_in_set", "score", "share_at_min__score",
                        f"coalesce(avg((score = {min_score})::double), 0)", high=allowed_at_min,
                        kwargs={"column": "score", "value_set": [min_score], "mostly": 1 - allowed_at_min},
                        result_key="unexpected_percent",
                        spark_sql=f"coalesce(avg(cast(score = {min_score} as double)), 0)"))
    if cfg.get("networks_kept", True) and ref.networks:
        networks = ", ".join(_literal(n) for n in ref.networks)
        # A night of no rows kept no network: 0, not DuckDB's null list (GX would find no value to judge and pass
        # it). Its observed list stays null (worded "none"), and DuckDB's list keeps a null network, last.
        distinct = "array_sort(collect_set(network))"
        out.append(Rule("expect_column_distinct_values_to_contain_set", "network", "networks_kept__network",
                        f"coalesce(list_has_all(list(distinct network), [{networks}])::int, 0)", 1, 1,
                        kwargs={"column": "network", "value_set": list(ref.networks)}, result_key="observed_value",
                        observed_sql="list(distinct network order by network)",
                        spark_sql="case when count(*) > 0 then cast(size(array_except(array("
                                  + ", ".join(_spark_literal(n) for n in ref.networks)
                                  + "), collect_set(network))) = 0 as int) else 0 end",
                        observed_spark_sql=f"case when count(*) = 0 then null when count(network) < count(*) "
                                           f"then array_append({distinct}, null) else {distinct} end"))
    return out


def rows_sql(relation: str) -> str:
    """The one statement of `sql/<relation>.sql` (it selects the rows a contract is about)."""
    return sql_text(relation).strip().rstrip(";")


def profile(con: duckdb.DuckDBPyConnection, rows: str, rules: list[Rule], **params) -> pd.DataFrame:
    """One row: every rule's aggregate over the statement `rows`, computed by DuckDB where the rows are."""
    aggregates = {r.name: r.sql for r in rules}  # a rule may share its aggregate with another (rows)
    aggregates |= {f"observed__{r.name}": r.observed_sql for r in rules if r.observed_sql}
    select = ",\n    ".join(f"{sql} as {_q(name)}" for name, sql in aggregates.items())
    return con.sql(f"select\n    {select}\nfrom ({rows})", params=params or None).df()


def columns_frame(con: duckdb.DuckDBPyConnection, rows: str, **params) -> pd.DataFrame:
    """The columns of the statement `rows`, with no rows: what the column-set rule reads."""
    return con.sql(f"select * from ({rows}) limit 0", params=params or None).df()


def profile_on_spark(frame, rules: list[Rule]) -> pd.DataFrame:
    """`profile` on the Spark engine: every rule's aggregate (`spark_sql`) over the Spark DataFrame `frame`, in one
    Spark job where the rows are. Only the one row of aggregates leaves Spark (through Arrow), turned into pandas by
    DuckDB's conversion, so that GX reads the same row, of the same dtypes, as on the DuckDB engine."""
    from pyspark.sql import functions as F

    aggregates = {r.name: r.spark_sql for r in rules}
    aggregates |= {f"observed__{r.name}": r.observed_spark_sql for r in rules if r.observed_sql}
    return _pandas_as_duckdb_makes_it(frame.agg(*(F.expr(sql).alias(name) for name, sql in aggregates.items()))
                                      .toArrow())


def columns_frame_on_spark(frame) -> pd.DataFrame:
    """`columns_frame` of a Spark DataFrame: its columns, with no rows (the column-set rule reads their names; no
    Spark job)."""
    return pd.DataFrame(columns=list(frame.columns))


def _pandas_as_duckdb_makes_it(table) -> pd.DataFrame:
    """An Arrow table as pandas by DuckDB's conversion (`profile`'s: nullable integers where a value is null)."""
    with duckdb.connect() as con:
        return con.from_arrow(table).df()


def judge(aggregates: pd.DataFrame, columns: pd.DataFrame | None, contract_columns: list[str] | None,
          rules: list[Rule], name: str) -> list[tuple[Rule | None, bool, str]]:
    """GX's verdict on each rule: (rule, passed, detail). The column-set rule (rule None) is judged on `columns`."""
    from great_expectations import expectations as gxe

    out = []
    if columns is not None:
        (r,) = gx_results(columns, f"{name}_columns",
                         [gxe.ExpectTableColumnsToMatchSet(column_set=contract_columns, exact_match=True)])
        out.append((None, bool(r.success), describe("expect_table_columns_to_match_set",
                                                    {"column_set": contract_columns}, r.result)))
    results = gx_results(aggregates, name, [r.expectation() for r in rules])
    for rule, r in zip(rules, results, strict=True):
        out.append((rule, bool(r.success), _wording(rule, aggregates)))
    return out


def _wording(rule: Rule, aggregates: pd.DataFrame) -> str:
    """The check in the words clout uses for GX's result on the rows (clout.core.contract_wording)."""
    value = aggregates[f"observed__{rule.name}" if rule.observed_sql else rule.name].iloc[0]
    value = plain(value.tolist() if hasattr(value, "tolist") else value)  # a list aggregate arrives as an array
    if rule.result_key == "unexpected_percent":
        value = 100 * value
    return describe(rule.check, rule.kwargs or {}, {rule.result_key: value})
