"""Generic interaction tables: CSV, TSV, whitespace text (SNAP Higgs), Parquet and NDJSON.

Each row is one interaction: actor, target, time (unix seconds or ISO-8601), kind, and optionally network
and post id. Column names are mapped (`ColumnMap`), or positions in a table without a header line, so any table
with those facts lands. `#` lines at the start of a text file (SNAP's edge lists) are comments: skipped, counted,
and every record keeps its real line number.

Two ways in. A whitespace or delimited text file is first read by DuckDB's own CSV reader straight into the
warehouse (`sql/land/generic_fast.sql`, `fast_sql`): streaming, and no row passes through Python. It takes a
file only when every line is certainly good; otherwise the caller rolls it back and reads the file here in
blocks of lines with Polars (`read`), which finds, explains and quarantines each bad line. Typing follows
`clout.land.canonical_interactions` on both paths; memory stays bounded whatever the file size.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import orjson
import polars as pl

from clout.core.errors import CloutError
from clout.land import plausible
from clout.land.canonical_interactions import FIELDS, KIND_SPELLINGS, InteractionParams, normalise
from clout.land.formats import limits
from clout.land.formats.base import BOM

NAME = "generic_interactions"
BLOCK_BYTES = 16 << 20  # text is parsed 16 MB (about 700k Higgs lines) at a time: bounds memory
PARQUET_ROWS = 2_000_000
_WS = re.compile(rb"^\s*\S+\s+\S+\s+\d+(?:\.\d+)?\s+\S+\s*$")
_EDGES = re.compile(rb"^\S+ \S+ \d+(?:\.\d+)?$")
_NUMBER = re.compile(rb"^\d+(?:\.\d+)?$")  # unix seconds, a fraction allowed (bitcoin-otc: 1289241911.72836)
_POSITION = re.compile(r"[0-9]+")  # a column by position in --map (ASCII digits: str.isdigit takes '²')
SEPARATORS = ("\t", ",", ";", "|", " ")  # a space last: SNAP-style edge lists with a header (`src dst time`)
FIRST_LINE_BYTES = 1 << 16  # of the first line after a file's comments, for detection
COMMENT_AMONG_RECORDS = "a `#` comment line among the records: only comment lines before the first record are skipped"
_FOUR_FIELDS = r"^\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*$"
ALIASES = {
    "actor": ("actor", "actor_id", "source", "src", "from", "user_id"),
    "target": ("target", "target_id", "destination", "dst", "to"),
    "time": ("time", "timestamp", "ts", "occurred_at", "created_at", "unix_ts", "unixts", "unix_time"),
    "kind": ("kind", "type", "interaction", "action"),
    "network": ("network", "platform"),
    "post_id": ("post_id", "tweet_id", "status_id"),
}


@dataclass(frozen=True)
class ColumnMap:
    """Which source column holds each canonical field; unset fields are found by their usual names."""

    columns: dict[str, str] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> ColumnMap:
        """`actor=src,target=dst,time=when` (the CLI's --map), or by position from 1: `actor=1,target=2,time=4`."""
        out = {}
        for part in filter(None, (text or "").split(",")):
            key, sep, value = part.partition("=")
            if not sep or key.strip() not in FIELDS:
                raise CloutError(f"--map {text!r}: expected field=column pairs with fields from {', '.join(FIELDS)}")
            out[key.strip()] = value.strip()
        numbers = [bool(_POSITION.fullmatch(v)) for v in out.values()]
        if any(numbers) and not all(numbers):
            raise CloutError(f"--map {text!r}: name every column by its header name, or every one by its position "
                             "(1, 2, ...: a table without a header line), not some of each")
        if any(numbers) and (min(map(int, out.values())) < 1 or len(set(map(int, out.values()))) < len(out)):
            raise CloutError(f"--map {text!r}: positions count from 1, one field to a column")
        return cls(out)

    @property
    def positional(self) -> bool:
        """Columns named by position (a table without a header line), not by name."""
        return bool(self.columns) and all(_POSITION.fullmatch(v) for v in self.columns.values())

    def positions(self) -> dict[str, int]:
        """0-based index of each field; actor, target and time not named take columns 1, 2, 3 unless those are
        another field's (as a headerless edge list reads: `actor target time`)."""
        out = {f: int(c) - 1 for f, c in self.columns.items()}
        for f, default in (("actor", 0), ("target", 1), ("time", 2)):
            if f not in out and default not in out.values():
                out[f] = default
        return out

    def resolve(self, header: list[str]) -> dict[str, int]:
        """Index of each canonical field in `header` (fields absent from the file are left out)."""
        lower = [h.strip().strip('"').lower() for h in header]
        found = {}
        for f in FIELDS:
            names = (self.columns[f],) if f in self.columns else ALIASES[f]
            for name in names:
                if name.lower() in lower:
                    found[f] = lower.index(name.lower())
                    break
        return found


@dataclass(frozen=True)
class Layout:
    kind: str  # whitespace | delimited | ndjson | parquet
    separator: str = ""
    columns: dict[str, int] | dict[str, str] = field(default_factory=dict)
    n_columns: int = 0
    header: bool = True  # delimited: the first line (after any comments) names the columns
    comments: int = 0  # `#` lines at the start of the text, skipped: no records (networkx's read_edgelist)

    @property
    def skip(self) -> int:
        """Lines before the first record: the comments, then the header."""
        return self.comments + (self.kind == "delimited" and self.header)

    @property
    def needs_kind(self) -> bool:
        """No kind column: every row is of the kind the caller names (--kind)."""
        return self.kind != "whitespace" and "kind" not in self.columns


def sniff(path: Path, head: bytes, mapping: ColumnMap) -> Layout | None:
    if head.startswith(b"PAR1"):
        import pyarrow.parquet as pq

        names = pq.ParquetFile(path).schema_arrow.names
        cols = mapping.resolve(names)
        return Layout("parquet", columns={f: names[i] for f, i in cols.items()}) if _enough(cols) else None
    comments, first = first_line(path, head)
    layout = _sniff_line(first, mapping) if first is not None else None
    return replace(layout, comments=comments) if layout else None


def _sniff_line(first: bytes, mapping: ColumnMap) -> Layout | None:
    """The layout the text's first line (after any comments) shows."""
    if first.startswith(b"{"):
        try:
            keys = list(orjson.loads(first))
        except orjson.JSONDecodeError:
            return None
        cols = mapping.resolve(keys)
        return Layout("ndjson", columns={f: keys[i] for f, i in cols.items()}) if _enough(cols) else None
    if mapping.positional:
        return _by_position(first, mapping)
    for sep in SEPARATORS:
        header = first.decode("utf-8", errors="replace").split(sep)
        if len(header) > 2:
            cols = mapping.resolve(header)
            if _enough(cols):
                return Layout("delimited", sep, cols, len(header))
    if _WS.match(first) and not mapping.columns:
        return Layout("whitespace")
    if _EDGES.match(first) and not weighted_edges(first):
        # `actor target unix_ts` with no header: lands with --kind (a kind for every row)
        return Layout("delimited", " ", {"actor": 0, "target": 1, "time": 2}, 3, header=False)
    return None if mapping.columns else _headerless(first)


def _headerless(first: bytes) -> Layout | None:
    """A delimited table without a header line, read as the whitespace edge lists are: `actor target time`, and a
    4th column is the kind when the first line's reads as one. Taken only when its 3rd field is unix seconds (a
    header's is a name): anything else is for --map by position."""
    for sep in SEPARATORS[:-1]:
        fields = [f.strip() for f in first.split(sep.encode())]
        if len(fields) >= 3 and all(fields[:2]) and _unix_time(fields[2]):
            kind = len(fields) > 3 and fields[3].decode("utf-8", errors="replace") in KIND_SPELLINGS
            cols = {"actor": 0, "target": 1, "time": 2} | ({"kind": 3} if kind else {})
            return Layout("delimited", sep, cols, len(fields), header=False)
    return None


def _by_position(first: bytes, mapping: ColumnMap) -> Layout | None:
    """Columns named by position (`--map actor=1,target=2,time=4`): the first separator that splits the first line
    into enough columns. A first line whose time column holds no digit and none of whose fields is a number is a
    header of names (`SOURCE,TARGET,RATING,TIME`), skipped; a record with a bad time (`6,2,4,\\N`) is a record, and
    is quarantined as one."""
    cols = mapping.positions()
    if not _enough(cols):
        return None
    for sep in SEPARATORS:
        fields = first.split(sep.encode())
        if len(fields) > max(cols.values()):
            header = not re.search(rb"\d", fields[cols["time"]]) and not any(_NUMBER.match(f.strip()) for f in fields)
            return Layout("delimited", sep, cols, len(fields), header=header)
    return None


def _unix_time(field: bytes) -> bool:
    """Unix seconds of the social web (2001 on), whole or with a fraction: not a count, a rating or a 64-bit id."""
    return bool(_NUMBER.match(field)) and 1_000_000_000 <= float(field) < 10_000_000_000


def weighted_edges(first: bytes) -> bool:
    """`actor target count` (SNAP's *_network.edgelist: how often one account engaged another, summed over the
    whole period), with any separator: a third number too small for a time of the social web (before 2001) is a
    weight, not a time."""
    for sep in SEPARATORS:
        fields = first.split(sep.encode())
        if len(fields) == 3 and all(f.strip() for f in fields[:2]) and _NUMBER.match(fields[2].strip()):
            return float(fields[2]) < 1_000_000_000
    return False


def headerless_hint(first: bytes) -> str | None:
    """For a table clout cannot read by itself whose first line is data with a unix time in some column (SNAP's
    bitcoin-otc: `SOURCE,TARGET,RATING,TIME`, no header): the --map that names its columns by position."""
    for sep in SEPARATORS:
        fields = [f.strip() for f in first.split(sep.encode())]
        times = [i for i, f in enumerate(fields[2:], 3) if _unix_time(f)]
        if len(fields) >= 3 and all(fields[:2]) and times:
            return (f"a table without a header line ({len(fields)} columns separated by {sep!r}) whose column "
                    f"{times[0]} ({fields[times[0] - 1].decode(errors='replace')!r}) reads as unix seconds: name its "
                    f"columns by position (from 1), --map actor=1,target=2,time={times[0]}, and add --kind KIND "
                    "(or kind=N) for what every row is")
    return None


def first_line(path: Path, head: bytes) -> tuple[int, bytes | None]:
    """(comment lines at the start of the text, the first line after them without its line end; None when the file
    holds nothing else). A head that does not start with `#` is read as it is; else the file, line by line."""
    if not head.startswith(b"#"):
        return 0, head.split(b"\n", 1)[0].rstrip(b"\r")  # head_bytes dropped a BOM
    cap = limits.max_line()
    try:
        with (gzip.open if is_gzip(path) else open)(path, "rb") as f:
            line, comments = f.readline(cap + 1).removeprefix(BOM), 0
            while line.startswith(b"#"):
                if len(line) - line.endswith(b"\n") > cap:  # as the blocks will: no line past the cap
                    raise limits.line_too_long(path, comments + 1, cap)
                comments, line = comments + 1, f.readline(cap + 1)
    except (EOFError, gzip.BadGzipFile, zlib.error) as e:
        raise CloutError(f"{path}: truncated or corrupt gzip ({e}); ask for the file again") from None
    return comments, line[:FIRST_LINE_BYTES].rstrip(b"\r\n") if line else None


def _enough(cols: dict) -> bool:
    return {"actor", "target", "time"} <= set(cols)


# Unicode White_Space, the set Polars' strip_chars() removes: the fast path strips (and, in whitespace files,
# refuses) exactly these, so both paths type a field the same way.
BLANKS = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"
_BLANK_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in BLANKS if c not in " \n") + "]"
_BLANK_ENDS = "^[{0}]+|[{0}]+$".format("".join(f"\\x{{{ord(c):x}}}" for c in BLANKS))
# Every byte but newline and the first bytes of the other blanks (ASCII controls; UTF-8 lead bytes C2, E1-E3):
# deleting these leaves what `text_shape` needs to count lines and to see whether any odd blank may be there.
_PLAIN_BYTES = bytes(b for b in range(256) if b not in b"\n\t\x0b\x0c\r\xc2\xe1\xe2\xe3")
ISO_FORMATS = ["%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S.%gZ"]
# A quoted field may be as long as a block and the record left open before it (clout/land/formats/limits.py bounds
# that), not csv's 128 kB: past that limit csv gives up mid-field and starts reading again inside the field.
csv.field_size_limit(max(csv.field_size_limit(), 1 << 30))


