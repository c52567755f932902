"""Land: delivered files -> raw.* (every record kept, with lineage).

`land_paths` takes files and folders, recognises each file's format, skips files already landed (same
bytes, by content hash, and the same owner for exports whose rows do not name it: sql/land/landed_before.sql)
and lands each new file all or nothing: its records, its quarantined records and
its canonical rows commit together, or, when more than `quarantine_limit` of its records are bad, not at
all. Every landed file reconciles: records read = staged + duplicates + quarantined.

The canonical rows are the stage step's: a file's parsed entities wait in scratch tables, and the caller's
`stage_file` (clout.stage.merge_landed_file, composed by clout.pipeline.land_files) merges them into staging.*
inside the file's transaction. Land never imports the stage.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from clout.core.errors import CloutError
from clout.core.warehouse import registered, run_sql, transaction
from clout.land import plausible
from clout.land.canonical_interactions import InteractionParams
from clout.land.formats import FORMAT_NAMES, READERS, Detected, LandOptions, detect, generic
from clout.land.formats.base import ENTITY_SCHEMAS, QUARANTINE_SCHEMA, Batch, NextFile, head_bytes, stat_key
from clout.land.formats.checks import violations


@dataclass(frozen=True)
class LandResult:
    path: Path
    sha256: str
    records: int  # records read
    skipped: bool  # True when the same bytes were landed before, or the file is not an export clout knows
    format: str = ""
    staged: int = 0
    duplicates: int = 0
    quarantined: int = 0
    new_fields: tuple[str, ...] = ()
    note: str | None = None
    first_problem: str | None = field(default=None, compare=False)
    owner: str | None = None  # the export's owner when its rows do not name it: part of the file's identity
    companion: bool = False  # a file a format reads beside its export (actor.json): not an export, not unknown
    named: bool = field(default=True, compare=False)  # named on the command line, not found in a folder
    failed: str | None = None  # a folder's file that could not land (why, naming it): the others still land
    cut_short: int | None = None  # the last line, when no line end follows it and it may be cut (a cut copy)
    notices: int = 0  # a stream's messages that are no record of an entity (raw.stream_notices)
    notices_said: str | None = field(default=None, compare=False)
    comments: int = 0  # `#` lines at the start of a generic table, skipped: no records, said in the line

    @property
    def needs_attention(self) -> bool:
        """Worth a line of its own in a folder's landing: skipped as unknown, or records quarantined, or new fields."""
        return bool((self.note and not self.companion) or self.quarantined or self.new_fields or self.failed
                    or self.cut_short)

    def line(self) -> str:
        if self.failed:
            return f"error: {self.failed}"
        if self.note:
            return f"{self.path}: {self.note}"
        if self.skipped:
            whose = f" of {self.owner}" if self.owner else ""
            return f"{self.path}: already landed (sha256 {self.sha256[:12]}{whose}), nothing added"
        line = (f"{self.path}: {self.format}: {self.records:,} records read = {self.staged:,} staged + "
                f"{self.duplicates:,} duplicates + {self.quarantined:,} quarantined")
        if self.notices:
            line += f" + {self.notices:,} notices"
        if self.comments:
            line += f" ({self.comments:,} comment line{'s' * (self.comments != 1)} skipped)"
        if self.first_problem:
            line += f" (first: {self.first_problem})"
        if self.notices_said:
            line += f"; {self.notices_said}"
        if self.cut_short:
            line += (f"; no line end after its last line ({self.cut_short:,}): the file may be cut short there, ask "
                     "for it again if so")
        if self.new_fields:
            line += f"; new field(s) kept in the raw payload: {', '.join(sorted(self.new_fields))}"
        return line


