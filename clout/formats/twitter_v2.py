"""Twitter/X API v2 pages as twarc2 writes them: one JSON page per line (`data`, `includes`, `meta`).

`data` holds tweets (search, timelines) or users (user lookups); `includes.users` and `includes.tweets`
hold the authors and the referenced tweets, which land as accounts and posts too (their counters are
observations like any other). The observation time is `__twarc.retrieved_at`.

Pages are parsed by DuckDB's JSON functions (C++, all cores) over blocks of lines, on a private in-memory
connection: the SQL is in sql/land/twitter_v2_*.sql. Python only assembles the frames.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import polars as pl

from clout.formats.base import (
    ACCOUNT_SCHEMA,
    ENTITY_SCHEMAS,
    POST_SCHEMA,
    QUARANTINE_SCHEMA,
    RECORD_SCHEMA,
    FrameBatch,
    file_time,
    post_account_ids,
)
from clout.formats.generic import _byte_blocks, _lines
from clout.warehouse import query, run_sql

NAME = "twitter_v2"
NETWORK = "twitter"
TWEET_FIELDS = frozenset({
    "id", "text", "author_id", "created_at", "conversation_id", "in_reply_to_user_id", "referenced_tweets",
    "attachments", "geo", "context_annotations", "entities", "withheld", "public_metrics", "organic_metrics",
    "promoted_metrics", "non_public_metrics", "possibly_sensitive", "lang", "source", "reply_settings",
    "edit_history_tweet_ids", "edit_controls", "note_tweet", "display_text_range", "scopes",
})
USER_FIELDS = frozenset({
    "id", "name", "username", "created_at", "description", "entities", "location", "pinned_tweet_id",
    "profile_image_url", "protected", "public_metrics", "url", "verified", "verified_type", "withheld",
    "most_recent_tweet_id", "affiliation", "connection_status", "subscription_type", "receives_your_dm",
})
_EMPTY = {"follow": None, "identity_link": None}


def detect(path: Path, head: bytes) -> bool:
    start = head.lstrip()[:2048]
    return start.startswith(b"{") and (b'"__twarc"' in head or b'"data"' in start[:20]) and b'"window.YTD' not in start


def read(path: Path, options) -> Iterator[FrameBatch]:
    fallback = file_time(path)
    offset = 0
    with duckdb.connect() as con:
        con.execute("set enable_progress_bar = false")
        for first_line_no, block in _byte_blocks(path):
            con.register("landing_lines", _lines(block).with_row_index("line_no", offset=first_line_no))
            run_sql(con, "land/twitter_v2_items", fallback=fallback)
            run_sql(con, "land/twitter_v2_number", offset=offset)
            batch = _batch(con)
            offset += sum(batch.built[n].height for n in ("records", "quarantine"))
            con.unregister("landing_lines")
            yield batch


def _batch(con) -> FrameBatch:
    posts = query(con, "land/twitter_v2_posts").pl().cast(POST_SCHEMA).select(list(POST_SCHEMA))
    accounts = query(con, "land/twitter_v2_accounts").pl().cast(ACCOUNT_SCHEMA).select(list(ACCOUNT_SCHEMA))
    raw = query(con, "land/twitter_v2_raw").pl()
    ids = pl.concat([
        posts.select("record_no", post_account_ids(posts).alias("account_ids")),
        accounts.select("record_no", pl.concat_list("account_id").list.drop_nulls().alias("account_ids")),
    ])
    good = raw.filter(pl.col("entity").is_in(["post", "account"])).join(ids, on="record_no", how="left")
    records = good.select(
        "record_no", "location", "entity", pl.lit(NETWORK).alias("network"),
        pl.col("account_ids").fill_null(pl.lit([], dtype=pl.List(pl.String))), "payload",
    ).cast(RECORD_SCHEMA)
    bad = raw.filter(~pl.col("entity").is_in(["post", "account"])).select(
        "record_no", "location",
        pl.when(pl.col("entity") == "invalid").then(pl.lit("not valid JSON (truncated or corrupt line)"))
        .when(pl.col("entity") == "bad_utf8").then(pl.lit("not valid UTF-8"))
        .otherwise(pl.lit("an item must be a JSON object")).alias("reason"),
        pl.coalesce("raw", "payload").alias("raw_text"),
        pl.lit([], dtype=pl.List(pl.String)).alias("account_ids"),
    ).cast(QUARANTINE_SCHEMA)
    keys = query(con, "land/twitter_v2_keys").fetchall()
    unknown = {f for entity, f in keys if f not in (TWEET_FIELDS if entity == "post" else USER_FIELDS)}
    built = {"records": records, "quarantine": bad, "post": posts, "account": accounts}
    for entity in _EMPTY:
        built[entity] = pl.DataFrame(schema=ENTITY_SCHEMAS[entity])
    return FrameBatch(built, unknown)
