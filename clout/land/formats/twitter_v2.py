"""Twitter/X API v2 pages as twarc2 writes them: one JSON page per line (`data`, `includes`, `meta`).

`data` holds tweets (search, timelines) or users (user lookups); `includes.users` and `includes.tweets`
hold the authors and the referenced tweets, which land as accounts and posts too (their counters are
observations like any other). The observation time is `__twarc.retrieved_at`.

Pages never pass through Python: each block of lines goes to DuckDB, which parses every line once and every
item once (sql/land/twitter_v2_items.sql) and checks rows against their staging contracts (twitter_v2_rows.sql),
on a second connection one block ahead; the caller's connection writes raw records, quarantine and the scratch
tables in its transaction (twitter_v2_write.sql). Blocks are large (BLOCK_BYTES) and their lines reach DuckDB in
small Arrow batches: a page holds about 100 tweets, so a block has only a few hundred lines, and DuckDB shares
work between cores by batch and by row group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import polars as pl
import pyarrow as pa

from clout.core.warehouse import query, registered, run_sql
from clout.land import plausible
from clout.land.formats import limits
from clout.land.formats.base import ACCOUNT_SCHEMA, POST_SCHEMA, MadeAhead, NextFile, file_time, head_bytes
from clout.land.formats.checks import violations_sql
from clout.land.formats.generic import _byte_blocks, _lines
from clout.land.formats.twitter_v2_lines import flattened

NAME = "twitter_v2"
NETWORK = "twitter"
# About 600k records a block. Faster than 64 MB blocks (docs/benchmarks.md): an insert of five row groups keeps both
# cores busy where two or three did not.
BLOCK_BYTES = 128 << 20
# Rows reach the writing connection in batches of a row group: its insert writes each full row group to disk there
# and then (compressed, off the commit); batches of other sizes left their rows for the (then longer) checkpoint.
ROW_GROUP_ROWS = 122_880
LINES_PER_BATCH = 16  # lines (pages of ~100 items) per Arrow batch: the unit DuckDB hands to a core
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


def detect(path: Path, head: bytes) -> bool:
    start = head.lstrip()[:2048]
    if not (start.startswith(b"{") and (b'"__twarc"' in head or b'"data"' in start[:20])
            and b'"window.YTD' not in start):
        return False
    return not flattened(path, head)  # twarc2's flattened tweets carry `__twarc` too: no pages


@dataclass
class Landed:
    """What a file added up to, for the reconcile: records read, quarantined, the first problem, new fields."""

    records: int = 0
    quarantined: int = 0
    first_problem: str | None = None
    bad_line_bytes: int = 0  # lines that were no page: one record each, however much of the file they held
    record_bytes: int = 0
    unknown_fields: set[str] = field(default_factory=set)
    entities: tuple[str, ...] = ("post", "account")  # the scratch tables to merge into staging


def land(con, file_id: int, path: Path, options, ahead: NextFile | None = None, lines: Lines | None = None
         ) -> Landed:
    """Land the file's pages into raw.* and the scratch tables land_post / land_account, inside the caller's
    transaction, a block of lines at a time (memory does not grow with the file).

    Blocks are parsed on a second connection, one block ahead, while this one writes the block before. The second
    connection touches only its own temp tables, outside the file's transaction, so each block's parse is let go
    as soon as the next replaces it; inside the transaction every replaced table stayed until the commit (spilled
    to disk). Its rows come back as Arrow. Peak RSS does not grow with the file (figures: docs/benchmarks.md).

    Once the last block is parsed, the session's next file (`ahead`), when it is API v2 too, begins its first
    block while this file's rows are merged into staging: the merges leave a core idle.

    `lines`: where the pages come from when they are not the file's lines (twarc2's flattened tweets turned back
    into pages, twitter_v2_flat.py)."""
    landed = Landed()
    run_sql(con, "land/twitter_v2_begin")
    ahead = ahead or NextFile()
    parse = ahead.take(path) or _Parse(con, path, lines)
    try:
        for block in parse.blocks:
            with registered(con, "v2_rows", block.rows):
                run_sql(con, "land/twitter_v2_write", file_id=file_id)
            landed.records += block.records
            landed.quarantined += block.quarantined
            landed.first_problem = landed.first_problem or block.first_problem
            landed.bad_line_bytes += block.bad_line_bytes
            landed.record_bytes += block.record_bytes
            landed.unknown_fields |= block.unknown_fields
    finally:
        parse.close()
    _begin_next(con, path, ahead)
    return landed


class _Parse:
    """A file's blocks parsed on a connection of its own (`parser`), one block ahead of the caller."""

    def __init__(self, con, path: Path, lines: Lines | None = None) -> None:
        self.parser = con.cursor()
        self.blocks = MadeAhead(_parsed_blocks(self.parser, path, lines))

    def close(self) -> None:
        """Stops the block being parsed, if any (not needed: an error, or a file not landed after all)."""
        self.parser.interrupt()
        self.blocks.close()
        self.parser.close()