@dataclass(frozen=True)
class TextShape:
    lines: int  # lines in the (decompressed) file, the last one counted without its newline
    spaces: bool  # a space somewhere
    odd_blanks: bool  # a tab, CR, form feed or a possible non-ASCII blank somewhere
    comment_lines: bool = False  # a line starting with `#` after the comments at the start: a bad record

    @property
    def blanks(self) -> str:
        """What stripping a delimited field takes: nothing, spaces only, or the whole White_Space set."""
        return "blanks" if self.odd_blanks else "spaces" if self.spaces else "none"


def text_shape(path: Path, comments: int = 0) -> TextShape:
    """One cheap pass over the bytes: what the fast path's count is checked against, and which blanks its fields
    can hold (stripping every kind of blank from every field is dear, so it is done only when needed). The
    `comments` lines at the start count as lines; their blanks (SNAP's tabs) are no field's."""
    lines, spaces, odd, last, hashes = comments, False, False, b"\n", False
    chunks = (block for _, block in _byte_blocks(path, skip=comments)) if comments else _chunks(path)
    for chunk in chunks:
        kept = chunk.translate(None, _PLAIN_BYTES)
        newlines = kept.count(b"\n")
        hashes = hashes or b"\n#" in chunk or (last == b"\n" and chunk.startswith(b"#"))
        lines, odd, last = lines + newlines, odd or len(kept) > newlines, chunk[-1:]
        spaces = spaces or b" " in chunk
    return TextShape(lines + (last != b"\n"), spaces, odd, hashes)


