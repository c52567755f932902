"""What a landed id and time may be (issue 15.6): anything else is quarantined with the reason, never landed.

Ids are text exactly as delivered (a JSON number is read as its digits, never through a float: 10^30 and 10^30+1
stay two accounts); an id longer than MAX_ID_CHARS, or holding a control character (NUL included), is not an id.
A time before the network existed, or more than FUTURE_SLACK after the landing, is not a real time (year 0001,
1900, 9999, or seconds that overflow). Pure Polars expressions, plus the same bounds as SQL parameters.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import polars as pl

MAX_ID_CHARS = 256  # Twitter ids have 19 digits; Mastodon account ids are URLs, rarely past 100 characters
CONTROL = r"[\x00-\x1f\x7f]"
# The day a network opened: nothing on it happened earlier. Other networks (generic files name any network, and
# synthetic worlds replay 2012 on Mastodon): DEFAULT_SINCE, before any social network clout reads.
NETWORK_SINCE = {"twitter": date(2006, 3, 21)}
DEFAULT_SINCE = date(1990, 1, 1)
FUTURE_SLACK = timedelta(days=1)  # clocks of exporters drift; a day ahead of the landing is still plausible
# Unix seconds a timestamp can hold (years 1..9999): outside, conversion would wrap around silently.
UNIX_MIN, UNIX_MAX = -62135596800, 253402300799


def latest(landed_at: datetime) -> datetime:
    return landed_at.replace(tzinfo=None) + FUTURE_SLACK


def id_problem(col: pl.Expr, name: str) -> pl.Expr:
    """Null, or why the value is not an id."""
    return (pl.when(col.str.len_chars() > MAX_ID_CHARS).then(pl.lit(f"{name} longer than {MAX_ID_CHARS} characters"))
            .when(col.str.contains(CONTROL)).then(pl.lit(f"{name} holds a control character")))


def since(network: pl.Expr) -> pl.Expr:
    return network.replace_strict({k: v for k, v in NETWORK_SINCE.items()}, default=DEFAULT_SINCE,
                                  return_dtype=pl.Date)


def time_problem(time: pl.Expr, network: pl.Expr, until: datetime, name: str = "time") -> pl.Expr:
    """Null, or why the time is not plausible on its network."""
    first = since(network).cast(pl.Datetime("us"))
    return pl.when(time.is_not_null() & ((time < first) | (time > pl.lit(until)))).then(pl.format(
        "{} {} is outside {}'s plausible range ({} .. {})", pl.lit(name), time.dt.strftime("%Y-%m-%d %H:%M:%S"),
        network, since(network), pl.lit(until.date())))


def sql_problem(ids: list[str], id_lists: list[str] = (), time: str | None = None) -> str:
    """The same checks as one SQL expression (null, or why), over the columns named, for formats parsed in DuckDB
    (sql/land/twitter_v2_rows.sql); binds the parameters of sql_params."""
    whens = []
    for column in ids:
        name = column.replace("_", " ")
        whens += [f"when length({column}) > $max_id_chars then '{name} longer than {MAX_ID_CHARS} characters'",
                  f"when regexp_matches({column}, $control) then '{name} holds a control character'"]
    for column in id_lists:
        name = column.replace("_", " ")
        whens += [f"when list_bool_or(list_transform({column}, lambda i: length(i) > $max_id_chars)) "
                  f"then 'an id in {name} longer than {MAX_ID_CHARS} characters'",
                  f"when list_bool_or(list_transform({column}, lambda i: regexp_matches(i, $control))) "
                  f"then 'an id in {name} holds a control character'"]
    if time:
        first = "coalesce(map_extract_value(map($since_networks, $since_dates), network), $since_default)"
        whens.append(f"when {time} < {first} or {time} > $latest then format("
                     f"'{time} {{}} is outside {{}}''s plausible range ({{}} .. {{}})', "
                     f"strftime({time}, '%Y-%m-%d %H:%M:%S'), network, {first}, cast($latest as date))")
    return "case " + " ".join(whens) + " end"


def sql_params(until: datetime) -> dict:
    """The bounds as parameters of sql/land/generic_fast.sql."""
    return {"since_networks": list(NETWORK_SINCE), "since_dates": list(NETWORK_SINCE.values()),
            "since_default": DEFAULT_SINCE, "latest": until, "max_id_chars": MAX_ID_CHARS, "control": CONTROL}
