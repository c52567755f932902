"""`kill -9` in the middle of a publish: the published state is the old night or the new one, never a mix,
and rerunning the date publishes it exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from clout import pipeline
from clout.snapshot import open_catalog
from clout.stages.publish import FAULT_SLEEP_ENV
from clout.warehouse import connect

PUBLISH = textwrap.dedent("""
    import sys
    from clout import pipeline
    from clout.settings import load_settings
    pipeline.publish_step(load_settings(sys.argv[1]), sys.argv[2])
""")


def published(settings):
    with connect(settings) as con:
        return (
            con.execute("select logical_date, run_id from published.nights order by 1").fetchall(),
            con.execute("select logical_date, count(*), count(distinct (network, account_id)) from published.scores "
                        "group by 1 order by 1").fetchall(),
            con.execute("select action, run_id, logical_date from meta.publish_log order by publish_id").fetchall(),
        )


def snapshot(settings):
    with open_catalog(settings) as snap:
        return snap.execute("select logical_date, count(*) from published.scores group by 1 order by 1").fetchall()


def kill_inside_publish(settings, run_id) -> None:
    env = {**os.environ, FAULT_SLEEP_ENV: "60"}
    proc = subprocess.Popen([sys.executable, "-c", PUBLISH, str(settings.warehouse), run_id],
                            stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 120
    for line in proc.stderr:  # wait until the switch is done but not committed
        if "inside the transaction" in line or time.monotonic() > deadline:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def test_kill_9_inside_the_publish_transaction_then_rerun(scored_night):
    settings, run_id = scored_night
    before, before_snapshot = published(settings), snapshot(settings)
    pipeline.audit_step(settings, run_id)

    kill_inside_publish(settings, run_id)
    assert published(settings) == before  # the old night, whole: no July 3, no half-switched table
    assert snapshot(settings) == before_snapshot

    summary = pipeline.run_night(settings, pipeline.summary(settings, run_id).logical_date)
    nights, counts, log = published(settings)
    july3 = summary.logical_date
    assert (july3, summary.run_id) in nights and run_id not in {r for _, r in nights}
    assert [e for e in log if e[2] == july3] == [("publish", summary.run_id, july3)]  # exactly once
    (rows, distinct), = [(n, d) for day, n, d in counts if day == july3]
    assert rows == distinct == summary.rows_scored  # no duplicate from the killed attempt
    assert snapshot(settings) == [(day, n) for day, n, _ in counts]