def fast_readable(layout: Layout | None) -> bool:
    """Text tables go through DuckDB's CSV reader first; Parquet and NDJSON through Polars only."""
    return layout is not None and layout.kind in ("whitespace", "delimited")


def fast_sql(path: Path, layout: Layout, params: InteractionParams, shape: TextShape, gz: bool
             ) -> tuple[dict, dict, int]:
    """(parameters, identifiers, records expected) for sql/land/generic_fast.sql."""
    if layout.kind == "whitespace":
        columns, separator, quote = {f: "VARCHAR" for f in ("actor", "target", "time", "kind")}, " ", ""
    else:
        names = {i: f for f, i in layout.columns.items()}
        columns = {names.get(i, f"_{i}"): "VARCHAR" for i in range(layout.n_columns)}
        separator, quote = layout.separator, '"'
    skip = layout.skip  # DuckDB skips whole lines, quotes or not: a comment's `"` opens nothing
    sql_params = {
        "path": str(path), "columns": columns, "separator": separator, "quote": quote, "skip": skip,
        "compression": "gzip" if gz else "none", "first_record_no": 1 + skip,
        "strip": shape.blanks if layout.kind == "delimited" else "none",
        "blank_ends": _BLANK_ENDS, "default_kind": params.default_kind, "default_network": params.default_network,
        "iso_formats": ISO_FORMATS, "spellings": list(KIND_SPELLINGS), "kinds": list(KIND_SPELLINGS.values()),
        "check_blanks": layout.kind == "whitespace" and shape.odd_blanks, "blank_class": _BLANK_CLASS,
    } | plausible.sql_params(params.latest or datetime.max)
    identifiers = {f: f if f in columns else "null" for f in ("kind", "network", "post_id")}
    return sql_params, identifiers, shape.lines - skip


