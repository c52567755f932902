"""The X (Twitter) personal archive: the zip, or single files of its unpacked `data/` folder.

Each file is JavaScript, `window.YTD.tweets.part0 = [ {"tweet": {...}}, ... ]`; every number is a string
and large archives split a file into `tweets-part1.js`, `tweets-part2.js`, ... The tweets carry no author:
the owner comes from `account.js` (in the zip, or beside the file).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import orjson

from clout.core.errors import CloutError
from clout.land.formats import limits, twitter_v1
from clout.land.formats.base import Counter, batched, file_time, id_str, read_bytes

NAME = "x_archive"
NETWORK = "twitter"
# tweets.js (tweet.js in older archives), follower.js, following.js, account.js, each maybe `-partN`.
_MEMBER = re.compile(r"(?:^|/)(tweets|tweet|follower|following|account)(?:-part\d+)?\.js$")
_PREFIX = re.compile(rb"^\s*window\.YTD\.([A-Za-z_]+)\.part(\d+)\s*=\s*")
ARCHIVE_TWEET_FIELDS = twitter_v1.TWEET_FIELDS | {"edit_info"}


def detect(path: Path, head: bytes) -> bool:
    if head.startswith(b"PK"):
        try:
            with zipfile.ZipFile(path) as z:
                return any(_MEMBER.search(n) and n.endswith("account.js") for n in z.namelist())
        except zipfile.BadZipFile:
            return False
    return bool(_MEMBER.search(path.name)) and (head.lstrip().startswith((b"window.YTD", b"[")))


def read(path: Path, options) -> Iterator:
    counter = Counter()
    return batched(counter, _records(path, counter))


def owner(path: Path, options) -> str | None:
    """Whose archive a single file of its data/ folder is (tweets, follows carry no owner: account.js beside it
    names it), part of the file's identity when it lands (clout.land.land); None for the zip (its account.js is in
    its bytes) and for account.js itself."""
    sibling = path.with_name("account.js")
    if zipfile.is_zipfile(path) or path.name == "account.js" or not sibling.is_file():
        return None
    data = read_bytes(sibling)
    match = _PREFIX.match(data)
    try:
        return _owner(orjson.loads(data[match.end():].rstrip().rstrip(b";"))) if match else None
    except orjson.JSONDecodeError:
        return None  # landing the file says what is wrong with it


def _members(path: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of the archive files clout uses, account.js first (it names the owner)."""
    if zipfile.is_zipfile(path):
        left, found = limits.max_expanded(), []
        with zipfile.ZipFile(path) as z:
            for n in sorted(z.namelist()):
                if _MEMBER.search(n):
                    with z.open(n) as f:  # streamed: a member's stated size can lie
                        found.append((n, limits.read_capped(f, path, left, "archive members expand")))
                    left -= len(found[-1][1])
    else:
        found = [(path.name, read_bytes(path))]
        sibling = path.with_name("account.js")
        if path.name != "account.js" and sibling.is_file():
            found.insert(0, (sibling.name, read_bytes(sibling)))
    return sorted(found, key=lambda m: not m[0].endswith("account.js"))


def _records(path: Path, counter: Counter) -> Iterator[None]:
    observed = file_time(path)
    owner = None
    own_file = path.name if not zipfile.is_zipfile(path) else None
    for name, data in _members(path):
        match = _PREFIX.match(data)
        if not match:
            counter.batch.quarantine(
                counter.next(), name, "not an X archive file: it must start with `window.YTD.<name>.partN = `",
                data.decode("utf-8", errors="replace"))
            yield
            continue
        try:
            items = orjson.loads(data[match.end():].rstrip().rstrip(b";"))
        except orjson.JSONDecodeError as e:
            counter.batch.quarantine(counter.next(), name, f"not valid JSON after the window.YTD prefix: {e}",
                                     data.decode("utf-8", errors="replace"))
            yield
            continue
        kind = _MEMBER.search(name).group(1)
        if kind == "account":
            owner = _owner(items) or owner
            if own_file not in (None, name):
                continue  # the sibling account.js only names the owner; it lands as its own file
        if kind != "account" and owner is None:
            raise CloutError(f"{path}: {name} has no account.js beside it, so whose archive it is is unknown; "
                             "land the whole archive (zip or data/ folder)")
        for i, item in enumerate(items if isinstance(items, list) else []):
            yield from _item(counter, f"{name} $[{i}]", kind, item, owner, observed)


def _owner(items) -> str | None:
    for item in items if isinstance(items, list) else []:
        account = (item or {}).get("account") or {}
        if account.get("accountId"):
            return str(account["accountId"])
    return None


def _item(counter: Counter, where: str, kind: str, item, owner: str | None, observed) -> Iterator[None]:
    body = item.get(kind if kind != "tweets" else "tweet") if isinstance(item, dict) else None
    if not isinstance(body, dict):
        counter.batch.quarantine(counter.next(), where, f"expected an object with key {kind!r}",
                                 orjson.dumps(item).decode())
        yield
        return
    if kind in ("tweets", "tweet"):
        yield from twitter_v1.tweet(counter, f"{where}.tweet", body, observed, NETWORK, owner, ARCHIVE_TWEET_FIELDS)
        return
    record_no = counter.next()
    payload = orjson.dumps(item).decode()
    if kind == "account":
        counter.batch.add("account", record_no, where, payload, {
            "network": NETWORK, "account_id": id_str(body.get("accountId")), "handle": body.get("username"),
            "display_name": body.get("accountDisplayName"), "observed_at": observed,
        })
    else:
        other = id_str(body.get("accountId"))
        follower, followed = (other, owner) if kind == "follower" else (owner, other)
        counter.batch.add("follow", record_no, where, payload, {
            "network": NETWORK, "follower_id": follower, "followed_id": followed, "observed_at": observed,
        })
    yield