def summary(results: list[LandResult]) -> str:
    """One line of totals for a landing session: files by outcome, then records as each file's line counts them."""
    landed = [r for r in results if not r.skipped]
    again = sum(1 for r in results if r.skipped and not r.note and not r.failed)
    failed = sum(1 for r in results if r.failed)
    companions = sum(1 for r in results if r.companion)
    skipped = sum(1 for r in results if r.note and not r.companion)
    read, staged, dups, quarantined = (sum(getattr(r, f) for r in landed)
                                       for f in ("records", "staged", "duplicates", "quarantined"))
    files = f"{len(results):,} file{'s' * (len(results) != 1)}: {len(landed):,} landed, {again:,} already landed, "
    files += f"{skipped:,} skipped"
    if failed:
        files += f", {failed:,} not landed (errors above)"
    if companions:  # actor.json and its kind: read with the export beside them
        files += (f", {companions:,} owner file read with its export" if companions == 1 else
                  f", {companions:,} owner files read with their exports")
    notices, comments = sum(r.notices for r in landed), sum(r.comments for r in landed)
    return (f"total: {files}; {read:,} records read = {staged:,} staged + {dups:,} duplicates + "
            f"{quarantined:,} quarantined" + (f" + {notices:,} notices" if notices else "")
            # a folder prints no line for a clean file: the lines its comments took are said here
            + (f" ({_plural(comments, 'comment line')} skipped)" if comments else ""))


def check_all_landed(results: list[LandResult]) -> None:
    """After a folder's totals: fail (exit 1, the Airflow task) when one of its files could not land."""
    failed = [r for r in results if r.failed]
    if failed:
        which = str(failed[0].path) + (f" and {len(failed) - 1} more" if len(failed) > 1 else "")
        raise CloutError(f"{which}: not landed (the error above); every other file landed. Fix or re-deliver it and "
                         "land again: what landed is skipped")