def read(path: Path, layout: Layout, params: InteractionParams) -> Iterator[pl.DataFrame]:
    """Typed interaction rows with `error`, one frame per block of the file."""
    if layout.kind == "parquet":
        yield from _parquet(path, layout, params)
        return
    for first_line_no, block, open_end in _record_blocks(path, layout):
        header = layout.kind == "delimited" and first_line_no == layout.comments + 1 and layout.header
        frame = None if open_end else _fast(block, layout, params, first_line_no, header)
        if frame is None:  # the block has a bad line somewhere: the careful path finds and explains it
            lines = _lines(block).with_row_index("line_no", offset=first_line_no)
            _check_line_sizes(path, lines)
            frame = normalise(_fields(lines.slice(1 if header else 0), layout), params).collect()
        yield _never_closed(frame) if open_end else frame


def _never_closed(frame: pl.DataFrame) -> pl.DataFrame:
    """The file's last record, whose quoted field the file ends inside: quarantined whatever it parsed to (a
    reader would take the rest of the file as that field)."""
    last = pl.col("line_no") == pl.col("line_no").max()
    reason = "a quoted field opened in this record is never closed: the file ends inside it (a quote left open?)"
    return frame.with_columns(error=pl.when(last).then(pl.lit(reason)).otherwise(pl.col("error")))


