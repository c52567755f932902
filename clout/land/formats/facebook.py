"""Facebook "Download your information" JSON: `posts/your_posts_1.json`.

Facebook writes UTF-8 bytes as Latin-1 code points (`\\u00c5\\u0082` for "ł"), so every string is repaired.
Posts carry no ids and no author: the author is the export's owner (`profile_information.json` or
`--account`), and a post's id is its timestamp plus a hash of its text, stable across re-exports.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import orjson

from clout.land.formats.base import Counter, batched, document_items, file_time

NAME = "facebook"
NETWORK = "facebook"
COMPANIONS = ("profile_information.json",)  # read for the owner, beside the export; not landed themselves
HASHTAG = re.compile(r"#(\w+)")
POST_FIELDS = frozenset({"timestamp", "data", "attachments", "title", "tags", "event"})


def detect(path: Path, head: bytes) -> bool:
    start = head.lstrip()
    return start.startswith(b"[") and b'"timestamp"' in head and (
        path.name.startswith("your_posts") or b'"data"' in head and b'"post"' in head)


def fix_mojibake(value):
    """Undo Facebook's double encoding in every string of a JSON value; text that is not mojibake is kept."""
    if isinstance(value, str):
        try:
            return value.encode("latin-1").decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return value
    if isinstance(value, list):
        return [fix_mojibake(v) for v in value]
    if isinstance(value, dict):
        return {k: fix_mojibake(v) for k, v in value.items()}
    return value


def read(path: Path, options) -> Iterator:
    counter = Counter()
    return batched(counter, _records(path, counter, options))


def owner(path: Path, options) -> str | None:
    """Whose posts these are (`--account`, else profile_information.json): the posts never name their author, so
    the owner is part of the file's identity when it lands (clout.land.land)."""
    return getattr(options, "account", None) or owner_of(path)


def owner_of(path: Path) -> str | None:
    """The export's owner name, from profile_information/profile_information.json up to 3 folders up."""
    for folder in list(path.parents)[:4]:
        for candidate in (folder / "profile_information" / "profile_information.json",
                          folder / "profile_information.json"):
            if candidate.is_file():
                doc = fix_mojibake(orjson.loads(candidate.read_bytes()))
                name = ((doc.get("profile_v2") or doc.get("profile") or {}).get("name") or {})
                return name.get("full_name") if isinstance(name, dict) else name
    return None


def _records(path: Path, counter: Counter, options) -> Iterator[None]:
    observed = file_time(path)
    author = owner(path, options)
    for where, item in document_items(path, counter):
        record_no = counter.next()
        post = fix_mojibake(item)
        payload = orjson.dumps(item).decode()  # as delivered; the repaired text is in staging
        if not isinstance(post, dict):
            counter.batch.quarantine(record_no, where, "a post must be a JSON object", payload)
            yield
            continue
        counter.batch.unknown_fields.update(k for k in post if k not in POST_FIELDS)
        text = " ".join(d["post"] for d in post.get("data") or [] if isinstance(d, dict) and d.get("post"))
        ts = post.get("timestamp")
        created = datetime.fromtimestamp(ts, UTC).replace(tzinfo=None) if isinstance(ts, int) else None
        counter.batch.add("post", record_no, where, payload, {
            "network": NETWORK, "post_id": f"{ts}-{hashlib.sha1(text.encode()).hexdigest()[:12]}" if created else None,
            "author_id": author, "created_at": created, "text": text or post.get("title"),
            "hashtags": HASHTAG.findall(text),
            "mentions": [t.get("name") for t in post.get("tags") or [] if isinstance(t, dict) and t.get("name")],
            "observed_at": observed,
        })
        yield
