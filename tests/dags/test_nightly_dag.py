"""`dag.test()` of the nightly DAG on a real Higgs slice: one logical date ends in published rows."""

import shutil

import pendulum

from clout.warehouse import connect


def test_nightly_dag_publishes_a_night(dagbag, warehouse_env, higgs_slice):
    settings = warehouse_env
    settings.landing_dir.mkdir(parents=True)
    shutil.copy(higgs_slice, settings.landing_dir / higgs_slice.name)

    dag = dagbag.get_dag("clout_nightly")
    dagrun = dag.test(logical_date=pendulum.datetime(2012, 7, 2, tz="UTC"))

    assert dagrun.state == "success"
    with connect(settings) as con:
        nights = con.execute("select logical_date from published.nights").fetchall()
        scores = con.execute("select count(*) from published.scores").fetchall()[0][0]
    assert [str(d[0]) for d in nights] == ["2012-07-02"] and scores > 0