def _begin_next(con, path: Path, ahead: NextFile) -> None:
    following = ahead.after(path)
    if following is not None and following.is_file() and detect(following, head_bytes(following)):
        ahead.begin(following, lambda: _Parse(con, following))


@dataclass(frozen=True)
class _Block:
    rows: pa.Table  # v2_rows: one row per record, canonical columns and the reason it cannot land
    records: int
    quarantined: int
    first_problem: str | None
    unknown_fields: set[str]
    bad_line_bytes: int
    record_bytes: int


@dataclass(frozen=True)
class Lines:
    """Pages that are not the file's own lines: `batches(path)` gives them as twitter_v2_items.sql reads them
    (line_no, line, and what `placed` reads), and the SQL file `placed` runs after it, on the same lines."""

    batches: Callable[[Path], Iterator[pa.Table]]
    placed: str


def _parsed_blocks(parser, path: Path, source: Lines | None = None) -> Iterator[_Block]:
    """Each block of the file parsed into records (sql/land/twitter_v2_items.sql, twitter_v2_rows.sql) on the
    connection `parser`, numbered on from the blocks before."""
    fallback, records = file_time(path), 0
    for lines in (source.batches if source else _line_batches)(path):
        with registered(parser, "landing_lines", lines):
            run_sql(parser, "land/twitter_v2_items", fallback=fallback, offset=records,
                    tweet_fields=sorted(TWEET_FIELDS), user_fields=sorted(USER_FIELDS))
            if source:
                run_sql(parser, source.placed)
        rows = query(parser, "land/twitter_v2_rows", _contracts(),
                     **plausible.sql_params(plausible.latest(datetime.now(UTC)))).to_arrow_table(ROW_GROUP_ROWS)
        with registered(parser, "v2_rows", rows):
            (n, quarantined, first_problem, bad_bytes, all_bytes), = query(parser, "land/twitter_v2_summary").fetchall()
        unknown = {name for _, name in query(parser, "land/twitter_v2_keys").fetchall()}
        yield _Block(rows, n, quarantined, first_problem, unknown, bad_bytes, all_bytes)
        records += n


def _line_batches(path: Path) -> Iterator[pa.Table]:
    """Each block of the file as line_no, line in Arrow batches of LINES_PER_BATCH lines."""
    cap = limits.max_line()
    for first_line_no, block in _byte_blocks(path, BLOCK_BYTES):
        frame = _lines(block)
        sizes = frame["line"].str.len_bytes()
        if sizes.max() is not None and sizes.max() > cap:  # DuckDB's JSON parser would run out of memory on it
            raise limits.line_too_long(path, first_line_no + int(sizes.arg_max()), cap)
        lines = frame.with_row_index("line_no", offset=first_line_no).to_arrow()
        yield pa.Table.from_batches(lines.to_batches(max_chunksize=LINES_PER_BATCH))


@cache
def _contracts() -> dict[str, str]:
    """The staging contracts' row checks and the plausible ids and times as SQL, for twitter_v2_rows.sql."""
    def text_columns(schema: dict) -> dict[str, bool]:
        return {name: dtype == pl.String for name, dtype in schema.items()}

    post_ids = [c for c in POST_SCHEMA if c.endswith("_id")]
    return {"post_violation": violations_sql("staging_posts", text_columns(POST_SCHEMA)),
            "account_violation": violations_sql("staging_accounts", text_columns(ACCOUNT_SCHEMA)),
            "post_implausible": plausible.sql_problem(post_ids, ["mentions"], "created_at"),
            "account_implausible": plausible.sql_problem(["account_id"])}
