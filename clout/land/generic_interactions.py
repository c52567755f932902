"""Parse generic interaction lines (`actor target unix_ts kind`, whitespace separated) into typed rows.

Pure Polars: lines in, typed rows plus a per-line `error` out. The caller decides what a bad line means.
"""

from __future__ import annotations

import polars as pl

# Canonical interaction kinds, and the short codes real files use for them (SNAP Higgs: RT, MT, RE).
KINDS = ("repost", "reply", "mention", "quote", "like", "follow")
KIND_CODES = {"RT": "repost", "RE": "reply", "MT": "mention", "QT": "quote", "LK": "like", "FW": "follow"}

_FOUR_FIELDS = r"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$"


def parse_whitespace_lines(lines: pl.LazyFrame, network: str) -> pl.LazyFrame:
    """`lines` has `line_no` and `line`; returns one row per line with typed fields and `error`.

    `error` is null for a good line, else the reason (wrong field count, not a number, unknown kind).
    """
    fields = pl.col("line").str.extract_groups(_FOUR_FIELDS)
    kind_raw = pl.col("_f").struct.field("4")
    ts = pl.col("_f").struct.field("3").cast(pl.Int64, strict=False)
    kind = (
        pl.when(kind_raw.is_in(list(KINDS)))
        .then(kind_raw)
        .otherwise(kind_raw.replace_strict(KIND_CODES, default=None))
    )
    return (
        lines.with_columns(_f=fields)
        .with_columns(
            network=pl.lit(network),
            actor_id=pl.col("_f").struct.field("1"),
            target_id=pl.col("_f").struct.field("2"),
            occurred_at=pl.from_epoch(ts, time_unit="s"),
            kind_raw=kind_raw,
            kind=kind,
        )
        .with_columns(
            event_date=pl.col("occurred_at").dt.date(),
            error=pl.when(pl.col("line").str.contains("\ufffd"))
            .then(pl.lit("not valid UTF-8"))
            .when(pl.col("actor_id").is_null())
            .then(pl.lit("expected 4 whitespace-separated fields: actor target unix_ts kind"))
            .when(ts.is_null())
            .then(pl.lit("unix_ts is not a whole number of seconds"))
            .when(pl.col("kind").is_null())
            .then(pl.lit("unknown interaction kind (expected one of " + ", ".join(KINDS) + " or RT/RE/MT/QT/LK/FW)"))
            .otherwise(None),
        )
        .drop("_f")
    )
