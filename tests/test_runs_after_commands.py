"""A held backfill through the commands a new user types (README): `clout runs` shows its nights' runs as they are
right after each command that changes them, `clout reject` and `clout approve` refuse one of its nights alone (its
nights are published or discarded all together), and a promoted held night reads as approved."""

from __future__ import annotations

import getpass
import json
import shutil

import pytest
from testkit import built_once, clout_here, copy_warehouse

from clout.core.settings import load_settings
from clout.core.warehouse import connect

RANGE = ("--from", "2012-07-01", "--to", "2012-07-03", "--algorithm", "v2")


@pytest.fixture(scope="session")
def cli_backfill(higgs_nights, tmp_path_factory):
    """The folder of `higgs_nights(3)` after `clout backfill` of July 1..3 with v2 (held by the gate), run as the
    command, which is what refreshes the readers' snapshot after the gate."""
    def build(folder):
        shutil.copytree(higgs_nights(3), folder, symlinks=True, dirs_exist_ok=True)
        proc = clout_here("backfill", *RANGE, warehouse=load_settings(folder / "clout.duckdb"))
        assert proc.returncode == 1 and "HELD" in proc.stderr, proc.stderr

    return built_once(tmp_path_factory, "higgs-slice-v2-backfill-cli", build)


@pytest.fixture
def held(cli_backfill, tmp_path):
    """(settings, backfill id, its nights' run ids) of a private copy of `cli_backfill`."""
    settings = copy_warehouse(cli_backfill, tmp_path / "warehouse")
    with connect(settings) as con:
        (backfill_id,), = con.execute("select backfill_id from meta.backfills").fetchall()
        nights = [r for (r,) in con.execute("select run_id from meta.backfill_nights where backfill_id = ? "
                                            "order by logical_date", [backfill_id]).fetchall()]
    return settings, backfill_id, nights


def _runs(settings) -> dict:
    proc = clout_here("runs", "--json", warehouse=settings)
    assert proc.returncode == 0, proc.stderr
    return {r["run_id"]: r for r in json.loads(proc.stdout)}


def test_reject_and_approve_refuse_a_night_of_a_backfill_and_name_the_backfills_command(held):
    """`clout reject` discarded one night of a held backfill: `clout backfill review` still listed it as HOLD and
    `clout backfill promote` failed on its missing rows, advising `clout run`."""
    settings, backfill_id, nights = held
    with connect(settings) as con:  # what `clout runs --columns all` shows of them: not the nightly HOLD's advice
        said = {m for (m,) in con.execute("select message from meta.runs where run_id in (select unnest(?))",
                                          [nights]).fetchall()}
    assert said == {f"night of backfill {backfill_id}, gate HOLD; published only by promoting the whole backfill "
                    f"(`clout backfill review {backfill_id}`)"}, said
    for command, then in (("reject", f"`clout backfill reject {backfill_id} --reason"),
                          ("approve", f"`clout backfill promote {backfill_id} --reason")):
        proc = clout_here(command, nights[0], "--reason", "try", warehouse=settings)
        assert proc.returncode == 1 and f"is a night of backfill {backfill_id}" in proc.stderr, proc.stderr
        assert then in proc.stderr
    with connect(settings) as con:
        status = con.execute("select status from meta.runs where run_id = ?", [nights[0]]).fetchall()
        rows = con.execute("select count(*) from candidate.scores where run_id = ?", [nights[0]]).fetchall()
    assert status == [("backfill",)] and rows[0][0] > 0  # untouched: the backfill is whole
    promoted = clout_here("backfill", "promote", backfill_id, "--reason", "v2 reviewed", warehouse=settings)
    assert promoted.returncode == 0 and "3 nights published" in promoted.stdout, promoted.stderr


def test_runs_shows_a_backfills_nights_once_it_is_gated_and_once_it_is_rejected(held):
    """`clout runs` reads the published snapshot: the nights were missing from it after `clout backfill`, and still
    `backfill HOLD` after `clout backfill reject`, until the next publish."""
    settings, backfill_id, nights = held
    runs = _runs(settings)
    assert [(runs[n]["status"], runs[n]["outcome"]) for n in nights if n in runs] == [("backfill", "HOLD")] * 3
    rejected = clout_here("backfill", "reject", backfill_id, "--reason", "v2 not wanted", warehouse=settings)
    assert rejected.returncode == 0, rejected.stderr
    runs = _runs(settings)
    assert [runs[n]["status"] for n in nights] == ["rejected"] * 3


def test_runs_says_the_held_nights_of_a_promoted_backfill_were_approved(held):
    settings, backfill_id, nights = held
    clout_here("backfill", "promote", backfill_id, "--reason", "v2 reviewed", warehouse=settings, check=True)
    runs = _runs(settings)
    assert {(runs[n]["outcome"], runs[n]["approved_by"]) for n in nights} == {("HOLD", getpass.getuser())}
    assert all(r["approved_by"] is None for i, r in runs.items() if i not in nights)  # the v1 nights it replaced
    table = clout_here("runs", warehouse=settings).stdout
    lines = {i: line for i in runs for line in table.splitlines() if i in line}
    assert all("live" in lines[n] and "HOLD, approved" in lines[n] for n in nights), table
    assert not [i for i, line in lines.items() if "approved" in line and i not in nights], table


def test_a_backfill_with_a_night_rejected_alone_is_promoted_nowhere_and_says_to_reject_it(held):
    """A warehouse where an older clout's `clout reject` discarded one night of a held backfill: promoting it failed
    advising `clout run --date ...`, which does not make the backfill's night again."""
    from clout.core.published_tables import PUBLISHED_TABLES
    from clout.core.warehouse import run_sql

    settings, backfill_id, nights = held
    with connect(settings) as con:  # what `clout reject` did to a backfill's night
        run_sql(con, "publish/reject_run", run_id=nights[1], reason="try")
        for table in PUBLISHED_TABLES:
            run_sql(con, "publish/discard_candidate", {"table": table}, run_id=nights[1])
    proc = clout_here("backfill", "promote", backfill_id, "--reason", "v2 reviewed", warehouse=settings)
    assert proc.returncode == 1 and f"`clout backfill reject {backfill_id} --reason" in proc.stderr, proc.stderr
    assert "clout run --date" not in proc.stderr and "--new" in proc.stderr
    assert clout_here("backfill", "reject", backfill_id, "--reason", "redo", warehouse=settings).returncode == 0


@pytest.mark.parametrize("command, fate", [("reject", "rejected"), ("promote", "promoted")])
def test_the_tasks_of_an_ended_backfill_do_not_run_again(held, command, fate):
    """An Airflow backfill task cleared or retried after `clout backfill reject` (or `promote`) gated the range
    again: a rejected backfill became held, and could be promoted; a promoted one could be promoted twice."""
    from clout import backfill
    from clout.core.errors import CloutError

    settings, backfill_id, _ = held
    clout_here("backfill", command, backfill_id, "--reason", "v2 reviewed", warehouse=settings, check=True)
    for task in (backfill.score_nights, backfill.gate):
        with pytest.raises(CloutError, match=f"already backfilled with v2 by backfill {backfill_id}, {fate}"):
            task(settings, backfill_id)
    with connect(settings) as con:
        assert con.execute("select status from meta.backfills").fetchall() == [(fate,)]
