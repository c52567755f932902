"""The operator's commands: `clout run` fails loudly on a hold; review, runs --json, approve, reject, rollback."""

from __future__ import annotations

import json

import pytest
from gatekit import JULY
from testkit import clout_here

from clout.core.warehouse import connect


def clout(settings, *args):
    """`clout ARGS` through its entry point in this process (testkit.clout_here: same output and exit codes)."""
    return clout_here(*args, warehouse=settings)


@pytest.fixture
def held(scored_night):
    """July 3 run with v2: an algorithm change held by the gate, through the real command."""
    settings, _ = scored_night
    proc = clout(settings, "run", "--date", str(JULY[2]), "--algorithm", "v2")
    with connect(settings) as con:
        run_id = con.execute("select run_id from meta.runs where status = 'held'").fetchall()[0][0]
    return settings, run_id, proc


def test_a_hold_fails_loudly_then_review_runs_reject_and_rollback(held):
    settings, run_id, proc = held
    assert proc.returncode == 1  # `clout run` (and the Airflow task) fails, naming the report and what to do
    assert "HELD" in proc.stderr and ".html" in proc.stderr and f"clout review {run_id}" in proc.stderr
    # what happened and what to do before the reasons, which are long: a log or a terminal shows the start first
    said = proc.stderr.replace("\n", " ")
    assert said.index(".html") < said.index("why: ") and said.index(f"clout review {run_id}") < said.index("why: ")
    assert said.index("HELD") < 120 and "(the algorithm v1 -> v2)" in said
    assert all(len(line) < 400 for line in proc.stderr.splitlines())  # a line per reason, not one of 1,200

    review = clout(settings, "review", run_id)
    assert review.returncode == 0 and "HOLD" in review.stdout and "algorithm" in review.stdout
    assert "report:" in review.stdout and f"clout approve {run_id}" in review.stdout
    # what the algorithm alone did to whom, before the metrics: the same rows as the report's list, in words
    with connect(settings) as con:
        top = con.execute("select account_id, change, explanation from meta.report_movers where run_id = ? and "
                          "side = 'algorithm' order by rank limit 1", [run_id]).fetchall()[0]
    assert "accounts the algorithm moved most" in review.stdout
    assert f":{top[0]}: " in review.stdout and top[2] in review.stdout and top[2].startswith(f"{int(top[1]):+d}: ")
    assert "psi" not in review.stdout.split("Overall swing")[0]  # the findings are in words

    runs = {r["run_id"]: r for r in json.loads(clout(settings, "runs", "--json").stdout)}
    assert runs[run_id]["outcome"] == "HOLD" and runs[run_id]["attribution"] == "algorithm"
    assert runs[run_id]["algorithm_driven_move"] > 0 and runs[run_id]["data_driven_move"] is not None
    assert not [r for r in runs if r.endswith("-shadow")]  # shadow runs stay out of the list
    assert all(r["outcome"] in ("PASS", "WARN") for r in runs.values() if r["status"] == "published")

    no_reason = clout(settings, "approve", run_id)
    assert no_reason.returncode != 0  # --reason is required
    assert clout(settings, "reject", run_id, "--reason", "v2 not reviewed yet").returncode == 0
    with connect(settings) as con:
        status = con.execute("select status from meta.runs where run_id = ?", [run_id]).fetchall()[0][0]
        left = con.execute("select count(*) from candidate.scores where run_id like ?", [f"{run_id}%"]).fetchall()
        log = con.execute("select action, actor, reason from meta.publish_log order by publish_id desc limit 1"
                          ).fetchall()[0]
    assert status == "rejected" and left == [(0,)] and log[0] == "reject" and log[2] == "v2 not reviewed yet"
    assert "rejected" in clout(settings, "approve", run_id, "--reason", "x").stderr

    rolled = clout(settings, "rollback", "--reason", "test")
    assert rolled.returncode == 0 and str(JULY[1]) in rolled.stdout
    with connect(settings) as con:
        live = con.execute("select logical_date from published.nights order by 1").fetchall()
    assert live == [(JULY[0],)]
    runs = clout(settings, "sql", "select logical_date from published.current_scores limit 1", "--format", "json")
    assert json.loads(runs.stdout)[0]["logical_date"] == str(JULY[0])  # readers see the rollback too


def test_approve_and_runs_call_the_approved_run_by_the_same_word(held):
    """`clout runs` says `live` for the published run of its night: `clout approve` and the errors about that run say
    the same, not `published`."""
    settings, run_id, _ = held
    approved = clout(settings, "approve", run_id, "--reason", "v2 reviewed")
    assert approved.returncode == 0 and f"the live run of {JULY[2]}" in approved.stdout
    assert "published" not in approved.stdout
    line = next(line for line in clout(settings, "runs", "--columns", "run_id,status").stdout.splitlines()
                if run_id in line)
    assert "live" in line and "published" not in line
    again = clout(settings, "approve", run_id, "--reason", "again")
    assert f"run {run_id} is live, not held" in again.stderr
    reject = clout(settings, "reject", run_id, "--reason", "late")
    assert f"run {run_id} is live:" in reject.stderr and "published" not in reject.stderr.split("(")[0]


def test_runs_says_a_held_run_that_was_approved_is_hold_approved(held):
    """Approved, a held run read `live` and `HOLD` in `clout runs`: nothing said someone had approved it."""
    import getpass

    settings, run_id, _ = held

    def shown() -> tuple[str, dict]:
        line = next(line for line in clout(settings, "runs").stdout.splitlines() if run_id in line)
        return line, next(r for r in json.loads(clout(settings, "runs", "--json").stdout) if r["run_id"] == run_id)

    line, row = shown()
    assert "HOLD" in line and "approved" not in line and row["approved_by"] is None
    assert clout(settings, "approve", run_id, "--reason", "v2 reviewed").returncode == 0
    line, row = shown()
    assert "live" in line and "HOLD, approved" in line, line
    assert row["outcome"] == "HOLD" and row["approved_by"] == getpass.getuser()  # --json keeps the gate's outcome
    picked = clout(settings, "runs", "--columns", "run_id,outcome,approved_by").stdout
    assert "HOLD, approved" not in picked and getpass.getuser() in picked  # its own column shown: the raw outcome
