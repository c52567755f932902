"""Identity links: a CSV file `person_id,network,account_id[,is_minor]` joining one person's accounts.

`is_minor` (true/false, t/f, 1/0, yes/no, y/n, any case; empty = false) marks accounts that must never be scored.
A row that cannot be read (a value that reads as none of these, a wrong number of fields) fails the file:
quarantining it would leave a possible minor's accounts unmarked, and scored (fail closed, not open).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from clout.core.errors import CloutError
from clout.land.formats.base import Counter, batched, decode, read_bytes

NAME = "identity_links"
HEADER = ("person_id", "network", "account_id")
_BOOL = {"true": True, "t": True, "1": True, "yes": True, "y": True,
         "false": False, "f": False, "0": False, "no": False, "n": False, "": False}


def detect(path: Path, head: bytes) -> bool:
    first = head.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip().lower()
    return first.replace(" ", "").startswith(",".join(HEADER))


def read(path: Path, options) -> Iterator:
    counter = Counter()
    return batched(counter, _records(path, counter))


def _records(path: Path, counter: Counter) -> Iterator[None]:
    reader = csv.reader(io.StringIO(decode(read_bytes(path), path), newline=""))
    header = [h.strip().lower() for h in next(reader)]
    for line_no, row in enumerate(reader, start=2):
        if not row:
            continue
        record_no = counter.next()
        raw = ",".join(row)
        values = dict(zip(header, (v.strip() for v in row), strict=False))
        minor = _BOOL.get(values.get("is_minor", "").lower())
        if minor is None or len(row) != len(header):
            # a row that cannot be read may be a minor's: quarantined, the account would be scored (fail open)
            why = (f"expected {len(header)} fields, found {len(row)}" if len(row) != len(header)
                   else f"is_minor {values['is_minor']!r} is not true or false")
            raise CloutError(f"{path}, line {line_no}: {why}; an identity file says who is a minor, who must never "
                             "be scored, so nothing was landed from it: fix the line and land it again")
        else:
            counter.batch.add("identity_link", record_no, f"line {line_no}", raw, {
                "person_id": values["person_id"], "network": values["network"].lower(),
                "account_id": values["account_id"], "is_minor": minor,
            })
        yield