def _check_line_sizes(path: Path, lines: pl.DataFrame) -> None:
    """A line longer than CLOUT_MAX_LINE_BYTES fails the file (docs/formats.md), inside a block as at its end: kept
    whole in the quarantine, such lines would take the memory the limit is there to bound."""
    sizes, cap = lines["line"].str.len_bytes(), limits.max_line()
    if sizes.max() is not None and sizes.max() > cap:
        raise limits.line_too_long(path, int(lines["line_no"][int(sizes.arg_max())]), cap)


def _fast(block: bytes, layout: Layout, params: InteractionParams, first_line_no: int, header: bool
          ) -> pl.DataFrame | None:
    """A clean block parsed by Polars' CSV reader in one pass; None when any line is not clean."""
    quoted = layout.kind == "delimited" and b'"' in block
    if layout.kind not in ("whitespace", "delimited") or (quoted and _odd_quote(block, layout.separator)):
        return None  # Polars takes `"b "x" 3"` as `b x 3`, DuckDB and the strict reader refuse it: theirs is the rule
    if block.startswith(b"#") or b"\n#" in block:
        return None  # a comment line among the records (or a quoted field's line starting `#`): the careful path
    if block.startswith(_COMPRESSED_STARTS):
        return None  # Polars would decompress it: line by line
    try:
        block.decode("utf-8")
        if layout.kind == "whitespace":
            names = ["actor", "target", "time", "kind"]
            frame = pl.read_csv(io.BytesIO(block), separator=" ", has_header=False, new_columns=names,
                                schema={n: pl.String for n in names}, quote_char=None)
        else:
            names = [f"c{i}" for i in range(layout.n_columns)]
            frame = pl.read_csv(io.BytesIO(block), separator=layout.separator, has_header=False, new_columns=names,
                                schema={n: pl.String for n in names}, skip_rows=1 if header else 0)
            frame = frame.select(pl.col(f"c{i}").alias(f) for f, i in layout.columns.items())
    except (UnicodeDecodeError, pl.exceptions.PolarsError):
        return None
    lines = block.count(b"\n") + (not block.endswith(b"\n")) - header
    if frame.height != lines:
        return None  # blank or ragged lines: only the careful path keeps line numbers exact
    fields = frame.with_row_index("line_no", offset=first_line_no + header).with_columns(
        line=pl.lit(""), parse_error=pl.lit(None, dtype=pl.String),
        **{f: pl.lit(None, dtype=pl.String) for f in FIELDS if f not in frame.columns})
    fast = replace(params, time_format=_time_format(frame["time"]), strip=layout.kind == "delimited")
    out = normalise(fields.lazy(), fast).collect()
    return out if out["error"].null_count() == out.height else None


