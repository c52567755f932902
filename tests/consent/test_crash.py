"""An opt-out is durable work (issue 15.4): `clout optout` killed with SIGKILL at any step (CLOUT_FAULT makes the
process kill itself at a named step, so the moment is exact, not timed) leaves nothing that publishes the person
again, the reader catalog working, and an erasure log that counts every row; the next clout command that writes
finishes the work. Also (issue 15.5): run reports name no opted-out account afterwards, short ids included.

The killed commands run in real processes (`clout`); the commands after them run through the same entry point in
this process (`here`, testkit.clout_here): what they see is only what the killed process left on disk."""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
from datetime import date

import pytest
from consentkit import CAROL, ZELDA, tweet, write_tweets
from test_erasure import clout, files_naming_zelda, parquet_naming_zelda, rows_naming_zelda
from testkit import clout_here

from clout.core.settings import load_settings
from clout.core.snapshot import drop_old_catalogs, refresh_snapshot
from clout.core.warehouse import connect

SUBJECT = ("optout", "p-zelda", "--source", "email ticket 4711")


def here(settings, *args, check=True):
    """`clout ARGS` through its entry point in this process, on `settings`' warehouse."""
    return clout_here(*args, warehouse=settings, check=check)


def copy_world(world, dest):
    """The module's world copied (a restored backup): the snapshot is rebuilt for the copy's own paths."""
    shutil.copytree(world["settings"].home, dest / "warehouse", symlinks=True)
    settings = load_settings(dest / "warehouse" / "clout.duckdb")
    (settings.published_catalog).unlink()
    for old in settings.snapshot_dir.glob("catalog-*"):
        old.unlink()
    with connect(settings) as con:
        drop_old_catalogs(settings, refresh_snapshot(con, settings))
    return settings


def table_log(settings) -> tuple[dict, list]:
    """The erasure log summed per (table, action) over table actions, and each erasure's (rows_changed, sum)."""
    with connect(settings, read_only=True) as con:
        log = con.execute("select table_name, action, sum(rows) from meta.erasure_log "
                          "where action in ('deleted', 'pseudonymised') group by all").fetchall()
        sums = con.execute("select e.rows_changed, (select sum(rows) from meta.erasure_log as l "
                           "where l.erasure_id = e.erasure_id) from meta.erasures as e").fetchall()
    return {(t, a): n for t, a, n in log}, sums


def published_zelda(settings) -> tuple[int, int]:
    """(rows in published.scores, rows of Zelda) as an analyst reads them with `clout sql`."""
    out = here(settings, "sql", "select count(*) as n, count(*) filter (where account_id = '900100200') as z "
                "from published.scores", "--format", "csv").stdout
    n, z = out.strip().splitlines()[-1].split(",")
    return int(n), int(z)


@pytest.fixture(scope="module")
def control(world, tmp_path_factory):
    """The same opt-out, not interrupted: what the log must count after any crash and recovery."""
    settings = copy_world(world, tmp_path_factory.mktemp("control"))
    here(settings, *SUBJECT)
    log, sums = table_log(settings)
    assert log and all(a == b for a, b in sums)
    return log


FAULTS = ["optout:registered", "erase:after_text_files", "erase:after_tables", "erase:after_parquet",
          "erase:after_catalog", "erase:after_reports", "optout:before_compact", "compact:after_copy"]


@pytest.mark.parametrize("fault", FAULTS)
def test_an_optout_killed_at_any_step_is_finished_by_the_next_command(world, control, tmp_path, fault):
    settings = copy_world(world, tmp_path)
    killed = clout(settings, *SUBJECT, env={"CLOUT_FAULT": fault}, check=False)
    assert killed.returncode == -signal.SIGKILL, (fault, killed.stderr)
    # Right after the kill: the reader's catalog works (no partition it names is missing).
    assert published_zelda(settings)[0] > 0
    # The next command that writes: a landing that brings nothing new (the same file again).
    here(settings, "land", str(world["files"][1]))
    with connect(settings) as con:
        assert rows_naming_zelda(con) == {}
        assert con.execute("select count(*) from meta.pending_erasures").fetchall()[0][0] == 0
    assert published_zelda(settings)[1] == 0
    assert parquet_naming_zelda(settings.home) == []
    assert files_naming_zelda(settings.home) == {}  # the DuckDB file's bytes too: compaction was finished
    log, sums = table_log(settings)
    assert log == control, fault  # every row erased is counted once, whichever pass erased it
    assert all(a == b for a, b in sums)