def sha256_of(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()  # reads into one reused buffer: faster than a read() loop


def expand(paths: list[Path]) -> list[tuple[Path, bool]]:
    """(file, named explicitly) for files and every file under folders, in a stable order."""
    out = []
    for p in map(Path, paths):
        if p.is_dir():
            # a broken link is kept: it fails with its own error instead of going unnoticed
            files = sorted(f for f in p.rglob("*") if (f.is_file() or (f.is_symlink() and not f.exists())) and not any(
                part.startswith(".") for part in f.relative_to(p).parts))
            out.extend((f, False) for f in files)
        else:
            out.append((p, True))
    return out


class LandProgress:
    """What a landing session reports as it goes (a folder of thousands of exports, a file of millions of rows):
    `starting` before each file, `landed` with each file's result. The default reports nothing."""

    def starting(self, path: Path, done: int, total: int) -> None:
        pass

    def landed(self, result: LandResult) -> None:
        pass


# Merges a landed file's scratch entity tables into staging.*: (con, file_id, entities) -> new canonical rows.
StageFile = Callable[[duckdb.DuckDBPyConnection, int, list[str]], int]


def land_paths(con: duckdb.DuckDBPyConnection, paths: list[Path], options: LandOptions | None = None,
               progress: LandProgress | None = None, stage_file: StageFile | None = None) -> list[LandResult]:
    """Land files and folders; a file named explicitly that cannot be landed is an error, one in a folder a note.
    `stage_file`: how a file's canonical rows reach staging (required for every format but generic tables)."""
    options, progress = options or LandOptions(), progress or LandProgress()
    files = expand(paths)
    results = []
    (threads,), = con.execute("select current_setting('threads')").fetchall()
    run_sql(con, "land/begin")
    # Each file's sha256 is worked out one file ahead, on a thread (hashlib lets go of the GIL), while the file
    # before it lands: otherwise a file waits on its own hash with one core idle.
    hasher = ThreadPoolExecutor(1, thread_name_prefix="clout-sha256")
    ahead = NextFile(path for path, _ in files)
    try:
        hashing = _hash(hasher, files[0][0]) if files else None
        for i, (path, explicit) in enumerate(files):
            this, hashing = hashing, _hash(hasher, files[i + 1][0]) if i + 1 < len(files) else None
            progress.starting(path, len(results), len(files))
            results.append(replace(_land_or_note(con, path, explicit, options, this, ahead, stage_file),
                                   named=explicit))
            progress.landed(results[-1])
        run_sql(con, "land/checkpoint")
        return results
    finally:
        ahead.close()
        hasher.shutdown(cancel_futures=True)
        run_sql(con, "land/end")
        run_sql(con, "land/threads", threads=threads)  # in case a failed file left its aggregate's threads


@dataclass(frozen=True)
class _Hashed:
    digest: str
    stat: tuple[int, int]  # size and modification time when the hash began


def _hash(hasher: ThreadPoolExecutor, path: Path) -> Future[_Hashed] | None:
    """The file's sha256, worked out on `hasher`; None for what is not a regular file (a pipe would never end)."""
    path = Path(path).resolve()
    return hasher.submit(_hashed, path) if path.is_file() else None


def _hashed(path: Path) -> _Hashed:
    stat = stat_key(path)
    return _Hashed(sha256_of(path), stat)


def _land_or_note(con, path: Path, explicit: bool, options: LandOptions, hashing: Future[_Hashed] | None,
                  ahead: NextFile, stage_file: StageFile | None) -> LandResult:
    try:
        return land_file(con, path, options, hashing, ahead, stage_file)
    except _NotAnExport as e:
        if explicit:
            raise CloutError(str(e)) from None
        return LandResult(path.resolve(), "", 0, skipped=True, note=e.note, companion=e.companion)
    except _RESOURCES as e:  # the file's transaction rolled back: the warehouse is as it was
        error = CloutError(f"{path}: {_resource_problem(e)}; nothing was landed from it")
        if explicit:
            raise error from None
        return _failed(path, error)
    except CloutError as e:  # one bad delivery in a folder does not keep the others out (check_all_landed)
        if explicit:
            raise
        return _failed(path, e)


def _failed(path: Path, error: CloutError) -> LandResult:
    why = str(error) if str(error).startswith((str(path), str(path.resolve()))) else f"{path}: {error}"
    return LandResult(path.absolute(), "", 0, skipped=True, failed=why)  # as named: a broken link resolves to nothing


# Out of memory or out of disk while a file lands (a full disk fails the commit: TransactionException): one line
# naming the file, never a traceback.
_RESOURCES = (duckdb.OutOfMemoryException, duckdb.IOException, duckdb.TransactionException, MemoryError, OSError)


def _resource_problem(e: BaseException) -> str:
    text = str(e).splitlines()[0] if str(e) else type(e).__name__
    if isinstance(e, duckdb.OutOfMemoryException | MemoryError):
        return f"out of memory ({text}); land it with more memory, or ask for smaller files"
    if "space" in text.lower() or "too large" in text.lower() or isinstance(e, duckdb.TransactionException):
        return f"the disk is full or the file size limit was reached ({text}); free space and land it again"
    return text


class _NotAnExport(CloutError):
    def __init__(self, message: str, note: str, companion: bool = False) -> None:
        super().__init__(message)
        self.note, self.companion = note, companion


def land_generic_file(con: duckdb.DuckDBPyConnection, path: Path, network: str = "twitter") -> LandResult:
    """Land one generic interaction file (kept for callers of the first version)."""
    return land_file(con, Path(path), LandOptions(network=network))


def land_file(con: duckdb.DuckDBPyConnection, path: Path, options: LandOptions,
              hashing: Future[_Hashed] | None = None, ahead: NextFile | None = None,
              stage_file: StageFile | None = None) -> LandResult:
    """Land one file (`hashing`: its sha256 being worked out, or None to work it out here; `ahead`: the landing
    session's files, of which a reader may begin the next)."""
    if not Path(path).exists():
        raise CloutError(no_such_file(Path(path)))
    path = Path(path).resolve()
    if not path.is_file():
        raise CloutError(f"{path}: no such file")
    if hashing is None:
        # The hash runs beside detection and the fast path's byte scan: one after the other, they leave a core idle.
        with ThreadPoolExecutor(1, thread_name_prefix="clout-sha256") as hasher:
            return land_file(con, path, options, _hash(hasher, path), ahead, stage_file)
    found = detect(path, options)
    fast = found is not None and generic.fast_readable(found.layout)
    # A file met again under the same name and size (a landing folder run again) is most likely landed: its hash
    # is awaited first, so skipping it costs no byte scan (which decompresses a gzip whole).
    shape = _shape(path, found) if fast and not _met_before(con, path) else None
    hashed = _current(path, hashing.result())
    owner = _owner(found, path, options)
    if run_sql(con, "land/landed_before", sha256=hashed.digest, owner=owner).fetchall():
        return LandResult(path, hashed.digest, 0, skipped=True, owner=owner)
    if fast and shape is None:
        shape = _shape(path, found)
    if found is None:
        _refuse_unknown(path)
    if found.layout is not None and found.layout.needs_kind and not options.kind:
        raise _NotAnExport(
            f"{path}: a table of actor, target and time with no kind column: say what every row is with --kind "
            "(mention, reply, repost, quote, like or follow), or name its kind column with --map kind=COLUMN",
            "a table with no kind column, skipped (land it with --kind KIND)")
    if shape is not None:
        try:
            return _land(con, path, hashed, found, options, shape)
        except _Declined:
            pass  # rolled back, nothing kept: the careful path reads the file again and explains each bad line
    return _land(con, path, hashed, found, options, None, ahead, stage_file, owner)


def _shape(path: Path, found: Detected) -> generic.TextShape:
    return generic.text_shape(path, found.layout.comments)


def _refuse_unknown(path: Path) -> None:
    """Why a file whose format clout does not recognise cannot land, as one line saying what would land it."""
    _check_companion(path)
    if path.stat().st_size == 0 or not path.read_bytes()[:1 << 16].strip():
        raise _NotAnExport(f"{path}: the file is empty; nothing to land", "empty file, skipped")
    _check_not_utf16(path)
    comments, first = generic.first_line(path, head_bytes(path))
    if first is None:  # SNAP's header with no edges after it: a cut download, or an empty graph
        raise _NotAnExport(f"{path}: {_plural(comments, 'comment line')} (`#`) and no record after them; nothing to "
                           "land (a download cut short? ask for the file again)", "only comment lines, skipped")
    shown = first[:80].decode("utf-8", errors="replace")
    where = f"its first line after {_plural(comments, 'comment line')}" if comments else "its first line"
    if generic.weighted_edges(first):
        raise _NotAnExport(
            f"{path}: its lines read `actor target N` ({shown!r}) with N too small for a unix time "
            "(before 2001): an edge list of counts (how often one account engaged another), or times from some "
            "start: clout lands interactions with their unix times (SNAP's *-activity_time files hold them)",
            "an edge list without unix times, skipped")
    if hint := generic.headerless_hint(first):
        raise _NotAnExport(f"{path}: {hint}; {where} reads {shown!r}",
                           "a table without a header line, skipped (land it with --map by position)")
    raise _NotAnExport(
        f"{path}: not an export format clout knows ({', '.join(FORMAT_NAMES)}); {where} reads {shown!r}. For a "
        "table of interactions, name its columns with --map actor=COLUMN,target=COLUMN,time=COLUMN (by position "
        "from 1, --map actor=1,target=2,time=3, when it has no header line), and add --kind KIND when it has no kind "
        "column",
        "not an export format clout knows, skipped")


def _plural(n: int, what: str) -> str:
    return f"{n:,} {what}{'s' * (n != 1)}"


def no_such_file(path: Path) -> str:
    """What a missing path says: a broken link names where it points (it is there, its target is not)."""
    link = f"a broken link (to {path.readlink()}): " if path.is_symlink() else ""
    return f"{path}: {link}no such file"


def _owner(found: Detected | None, path: Path, options: LandOptions) -> str | None:
    """The export's owner when its rows do not name it (a follows CSV whose owner is in actor.json beside it), else
    None. It is part of the file's identity: two owners' byte-identical files are two deliveries, not one."""
    reader = found.reader if found is not None else None
    return reader.owner(path, options) if hasattr(reader, "owner") else None


def _check_companion(path: Path) -> None:
    """A file a format reads beside its export (actor.json: whose follows a Mastodon CSV holds) is where an owner
    comes from, not an unknown format: in a folder it is counted, not reported."""
    reader = next((r for r in READERS if path.name in getattr(r, "COMPANIONS", ())), None)
    if reader is not None:
        raise _NotAnExport(
            f"{path}: not an export but where a {reader.NAME} export's owner comes from; land the export beside it "
            "(or its folder), which reads it", f"the owner of the {reader.NAME} export beside it, read with it",
            companion=True)


def _check_not_utf16(path: Path) -> None:
    """An export saved as UTF-16 (some Windows tools' "Unicode") is one of clout's formats in another encoding, not
    an unknown file to skip: it fails (in a folder too: the landing exits 1), saying what to do."""
    head = head_bytes(path, 512)
    # Latin text in UTF-16: one byte of two is zero and the other almost never (a binary file's zeros are anywhere)
    zeros = sorted((head[0::2].count(0), head[1::2].count(0)))
    half = len(head) // 2
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(head) >= 16 and zeros[1] > 0.9 * half and zeros[0] < 0.1 * half):
        raise CloutError(f"{path}: not UTF-8: it looks like UTF-16 (a byte order mark, or a zero byte in every "
                         "other place); re-export the file as UTF-8, or convert it (iconv -f UTF-16 -t UTF-8)")