def _odd_quote(block: bytes, separator: str) -> bool:
    """A quote with neither a separator, a line end nor another quote beside it (`"b "x" 3"`, `"b3" ,`): quoting
    that only the strict reader judges the same way as DuckDB's reader."""
    other = b"[^" + re.escape(separator.encode()) + b'\n"]'
    return re.search(other + b'"' + other, block) is not None


def _time_format(time: pl.Series) -> str:
    """The narrowest time format the block's first value fits (checked for every row afterwards)."""
    first = time.drop_nulls().head(1).to_list()
    if first and first[0].isdigit():
        return "unix"
    if first and len(first[0]) == 20 and first[0].endswith("Z") and first[0][10] == "T":
        return "iso_z"
    return "any"


def is_gzip(path: Path) -> bool:
    with Path(path).open("rb") as f:
        return f.read(2) == b"\x1f\x8b"


def _chunks(path: Path, size: int = BLOCK_BYTES) -> Iterator[bytes]:
    """The (decompressed) bytes in chunks of `size`; gzip is detected by its magic bytes, not the name."""
    opener = gzip.open if is_gzip(path) else open
    try:
        with opener(path, "rb") as f:
            first = f.read(size)
            if first.startswith(BOM):  # a UTF-8 byte order mark is no part of the first line
                first = first[len(BOM):] or f.read(size)
            if first:
                yield first
                yield from iter(lambda: f.read(size), b"")
    except (EOFError, gzip.BadGzipFile, OSError) as e:
        raise CloutError(f"{path}: truncated or corrupt gzip ({e}); ask for the file again") from None


def _byte_blocks(path: Path, size: int = BLOCK_BYTES, skip: int = 0) -> Iterator[tuple[int, bytes]]:
    """(number of the block's first line, its bytes) in blocks of about `size` bytes ending at a line end, without
    the first `skip` lines (a table's comments), the others keeping their numbers."""
    line_no, rest, cap = 1, b"", limits.max_line()
    for chunk in _chunks(path, size):
        data = rest + chunk
        cut = data.rfind(b"\n") + 1
        block, rest = data[:cut], data[cut:]
        if block and skip:
            block, skipped = _without_lines(block, skip)
            line_no, skip = line_no + skipped, skip - skipped
        if block:
            yield line_no, block
            line_no += block.count(b"\n")
        if len(rest) > cap:  # a line with no end in sight: memory would grow with it
            raise limits.line_too_long(path, line_no, cap)
    if len(rest) > cap:
        raise limits.line_too_long(path, line_no, cap)
    if rest and not skip:
        yield line_no, rest


def _without_lines(block: bytes, n: int) -> tuple[bytes, int]:
    """`block` without its first `n` lines (fewer when it holds fewer), and how many went."""
    at = 0
    for gone in range(n):
        end = block.find(b"\n", at)
        if end < 0:
            return block[at:], gone
        at = end + 1
    return block[at:], n


def _record_blocks(path: Path, layout: Layout) -> Iterator[tuple[int, bytes, bool]]:
    """`_byte_blocks`, but a delimited record whose quoted field holds line ends (RFC 4180: `"one\ntwo"`) is never
    cut between two blocks: the lines of a record still open at a block's end move to the next block. The flag is
    set on a last block that ends inside a quoted field."""
    blocks = _byte_blocks(path, BLOCK_BYTES, skip=layout.comments)
    if layout.kind != "delimited":
        yield from ((line_no, block, False) for line_no, block in blocks)
        return
    carry, carry_no, cap = b"", 1, limits.max_line()
    for line_no, block in blocks:
        data, start = (carry + block, carry_no) if carry else (block, line_no)
        # the header is read apart, as the careful path does
        header = data.find(b"\n") + 1 if start == layout.comments + 1 and layout.header else 0
        cut = header + _open_record(data[header:], layout.separator) if b'"' in data else len(data)
        if cut:
            yield start, data[:cut], False
        carry, carry_no = data[cut:], start + data.count(b"\n", 0, cut)
        if len(carry) > cap:  # a quote left open: the rest of the file would be one field
            raise CloutError(f"{path}: the quoted field of the record on line {carry_no:,} is still open after {cap:,} "
                             "bytes (CLOUT_MAX_LINE_BYTES): a quote left open? Nothing was landed from it; fix the "
                             "file or ask for it again")
    if carry:  # the file ends inside a quoted field
        yield carry_no, carry, True


