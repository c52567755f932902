"""Twitter/X API v2 tweets one per line with their expansions inlined: twarc2's flattened output (`twarc2 flatten
pages.jsonl tweets.jsonl`, what many shared datasets hold).

twarc2's flatten (DocNow/twarc: twarc/expansions.py `flatten` and `ensure_flattened`, the `flatten` command of
twarc/command2.py) writes each tweet of a page's `data` as a line of its own, expanded in place at any depth:
`author_id` gains `author` (its user object from includes.users), `in_reply_to_user_id` gains `in_reply_to_user`,
each `mentions[]` entry is merged with its user object (by username), each `referenced_tweets[]` {type, id} is merged
with the whole referenced tweet of includes.tweets (itself expanded so), `attachments.media_keys` gains `media`,
`attachments.poll_ids` `poll`, `geo.place_id` is merged with its place, a user's `pinned_tweet_id` gains
`pinned_tweet`. What the page did not include is `{}` (a reference stays {type, id}). The page's `__twarc` is copied
onto each tweet. A line that was already flat (no `data`, no `includes`) is written as it is.

Each line is turned back into the one-tweet page it came from: `data` holds the tweet without what was inlined,
`includes.users` and `includes.tweets` the users and tweets inlined anywhere in it, each once, `__twarc` the tweet's.
Those pages go through the page reader's SQL (twitter_v2.py, sql/land/twitter_v2_*.sql), so a tweet lands as the same
canonical rows whichever way it was delivered; sql/land/twitter_v2_flat_placed.sql then places each record in the
flattened line (`line 3 $.referenced_tweets[0].author`). A line that is a page (a file of pages and flattened tweets
put together, which twarc2's flatten also takes) lands as that page. Lines stream: a block of lines is in memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import orjson
import pyarrow as pa

from clout.land.formats import twitter_v2
from clout.land.formats.base import NextFile, iter_lines
from clout.land.formats.twitter_v2_lines import PAGE_KEYS, flattened, loads

NAME = "twitter_v2_flat"
NETWORK = "twitter"
# Of pages made from the lines, handed to DuckDB at once. A 200 MB file: peak RSS 0.64 GB with 8 MB blocks, 0.77 GB
# with 16, 0.88 GB with 32, 1.28 GB with 64, the time within 10% (16 MB: about 3,000 flattened tweets a second).
BLOCK_BYTES = 16 << 20
LINES_PER_BATCH = 256  # lines (one tweet and its expansions each) per Arrow batch: the unit DuckDB hands to a core
MENTION_KEYS = ("start", "end", "username", "id")  # an API v2 mention; flatten adds its user's fields
# twarc's PLACE_FIELDS: what flatten merges into `geo` besides the tweet's own place_id and coordinates
PLACE_FIELDS = frozenset({"contained_within", "country", "country_code", "full_name", "geo", "id", "name",
                          "place_type"})
# a page's keys that flatten copies onto each of its tweets (`matching_rules`: a filtered stream's)
PAGE_OWN = ("__twarc", "matching_rules")


def detect(path: Path, head: bytes) -> bool:
    return flattened(path, head)


def land(con, file_id: int, path: Path, options, ahead: NextFile | None = None) -> twitter_v2.Landed:
    """The file's lines as one-tweet pages, landed by the page reader (twitter_v2.land)."""
    return twitter_v2.land(con, file_id, path, options, ahead, LINES)


def _line_batches(path: Path) -> Iterator[pa.Table]:
    """Blocks of the file as twitter_v2_items.sql and twitter_v2_flat_placed.sql read them: line_no, line (the page
    the line was flattened from, or the line itself when it is a page or no tweet), paths (where each of the page's
    items is in the line) and problem (why the line is no flattened tweet)."""
    rows: list[tuple] = []
    size = 0
    for line_no, raw in iter_lines(path):
        if not raw.strip():
            continue  # a blank line is no record
        line, paths, problem = page_of(raw.rstrip(b"\r\n"))
        rows.append((line_no, line, paths, problem))
        size += len(line)
        if size >= BLOCK_BYTES:
            yield _table(rows)
            rows, size = [], 0
    if rows:
        yield _table(rows)


LINES = twitter_v2.Lines(_line_batches, "land/twitter_v2_flat_placed")


def _table(rows: list[tuple]) -> pa.Table:
    line_no, line, paths, problem = zip(*rows, strict=True)
    table = pa.table({"line_no": pa.array(line_no, pa.int64()), "line": pa.array(line, pa.string()),
                      "paths": pa.array(paths, pa.list_(pa.string())), "problem": pa.array(problem, pa.string())})
    return pa.Table.from_batches(table.to_batches(max_chunksize=LINES_PER_BATCH))


