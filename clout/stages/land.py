"""Land: raw files -> raw.* with file lineage. Idempotent by content hash; all or nothing per file."""

from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from clout.errors import CloutError
from clout.warehouse import run_sql, transaction
from transforms.generic_interactions import parse_whitespace_lines


@dataclass(frozen=True)
class LandResult:
    path: Path
    sha256: str
    records: int
    skipped: bool  # True when the same bytes were landed before

    def line(self) -> str:
        if self.skipped:
            return f"{self.path}: already landed (sha256 {self.sha256[:12]}), nothing added"
        return f"{self.path}: {self.records:,} records landed"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_text_lines(path: Path) -> pl.LazyFrame:
    """The file's lines with 1-based line numbers; gzip is detected by its magic bytes, not the name."""
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (EOFError, gzip.BadGzipFile, zlib.error) as e:
            raise CloutError(f"{path}: truncated or corrupt gzip ({e}); ask for the file again") from None
    if not data.strip():
        raise CloutError(f"{path}: the file is empty; nothing to land")
    text = data.decode("utf-8", errors="replace")
    lines = pl.Series("line", text.splitlines(), dtype=pl.String)
    return pl.DataFrame(lines).lazy().with_row_index("line_no", offset=1)


def land_generic_file(con: duckdb.DuckDBPyConnection, path: Path, network: str = "twitter") -> LandResult:
    """Land one whitespace-separated interaction file (`actor target unix_ts kind`), e.g. SNAP Higgs."""
    path = Path(path).resolve()
    if not path.is_file():
        raise CloutError(f"{path}: no such file")
    digest = sha256_of(path)
    if con.execute("select 1 from raw.files where sha256 = ?", [digest]).fetchall():
        return LandResult(path, digest, 0, skipped=True)

    rows = parse_whitespace_lines(read_text_lines(path), network).collect()
    bad = rows.filter(pl.col("error").is_not_null())
    if bad.height:
        first = bad.row(0, named=True)
        raise CloutError(
            f"{path}, line {first['line_no']}: {first['error']} (found {first['line']!r}); "
            f"{bad.height} bad line(s) in all; fix or re-deliver the file. Nothing was landed."
        )
    with transaction(con):
        file_id = con.execute("select nextval('raw.file_id_seq')").fetchall()[0][0]
        con.register("landing_rows", rows.select(
            "line_no", "network", "actor_id", "target_id", "occurred_at", "kind_raw", "event_date"
        ).to_arrow())
        run_sql(
            con, "land/generic_interactions",
            file_id=file_id, path=str(path), size_bytes=path.stat().st_size, sha256=digest,
            network=network, records=rows.height, landed_at=datetime.now(UTC).replace(tzinfo=None),
        )
        con.unregister("landing_rows")
    return LandResult(path, digest, rows.height, skipped=False)
