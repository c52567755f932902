"""One transform code path, two engines: what the model, explanations and person scores are written against.

transforms/model.py, explain.py, scores.py, topics.py and audit/ (the swing metrics and their judging) are written
in the part of Polars' API that Narwhals implements (https://narwhals-dev.github.io/narwhals/): `F.col`, `F.when`,
`F.sum_horizontal`, `.with_columns`, `.join`, `.group_by().agg`, `.over` ... where `F` is the module the frame
calls for:

- a Polars frame (the default engine) gets `polars` itself: the expressions are Polars' own, so the default engine
  pays nothing for the second engine (Narwhals in between cost 2x on the Higgs night's model and change parts:
  it translates every expression node in Python, and the Shapley split builds thousands of them a night);
- any other frame, a PySpark DataFrame on the Spark engine (clout/core/engine.py) or a Polars frame that a test
  wrapped in Narwhals on purpose, gets `narwhals`, which plans the same expressions on that engine.

Callers pass and receive their engine's own frames (`api`, `native`). The few things the expressions cannot say
are here, each the narrowest engine-specific step there is:

- `materialize`: evaluate a plan once before it is read several times (Polars: collect; Spark: a local checkpoint,
  which also cuts the lineage, so that what reads it does not plan it again);
- `cut`: nothing on Polars; on Spark a checkpoint between column groups of the model, so that each stage's
  generated code stays small enough for Java to compile;
- `ordered`: Polars frames have a row order and callers rely on it (a frame comes back in the order it went in);
  Spark frames have none, so there callers sort by keys where order matters;
- `with_row_ids` / `small_table`: an id per row to group by and join back on, and a lookup table made in Python,
  on the frame's engine (the Shapley split's long form, transforms/model.py `_shapley_long`);
- `any_horizontal` / `all_horizontal`: Narwhals needs to be told how nulls count, Polars' takes no such argument
  (every use here combines non-null booleans, so both mean the same);
- `left_join`: a left join that keeps the left frame's row order on Polars (Polars 2 keeps no order unless asked,
  and the order it gives then changes from one run to the next);
- `full_join`: a full join with one key column per key (Polars coalesces them when asked; Narwhals keeps the
  right side's keys beside the left's, so they are coalesced here);
- `row_number`: 1, 2, ... within a partition in a given order (Narwhals orders a window by column names, ascending
  only; the order's values are columns until then).

No engine is imported here but Polars (PySpark only when a Spark frame is in hand): a frame says what it is.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import narwhals as nw
import polars as pl


def api(frame: Any) -> tuple[ModuleType, Any]:
    """(the module whose API the frame takes, the frame as a lazy frame of that module)."""
    if isinstance(frame, pl.LazyFrame):
        return pl, frame
    if isinstance(frame, pl.DataFrame):
        return pl, frame.lazy()
    wrapped = frame if isinstance(frame, nw.LazyFrame | nw.DataFrame) else nw.from_native(frame)
    return nw, wrapped.lazy() if isinstance(wrapped, nw.DataFrame) else wrapped


def api_of(expr: Any) -> ModuleType:
    """The module an expression belongs to (a helper that makes expressions from expressions makes its own)."""
    return pl if isinstance(expr, pl.Expr) else nw


def native(result: Any, given: Any) -> Any:
    """`result` as the kind of frame the caller gave: Polars in, Polars (lazy) out; Narwhals in, Narwhals out;
    another engine's frame in, that engine's frame out."""
    if isinstance(result, pl.LazyFrame | pl.DataFrame) or isinstance(given, nw.LazyFrame | nw.DataFrame):
        return result
    return result.to_native()


def materialize(frame: Any) -> Any:
    """Evaluate `frame` once, so that reading it several times neither recomputes it nor sees rows in another
    order (a Polars plan evaluated twice may not give its rows in the same order)."""
    if isinstance(frame, pl.LazyFrame) or frame.implementation is nw.Implementation.POLARS:
        return frame.collect().lazy()
    spark = frame.to_native()
    if hasattr(spark, "localCheckpoint"):  # PySpark: computed once, kept by the executors, lineage cut
        return nw.from_native(spark.localCheckpoint(eager=True))
    return frame


def cut(frame: Any) -> Any:
    """Nothing on Polars; on Spark a local checkpoint, so that the stages after it are planned and compiled apart:
    Spark compiles a stage's chain of projections into one Java method, and where that is too large to compile it
    runs the stage interpreted."""
    if isinstance(frame, pl.LazyFrame) or frame.implementation is nw.Implementation.POLARS:
        return frame
    return materialize(frame)


def ordered(frame: Any, name: str) -> tuple[Any, bool]:
    """(`frame` evaluated once with a row number `name`, True) where rows have an order (Polars); (`frame`
    evaluated once, False) where they have none (Spark)."""
    if isinstance(frame, pl.LazyFrame) or frame.implementation is nw.Implementation.POLARS:
        return frame.collect().with_row_index(name).lazy(), True
    return materialize(frame), False


def with_row_ids(frame: Any, name: str) -> Any:
    """`frame` evaluated once with a unique integer `name` per row (an id to group by and join back on, not an
    order): Polars numbers its rows; Spark gives monotonically increasing ids, checkpointed so they never change."""
    if isinstance(frame, pl.LazyFrame) or frame.implementation is nw.Implementation.POLARS:
        return ordered(frame, name)[0]
    spark = frame.to_native()
    from pyspark.sql import functions

    return nw.from_native(spark.withColumn(name, functions.monotonically_increasing_id()).localCheckpoint(eager=True))


def small_table(like: Any, table: pl.DataFrame) -> Any:
    """A small Polars table (a lookup the transforms build in Python) on the engine of the frame `like`."""
    if isinstance(like, pl.LazyFrame) or like.implementation is nw.Implementation.POLARS:
        return table.lazy() if isinstance(like, pl.LazyFrame) else nw.from_native(table).lazy()
    spark = like.to_native().sparkSession
    return nw.from_native(spark.createDataFrame(table.to_arrow(compat_level=pl.CompatLevel.oldest())))


def any_horizontal(F: ModuleType, exprs: list) -> Any:
    return F.any_horizontal(exprs, ignore_nulls=True) if F is nw else F.any_horizontal(exprs)


def all_horizontal(F: ModuleType, exprs: list) -> Any:
    return F.all_horizontal(exprs, ignore_nulls=True) if F is nw else F.all_horizontal(exprs)


def left_join(left: Any, right: Any, on: list[str]) -> Any:
    """Every row of `left` with its match in `right` (at most one), in `left`'s row order on Polars."""
    if isinstance(left, pl.LazyFrame):
        return left.join(right, on=on, how="left", maintain_order="left")
    return left.join(right, on=on, how="left")


def full_join(left: Any, right: Any, on: list[str], suffix: str) -> Any:
    """Every row of either side, matched on `on` (a null key matches nothing), one column per key."""
    if isinstance(left, pl.LazyFrame):
        return left.join(right, on=on, how="full", coalesce=True, suffix=suffix)
    joined = left.join(right, on=on, how="full", suffix=suffix)
    right_keys = [f"{k}{suffix}" for k in on if f"{k}{suffix}" in joined.columns]
    if not right_keys:  # a backend that coalesced them itself
        return joined
    return joined.with_columns(*[nw.coalesce(k, f"{k}{suffix}").alias(k) for k in on]).drop(*right_keys)


def row_number(F: ModuleType, frame: Any, partition: list[str], order: list, name: str = "_row") -> Any:
    """`frame` with `name`: 1, 2, ... within each `partition` in the order of the expressions `order`, ascending
    (a descending order is given negated); rows alike in every one of them get different numbers."""
    names = [f"_order_{i}" for i in range(len(order))]
    frame = frame.with_columns(*[expr.alias(n) for expr, n in zip(order, names, strict=True)])
    number = F.col(partition[0]).cum_count().over(*partition, order_by=names).cast(F.Int32)
    return frame.with_columns(number.alias(name)).drop(*names)
