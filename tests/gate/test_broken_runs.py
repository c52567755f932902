"""Broken runs are held, whatever their swing: every score equal, a network missing, half the volume gone,
duplicate accounts. Each test breaks July 3's candidate rows in a private two-network warehouse, then audits."""

from __future__ import annotations

import re

import pytest

from clout import pipeline
from clout.core.errors import CloutError
from clout.core.warehouse import connect

BREAKAGES = {
    # Klout, May 2011: a score of 1 for every profile
    "every_score_the_minimum": ("update candidate.scores set score = 1 where run_id = $run", "not_be_in_set on score"),
    "every_score_equal": ("update candidate.scores set score = 50 where run_id = $run", "stdev"),
    "one_network_missing": ("delete from candidate.scores where run_id = $run and network = 'mastodon'", "network"),
    "half_the_volume_gone": ("delete from candidate.scores where run_id = $run and hash(account_id) % 2 = 0",
                             "row_count|accounts_kept"),
    "duplicate_accounts": ("insert into candidate.scores select * from candidate.scores where run_id = $run "
                           "order by account_id limit 50", "unique"),
}


def state(settings, run_id):
    with connect(settings) as con:
        live = con.execute("select logical_date, run_id from published.nights order by 1").fetchall()
        rows = con.execute("select count(*) from published.scores").fetchall()
        run = con.execute("select status, outcome, message from meta.runs where run_id = ?", [run_id]).fetchall()[0]
        checks = con.execute("select concat_ws(' on ', check_name, column_name) from meta.gate_checks "
                             "where run_id = ? and not passed",
                             [run_id]).fetchall()
    return live, rows, run, [c[0] for c in checks]


def test_the_unbroken_night_passes_the_same_gate(scored_night):
    settings, run_id = scored_night
    result = pipeline.audit_step(settings, run_id)
    assert result.outcome in ("PASS", "WARN") and not [c for c in result.checks if not c.passed]
    pipeline.publish_step(settings, run_id)
    assert state(settings, run_id)[2][0] == "published"


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_a_broken_run_is_held(scored_night, breakage):
    settings, run_id = scored_night
    sql, check = BREAKAGES[breakage]
    live_before, rows_before, _, _ = state(settings, run_id)
    with connect(settings) as con:
        con.execute(sql.replace("$run", "?"), [run_id])
    with pytest.raises(CloutError, match="HELD"):
        pipeline.audit_step(settings, run_id)
    with pytest.raises(CloutError, match="held by the gate"):
        pipeline.publish_step(settings, run_id)  # a held run cannot slip through
    live, rows, (status, outcome, message), failed = state(settings, run_id)
    assert (live, rows) == (live_before, rows_before)  # the last night stays live
    assert status == "held" and outcome == "HOLD"
    assert any(re.search(check, f) for f in failed), failed
    assert f"clout review {run_id}" in message