def _met_before(con, path: Path) -> bool:
    return bool(con.execute("select 1 from raw.files where path = ? and size_bytes = ?",
                            [str(path), path.stat().st_size]).fetchall())


def _current(path: Path, hashed: _Hashed) -> _Hashed:
    """The hash worked out ahead, unless the file changed since (an export still being written): then its bytes now,
    so the recorded hash is that of what lands and a re-run skips it."""
    return hashed if stat_key(path) == hashed.stat else _hashed(path)


class _Declined(Exception):
    """The fast path could not take every record of a file; its transaction is rolled back."""


# Errors that say something about clout or the user, not about the file: never a reason to try the careful path.
_OURS = (duckdb.InterruptException, duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException)


@dataclass(frozen=True)
class _Counted:
    """What one file's records came to inside its transaction (the reconcile: read = staged + duplicates +
    quarantined + notices). `bad_share`: the share of the file's content in quarantined records, and its words."""

    read: int
    staged: int
    quarantined: int
    first_problem: str | None
    new_fields: list[str]
    bad_share: tuple[float, str] = (0.0, "")
    notices: int = 0


def _land(con, path: Path, hashed: _Hashed, found: Detected, options: LandOptions, shape: generic.TextShape | None,
          ahead: NextFile | None = None, stage_file: StageFile | None = None, owner: str | None = None
          ) -> LandResult:
    """One file in one transaction; a generic text file with its `shape` tries DuckDB's reader first."""
    started = time.perf_counter()
    with transaction(con):
        file_id = con.execute("select nextval('raw.file_id_seq')").fetchall()[0][0]
        if found.layout is not None:
            counts = _land_generic(con, file_id, path, found, options, shape)
        else:
            counts = _land_records(con, file_id, path, found, options, ahead, stage_file)
        # the limit weighs the file's records, not its stream notices (a capture mostly of deletions is no excuse)
        _check_quarantine(path, counts.read - counts.notices, counts.quarantined, counts.first_problem,
                          options.quarantine_limit, counts.bad_share)
        _check_unchanged(path, hashed)
        duplicates = counts.read - counts.staged - counts.quarantined - counts.notices
        run_sql(con, "land/finish_file", file_id=file_id, path=str(path), size_bytes=path.stat().st_size,
                sha256=hashed.digest, format=found.name, network=_network(found, options), records=counts.read,
                landed_at=datetime.now(UTC).replace(tzinfo=None), staged=counts.staged, duplicates=duplicates,
                quarantined=counts.quarantined, notices=counts.notices, seconds=time.perf_counter() - started,
                owner=owner)
        # a stream's deletions take their posts out of staging (landed earlier: this file's never entered it)
        notices = counts.notices
        deleted = len(run_sql(con, "land/apply_deletions", file_id=file_id).fetchall()) if notices else 0
        said = _notices_said(con, file_id, deleted) if notices else None
    return LandResult(path, hashed.digest, counts.read, False, found.name, counts.staged, duplicates,
                      counts.quarantined, tuple(counts.new_fields), first_problem=counts.first_problem, owner=owner,
                      cut_short=_cut_short(con, file_id, path, found, counts.quarantined), notices=notices,
                      notices_said=said, comments=found.layout.comments if found.layout else 0)


