"""Export formats clout lands, and how a file's format is recognised (by its content, not its name alone).

Every format but the generic interaction tables is read by a module with `detect(path, head)` and either
`read(path, options) -> Iterator[Batch]` (see `base.py`) or, for the bulk formats, `land(con, file_id, path,
options)`, which writes in DuckDB without a row passing through Python (twitter_v2; twitter_v2_flat turns each line
back into its page in Python and lands it so). Generic tables go through `generic.py`: DuckDB's CSV reader first,
Polars blocks for what it cannot take whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from clout.land.formats import (
    facebook,
    generic,
    identity,
    linkedin,
    mastodon,
    mastodon_api,
    twitter_v1,
    twitter_v2,
    twitter_v2_flat,
    x_archive,
)
from clout.land.formats.base import head_bytes
from clout.land.formats.generic import ColumnMap, Layout

# Most specific first: the generic table sniffing would accept almost any CSV. twarc2's flattened tweets carry the
# `__twarc` of API v2 pages: they are told apart before them.
READERS: tuple[ModuleType, ...] = (x_archive, mastodon, facebook, linkedin, identity, twitter_v2_flat, twitter_v2,
                                  mastodon_api, twitter_v1)
FORMAT_NAMES = (*(r.NAME for r in READERS), generic.NAME)


@dataclass(frozen=True)
class LandOptions:
    network: str = "twitter"  # network of generic rows that do not name one
    mapping: ColumnMap = field(default_factory=ColumnMap)
    account: str | None = None  # owner of a personal export that does not name one (Facebook, LinkedIn)
    quarantine_limit: float = 0.01  # a file with a larger quarantined share fails and lands nothing
    kind: str | None = None  # generic tables: the kind of every row that does not name one (--kind)


@dataclass(frozen=True)
class Detected:
    name: str
    reader: ModuleType | None = None  # a Batch reader, or None for generic tables
    layout: Layout | None = None


def detect(path: Path, options: LandOptions) -> Detected | None:
    """The file's format, or None when clout does not know it."""
    head = head_bytes(path)
    if not head.strip():
        return None
    for reader in READERS:
        if reader.detect(path, head):
            return Detected(reader.NAME, reader)
    layout = generic.sniff(path, head, options.mapping)
    return Detected(generic.NAME, layout=layout) if layout else None
