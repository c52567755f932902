"""Type generic interaction rows (actor, target, time, kind, network, post id as text) into canonical rows.

Pure Polars: string fields in, typed fields plus a per-row `error` out (null when the row is good). The
reader decides where the fields come from (CSV/TSV columns, whitespace fields, Parquet, NDJSON keys).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import polars as pl

from clout.land.plausible import UNIX_MAX, UNIX_MIN, id_problem, time_problem

FIELDS = ("actor", "target", "time", "kind", "network", "post_id")
_ISO_FORMATS = ("%Y-%m-%dT%H:%M:%S%.fZ", "%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f")


@dataclass(frozen=True)
class InteractionParams:
    default_network: str = "twitter"
    default_kind: str | None = None  # for files of one kind only, e.g. a likes export
    # "unix" (integer seconds), "iso_z" (2012-07-01T10:00:00Z) or "any" (tries every known format: slower).
    # Readers try the narrow one first and fall back to "any" when a row does not fit.
    time_format: str = "any"
    strip: bool = True  # strip blanks around fields; the CSV fast path has none to strip
    # Times after this are not plausible (the landing's time plus a day); None: no upper bound (a test's choice).
    latest: datetime | None = None


def occurred_at(time: pl.Expr, time_format: str = "any") -> pl.Expr:
    """Unix seconds (whole, or with a fraction cut to the second), or ISO-8601 with `Z`, an offset or no zone (read
    as UTC), as naive UTC microseconds."""
    if time_format == "unix":
        return _from_unix(time.cast(pl.Int64, strict=False))
    if time_format == "iso_z":
        return time.str.strptime(pl.Datetime("us"), "%Y-%m-%dT%H:%M:%SZ", strict=False)
    t = time.str.strip_chars()
    # a fraction of a second (SNAP's bitcoin-otc: 1289241911.72836) is cut off: the interaction's second
    seconds = pl.coalesce(t.cast(pl.Int64, strict=False), t.str.extract(r"^(\d+)\.\d+$").cast(pl.Int64, strict=False))
    return pl.coalesce(
        _from_unix(seconds),
        *(t.str.strptime(pl.Datetime("us"), f, strict=False) for f in _ISO_FORMATS),
        t.str.to_datetime("%Y-%m-%dT%H:%M:%S%#z", strict=False, time_zone="UTC")
        .dt.replace_time_zone(None).cast(pl.Datetime("us")),
    )


def _from_unix(seconds: pl.Expr) -> pl.Expr:
    """Seconds a timestamp can hold (years 1..9999), else null: outside, the conversion wraps around silently."""
    inside = seconds.is_between(UNIX_MIN, UNIX_MAX)
    return pl.from_epoch(pl.when(inside).then(seconds), time_unit="s").cast(pl.Datetime("us"))


# Canonical interaction kinds, the short codes real files use for them (SNAP Higgs: RT, MT, RE), and the names the
# platforms give the same acts (Twitter's retweet and favorite, Mastodon's reblog and favourite, API v2's
# referenced-tweet types, a comment or a share elsewhere).
KINDS = ("repost", "reply", "mention", "quote", "like", "follow")
KIND_CODES = {"RT": "repost", "RE": "reply", "MT": "mention", "QT": "quote", "LK": "like", "FW": "follow"}
KIND_NAMES = {"retweet": "repost", "retweeted": "repost", "reblog": "repost", "boost": "repost", "share": "repost",
              "replied_to": "reply", "comment": "reply", "quoted": "quote", "favorite": "like", "favourite": "like"}
# Every spelling a file may use for a kind, each in its usual cases (`like`, `LIKE`, `Like`; `RT`, `rt`).
KIND_SPELLINGS = {spelling: kind
                  for name, kind in ({k: k for k in KINDS} | KIND_CODES | KIND_NAMES).items()
                  for spelling in (name, name.lower(), name.upper(), name.title())}
UNKNOWN_KIND = (f"unknown interaction kind (expected one of {', '.join(KINDS)}, their codes "
                f"{'/'.join(KIND_CODES)} or a platform's name: {', '.join(KIND_NAMES)})")


def canonical_kind(kind: pl.Expr) -> pl.Expr:
    """One hash lookup per row (no lower-casing of every value): the bulk path's hot spot."""
    return kind.replace_strict(KIND_SPELLINGS, default=None, return_dtype=pl.String)


def _strip(col: pl.Expr, params: InteractionParams) -> pl.Expr:
    """The field without surrounding blanks; an empty field is no value (as DuckDB's CSV reader reads it), so an
    empty network or kind column falls back to the default, and an empty post id is none."""
    col = col.str.strip_chars() if params.strip else col
    return pl.when(col != "").then(col)


def normalise(fields: pl.LazyFrame, params: InteractionParams) -> pl.LazyFrame:
    """`fields`: line_no, line and the FIELDS as strings (missing ones null). Returns typed rows + `error`."""
    kind_raw = pl.coalesce(_strip(pl.col("kind"), params), pl.lit(params.default_kind, dtype=pl.String))
    return (
        fields.with_columns(
            network=pl.coalesce(_strip(pl.col("network"), params), pl.lit(params.default_network)),
            actor_id=_strip(pl.col("actor"), params),
            target_id=_strip(pl.col("target"), params),
            occurred_at=occurred_at(pl.col("time"), params.time_format),
            kind_raw=kind_raw,
            kind=canonical_kind(kind_raw),
            post_id=_strip(pl.col("post_id"), params),
        )
        .with_columns(
            event_date=pl.col("occurred_at").dt.date(),
            error=pl.when(pl.col("line").is_null() | pl.col("parse_error").is_not_null())
            .then(pl.coalesce(pl.col("parse_error"), pl.lit("empty line")))
            .when(pl.col("line").str.contains("\ufffd", literal=True))
            .then(pl.lit("not valid UTF-8"))
            .when(pl.col("actor_id").is_null() | (pl.col("actor_id") == ""))
            .then(pl.lit("actor is missing"))
            .when(pl.col("target_id").is_null() | (pl.col("target_id") == ""))
            .then(pl.lit("target is missing"))
            .when(pl.col("occurred_at").is_null() & pl.col("time").str.strip_chars().str.contains(r"^\d{13}(\.\d+)?$"))
            .then(pl.lit("time looks like unix milliseconds (13 digits); clout reads unix seconds: export seconds"))
            .when(pl.col("occurred_at").is_null())
            .then(pl.lit("time is neither unix seconds nor ISO-8601 (years 1..9999)"))
            .when(pl.col("kind").is_null())
            .then(pl.lit(UNKNOWN_KIND))
            .otherwise(pl.coalesce(
                id_problem(pl.col("actor_id"), "actor id"), id_problem(pl.col("target_id"), "target id"),
                id_problem(pl.col("post_id"), "post id"),
                time_problem(pl.col("occurred_at"), pl.col("network"), params.latest or datetime.max)))
        )
        .select("line_no", "line", "network", "actor_id", "target_id", "occurred_at", "kind_raw", "kind",
                "post_id", "event_date", "error")
    )