def _cut_short(con, file_id: int, path: Path, found: Detected, quarantined: int) -> int | None:
    """The number of the file's last line when it may have been cut in the middle of it (a cut gzip fails on its
    own: its end marker is missing): no line end follows it, and it is a table's line (which may read well cut:
    `mastodon` cut to `mast`) or it was quarantined. A JSON document's bad items are placed by path (`$[3]`), not
    by line, so a whole document ending in `}` is never taken for a cut one; a whole JSON line parses."""
    table = found.layout is not None and found.layout.kind in ("whitespace", "delimited")
    if not (table or quarantined):  # a whole JSON document, or JSON lines that all parsed: nothing cut
        return None
    last = _unterminated_line(path)
    if last is None or table:
        return last
    return last if run_sql(con, "land/quarantined_line", file_id=file_id, line=last).fetchall() else None


def _unterminated_line(path: Path) -> int | None:
    """The number of a plain file's last line when no line end follows it, else None."""
    with path.open("rb") as f:
        if f.read(2) == b"\x1f\x8b" or f.seek(0, 2) == 0:
            return None
        f.seek(-1, 2)
        if f.read(1) in (b"\n", b"\r"):
            return None
        f.seek(0)
        return 1 + sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 24), b""))


def _check_unchanged(path: Path, hashed: _Hashed) -> None:
    """What landed is the file as hashed: an export written to while it landed would be recorded under a hash of
    bytes that did not all land (a re-run would skip it)."""
    if stat_key(path) != hashed.stat:
        raise CloutError(f"{path}: the file changed while it was landing (an export still being written?); nothing "
                         "was landed from it. Land it again once it is complete")


