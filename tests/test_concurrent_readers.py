"""Ad-hoc readers while the nightly job writes: reader processes run `clout sql` back to back for the whole of a
real `clout run` (each query opens the published snapshot afresh, as a new `clout sql` process does); every query
succeeds and sees one whole night, the old or the new.

Two reader processes read without a pause, so a query is in flight at almost every moment of the run, the publish
(the catalog written, the symlink switched) included. (They call the `clout` entry point in a loop rather than
start a process per query: a process start is mostly imports, during which nothing reads.) The writer is `clout
run` through the same entry point in the test's own process (testkit.clout_here): the readers are other processes
than the writer, which is what the behaviour is about, and they do not spin through a writer's start-up."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

from testkit import clout_here

QUERY = (
    "select (select max(logical_date) from published.nights) as live, "
    "(select count(*) from published.current_scores) as n, "
    "(select count(distinct logical_date) from published.current_scores) as dates"
)
READERS = 2

# One reader: `clout sql QUERY --format json` through the entry point (testkit.clout_here), one JSON line per
# query, until the stop file appears; then one last query (it must see the new night: nothing read is cached).
READER = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from testkit import clout_here
stop, query = sys.argv[2], sys.argv[3]
while True:
    last = os.path.exists(stop)
    proc = clout_here("sql", query, "--format", "json")
    if proc.returncode != 0:
        sys.exit(f"clout sql failed ({proc.returncode}): {proc.stderr}")
    print(json.dumps(json.loads(proc.stdout)[0]), flush=True)
    if last:
        break
"""


def test_readers_never_see_half_a_night(nights_copy, tmp_path):
    settings = nights_copy(1)  # the Higgs slice landed, July 1 published (tests/conftest.py)
    env = {**os.environ, "CLOUT_WAREHOUSE": str(settings.warehouse)}
    old = _read(settings)
    stop = tmp_path / "stop"
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(Path(__file__).parent), str(stop), QUERY],
                                env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(READERS)]
    outputs = [None] * READERS
    try:
        assert all(json.loads(r.stdout.readline()) == old for r in readers)  # reading before the writer starts
        drains = [threading.Thread(target=_drain, args=(r, outputs, i), daemon=True) for i, r in enumerate(readers)]
        for d in drains:  # their output is read while the writer runs here, so no reader blocks on a full pipe
            d.start()
        writer = clout_here("run", "--date", "2012-07-02", warehouse=settings)
        assert writer.returncode == 0, writer.stderr
        stop.touch()
        for d in drains:
            d.join(timeout=150)
    finally:
        for r in readers:
            if r.poll() is None:
                r.kill()
    for r, (_, err) in zip(readers, outputs, strict=True):
        assert r.returncode == 0, err
    seen = [[json.loads(line) for line in out.splitlines()] for out, _ in outputs]
    new = _read(settings)

    assert new["live"] == "2012-07-02" and new != old
    assert all(s[-1] == new for s in seen)  # each reader's query after the run sees the new night
    everything = [s for reads in seen for s in reads]
    assert all(s in (old, new) for s in everything), [s for s in everything if s not in (old, new)][:3]
    assert all(s["dates"] == 1 for s in everything)
    assert all(len(reads) > 10 for reads in seen), [len(reads) for reads in seen]  # they read all along the run


def _drain(reader: subprocess.Popen, outputs: list, i: int) -> None:
    outputs[i] = reader.communicate(timeout=120 + 600)  # the writer's run, then the last query


def _read(settings) -> dict:
    """One `clout sql` (its entry point, testkit.clout_here): its one row."""
    proc = clout_here("sql", QUERY, "--format", "json", warehouse=settings)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)[0]


def test_the_snapshot_keeps_the_newest_catalogs_only(nights_copy):
    """Each publish writes a catalog; `published/` keeps the live one and the KEEP_CATALOGS - 1 before it (a reader
    may still read one), not one per publish forever (docs/operations.md, Warehouse files)."""
    from clout.core.snapshot import KEEP_CATALOGS, refresh_snapshot
    from clout.core.warehouse import connect

    settings = nights_copy(2)
    with connect(settings) as con:
        made = [refresh_snapshot(con, settings) for _ in range(KEEP_CATALOGS + 2)]
    kept = sorted(settings.snapshot_dir.glob("catalog-*.duckdb*"))
    assert kept == sorted(made[-KEEP_CATALOGS:])
    assert settings.published_catalog.resolve() == made[-1]