def page_of(raw: bytes) -> tuple[str, list[str] | None, str | None]:
    """(line for the page reader, paths of its items, problem) for one line of a flattened file.

    A flattened tweet (or user) becomes its one-tweet page, with the path of each item in the line. A line that is a
    page, an API error or an empty page (`meta.result_count` 0: twarc2's flatten writes such lines as they are),
    invalid JSON or not UTF-8 goes to the page reader as it is, which lands or quarantines it as in a file of pages.
    Any other line is quarantined whole, with the problem (twitter_v2_rows.sql says it in words)."""
    try:
        text = raw.decode()
    except UnicodeDecodeError:
        return raw.decode(errors="replace"), None, None  # quarantined as not valid UTF-8
    item = loads(raw)
    if item is None:
        return text, None, None  # quarantined as not valid JSON (a cut line)
    if not isinstance(item, dict):
        return text, None, "not_tweet"
    if item.keys() & PAGE_KEYS or ("errors" in item or "meta" in item) and "id" not in item:
        return text, None, None
    if not item.keys() & {"author_id", "author"} and ("id_str" in item or "user" in item):
        return text, None, "v1_tweet"
    if not ("text" in item or item.keys() & {"author_id", "author"} or "username" in item):
        return text, None, "not_tweet"
    if item.get("id") is None or item.get("id") == "":
        return text, None, "no_id"
    found = _Inlined()
    data = _unflatten(item, "$", found, top=True)
    page: dict = {"data": [data], "includes": {"users": [u for _, u in found.users.values()],
                                               "tweets": [t for _, t in found.tweets.values()]}}
    page |= {key: item[key] for key in PAGE_OWN if key in item}
    paths = ["", *(f" {at}" for at, _ in found.users.values()), *(f" {at}" for at, _ in found.tweets.values())]
    return _dumps(page), paths, None


class _Inlined:
    """The users and tweets inlined in one flattened line, each once (first place it is found, and its object)."""

    def __init__(self) -> None:
        self.users: dict[object, tuple[str, dict]] = {}
        self.tweets: dict[object, tuple[str, dict]] = {}

    def user(self, user, at: str) -> None:
        if isinstance(user, dict) and user:  # `{}`: the page did not include it
            self.users.setdefault(_key(user, self.users), (at, user))

    def tweet(self, tweet, at: str) -> None:
        if isinstance(tweet, dict) and tweet:
            tweet = _unflatten(tweet, at, self)  # inlined tweets were expanded too: theirs are found as well
            self.tweets.setdefault(_key(tweet, self.tweets), (at, tweet))


def _key(item: dict, seen: dict) -> object:
    key = item.get("id")
    return key if isinstance(key, str | int) else ("no id", len(seen))


def _unflatten(item, at: str, found: _Inlined, top: bool = False):
    """`item` as it was in the page before twarc's `expand_payload` (twarc/expansions.py), which walks every dict
    and list of a tweet: what it added is taken out, its users and tweets go to `found`."""
    if isinstance(item, list):
        return [_unflatten(x, f"{at}[{i}]", found) for i, x in enumerate(item)]
    if not isinstance(item, dict):
        return item
    out = {}
    for key, value in item.items():
        where = f"{at}.{key}"
        if key == "author" and "author_id" in item or key == "in_reply_to_user" and "in_reply_to_user_id" in item:
            found.user(value, where)
        elif key == "pinned_tweet" and "pinned_tweet_id" in item:
            found.tweet(value, where)
        elif key == "media" and "media_keys" in item or key == "poll" and "poll_ids" in item:
            continue  # includes.media and includes.polls: the page reader does not land them either
        elif key in PAGE_OWN and top:
            continue  # the page's (twarc copies them onto each tweet): they go back to the page
        elif key == "mentions" and isinstance(value, list):
            out[key] = [_mention(m, f"{where}[{i}]", found) for i, m in enumerate(value)]
        elif key == "referenced_tweets" and isinstance(value, list):
            out[key] = [_reference(r, f"{where}[{i}]", found) for i, r in enumerate(value)]
        elif key == "geo" and isinstance(value, dict) and "place_id" in value:
            out[key] = {k: v for k, v in value.items() if k not in PLACE_FIELDS}
        else:
            out[key] = _unflatten(value, where, found)
    return out


def _mention(mention, at: str, found: _Inlined):
    """A mention merged with its user object ({**mention, **user}) is that mention again; the user is found."""
    if isinstance(mention, dict) and mention.keys() - set(MENTION_KEYS):
        found.user({k: v for k, v in mention.items() if k not in ("start", "end")}, at)
        return {k: mention[k] for k in MENTION_KEYS if k in mention}
    return mention


def _reference(ref, at: str, found: _Inlined):
    """A reference merged with its tweet ({**{type, id}, **tweet}) is {type, id} again; the tweet is found."""
    if isinstance(ref, dict) and ref.keys() - {"type", "id"}:
        found.tweet({k: v for k, v in ref.items() if k != "type"}, at)
        return {k: ref[k] for k in ("type", "id") if k in ref}
    return ref


def _dumps(page: dict) -> str:
    try:
        return orjson.dumps(page).decode()
    except TypeError:  # an integer past 64 bits
        return json.dumps(page, ensure_ascii=False)
