"""Mastodon REST API statuses: a JSON array of Status entities (`GET /api/v1/timelines/public`,
`/api/v1/accounts/:id/statuses`, as Mastodon.py or a crawler saves them), or one per line, or the streaming API's
events one per line (`{"event": "update", "payload": "<a Status as JSON text>"}`, a `stream` key first from its
websocket), or one API page (an array) per line.

The identities are the account export's (mastodon.py), so both land as one network: an account is `username@host`
(`account_key`: as mentions name it, and as an outbox names a Mastodon actor) and a post is its status `uri`, what
an outbox calls its notes. The API's numeric ids are the fetching server's own: a reply
names its parent's author by such an id, found among the status's mentions and its own account (a reply mentions
whom it answers), and its parent post only by that local id, so `reply_to_post_id` stays unknown. A boosted or
quoted status lands as a post of its own, as Twitter's retweeted status does. Statuses do not say when they were
fetched: the file's time is the observation time of the accounts they carry.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import orjson

from clout.land.formats.base import Counter, batched, document_items, file_time, iter_lines, parse_time, to_int
from clout.land.formats.mastodon import account_of, plain_text

NAME = "mastodon_api"
NETWORK = "mastodon"


def detect(path: Path, head: bytes) -> bool:
    """Counters only a Mastodon Status has (Twitter's are favorite_count / retweet_count), or the streaming API's
    events (`{"stream": [...], "event": ..., "payload": ...}` from its websocket; the key order varies)."""
    start, first = head.lstrip(), head.lstrip().split(b"\n", 1)[0]
    statuses = b"favourites_count" in head and b"reblogs_count" in head  # escaped inside a payload's text too
    stream = first.startswith(b"{") and b'"event"' in first and b'"payload"' in first
    return start.startswith((b"[", b"{")) and (statuses or stream)


def read(path: Path, options) -> Iterator:
    counter = Counter()
    return batched(counter, _records(path, counter))


def _records(path: Path, counter: Counter) -> Iterator[None]:
    observed = file_time(path)
    if _one_document(path):  # an array is one JSON document (a page or a crawl's pages joined)
        for where, item in document_items(path, counter):
            yield from status(counter, where, item, observed)
        return
    for line_no, raw in iter_lines(path):
        if not raw.strip():
            continue
        where, text = f"line {line_no}", raw.rstrip(b"\r\n").decode("utf-8", errors="replace")
        try:
            item = orjson.loads(raw)
            if isinstance(item, dict) and "event" in item and "payload" in item:
                if item["event"] not in ("update", "status.update"):  # delete, notification, ...: no status
                    counter.batch.notice(counter.next(), where, NETWORK, str(item["event"]), text)
                    yield
                    continue
                item = orjson.loads(item["payload"]) if isinstance(item["payload"], str) else item["payload"]
        except orjson.JSONDecodeError as e:
            counter.batch.quarantine(counter.next(), where, f"not valid JSON: {e}", text)
            yield
            continue
        if isinstance(item, list):  # one API page (an array of statuses) per line
            for i, one in enumerate(item):
                yield from status(counter, f"{where} $[{i}]", one, observed)
        else:
            yield from status(counter, where, item, observed)


def _one_document(path: Path) -> bool:
    """A file that opens with `[` and is not a page per line: its first line is no whole JSON array."""
    first = next(iter_lines(path), (1, b""))[1].strip()
    if not first.startswith(b"["):
        return False
    try:
        return not isinstance(orjson.loads(first), list)
    except orjson.JSONDecodeError:
        return True


def status(counter: Counter, where: str, s, observed: datetime) -> Iterator[None]:
    """One Status as a post, then its account, and the statuses it boosts or quotes as posts of their own."""
    record_no = counter.next()
    payload = orjson.dumps(s).decode()
    if not isinstance(s, dict):
        counter.batch.quarantine(record_no, where, "a status must be a JSON object", payload)
        yield
        return
    if "type" in s and "uri" not in s:  # GET /api/v1/notifications: who favourited, boosted or followed whom
        counter.batch.quarantine(record_no, where, f"a notification (type {str(s['type'])[:20]!r}), not a status: "
                                 "clout lands statuses", payload, [account_key(_dict(s.get("account")))])
        yield
        return
    created = parse_time(s.get("created_at")) if isinstance(s.get("created_at"), str) else None
    if s.get("created_at") and created is None:
        counter.batch.quarantine(record_no, where, f"created_at {str(s['created_at'])[:40]!r} is not a time (the API "
                                 "gives `2019-12-08T03:48:33.901Z`)", payload)
        yield
        return
    author = _dict(s.get("account"))
    reblog, quoted = _dict(s.get("reblog")), _dict(_dict(s.get("quote")).get("quoted_status"))
    mentions = [m for m in s.get("mentions") or [] if isinstance(m, dict)]
    counter.batch.add("post", record_no, where, payload, {
        "network": NETWORK, "post_id": s.get("uri"), "author_id": account_key(author),
        "created_at": created, "text": plain_text(s.get("content")) if isinstance(s.get("content"), str) else None,
        "hashtags": [t["name"] for t in s.get("tags") or [] if isinstance(t, dict) and t.get("name")],
        "mentions": [k for k in map(account_key, mentions) if k],
        "reply_to_author_id": _local_account(s.get("in_reply_to_account_id"), [author, *mentions]),
        "repost_of_post_id": reblog.get("uri"), "repost_of_author_id": account_key(_dict(reblog.get("account"))),
        "quote_of_post_id": quoted.get("uri"), "quote_of_author_id": account_key(_dict(quoted.get("account"))),
        "likes": to_int(s.get("favourites_count")), "reposts": to_int(s.get("reblogs_count")),
        "replies": to_int(s.get("replies_count")), "quotes": to_int(s.get("quotes_count")),
        "observed_at": observed,
    })
    yield
    if author:
        _account(counter, f"{where}.account", author, observed)
        yield
    for key, embedded in (("reblog", reblog), ("quote.quoted_status", quoted)):
        if embedded:
            yield from status(counter, f"{where}.{key}", embedded, observed)


def account_key(a: dict) -> str | None:
    """`username@host`, as a status's mentions name the account: the host of a remote account's `acct`, else of its
    `url` or `uri` (a local account's `acct` has none). Not the name in `uri`: Misskey and others put an internal id
    there (`https://misskey.io/users/9hxyzabc`), which no mention carries."""
    acct = a.get("acct") if isinstance(a.get("acct"), str) else ""
    user, _, host = acct.partition("@")
    user = a.get("username") if isinstance(a.get("username"), str) and a.get("username") else user
    host = host or _host(a.get("url")) or _host(a.get("uri"))
    if user and host:
        return f"{user}@{host}"
    return account_of(a.get("url")) or account_of(a.get("uri"))


def _host(url) -> str | None:
    return urlsplit(url).hostname if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def _local_account(local_id, accounts: list[dict]) -> str | None:
    """The `name@host` of the account the fetching server calls `local_id`, if the status carries it."""
    if local_id is None:
        return None
    return next((account_key(a) for a in accounts if str(a.get("id")) == str(local_id)), None)


def _account(counter: Counter, where: str, a: dict, observed: datetime) -> None:
    counter.batch.add("account", counter.next(), where, orjson.dumps(a).decode(), {
        "network": NETWORK, "account_id": account_key(a), "handle": a.get("acct") or a.get("username"),
        "display_name": a.get("display_name"), "followers": to_int(a.get("followers_count")),
        "following": to_int(a.get("following_count")), "posts_count": to_int(a.get("statuses_count")),
        "observed_at": observed,
    })


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}