def _network(found: Detected, options: LandOptions) -> str:
    return getattr(found.reader, "NETWORK", None) or ("mixed" if found.name == "identity_links" else options.network)


def _check_quarantine(path: Path, read: int, quarantined: int, first: str | None, limit: float,
                      bad_share: tuple[float, str] = (0.0, "")) -> None:
    """More than `limit` of the file's records quarantined, or of its content in records that held much of it
    (`bad_share`: an API v2 line that is no page is one record, though it may have held a hundred posts; a CSV record
    whose quote was left open may hold thousands of lines): nothing lands."""
    share, what = bad_share
    if read and quarantined / read > limit:
        why = f"{quarantined:,} of {read:,} records ({quarantined / read:.1%}) could not be landed"
    elif share > limit:
        why = f"{quarantined:,} of {read:,} records could not be landed, among them {what}"
    else:
        return
    raise CloutError(f"{path}: {why}, more than the {limit:.1%} limit; first: {first}. Nothing was landed; fix or "
                     "re-deliver the file (or raise --quarantine-limit)")


def _land_generic(con, file_id: int, path: Path, found: Detected, options: LandOptions,
                  shape: generic.TextShape | None) -> _Counted:
    """Generic tables into raw.generic_interactions: by DuckDB's reader given the text's `shape`, else by Polars
    blocks."""
    params = InteractionParams(default_network=options.network, default_kind=options.kind,
                               latest=plausible.latest(datetime.now(UTC)))
    if shape is not None:
        good, quarantined, first_problem = _generic_fast(con, file_id, path, found.layout, params, shape), 0, None
        bad_share = (0.0, "")
    else:
        good, quarantined, first_problem, bad_share = _generic_careful(con, file_id, path, found.layout, params)
    return _Counted(good + quarantined, _generic_new_keys(con, file_id), quarantined, first_problem, [], bad_share)


def _generic_new_keys(con, file_id: int) -> int:
    """Distinct interactions the file brings that no earlier file brought (exact). The join with earlier files'
    rows runs only when the file's days overlap theirs: a file of new days costs about one pass over itself."""
    with _threads_at_least(con, AGGREGATE_THREADS):
        (distinct_keys, lo, hi), = run_sql(con, "land/generic_distinct", file_id=file_id).fetchall()
        (earlier,), = run_sql(con, "land/generic_earlier", file_id=file_id, lo=lo, hi=hi).fetchall()
        if not earlier:
            return distinct_keys
        (new_keys,), = run_sql(con, "land/generic_new", file_id=file_id).fetchall()
        return new_keys


# DuckDB's hash aggregate splits its table into partitions by thread count: with 4 threads grouping a file's keys
# takes about half the CPU it takes with 2, even on 2 cores. Other landing statements are no faster with more
# threads than cores (API v2 parsing is slower), so only the distinct-key counts get them (docs/benchmarks.md).
AGGREGATE_THREADS = 4


@contextmanager
def _threads_at_least(con, threads: int) -> Iterator[None]:
    (before,), = con.execute("select current_setting('threads')").fetchall()
    run_sql(con, "land/threads", threads=max(before, threads))
    yield  # not in a `finally`: after an error the transaction refuses every statement, and the error must show;
    run_sql(con, "land/threads", threads=before)  # land_paths puts the session's threads back at its end


