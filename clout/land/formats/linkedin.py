"""LinkedIn data export: `Shares.csv` (posts; commentary may span lines inside quotes) and `Connections.csv`
(after a few lines of notes). The owner is `--account`, or the name in `Profile.csv` beside the files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from clout.core.errors import CloutError
from clout.land.formats.base import Counter, batched, decode, file_time, read_bytes

NAME = "linkedin"
NETWORK = "linkedin"
COMPANIONS = ("Profile.csv",)  # read for the owner, beside the export; not landed themselves
HASHTAG = re.compile(r"#(\w+)")
_SHARES = ("Date", "ShareLink", "ShareCommentary")
_CONNECTIONS = ("First Name", "Last Name", "URL")


def detect(path: Path, head: bytes) -> bool:
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff")
    return text.startswith(",".join(_SHARES)) or (
        "First Name,Last Name,URL" in text and path.name.lower().startswith("connections"))


def read(path: Path, options) -> Iterator:
    counter = Counter()
    return batched(counter, _records(path, counter, options))


def owner(path: Path, options) -> str | None:
    """Whose export this is (`--account`, else Profile.csv beside it): its rows never name the owner, so the owner
    is part of the file's identity when it lands (clout.land.land)."""
    if getattr(options, "account", None):
        return options.account
    profile = path.with_name("Profile.csv")
    if profile.is_file():
        row = next(csv.DictReader(io.StringIO(decode(profile.read_bytes(), profile))), None) or {}
        name = f"{row.get('First Name', '')} {row.get('Last Name', '')}".strip()
        return name or None
    return None


def _rows(text: str, header_starts: str) -> Iterator[tuple[int, dict, str]]:
    """(line number, row, raw text) from the header line on; quoted fields may span lines."""
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if line.startswith(header_starts)), None)
    if start is None:
        return
    reader = csv.reader(io.StringIO("".join(lines[start:]), newline=""))
    header = next(reader)
    line_no = start + 1
    while True:
        begin = line_no + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            yield begin, {"__error__": str(e)}, ""
            return
        line_no = start + 1 + reader.line_num - 1
        if row:
            raw = "\n".join(row)
            yield begin, (dict(zip(header, row, strict=False)) if len(row) == len(header)
                          else {"__error__": f"expected {len(header)} fields, found {len(row)}"}), raw


def _records(path: Path, counter: Counter, options) -> Iterator[None]:
    me = owner(path, options)
    if not me:
        raise CloutError(f"{path}: whose export is this? Land it with Profile.csv beside it, or pass --account NAME")
    observed = file_time(path)
    text = decode(read_bytes(path), path).lstrip("\ufeff")
    shares = text.startswith(_SHARES[0])
    for line_no, row, raw in _rows(text, _SHARES[0] if shares else _CONNECTIONS[0]):
        record_no = counter.next()
        where = f"line {line_no}"
        if "__error__" in row:
            counter.batch.quarantine(record_no, where, row["__error__"], raw)
        elif shares:
            commentary = row.get("ShareCommentary") or ""
            counter.batch.add("post", record_no, where, raw, {
                "network": NETWORK, "post_id": _share_id(row.get("ShareLink")), "author_id": me,
                "created_at": _time(row.get("Date"), "%Y-%m-%d %H:%M:%S"), "text": commentary,
                "hashtags": HASHTAG.findall(commentary), "mentions": [], "observed_at": observed,
            })
        else:
            counter.batch.add("follow", record_no, where, raw, {
                "network": NETWORK, "follower_id": me, "followed_id": (row.get("URL") or "").rstrip("/") or None,
                "observed_at": _time(row.get("Connected On"), "%d %b %Y") or observed,
            })
        yield


def _share_id(link: str | None) -> str | None:
    """`https://www.linkedin.com/feed/update/urn%3Ali%3Ashare%3A123` -> `urn:li:share:123`."""
    return unquote(link.rstrip("/").rsplit("/", 1)[-1]) if link else None


def _time(value: str | None, fmt: str) -> datetime | None:
    try:
        return datetime.strptime((value or "").strip(), fmt)
    except ValueError:
        return None
