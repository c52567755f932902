"""What every format reader produces: batches of canonical rows, raw records and quarantined records.

A reader walks one delivered file and, for each record it finds, calls exactly one of `Batch.add`
(a post, account, follow or identity link parsed; its raw text goes to raw.records), `Batch.quarantine`
(it could not be parsed or misses a required field) or `Batch.notice` (a stream's message that is no record of an
entity: a deletion, a rate-limit count). So every record read is accounted for once, which is what makes the
landing reconcile: read = staged + duplicates + quarantined + notices.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

import orjson
import polars as pl

from clout.core.errors import CloutError
from clout.land.formats import limits

BATCH_RECORDS = 50_000  # records per batch: bounds memory whatever the file size

RECORD_SCHEMA = {
    "record_no": pl.Int64, "location": pl.String, "entity": pl.String, "network": pl.String,
    "account_ids": pl.List(pl.String), "payload": pl.String,
}
QUARANTINE_SCHEMA = {
    "record_no": pl.Int64, "location": pl.String, "reason": pl.String, "raw_text": pl.String,
    "account_ids": pl.List(pl.String),
}
POST_SCHEMA = {
    "record_no": pl.Int64, "network": pl.String, "post_id": pl.String, "author_id": pl.String,
    "created_at": pl.Datetime("us"), "text": pl.String, "hashtags": pl.List(pl.String),
    "mentions": pl.List(pl.String), "reply_to_post_id": pl.String, "reply_to_author_id": pl.String,
    "repost_of_post_id": pl.String, "repost_of_author_id": pl.String, "quote_of_post_id": pl.String,
    "quote_of_author_id": pl.String, "likes": pl.Int64, "reposts": pl.Int64, "replies": pl.Int64,
    "quotes": pl.Int64, "observed_at": pl.Datetime("us"),
}
ACCOUNT_SCHEMA = {
    "record_no": pl.Int64, "network": pl.String, "account_id": pl.String, "handle": pl.String,
    "display_name": pl.String, "followers": pl.Int64, "following": pl.Int64, "listed": pl.Int64,
    "posts_count": pl.Int64, "birth_date": pl.Date, "observed_at": pl.Datetime("us"),
}
FOLLOW_SCHEMA = {
    "record_no": pl.Int64, "network": pl.String, "follower_id": pl.String, "followed_id": pl.String,
    "observed_at": pl.Datetime("us"),
}
IDENTITY_SCHEMA = {
    "record_no": pl.Int64, "person_id": pl.String, "network": pl.String, "account_id": pl.String,
    "is_minor": pl.Boolean,
}
NOTICE_SCHEMA = {
    "record_no": pl.Int64, "location": pl.String, "network": pl.String, "kind": pl.String, "post_id": pl.String,
    "account_id": pl.String, "undelivered": pl.Int64, "payload": pl.String,
}
ENTITY_SCHEMAS = {"post": POST_SCHEMA, "account": ACCOUNT_SCHEMA, "follow": FOLLOW_SCHEMA,
                  "identity_link": IDENTITY_SCHEMA}


@dataclass
class Batch:
    """Rows of one slice of a file, as plain Python lists (cheap to append), turned into frames at the end."""

    records: list[tuple] = field(default_factory=list)
    quarantined: list[tuple] = field(default_factory=list)
    rows: dict[str, list[tuple]] = field(default_factory=lambda: {e: [] for e in ENTITY_SCHEMAS})
    unknown_fields: set[str] = field(default_factory=set)
    notices: list[tuple] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.records) + len(self.quarantined) + len(self.notices)

    def add(self, entity: str, record_no: int, location: str, payload: str, row: dict) -> None:
        """One parsed record: its canonical row (dict keyed like the entity schema) and its raw text.

        Required fields are checked against the staging contracts for the whole batch at once (clout.land.land).
        """
        ids = [a for a in _accounts(entity, row) if a]
        schema = ENTITY_SCHEMAS[entity]
        self.rows[entity].append(tuple(record_no if c == "record_no" else row.get(c) for c in schema))
        self.records.append((record_no, location, entity, row["network"], ids, payload))

    def quarantine(self, record_no: int, location: str, reason: str, raw_text: str,
                   account_ids: list[str] | None = None) -> None:
        self.quarantined.append((record_no, location, reason, raw_text, account_ids or []))

    def notice(self, record_no: int, location: str, network: str, kind: str, payload: str, post_id: str | None = None,
               account_id: str | None = None, undelivered: int | None = None) -> None:
        """A stream's message that is no record of an entity (a deletion, a rate-limit count): raw.stream_notices."""
        self.notices.append((record_no, location, network, kind, post_id, account_id, undelivered, payload))

    def frames(self) -> dict[str, pl.DataFrame]:
        out = {"records": _frame(self.records, RECORD_SCHEMA),
               "quarantine": _frame(self.quarantined, QUARANTINE_SCHEMA),
               "notices": _frame(self.notices, NOTICE_SCHEMA)}
        for entity, schema in ENTITY_SCHEMAS.items():
            out[entity] = _frame(self.rows[entity], schema)
        return out


