"""Caps on what a delivered file may expand to in memory (issue 15.7): a 2.4 MB gzip that expands to 2.5 GB, a zip
bomb, a 50 MB line. Streaming readers hold one block; readers of whole documents (identity files, JSON exports,
archive members) and a single line are capped, and a file past a cap fails with one line naming it, nothing
landed. Both caps are environment settings, read when a file is read (tests use small ones)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

from clout.core.errors import CloutError

# A whole document decompressed (identity CSV, JSON export, X archive members together).
DEFAULT_MAX_EXPANDED = 2 << 30
# One line of a line-based file (an API v2 page of 100 tweets with expansions is about 0.5-1 MB).
DEFAULT_MAX_LINE = 16 << 20


def max_expanded() -> int:
    return int(os.environ.get("CLOUT_MAX_EXPANDED_BYTES", DEFAULT_MAX_EXPANDED))


def max_line() -> int:
    return int(os.environ.get("CLOUT_MAX_LINE_BYTES", DEFAULT_MAX_LINE))


def too_big(path: Path | str, what: str, cap: int) -> CloutError:
    return CloutError(f"{path}: {what} past {cap:,} bytes (CLOUT_MAX_EXPANDED_BYTES; a compression bomb?); nothing "
                      "was landed from it. Ask for the export split into smaller files, or raise the limit")


def read_capped(f: BinaryIO, path: Path | str, cap: int, what: str = "expands") -> bytes:
    """At most `cap` bytes from `f`, else the one-line error (never more than cap + 1 bytes in memory)."""
    data = f.read(cap + 1)
    if len(data) > cap:
        raise too_big(path, what, cap)
    return data


def line_too_long(path: Path | str, line_no: int, cap: int) -> CloutError:
    return CloutError(f"{path}: line {line_no:,} is longer than {cap:,} bytes (CLOUT_MAX_LINE_BYTES); nothing was "
                      "landed from it. A record this long is not an export clout reads; ask for the file again")