def _open_record(data: bytes, separator: str) -> int:
    """Where the last record of `data` starts when a quoted field is still open at its end, else len(data)."""
    pieces = data.split(b"\n")
    lines = [p + b"\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    reader = _reader((ln.decode("utf-8", errors="replace") for ln in lines), separator)
    first, last = 0, 0
    for _ in _csv_records(reader):
        last, first = first, reader.line_num
    tail = [ln.decode("utf-8", errors="replace") for ln in lines[last:]]
    try:
        for _ in _reader(iter(tail), separator):
            pass
    except csv.Error as e:
        if str(e) == "unexpected end of data":
            return len(data) - sum(map(len, lines[last:]))
    return len(data)


def _without_blanks_after_quotes(text: str | None, separator: str) -> list[str]:
    """A record the strict reader refused, read again without blanks between a closing quote and the separator or
    the line end (`"b3" ,`), which DuckDB's reader allows on the fast path; [] when it is still no record."""
    fixed = re.sub(r'"[ \t]+(?=' + re.escape(separator) + r"|\r?$)", '"', text or "", flags=re.M)
    if fixed == (text or ""):
        return []
    try:
        return next(_reader(iter(line + "\n" for line in fixed.split("\n")), separator), [])
    except csv.Error:
        return []


def _reader(lines: Iterator[str], separator: str):
    """RFC 4180 strictly, as DuckDB's reader on the fast path: a closing quote followed by anything but a separator
    or a line end is an error, so a stray quote cannot fold the lines after it into a field that still parses."""
    return csv.reader(lines, delimiter=separator, strict=True)


def _csv_records(reader) -> Iterator[list[str]]:
    """The reader's records; a record it cannot read (a NUL, a field over the size limit) is an empty one, which
    the caller quarantines for its field count."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error:
            yield []


# Bytes that Polars may split a block's lines on (no line end, no blank, no quote): text rarely holds them.
_LINE_SEPARATORS = [bytes([b]) for b in [*range(1, 9), *range(14, 32), 127]]
# Polars' CSV reader decompresses a buffer that starts like gzip, zlib or zstd data, as a line may (`x^y b 1 RT`):
# such a block is never given to it (it failed, or read no lines at all).
_COMPRESSED_STARTS = (b"\x1f\x8b", b"x\x01", b"x^", b"x\x9c", b"x\xda", b"(\xb5/\xfd")


def _lines(block: bytes) -> pl.DataFrame:
    """The block's lines, blank ones kept. Polars splits them in Rust given a separator and no quoting: a byte that
    does not occur in the block (a hostile file may hold any control character; one in a line made Polars find more
    fields than one), else (or when Polars would take the block for compressed data) Python splits them."""
    separator = next((b for b in _LINE_SEPARATORS if b not in block), None)
    if separator is None or block.startswith(_COMPRESSED_STARTS):
        text = block.decode("utf-8", "replace").split("\n")
        lines = [line.removesuffix("\r") or None for line in (text[:-1] if text[-1] == "" else text)]  # as Polars
        return pl.DataFrame({"line": lines}, schema={"line": pl.String})
    return pl.read_csv(io.BytesIO(block), has_header=False, separator=separator.decode(), quote_char=None,
                       new_columns=["line"], schema={"line": pl.String}, encoding="utf8-lossy")


def _fields(lines: pl.DataFrame, layout: Layout) -> pl.LazyFrame:
    """The FIELDS as strings from each line, plus `parse_error` when the line has the wrong shape."""
    if layout.kind == "whitespace":
        parts = pl.col("line").str.extract_groups(_FOUR_FIELDS)
        cols = {f: parts.struct.field(str(i + 1)) for i, f in enumerate(("actor", "target", "time", "kind"))}
        error = pl.when(pl.col("line").is_not_null() & parts.struct.field("1").is_null()).then(
            pl.lit("expected 4 whitespace-separated fields: actor target unix_ts kind"))
    elif layout.kind == "ndjson":
        cols = {f: _json_text(key) for f, key in layout.columns.items()}
        error = pl.when(pl.col("line").is_not_null() & ~pl.col("line").str.strip_chars().str.starts_with("{")).then(
            pl.lit("not a JSON object"))
    else:
        lines = _split(lines, layout.separator)
        parts = pl.col("parts")
        cols = {f: parts.list.get(i, null_on_oob=True) for f, i in layout.columns.items()}
        error = pl.when(pl.col("line").is_not_null() & (parts.list.len() != layout.n_columns)).then(
            pl.lit(f"expected {layout.n_columns} fields separated by {layout.separator!r}"))
    exprs = {f: cols.get(f, pl.lit(None, dtype=pl.String)).alias(f) for f in FIELDS}
    # A `#` line after the first record is no comment clout skips (two SNAP files put end to end: the second's
    # header): a bad record that says so, never a record of an actor `#`.
    comment = pl.col("line").str.starts_with("#")
    error = pl.when(comment).then(pl.lit(COMMENT_AMONG_RECORDS)).otherwise(error.otherwise(None))
    return lines.lazy().with_columns(parse_error=error, **exprs)


def _json_text(key: str) -> pl.Expr:
    """The value of a top-level key as text exactly as delivered: a number keeps its digits (json_path_match reads
    it as a float: 10^30 and 10^30+1 both become "1e+30", two accounts merged)."""
    value = pl.col("line").str.json_path_match(f"$.{key}")
    if not re.fullmatch(r"[A-Za-z0-9_]+", key):
        return value
    digits = pl.col("line").str.extract(rf'"{key}"\s*:\s*(-?[0-9][0-9.eE+\-]*)')
    return pl.when(value.str.contains(r"^-?[0-9]")).then(pl.coalesce(digits, value)).otherwise(value)


def _split(lines: pl.DataFrame, separator: str) -> pl.DataFrame:
    """`lines` as records with their delimited fields as `parts`, each numbered by its first line. Lines without a
    quote are split in Rust; with one, the block goes through Python's csv reader (RFC 4180, as DuckDB's reader on
    the fast path: `"a, b"` is one field, `""` inside quotes is a quote, a quoted field may hold line ends)."""
    if not lines["line"].str.contains('"', literal=True).any():
        return lines.with_columns(parts=pl.col("line").str.split(separator))
    texts = lines["line"].to_list()
    reader, first, rows = _reader(iter([(t or "") + "\n" for t in texts]), separator), 0, []
    for parts in _csv_records(reader):
        text = "\n".join(t or "" for t in texts[first:reader.line_num]) if reader.line_num - first > 1 else texts[first]
        parts = parts or _without_blanks_after_quotes(text, separator)
        rows.append((first, text, parts if text is not None else None))  # a blank line stays a blank line
        first = reader.line_num
    records = pl.DataFrame(rows, schema={"i": pl.UInt32, "line": pl.String, "parts": pl.List(pl.String)},
                           orient="row")
    return records.with_columns(line_no=lines["line_no"].gather(records["i"])).select("line_no", "line", "parts")


def _parquet(path: Path, layout: Layout, params: InteractionParams) -> Iterator[pl.DataFrame]:
    import pyarrow.parquet as pq

    line_no = 1
    for batch in pq.ParquetFile(path).iter_batches(batch_size=PARQUET_ROWS, columns=list(layout.columns.values())):
        frame = pl.from_arrow(batch).with_row_index("line_no", offset=line_no)
        line_no += frame.height
        fields = frame.select(
            "line_no",
            pl.concat_str([pl.col(c).cast(pl.String) for c in layout.columns.values()], separator="\t",
                          ignore_nulls=True).alias("line"),
            pl.lit(None, dtype=pl.String).alias("parse_error"),
            *(pl.col(layout.columns[f]).cast(pl.String).alias(f) if f in layout.columns
              else pl.lit(None, dtype=pl.String).alias(f) for f in FIELDS),
        )
        yield normalise(fields.lazy(), params).collect()