_SEP = "\x1f"  # unit separator: never in ids or hashtags


def _frame(rows: list[tuple], schema: dict) -> pl.DataFrame:
    """Column by column; list columns travel as joined strings and are split in Rust (far faster than lists)."""
    if not rows:
        return pl.DataFrame(schema=schema)
    columns = {}
    for (name, dtype), values in zip(schema.items(), zip(*rows, strict=True), strict=True):
        if dtype == pl.List(pl.String):
            joined = pl.Series(name, [_SEP.join(x for x in v if x) if v else "" for v in values], dtype=pl.String)
            columns[name] = joined.str.split(_SEP).list.filter(pl.element() != "")
        else:
            columns[name] = pl.Series(name, values, dtype=dtype)
    return pl.DataFrame(columns)


def _accounts(entity: str, row: dict) -> list[str]:
    """Every account a record is about (for erasure): author, referenced authors, mentions, follow ends."""
    if entity == "post":
        return [row.get("author_id"), row.get("reply_to_author_id"), row.get("repost_of_author_id"),
                row.get("quote_of_author_id"), *(row.get("mentions") or [])]
    if entity == "account":
        return [row.get("account_id")]
    if entity == "follow":
        return [row.get("follower_id"), row.get("followed_id")]
    return [row.get("account_id")]


class Counter:
    """Hands out record numbers (1-based, in file order) and yields full batches."""

    def __init__(self) -> None:
        self.record_no = 0
        self.batch = Batch()

    def next(self) -> int:
        self.record_no += 1
        return self.record_no

    def full(self) -> bool:
        return len(self.batch) >= BATCH_RECORDS

    def take(self) -> Batch:
        batch, self.batch = self.batch, Batch()
        return batch


def batched(counter: Counter, items: Iterator[None]) -> Iterator[Batch]:
    """Drive a per-record generator, yielding a batch whenever it is full and the rest at the end."""
    for _ in items:
        if counter.full():
            yield counter.take()
    if len(counter.batch) or counter.batch.unknown_fields:
        yield counter.take()


# ---- shared helpers for readers -------------------------------------------------------------------


_DONE = object()
T = TypeVar("T")


class Closeable(Protocol):
    def close(self) -> None: ...


class MadeAhead(Iterator[T]):
    """The items of `items`, each made on a worker thread while the caller works on the one before; the first is
    begun at once. Reading and splitting a block of lines lets go of the GIL, so it fills the core that DuckDB's
    inserts leave idle; at most one item waits, so memory is one item more than without. `close` waits for the
    item being made (stop its work first to be quick) and closes `items`."""

    def __init__(self, items: Iterable[T]) -> None:
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="clout-ahead")
        self._source = iter(items)
        self._pending = self._worker.submit(next, self._source, _DONE)

    def __next__(self) -> T:
        item = self._pending.result()  # the worker's error, if it failed, is raised here
        if item is _DONE:
            raise StopIteration
        self._pending = self._worker.submit(next, self._source, _DONE)
        return item

    def close(self) -> None:
        self._worker.shutdown(wait=True, cancel_futures=True)
        if hasattr(self._source, "close"):
            self._source.close()  # its `finally` blocks run here, not at garbage collection


def stat_key(path: Path) -> tuple[int, int]:
    """Size and modification time: what tells a file changed since something began on it."""
    st = Path(path).stat()
    return st.st_size, st.st_mtime_ns


