"""`dag.test()` of the DAGs on real Higgs data: a passing night publishes; a held night fails its audit task
and never reaches publish; a 3-night backfill scores, gates and promotes; the landing DAG lands new files."""

import shutil

import pendulum

from clout.core.warehouse import connect


def _published_dates(settings):
    with connect(settings) as con:
        return [str(d) for (d,) in con.execute("select logical_date from published.nights order by 1").fetchall()]


def _states(dagrun):
    return {ti.task_id: ti.state for ti in dagrun.get_task_instances()}


def test_nightly_dag_publishes_a_night(dagbag, warehouse_env, higgs_slice):
    settings = warehouse_env
    settings.landing_dir.mkdir(parents=True)
    shutil.copy(higgs_slice, settings.landing_dir / higgs_slice.name)

    dagrun = dagbag.get_dag("clout_nightly").test(logical_date=pendulum.datetime(2012, 7, 2, tz="UTC"))

    assert dagrun.state == "success", _states(dagrun)
    assert _published_dates(settings) == ["2012-07-02"]
    with connect(settings) as con:
        assert con.execute("select count(*) from published.scores").fetchall()[0][0] > 0


def test_a_held_night_fails_audit_and_skips_publish(dagbag, nights_env):
    settings = nights_env(2)  # July 1 and 2 published with v1

    # v2 moves scores a lot on the same data: an algorithm-driven swing the gate must hold
    dagrun = dagbag.get_dag("clout_nightly").test(
        logical_date=pendulum.datetime(2012, 7, 3, tz="UTC"), run_conf={"algorithm": "v2"})

    states = _states(dagrun)
    assert dagrun.state == "failed"
    assert states["audit"] == "failed" and states["publish"] == "upstream_failed", states
    assert _published_dates(settings) == ["2012-07-01", "2012-07-02"]


def test_backfill_dag_scores_gates_and_promotes_three_nights(dagbag, nights_env):
    settings = nights_env(3)  # July 1..3 published with v1
    with connect(settings) as con:
        before = con.execute("select count(*) from published.scores where algorithm_version = 'v1'").fetchall()

    dagrun = dagbag.get_dag("clout_backfill").test(run_conf={
        "date_from": "2012-07-01", "date_to": "2012-07-03", "algorithm": "v1_1", "promote": True})

    assert dagrun.state == "success", _states(dagrun)
    with connect(settings) as con:
        versions = con.execute("select distinct algorithm_version from published.scores").fetchall()
        status = con.execute("select status, outcome from meta.backfills").fetchall()
        nights = con.execute("select count(*) from meta.backfill_nights where status = 'gated'").fetchall()
    assert before[0][0] > 0 and versions == [("v1_1",)]
    assert status[0][0] == "promoted" and nights == [(3,)]


def test_landing_dag_lands_new_files_and_skips_when_nothing_is_new(dagbag, warehouse_env, higgs_slice):
    settings = warehouse_env
    settings.landing_dir.mkdir(parents=True)
    shutil.copy(higgs_slice, settings.landing_dir / higgs_slice.name)
    dag = dagbag.get_dag("clout_landing")

    first = dag.test(logical_date=pendulum.datetime(2026, 1, 1, tz="UTC"))
    second = dag.test(logical_date=pendulum.datetime(2026, 1, 1, 0, 15, tz="UTC"))

    assert _states(first)["land_new_files"] == "success"
    assert _states(second)["land_new_files"] == "skipped"
    with connect(settings) as con:
        assert con.execute("select count(*) from raw.files").fetchall() == [(1,)]