def _generic_fast(con, file_id: int, path: Path, layout, params: InteractionParams, shape: generic.TextShape
                  ) -> int:
    """Rows inserted by sql/land/generic_fast.sql; _Declined unless that is every record of the file."""
    if shape.comment_lines:  # DuckDB would read a `#` line as a record: the careful path quarantines it
        raise _Declined("a comment line among the records")
    sql_params, identifiers, expected = generic.fast_sql(path, layout, params, shape, generic.is_gzip(path))
    try:
        (inserted,), = run_sql(con, "land/generic_fast", identifiers, file_id=file_id, **sql_params).fetchall()
    except _OURS:
        raise
    except duckdb.Error as e:  # a NOT NULL column given a row it cannot type, a ragged line, bytes not UTF-8, ...
        raise _Declined(str(e)) from None
    if inserted != expected:
        raise _Declined(f"{expected - inserted:,} records need the careful path")
    return inserted


def _generic_careful(con, file_id: int, path: Path, layout, params: InteractionParams):
    """Polars-typed blocks; rows that fail parsing or the contract go to raw.quarantine with their line. Also the
    share of the file's lines in quarantined records (a CSV record may span lines: a quote left open takes them)."""
    first_problem, good, quarantined, lines, bad_lines = None, 0, 0, 0, 0
    for frame in generic.read(path, layout, params):
        frame = frame.with_columns(error=pl.coalesce("error", violations(frame, "raw_generic_interactions")))
        bad = frame.filter(pl.col("error").is_not_null())
        lines += frame.height + (frame["line"].str.count_matches("\n").sum() or 0)
        if bad.height:
            first_problem = first_problem or _problem(bad.row(0, named=True))
            quarantined += bad.height
            bad_lines += bad.height + (bad["line"].str.count_matches("\n").sum() or 0)
            with registered(con, "bad_rows", bad):
                run_sql(con, "land/quarantine_rows", file_id=file_id)
        rows = frame.filter(pl.col("error").is_null()) if bad.height else frame
        good += rows.height
        with registered(con, "landing_rows", rows):
            run_sql(con, "land/generic_interactions", file_id=file_id)
    share = bad_lines / lines if lines else 0.0
    return good, quarantined, first_problem, (share, f"records of several lines: {share:.1%} of the file's lines")


SHOWN_CHARS = 120  # of a bad line in the reconcile line and errors (the whole line is in raw.quarantine)


def _problem(row: dict) -> str:
    line = row["line"] or ""
    shown = repr(line[:SHOWN_CHARS]) + (f" ... {len(line):,} characters in all" if len(line) > SHOWN_CHARS else "")
    return f"line {row['line_no']}: {row['error']} (found {shown})"


def _land_records(con, file_id: int, path: Path, found: Detected, options: LandOptions, ahead: NextFile | None,
                  stage_file: StageFile | None) -> _Counted:
    """Record formats: raw.records / raw.quarantine and a scratch table per entity, then `stage_file` merges them.

    A reader with `land` writes in DuckDB itself (twitter_v2); others yield batches of frames.
    """
    if hasattr(found.reader, "land"):
        landed = found.reader.land(con, file_id, path, options, ahead)
        good, quarantined = landed.records - landed.quarantined, landed.quarantined
        first_problem, unknown, entities = landed.first_problem, landed.unknown_fields, landed.entities
        share = landed.bad_line_bytes / landed.record_bytes if landed.record_bytes else 0.0
        what = "tweet" if found.name == "twitter_v2_flat" else "page of results"
        bad_share = (share, f"lines that were no {what}: {share:.1%} of the file's content")
        notices = 0
    else:
        good, quarantined, notices, first_problem, unknown, entities = _land_batches(con, file_id, path, found,
                                                                                     options)
        bad_share = (0.0, "")
    if entities and stage_file is None:
        raise CloutError(f"{path}: {found.name} rows are staged as they land; land it with clout.pipeline.land_files")
    staged = stage_file(con, file_id, entities) if entities else 0
    new_fields = _new_fields(con, file_id, found.name, unknown)
    return _Counted(good + quarantined + notices, staged, quarantined, first_problem, new_fields, bad_share, notices)


