"""clout's warehouse lock (issue 15.8): `clout compact` swaps the file only while no clout process can be opening
it, and a process that opens the warehouse during a compaction waits for the new file."""

from __future__ import annotations

import threading
import time

import pytest

from clout.consent import compact
from clout.core.errors import CloutError
from clout.core.locks import warehouse_lock
from clout.core.warehouse import connect


def test_compaction_waits_for_a_process_opening_the_warehouse(settings):
    connect(settings).close()
    # What compact() takes first: refused while a process holds the shared lock to open the file.
    with (warehouse_lock(settings), pytest.raises(CloutError, match="opening or compacting"),
          warehouse_lock(settings, exclusive=True, wait=0.2)):
        pass


def test_a_writer_opening_during_a_compaction_writes_to_the_compacted_file(settings, monkeypatch):
    with connect(settings) as con:
        con.execute("create table meta.probe (i integer)")
    started, opened = threading.Event(), []

    import clout.consent.storage as storage

    real = storage._compact

    def slow_compact(s):
        started.set()
        time.sleep(0.5)  # a writer tries to open now: it must wait for the swap
        return real(s)

    monkeypatch.setattr(storage, "_compact", slow_compact)

    def writer():
        started.wait()
        with connect(settings) as con:
            opened.append(time.perf_counter())
            con.execute("insert into meta.probe values (1)")

    thread = threading.Thread(target=writer)
    thread.start()
    compact(settings)
    done = time.perf_counter()
    thread.join()
    assert opened and opened[0] >= done - 0.05  # opened after the swap, not during the copy
    with connect(settings) as con:
        assert con.execute("select count(*) from meta.probe").fetchall() == [(1,)]  # the row was not lost
