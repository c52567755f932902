"""Twitter API v1.1 tweet objects: a JSON array of tweets, or one tweet per line (a search, or a capture of the
streaming API).

Embedded objects land too: `user` as an account observation, `retweeted_status` and `quoted_status` as posts.
v1.1 says nothing about when it was fetched, so the file's time is the observation time. A stream's messages between
tweets (`{"delete": ...}`, `{"limit": ...}`, ... : NOTICES) are notices, not bad tweets: a capture of the sample
stream is often a tenth or more deletions, which as quarantined records would fail every file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import orjson

from clout.land.formats.base import (
    Batch,
    Counter,
    batched,
    document_items,
    file_time,
    id_str,
    iter_lines,
    parse_time,
    to_int,
)

NAME = "twitter_v1"
NETWORK = "twitter"
TWEET_FIELDS = frozenset({
    "created_at", "id", "id_str", "text", "full_text", "truncated", "display_text_range", "entities",
    "extended_entities", "source", "in_reply_to_status_id", "in_reply_to_status_id_str", "in_reply_to_user_id",
    "in_reply_to_user_id_str", "in_reply_to_screen_name", "user", "geo", "coordinates", "place", "contributors",
    "is_quote_status", "quoted_status_id", "quoted_status_id_str", "quoted_status", "quoted_status_permalink",
    "retweeted_status", "retweet_count", "favorite_count", "reply_count", "quote_count", "favorited",
    "retweeted", "possibly_sensitive", "possibly_sensitive_appealable", "lang", "filter_level", "metadata",
    "extended_tweet", "timestamp_ms", "withheld_in_countries", "withheld_copyright", "withheld_scope",
    "scopes", "current_user_retweet", "matching_rules", "edit_history", "edit_controls", "editable",
    "edit_history_tweet_ids", "edit_info", "self_thread",
})
# The streaming API's messages that are no tweet (Twitter's "Streaming message types"): each is an object whose one
# key names it. Deletions and withheld statuses name a post; scrub_geo, withheld users and deletions an account.
NOTICES = frozenset({"delete", "scrub_geo", "limit", "status_withheld", "user_withheld", "disconnect", "warning",
                     "event", "friends", "friends_str", "for_user", "control"})


def detect(path: Path, head: bytes) -> bool:
    start = head.lstrip()
    if start.startswith(b"["):
        return b'"id_str"' in head or b'"created_at"' in head or start[1:].lstrip().startswith(b"]")
    stream = start.startswith((b'{"delete"', b'{"limit"', b'{"scrub_geo"', b'{"status_withheld"'))
    return start.startswith(b"{") and (stream or b'"user"' in head and b'"id_str"' in head)


def read(path: Path, options) -> Iterator[Batch]:
    counter = Counter()
    return batched(counter, _records(path, counter))


def _records(path: Path, counter: Counter) -> Iterator[None]:
    observed = file_time(path)
    head = next(iter_lines(path), (1, b""))[1].lstrip()
    if head.startswith(b"["):
        # An array is one JSON document: it is read whole (v1 exports as arrays are small in practice).
        for where, item in document_items(path, counter):
            yield from tweet(counter, where, item, observed)
        return
    for line_no, raw in iter_lines(path):
        if not raw.strip():
            continue
        try:
            item = orjson.loads(raw)
        except orjson.JSONDecodeError as e:
            counter.batch.quarantine(counter.next(), f"line {line_no}", f"not valid JSON: {e}",
                                     raw.rstrip(b"\r\n").decode("utf-8", errors="replace"))
            yield
            continue
        kind = notice_kind(item)
        if kind:
            notice(counter, f"line {line_no}", kind, item, raw)
            yield
        else:
            yield from tweet(counter, f"line {line_no}", item, observed)


def notice_kind(item) -> str | None:
    """The stream message an object is (its one key, among NOTICES), or None for a tweet or anything else."""
    if isinstance(item, dict) and len(item) <= 2 and "id_str" not in item:  # a delete also carries timestamp_ms
        return next((k for k in item if k in NOTICES), None)
    return None


def notice(counter: Counter, where: str, kind: str, item: dict, raw: bytes) -> None:
    body = item[kind] if isinstance(item[kind], dict) else {}
    about = body.get("status") if isinstance(body.get("status"), dict) else body  # a delete's post is its `status`
    post = id_str(about.get("id_str") or about.get("id")) if kind in ("delete", "status_withheld") else None
    account = id_str(about.get("user_id_str") or about.get("user_id")
                     or (about.get("id_str") or about.get("id") if kind == "user_withheld" else None))
    counter.batch.notice(counter.next(), where, NETWORK, kind, raw.rstrip(b"\r\n").decode("utf-8", errors="replace"),
                         post, account, to_int(body.get("track")) if kind == "limit" else None)


def tweet(counter: Counter, where: str, t, observed: datetime, network: str = NETWORK,
          author_id: str | None = None, known: frozenset = TWEET_FIELDS) -> Iterator[None]:
    """One v1.1-shaped tweet (also the X archive's), then its embedded user and statuses."""
    batch: Batch = counter.batch
    record_no = counter.next()
    payload = orjson.dumps(t).decode()
    if not isinstance(t, dict):
        batch.quarantine(record_no, where, "a tweet must be a JSON object", payload)
        yield
        return
    batch.unknown_fields.update(k for k in t if k not in known)
    created = parse_time(t.get("created_at"))
    if t.get("created_at") and created is None:  # said as a time that is no time, not as a missing one
        batch.quarantine(record_no, where, f"created_at {str(t['created_at'])[:40]!r} is not a time (the API gives "
                         "`Wed Oct 10 20:19:24 +0000 2018`)", payload)
        yield
        return
    user = t.get("user") if isinstance(t.get("user"), dict) else {}
    # a streamed tweet over 140 characters is `truncated`: its whole text and every mention and hashtag are in
    # `extended_tweet` (the top level holds the first 140 characters' entities only)
    extended = t.get("extended_tweet") if isinstance(t.get("extended_tweet"), dict) else {}
    entities = extended.get("entities") or t.get("entities") or {}
    mentions = [id_str(m.get("id_str") or m.get("id")) for m in entities.get("user_mentions") or []]
    rt = t.get("retweeted_status") if isinstance(t.get("retweeted_status"), dict) else None
    qt = t.get("quoted_status") if isinstance(t.get("quoted_status"), dict) else None
    text = extended.get("full_text") or t.get("full_text") or t.get("text")
    repost_of_author = _author(rt)
    if rt is None and text and text.startswith("RT @") and mentions:
        repost_of_author = mentions[0]  # archives drop retweeted_status; the first mention is the original author
    batch.add("post", record_no, where, payload, {
        "network": network, "post_id": id_str(t.get("id_str") or t.get("id")),
        "author_id": author_id or id_str(user.get("id_str") or user.get("id")),
        "created_at": created, "text": text,
        "hashtags": [h.get("text") for h in entities.get("hashtags") or [] if h.get("text")],
        "mentions": [m for m in mentions if m],
        "reply_to_post_id": id_str(t.get("in_reply_to_status_id_str") or t.get("in_reply_to_status_id")),
        "reply_to_author_id": id_str(t.get("in_reply_to_user_id_str") or t.get("in_reply_to_user_id")),
        "repost_of_post_id": id_str((rt or {}).get("id_str")), "repost_of_author_id": repost_of_author,
        "quote_of_post_id": id_str(t.get("quoted_status_id_str") or (qt or {}).get("id_str")),
        "quote_of_author_id": _author(qt),
        "likes": to_int(t.get("favorite_count")), "reposts": to_int(t.get("retweet_count")),
        "replies": to_int(t.get("reply_count")), "quotes": to_int(t.get("quote_count")),
        "observed_at": observed,
    })
    yield
    if user:
        account(counter, f"{where}.user", user, observed, network)
        yield
    if rt:
        yield from tweet(counter, f"{where}.retweeted_status", rt, observed, network)
    if qt:
        yield from tweet(counter, f"{where}.quoted_status", qt, observed, network)


def _author(t: dict | None) -> str | None:
    user = (t or {}).get("user") or {}
    return id_str(user.get("id_str") or user.get("id"))


def account(counter: Counter, where: str, u: dict, observed: datetime, network: str = NETWORK) -> None:
    record_no = counter.next()
    counter.batch.add("account", record_no, where, orjson.dumps(u).decode(), {
        "network": network, "account_id": id_str(u.get("id_str") or u.get("id")), "handle": u.get("screen_name"),
        "display_name": u.get("name"), "followers": to_int(u.get("followers_count")),
        "following": to_int(u.get("friends_count")), "listed": to_int(u.get("listed_count")),
        "posts_count": to_int(u.get("statuses_count")), "observed_at": observed,
    })
