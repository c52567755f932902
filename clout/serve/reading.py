"""Readers open the published snapshot, never the warehouse: read-only and sandboxed to its own files."""

from __future__ import annotations

import duckdb

from clout.consent.access import sandbox_snapshot  # readers see only the snapshot's own files
from clout.core.errors import CloutError
from clout.core.settings import Settings


def open_snapshot(settings: Settings) -> duckdb.DuckDBPyConnection:
    if not settings.published_catalog.exists():
        raise CloutError(f"{settings.published_catalog}: nothing published yet; run `clout demo` or `clout run`")
    return sandbox_snapshot(duckdb.connect(str(settings.published_catalog), read_only=True), settings)
