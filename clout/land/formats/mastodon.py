"""Mastodon account export: `outbox.json` (ActivityStreams) and the follows/followers CSV files.

Accounts are `user@host` (what the CSV files and mentions use); status URIs are post ids. Real exports
hold surprises, e.g. `orderedItems` twice in one object (an empty array, then the real one): on a
duplicate key the non-empty value wins, whatever the order.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

from clout.core.errors import CloutError
from clout.land.formats.base import Counter, batched, decode, file_time, parse_time, read_bytes

NAME = "mastodon"
NETWORK = "mastodon"
COMPANIONS = ("actor.json",)  # read for the owner, beside the export; not landed themselves
_TAG = re.compile(r"<[^>]+>")
_USER_URI = re.compile(r"^https?://([^/]+)/(?:users/|@)([^/]+)")
ACTIVITY_FIELDS = frozenset({"id", "type", "actor", "published", "to", "cc", "object", "signature", "@context"})
NOTE_FIELDS = frozenset({
    "id", "type", "summary", "inReplyTo", "published", "url", "attributedTo", "to", "cc", "sensitive", "atomUri",
    "inReplyToAtomUri", "conversation", "content", "contentMap", "attachment", "tag", "replies", "updated",
    "likes", "shares", "quoteUri", "_misskey_quote", "quoteUrl", "quote", "language", "directMessage",
    "interactionPolicy", "context", "mediaType", "name", "source", "focalPoint", "blurhash", "votersCount",
    "endTime", "oneOf", "anyOf", "closed",
})
FOLLOW_HEADERS = ("Account address",)


def _is_csv(path: Path) -> bool:
    """following_accounts.csv, gzipped or not (the content is read through gzip either way)."""
    return path.name.lower().removesuffix(".gz").endswith(".csv")


def detect(path: Path, head: bytes) -> bool:
    if _is_csv(path):
        return head.startswith(b"Account address")
    return b'"OrderedCollection"' in head or (b"orderedItems" in head and b"activitystreams" in head)


def read(path: Path, options) -> Iterator:
    counter = Counter()
    records = _follows(path, counter, options) if _is_csv(path) else _outbox(path, counter)
    return batched(counter, records)


def account_of(uri: str | None) -> str | None:
    """`https://host/users/name[/...]` or `https://host/@name` -> `name@host`."""
    m = _USER_URI.match(uri or "")
    return f"{m.group(2)}@{m.group(1)}" if m else None


def _nonempty_wins(pairs: list[tuple]) -> dict:
    """json object hook: on a duplicate key keep the non-empty value (real outboxes repeat orderedItems)."""
    out: dict = {}
    for key, value in pairs:
        if key in out and value in ([], {}, None, "") and out[key] not in ([], {}, None, ""):
            continue
        out[key] = value
    return out


def _outbox(path: Path, counter: Counter) -> Iterator[None]:
    observed = file_time(path)
    text = decode(read_bytes(path), path)
    try:
        doc = json.loads(text, object_pairs_hook=_nonempty_wins)
    except json.JSONDecodeError as e:
        counter.batch.quarantine(counter.next(), f"$ (line {e.lineno})", f"not valid JSON (truncated?): {e.msg}",
                                 text)
        yield
        return
    items = doc.get("orderedItems") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise CloutError(f"{path}: an outbox must be an OrderedCollection with orderedItems; re-export it")
    for i, activity in enumerate(items):
        _activity(counter, f"$.orderedItems[{i}]", activity, observed)
        yield


def _activity(counter: Counter, where: str, a, observed) -> None:
    record_no = counter.next()
    payload = json.dumps(a, ensure_ascii=False)
    if not isinstance(a, dict) or a.get("type") not in ("Create", "Announce"):
        kind = a.get("type") if isinstance(a, dict) else type(a).__name__
        counter.batch.quarantine(record_no, where, f"activity type {kind!r} is not a post (Create or Announce)",
                                 payload, [account_of(a.get("actor"))] if isinstance(a, dict) else [])
        return
    counter.batch.unknown_fields.update(k for k in a if k not in ACTIVITY_FIELDS)
    actor = account_of(a.get("actor"))
    if a["type"] == "Announce":
        boosted = a.get("object") if isinstance(a.get("object"), str) else (a.get("object") or {}).get("id")
        counter.batch.add("post", record_no, where, payload, {
            "network": NETWORK, "post_id": a.get("id"), "author_id": actor,
            "created_at": parse_time(a.get("published")),
            "hashtags": [], "mentions": [], "repost_of_post_id": boosted, "repost_of_author_id": account_of(boosted),
            "observed_at": observed,
        })
        return
    note = a.get("object") if isinstance(a.get("object"), dict) else {}
    counter.batch.unknown_fields.update(f"object.{k}" for k in note if k not in NOTE_FIELDS)
    tags = [t for t in note.get("tag") or [] if isinstance(t, dict)]
    quote = note.get("quoteUri") or note.get("quote")
    counter.batch.add("post", record_no, where, payload, {
        "network": NETWORK, "post_id": note.get("id"), "author_id": account_of(note.get("attributedTo")) or actor,
        "created_at": parse_time(note.get("published") or a.get("published")), "text": plain_text(note.get("content")),
        "hashtags": [t["name"].lstrip("#") for t in tags if t.get("type") == "Hashtag" and t.get("name")],
        "mentions": [_mention(t) for t in tags if t.get("type") == "Mention"],
        "reply_to_post_id": note.get("inReplyTo"), "reply_to_author_id": account_of(note.get("inReplyTo")),
        "quote_of_post_id": quote if isinstance(quote, str) else None,
        "quote_of_author_id": account_of(quote if isinstance(quote, str) else None),
        "replies": (note.get("replies") or {}).get("totalItems") if isinstance(note.get("replies"), dict) else None,
        "likes": (note.get("likes") or {}).get("totalItems") if isinstance(note.get("likes"), dict) else None,
        "reposts": (note.get("shares") or {}).get("totalItems") if isinstance(note.get("shares"), dict) else None,
        "observed_at": observed,
    })


def plain_text(content: str | None) -> str | None:
    """Mastodon content is HTML: the text people read, paragraphs as new lines."""
    if content is None:
        return None
    return html.unescape(_TAG.sub("", content.replace("</p><p>", "\n"))).strip()


def _mention(tag: dict) -> str | None:
    name = (tag.get("name") or "").lstrip("@")
    return name if "@" in name else account_of(tag.get("href")) or name or None


def owner(path: Path, options) -> str | None:
    """Whose export a follows CSV is (its rows name only the other account); None for an outbox, whose rows name
    their actor. Part of the file's identity when it lands (clout.land.land)."""
    if not _is_csv(path):
        return None
    return getattr(options, "account", None) or _owner(path)