def _land_batches(con, file_id: int, path: Path, found: Detected, options: LandOptions):
    """Batches into raw.records / raw.quarantine and scratch tables; only entities the file holds get a scratch
    table (and later a merge): small personal exports land in a few statements."""
    first_problem, unknown, good, quarantined, notices, created = None, set(), 0, 0, 0, set()
    for batch in found.reader.read(path, options):
        frames = _checked(batch.frames())
        unknown |= batch.unknown_fields
        if frames["quarantine"].height and first_problem is None:
            q = frames["quarantine"].row(0, named=True)
            first_problem = f"{q['location']}: {q['reason']}"
        good += frames["records"].height
        quarantined += frames["quarantine"].height
        notices += frames["notices"].height
        for name in ("records", "quarantine", "notices"):
            if frames[name].height:
                with registered(con, f"batch_{name}", frames[name]):
                    run_sql(con, f"land/append_{name}", file_id=file_id)
        for entity in ENTITY_SCHEMAS:
            if frames[entity].height:
                step = "append_entity" if entity in created else "create_entity"
                with registered(con, f"batch_{entity}", frames[entity]):
                    run_sql(con, f"land/{step}", identifiers={"entity": entity})
                created.add(entity)
    return good, quarantined, notices, first_problem, unknown, [e for e in ENTITY_SCHEMAS if e in created]


def _notices_said(con, file_id: int, deleted: int) -> str:
    """A stream's notices in words for the reconcile line (docs/formats.md)."""
    parts = []
    for kind, n, undelivered in run_sql(con, "land/notice_summary", file_id=file_id).fetchall():
        if kind == "delete":
            parts.append(f"{n:,} deletion{'s' * (n != 1)} ({deleted:,} landed post{'s' * (deleted != 1)} taken out "
                         "of staging)")
        elif kind == "limit":
            parts.append(f"{n:,} rate-limit notice{'s' * (n != 1)} (up to {undelivered or 0:,} tweets the stream did "
                         "not deliver)")
        else:
            parts.append(f"{n:,} {kind}")
    return "stream notices kept in raw.stream_notices: " + ", ".join(parts)


def _checked(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """Rows that break their staging contract (required fields, allowed values) move to quarantine."""
    moved, until = [], plausible.latest(datetime.now(UTC))
    for entity in ENTITY_SCHEMAS:
        frame = frames[entity]
        reason = pl.coalesce(violations(frame, f"staging_{entity}s"), _implausible(frame, until))
        bad = frame.with_columns(reason=reason).filter(pl.col("reason").is_not_null()).select("record_no", "reason")
        if bad.height:
            moved.append(bad)
            frames[entity] = frame.join(bad, on="record_no", how="anti")
    if not moved:
        return frames
    bad = pl.concat(moved)
    recs = frames["records"]
    quarantined = recs.join(bad, on="record_no").select(
        "record_no", "location", "reason", pl.col("payload").alias("raw_text"), "account_ids")
    frames["records"] = recs.join(bad, on="record_no", how="anti")
    frames["quarantine"] = pl.concat([frames["quarantine"], quarantined.cast(QUARANTINE_SCHEMA)])
    return frames


def _implausible(frame: pl.DataFrame, until: datetime) -> pl.Expr:
    """Why a row's ids or creation time cannot be real (clout/land/plausible.py), or null."""
    checks = [plausible.id_problem(pl.col(c), c.replace("_", " ")) for c, t in frame.schema.items()
              if t == pl.String and c.endswith("_id")]
    if "created_at" in frame.columns and "network" in frame.columns:
        checks.append(plausible.time_problem(pl.col("created_at"), pl.col("network"), until, "created_at"))
    return pl.coalesce(checks) if checks else pl.lit(None, dtype=pl.String)


def _new_fields(con, file_id: int, fmt: str, unknown: set[str]) -> list[str]:
    if not unknown:
        return []
    with registered(con, "seen_fields", pl.DataFrame({"field": sorted(unknown)})):
        new = [r[0] for r in run_sql(con, "land/unknown_fields", format=fmt, file_id=file_id).fetchall()]
    return new


__all__ = ["Batch", "LandOptions", "LandProgress", "LandResult", "StageFile", "land_file", "land_generic_file",
           "land_paths", "summary"]