class NextFile:
    """What a landing session may begin on its next file while the file before is merged into staging.

    A reader that parses on a connection of its own (API v2) begins the next file's first block there once its
    own last block is parsed, so a core that the merges leave idle is not wasted. At most one file is begun; it
    is let go when it is not the file landed next (skipped as landed before), when it changed since, or when the
    session ends."""

    def __init__(self, files: Iterable[Path] = ()) -> None:
        files = [Path(f).resolve() for f in files]
        self._after = dict(zip(files, files[1:], strict=False))
        self._begun: tuple[Path, tuple[int, int], Closeable] | None = None

    def after(self, path: Path) -> Path | None:
        return self._after.get(path)

    def begin(self, path: Path, start: Callable[[], Closeable]) -> None:
        """Begin the work `start` makes for `path` (a closeable object handed back by `take`)."""
        self.close()
        self._begun = (path, stat_key(path), start())

    def take(self, path: Path) -> Closeable | None:
        """The work begun on `path`, if it is still that file's; anything else begun is let go."""
        begun = self._begun
        if begun is not None and begun[0] == path and path.is_file() and stat_key(path) == begun[1]:
            self._begun = None
            return begun[2]
        self.close()
        return None

    def close(self) -> None:
        """Let go of anything begun."""
        begun, self._begun = self._begun, None
        if begun is not None:
            begun[2].close()


BOM = b"\xef\xbb\xbf"  # a UTF-8 byte order mark: some Windows tools write one; never part of the data


def document_items(path: Path, counter: Counter) -> Iterator[tuple[str, object]]:
    """(place, item) of a file that is one JSON document: each element of an array as `$[i]`, another value as the
    only item. A document that does not parse is one quarantined record, with no items."""
    raw = read_bytes(path)
    try:
        items = orjson.loads(raw)
    except orjson.JSONDecodeError as e:
        counter.batch.quarantine(counter.next(), "$", f"not valid JSON (truncated?): {e}",
                                 raw.decode("utf-8", errors="replace"))
        return
    for i, item in enumerate(items if isinstance(items, list) else [items]):
        yield f"$[{i}]", item


def read_bytes(path: Path) -> bytes:
    """The file's bytes (without a UTF-8 BOM); gzip is detected by its magic bytes, not the name."""
    cap = limits.max_expanded()
    with Path(path).open("rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
        f.seek(0)
        if not gz:
            return limits.read_capped(f, path, cap, "is").removeprefix(BOM)
    try:
        with gzip.open(path, "rb") as g:  # streamed: a gzip bomb stops at the cap, not at its full size
            return limits.read_capped(g, path, cap).removeprefix(BOM)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise CloutError(f"{path}: truncated or corrupt gzip ({e}); ask for the file again") from None


def iter_lines(path: Path) -> Iterator[tuple[int, bytes]]:
    """(line number, line bytes) streamed from the file, gzip or not: memory does not grow with file size."""
    with Path(path).open("rb") as f:
        gz = f.read(2) == b"\x1f\x8b"
    opener, cap = gzip.open if gz else open, limits.max_line()
    try:
        with opener(path, "rb") as f:
            for line_no, line in enumerate(iter(lambda: f.readline(cap + 1), b""), start=1):
                if len(line) > cap:
                    raise limits.line_too_long(path, line_no, cap)
                yield line_no, line.removeprefix(BOM) if line_no == 1 else line
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise CloutError(f"{path}: truncated or corrupt gzip ({e}); ask for the file again") from None


def head_bytes(path: Path, n: int = 4096) -> bytes:
    """The first `n` bytes of the (decompressed) file, for format detection (without a UTF-8 BOM)."""
    with Path(path).open("rb") as f:
        start = f.read(2)
    if start == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as g:
                return g.read(n).removeprefix(BOM)
        except (EOFError, gzip.BadGzipFile, zlib.error, OSError):
            return b""
    with Path(path).open("rb") as f:
        return f.read(n).removeprefix(BOM)


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 text (a BOM is dropped). Another encoding is refused with the byte offset, never guessed."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise CloutError(
            f"{path}: not UTF-8 (byte {e.start}: {data[e.start:e.start + 4]!r}); re-export the file as UTF-8"
        ) from None


def file_time(path: Path) -> datetime:
    """When the file was written: the observation time of formats that do not say when they were fetched."""
    return datetime.fromtimestamp(Path(path).stat().st_mtime, UTC).replace(tzinfo=None)


def parse_time(value: str | None) -> datetime | None:
    """ISO-8601 (`2021-09-22T16:37:29.000Z`) or Twitter's `Wed Oct 10 20:19:24 +0000 2018`, as naive UTC."""
    if not value:
        return None
    try:
        if value[:3].isalpha():
            t = datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y")
        else:
            t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t


def to_int(value) -> int | None:
    """Counters arrive as numbers, or as strings in X archives; anything else is unknown (null)."""
    if value is None or isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def id_str(value) -> str | None:
    return None if value is None or value == "" else str(value)

