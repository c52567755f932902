"""Great Expectations results worded for a person: "297 rows; at least 212,938 expected", not a dict of kwargs.

Used for every contract check clout records (meta.gate_checks.detail), prints (`clout review`, a HOLD message)
and reports (the run report). Numbers are plain Python numbers, never `np.float64(...)`.
"""

from __future__ import annotations

import math
from numbers import Number


def plain(value):
    """numpy scalars and containers of them as plain Python values; a missing value (pandas' NA: an aggregate of no
    rows, such as the networks a night kept) as None."""
    if value is None or type(value).__name__ == "NAType":
        return None
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        try:
            return value.item()
        except (TypeError, ValueError):
            pass
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


def num(value) -> str:
    """A number as a person reads it: 212,938 / 13.37 / 0.05."""
    value = plain(value)
    if value is None:
        return "none"
    if isinstance(value, bool) or not isinstance(value, Number):
        return str(value)
    if isinstance(value, int) or (isinstance(value, float) and value.is_integer() and abs(value) >= 1000):
        return f"{int(value):,}"
    if isinstance(value, float) and math.isnan(value):
        return "not a number"
    return f"{value:.4g}"


def _range(kwargs: dict) -> str:
    lo, hi = kwargs.get("min_value"), kwargs.get("max_value")
    if lo is not None and hi is not None:
        return f"between {num(lo)} and {num(hi)}"
    if lo is not None:
        return f"{'above' if kwargs.get('strict_min') else 'at least'} {num(lo)}"
    if hi is not None:
        return f"{'below' if kwargs.get('strict_max') else 'at most'} {num(hi)}"
    return "any value"


def _examples(result: dict) -> str:
    sample = plain(result.get("partial_unexpected_list") or [])[:3]
    return f" (e.g. {', '.join(map(str, sample))})" if sample else ""


def _values(values) -> str:
    values = plain(values) or []
    return ", ".join(map(str, values[:8])) + (f" and {len(values) - 8} more" if len(values) > 8 else "")


def describe(kind: str, kwargs: dict, result: dict | None) -> str:
    """What the check saw and what it expected, in one sentence."""
    result, kwargs = plain(result or {}), plain(kwargs or {})
    seen = result.get("observed_value")
    bad = result.get("unexpected_count")
    share = result.get("unexpected_percent")
    col = kwargs.get("column")
    if kind == "expect_table_row_count_to_be_between":
        return f"{num(seen)} rows; {_range(kwargs)} expected"
    if kind == "expect_column_stdev_to_be_between":
        return f"the spread of {col} (standard deviation) is {num(seen)}; {_range(kwargs)} expected"
    if kind == "expect_column_values_to_not_be_in_set":
        allowed = 1 - float(kwargs.get("mostly", 1.0))
        return (f"{num(share or 0)}% of {col} values are {_values(kwargs.get('value_set'))}; at most "
                f"{allowed:.1%} may be")
    if kind == "expect_column_distinct_values_to_contain_set":
        missing = [v for v in kwargs.get("value_set") or [] if v not in (seen or [])]
        return (f"{col} values present: {_values(seen) or 'none'}"
                + (f"; missing: {_values(missing)}" if missing else f"; all of {_values(kwargs.get('value_set'))}"))
    if kind == "expect_table_columns_to_match_set":
        expected, have = set(kwargs.get("column_set") or []), set(seen or [])
        missing, extra = sorted(expected - have), sorted(have - expected)
        if not missing and not extra:
            return "the columns are the contract's"
        return "; ".join(filter(None, (f"missing columns: {', '.join(missing)}" if missing else "",
                                       f"columns not in the contract: {', '.join(extra)}" if extra else "")))
    if kind == "expect_column_values_to_not_be_null":
        return f"{num(bad or 0)} empty {col} values; none expected"
    if kind == "expect_column_values_to_be_between":
        return f"{num(bad or 0)} {col} values outside {_range(kwargs)}{_examples(result)}"
    if kind == "expect_column_values_to_be_in_set":
        return f"{num(bad or 0)} {col} values not in {_values(kwargs.get('value_set'))}{_examples(result)}"
    if kind == "expect_column_values_to_be_unique":
        return f"{num(bad or 0)} {col} values appear more than once{_examples(result)}; each must be unique"
    if kind == "expect_compound_columns_to_be_unique":
        cols = ", ".join(kwargs.get("column_list") or [])
        return f"{num(bad or 0)} rows repeat another row's ({cols}){_examples(result)}; each must be unique"
    # a check this module does not word yet: still no dicts of numpy values
    parts = [f"observed {num(seen) if not isinstance(seen, list | dict) else seen}" if seen is not None else "",
             f"{num(bad)} unexpected values" if bad is not None else ""]
    return "; ".join(p for p in parts if p) + f" (expected {_range(kwargs)})"


def title(kind: str) -> str:
    """`expect_table_row_count_to_be_between` -> `table row count`: the check's name without GX's framing."""
    name = kind.removeprefix("expect_").replace("_", " ")
    for tail in (" to be between", " to not be in set", " to contain set", " to match set", " to not be null",
                 " to be in set", " to be unique"):
        name = name.removesuffix(tail)
    return name
