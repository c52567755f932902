"""Landing-time contract checks: each row against its ODCS v3 contract in data_contracts/.

Great Expectations validates whole tables in the audit; landing needs a per-row verdict (which record to
quarantine, and why) at millions of rows a second, so the same contract becomes Polars expressions here, or
a SQL expression for readers that stay in DuckDB: required fields present (an empty string counts as
missing), allowed values, minimum/maximum.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from clout.core.contracts import contract_schema


@cache
def _rules(contract: str) -> tuple[tuple[str, str, object], ...]:
    rules = []
    for p in contract_schema(contract)["properties"]:
        opts = p.get("logicalTypeOptions") or {}
        if p.get("required"):
            rules.append((p["name"], "required", None))
        if "enum" in opts:
            rules.append((p["name"], "enum", tuple(opts["enum"])))
        if "minimum" in opts:
            rules.append((p["name"], "minimum", opts["minimum"]))
    return tuple(rules)


def violations(frame: pl.DataFrame, contract: str) -> pl.Expr:
    """Per row: the first broken rule of `contract` as text, or null. Columns absent from `frame` are skipped."""
    checks = []
    for column, rule, arg in _rules(contract):
        if column not in frame.columns:
            continue
        col = pl.col(column)
        if rule == "required":
            missing = col.is_null()
            if frame.schema[column] == pl.String:
                missing = missing | (col.str.len_bytes() == 0)  # cheap: readers strip blanks already
            broken, text = missing, f"{column} is required"
        elif rule == "enum":
            broken, text = col.is_not_null() & ~col.is_in(list(arg)), f"{column} not one of {', '.join(arg)}"
        else:
            broken, text = col.is_not_null() & (col < arg), f"{column} below {arg}"
        checks.append(pl.when(broken).then(pl.lit(f"contract {contract}: {text}")))
    return pl.coalesce(checks) if checks else pl.lit(None, dtype=pl.String)


def violations_sql(contract: str, columns: dict[str, bool]) -> str:
    """`violations` as a SQL expression over `columns` (name -> is text): the first broken rule, or null."""
    checks = []
    for column, rule, arg in _rules(contract):
        if column not in columns:
            continue
        if rule == "required":
            broken = f"{column} is null" + (f" or {column} = ''" if columns[column] else "")
            text = f"{column} is required"
        elif rule == "enum":
            broken, text = f"{column} not in ({', '.join(map(_literal, arg))})", f"{column} not one of {', '.join(arg)}"
        else:
            broken, text = f"{column} < {arg!r}", f"{column} below {arg}"
        checks.append(f"when {broken} then {_literal(f'contract {contract}: {text}')}")
    return f"case {' '.join(checks)} end" if checks else "null"


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
