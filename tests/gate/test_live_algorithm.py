"""Which algorithm a night scores with, and what a rerun is gated against (docs/algorithm.md, "Algorithm versions";
docs/gate.md): a run given no algorithm takes the newest published night's, and a rerun that would replace a
night published with another algorithm is judged against that night, the first night of a history included."""

from __future__ import annotations

import json

from testkit import clout_here

from clout.core.warehouse import connect


def _runs(settings) -> list[tuple]:
    with connect(settings) as con:
        return con.execute("select logical_date::varchar, algorithm_version, status from meta.runs "
                           "where status <> 'shadow' order by started_at").fetchall()


def _live(settings) -> list[tuple]:
    with connect(settings) as con:
        return con.execute("select n.logical_date::varchar, r.algorithm_version from published.nights n "
                           "join meta.runs r using (run_id) order by 1").fetchall()


def test_rerunning_the_first_night_with_another_algorithm_is_held_against_the_night_it_replaces(nights_copy):
    settings = nights_copy(2)  # July 1 and 2 published with v1
    proc = clout_here("run", "--date", "2012-07-01", "--algorithm", "v2", warehouse=settings)
    # July 1 has no night before it: compared with nothing, it used to publish v2 with a PASS
    assert proc.returncode == 1 and "HELD" in proc.stderr, proc.stdout + proc.stderr
    assert "v1 -> v2" in proc.stderr  # the hold names the change it judged
    assert _live(settings) == [("2012-07-01", "v1"), ("2012-07-02", "v1")]
    with connect(settings) as con:
        ((baseline,),) = con.execute("select o.baseline_date::varchar from meta.gate_outcomes o join meta.runs r "
                                  "using (run_id) where r.status = 'held'").fetchall()
    assert baseline == "2012-07-01"  # the night it would replace, not the night before (there is none)

    with connect(settings) as con:
        ((replaced,),) = con.execute("select run_id from published.nights where logical_date = '2012-07-02'"
                                     ).fetchall()
    # a rerun with the live algorithm is an ordinary rerun: compared with the night before, published
    proc = clout_here("run", "--date", "2012-07-02", warehouse=settings)
    assert proc.returncode == 0 and "published" in proc.stdout, proc.stdout + proc.stderr
    review = clout_here("review", replaced, warehouse=settings, check=True).stdout.splitlines()
    assert review[1].startswith("  status replaced (published, then replaced by another run of its night)"), review


def test_after_a_promoted_backfill_the_next_night_scores_with_its_algorithm(nights_copy):
    """v2 backfilled over the whole history and promoted: the next night runs v2 without naming it, and is not
    held; going back to v1 is named, and judged as the algorithm change it is."""
    settings = nights_copy(2)  # July 1..3 landed, July 1 and 2 published with v1
    clout_here("backfill", "--from", "2012-07-01", "--to", "2012-07-02", "--algorithm", "v2", warehouse=settings)
    with connect(settings) as con:
        ((backfill_id,),) = con.execute("select backfill_id from meta.backfills").fetchall()
    clout_here("backfill", "promote", backfill_id, "--reason", "v2 reviewed", warehouse=settings, check=True)

    proc = clout_here("run", "--date", "2012-07-03", warehouse=settings)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert _runs(settings)[-1] == ("2012-07-03", "v2", "published")

    back = clout_here("run", "--date", "2012-07-03", "--algorithm", "v1", warehouse=settings)
    assert back.returncode == 1 and "(the algorithm v2 -> v1)" in back.stderr
    assert _live(settings)[-1] == ("2012-07-03", "v2")


def test_after_an_approved_exception_the_next_night_goes_back_to_the_historys_algorithm(week):
    """One night of v2 approved inside a v1 history (an exception, docs/operations.md): the next night scores with
    v1 again, measured against the history's algorithm, and is published with the mixed-history warning, not held
    as a v2 -> v1 change."""
    held = clout_here("run", "--date", "2012-07-04", "--algorithm", "v2", warehouse=week)
    assert held.returncode == 1 and "HELD" in held.stderr
    with connect(week) as con:
        ((run_id,),) = con.execute("select run_id from meta.runs where status = 'held'").fetchall()
    clout_here("approve", run_id, "--reason", "v2 tried on one night", warehouse=week, check=True)

    proc = clout_here("run", "--date", "2012-07-05", warehouse=week)
    assert proc.returncode == 0 and "published (gate WARN)" in proc.stdout, proc.stdout + proc.stderr
    assert _runs(week)[-1] == ("2012-07-05", "v1", "published")
    with connect(week) as con:
        ((findings, shadow),) = con.execute("select findings, shadow_run_id from meta.gate_outcomes o join meta.runs r "
                                            "using (run_id) where r.logical_date = '2012-07-05'").fetchall()
    assert shadow is None  # v1 against the history's v1: no algorithm change to measure
    assert any(f["text"].startswith("mixed-algorithm history") for f in json.loads(findings)), findings