def test_clout_compact_after_an_optout_killed_in_its_files_finishes_the_optout_first(world, control, tmp_path):
    """`clout compact` writes the warehouse too: it finishes what the killed opt-out left (the published files
    rewritten) before it compacts, as any command that writes does; it opened the file itself and did not."""
    settings = copy_world(world, tmp_path)
    killed = clout(settings, *SUBJECT, env={"CLOUT_FAULT": "erase:after_parquet"}, check=False)
    assert killed.returncode == -signal.SIGKILL
    here(settings, "compact")
    with connect(settings) as con:
        assert con.execute("select count(*) from meta.pending_erasures").fetchall()[0][0] == 0
    assert published_zelda(settings)[1] == 0 and parquet_naming_zelda(settings.home) == []
    assert table_log(settings)[0] == control


@contextlib.contextmanager
def night_after(settings):
    """July 3 run after a kill (held by the gate is fine: nothing published), then a connection on a warehouse
    where no row names her."""
    proc = here(settings, "run", "--date", "2012-07-03", check=False)
    assert proc.returncode in (0, 1), proc.stderr  # 1: held by the gate, nothing published: also fine
    with connect(settings) as con:
        assert rows_naming_zelda(con) == {}
        yield con


def test_a_killed_optout_does_not_publish_her_again_on_the_next_night(world, tmp_path):
    """The issue's case: killed right after the request was recorded; a later night must not score her."""
    settings = copy_world(world, tmp_path)
    killed = clout(settings, *SUBJECT, env={"CLOUT_FAULT": "optout:registered"}, check=False)
    assert killed.returncode == -signal.SIGKILL
    with night_after(settings) as con:
        assert con.execute("select count(*) from published.scores where account_id = ?",
                           [ZELDA["id_str"]]).fetchall()[0][0] == 0
    assert published_zelda(settings)[1] == 0
    # Rerunning the killed command says it is done instead of failing on a person no longer in the data.
    assert "opt-out 1" in here(settings, *SUBJECT).stdout


MOVER = re.compile(r"<td>twitter</td><td>(\d{1,3})</td>")


def test_reports_name_no_opted_out_account_short_ids_included(world, tmp_path):
    settings = copy_world(world, tmp_path)
    found = {m for p in settings.reports_dir.glob("*.html") for m in MOVER.findall(p.read_text())}
    assert found, "no short id among the reports' movers: the test would prove nothing"
    account = sorted(found)[0]
    here(settings, "optout", account, "--network", "twitter", "--source", "form 12")
    for path in settings.reports_dir.glob("*.html"):
        assert f"<td>twitter</td><td>{account}</td>" not in path.read_text(), path.name
    # The lists are rendered from the erased rows: other accounts are still shown.
    assert any(re.search(r"<td>twitter</td><td>\d+</td>", p.read_text()) for p in settings.reports_dir.glob("*.html"))


def test_killed_runs_are_marked_abandoned_by_the_next_writer(world, tmp_path):
    settings = copy_world(world, tmp_path)
    killed = clout(settings, "run", "--date", "2012-07-03", env={"CLOUT_FAULT": "run:after_stage"}, check=False)
    assert killed.returncode == -signal.SIGKILL
    with connect(settings, read_only=True) as con:
        assert con.execute("select status from meta.runs where logical_date = ?",
                           [date(2012, 7, 3)]).fetchall() == [("running",)]
    here(settings, "land", str(world["files"][1]))
    with connect(settings, read_only=True) as con:
        (status, message), = con.execute("select status, message from meta.runs where logical_date = ?",
                                         [date(2012, 7, 3)]).fetchall()
    assert status == "abandoned" and "Run the date again" in message


def test_a_landing_killed_before_its_consent_check_is_checked_by_the_next_writer(world, tmp_path):
    """Killed after its file's transaction committed, before the check: the next command that writes (here a night)
    checks the file first, so she is neither kept nor scored."""
    settings = copy_world(world, tmp_path)
    here(settings, *SUBJECT)
    back = write_tweets(tmp_path / "tweets-back.jsonl", [
        tweet(95, ZELDA, "ZeldaPrivate is back on day three", 3), tweet(94, CAROL, "@ZeldaPrivate hi", 3,
                                                                        mentions=(ZELDA,), reply_to=ZELDA)])
    killed = clout(settings, "land", back, "--quarantine-limit", "0.5",
                   env={"CLOUT_FAULT": "land:before_consent_check"}, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    with connect(settings, read_only=True) as con:
        assert rows_naming_zelda(con), "the landing did not commit before the kill: the test would prove nothing"
    with night_after(settings) as con:
        assert con.execute("select count(*) from candidate.scores where account_id = ?",
                           [ZELDA["id_str"]]).fetchall()[0][0] == 0
        assert con.execute("select trigger from meta.erasures order by erasure_id").fetchall()[-1] == ("landing",)
    assert files_naming_zelda(settings.home) == {}
