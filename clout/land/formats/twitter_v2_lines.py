"""What the lines of an API v2 file are: twarc2 pages (`data`, `includes`: twitter_v2.py), or tweets that twarc2's
flatten wrote one per line with their expansions inlined (twitter_v2_flat.py). Apart, so that each reader can tell
the other's files without importing it."""

from __future__ import annotations

import json
from pathlib import Path

import orjson

from clout.core.errors import CloutError
from clout.land.formats.base import iter_lines

DETECT_LINES = 3  # non-blank lines looked at to recognise the format (the first ones may be cut or broken)
PAGE_KEYS = frozenset({"data", "includes"})
# What only an API v2 tweet carries (twarc's own key, and tweet fields a table of interactions would not have)
API_KEYS = frozenset({"__twarc", "edit_history_tweet_ids", "conversation_id", "public_metrics", "entities",
                      "referenced_tweets", "possibly_sensitive", "reply_settings", "context_annotations"})
TABLE_KEYS = frozenset({"actor", "target", "time", "kind"})  # a generic table's own column names


def flattened(path: Path, head: bytes) -> bool:
    """A v2 tweet object per line (`id`, `text`, `author_id` or `author`; no `data` or `includes`), or a flattened
    user lookup (`id`, `username`, `__twarc`). A v1.1 tweet has `id_str` and `user`, no `author_id`. The first of
    the first DETECT_LINES lines that is a tweet or a page decides (before it: a cut line, an empty page)."""
    start = head.lstrip()
    if not start.startswith(b"{") or b'"window.YTD' in start[:2048] or start.startswith(b'{"data"'):
        return False
    try:
        looked = 0
        for _, raw in iter_lines(path):  # a flattened line may be longer than the head: the whole line is read
            if not raw.strip():
                continue
            item = loads(raw)
            if isinstance(item, dict) and item.keys() & PAGE_KEYS:
                return False
            if isinstance(item, dict) and is_flat(item):
                return True
            looked += 1
            if looked == DETECT_LINES:
                return False
    except CloutError:  # a line past CLOUT_MAX_LINE_BYTES, a broken gzip: not read as this format
        return False
    return False


def is_flat(item: dict) -> bool:
    """A v2 tweet or user as flatten writes it. An NDJSON table of interactions may have `id`, `text` and
    `author_id` columns too: a tweet also needs what only the API gives (twarc's `__twarc`, an `author` object,
    `edit_history_tweet_ids`, `public_metrics`, `entities`, ...), and a line naming a table's columns (`actor`,
    `target`, `time`, `kind`) is none."""
    if "id" not in item or item.keys() & TABLE_KEYS:
        return False
    api = isinstance(item.get("author"), dict) or bool(item.keys() & API_KEYS)
    tweet = "text" in item and ("author_id" in item or "author" in item) and api
    user = "username" in item and "text" not in item and "__twarc" in item
    return tweet or user


def loads(raw: bytes):
    """The line's JSON value, or None when it is not JSON (orjson refuses integers past 64 bits: json takes them)."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        try:
            return json.loads(raw)
        except ValueError:
            return None