def _owner(path: Path) -> str | None:
    """The exporting account, from actor.json or outbox.json beside the CSV file."""
    actor = path.with_name("actor.json")
    if actor.is_file():
        try:
            doc = json.loads(actor.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise CloutError(f"{actor}: not valid JSON ({e}), so whose follows {path.name} holds is unknown; "
                             "re-export it, or pass --account user@host") from None
        return account_of(doc.get("id")) if isinstance(doc, dict) else None
    outbox = path.with_name("outbox.json")
    if outbox.is_file():
        m = re.search(r'"actor"\s*:\s*"([^"]+)"', outbox.read_text(encoding="utf-8"))
        return account_of(m.group(1)) if m else None
    return None


def _follows(path: Path, counter: Counter, options) -> Iterator[None]:
    me = owner(path, options)
    if not me:
        raise CloutError(f"{path}: whose follows are these? Land it with its actor.json or outbox.json beside it, "
                         "or pass --account user@host")
    followers = "follower" in path.name.lower()
    observed = file_time(path)
    text = decode(read_bytes(path), path)
    rows = csv.reader(io.StringIO(text, newline=""))
    header = next(rows, None)
    for line_no, row in enumerate(rows, start=2):
        if not row:
            continue
        record_no = counter.next()
        raw = ",".join(row)
        other = row[0].strip().lstrip("@")
        if "@" not in other:
            counter.batch.quarantine(record_no, f"line {line_no}", f"{header[0]!r} must be user@host", raw)
            yield
            continue
        follower, followed = (other, me) if followers else (me, other)
        counter.batch.add("follow", record_no, f"line {line_no}", raw, {
            "network": NETWORK, "follower_id": follower, "followed_id": followed, "observed_at": observed})
        yield
