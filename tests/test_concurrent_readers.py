"""Ad-hoc readers while the nightly job writes: 20 reader processes at a time query the published
snapshot in a loop during a run; every query succeeds and sees one whole night, the old or the new."""

import json
import os
import subprocess

from testkit import CLOUT

QUERY = (
    "select (select max(logical_date) from published.nights) as live, "
    "(select count(*) from published.current_scores) as n, "
    "(select count(distinct logical_date) from published.current_scores) as dates"
)


def test_readers_never_see_half_a_night(nights_copy):
    settings = nights_copy(1)  # the Higgs slice landed, July 1 published (tests/conftest.py)
    env = {**os.environ, "CLOUT_WAREHOUSE": str(settings.warehouse)}
    old = _read(env)[0]

    writer = subprocess.Popen([CLOUT, "run", "--date", "2012-07-02"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    seen, rounds = [], 0
    while writer.poll() is None or rounds == 0:
        seen += _read(env)
        rounds += 1
    assert writer.wait() == 0, writer.stderr.read()
    new = _read(env)[0]

    assert new["live"] == "2012-07-02" and new != old
    assert all(s in (old, new) for s in seen), [s for s in seen if s not in (old, new)][:3]
    assert all(s["dates"] == 1 for s in seen)


def _read(env, readers=20):
    """Start `readers` `clout sql` processes at once; each must succeed."""
    procs = [
        subprocess.Popen([CLOUT, "sql", QUERY, "--format", "json"], env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
        for _ in range(readers)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out)[0])
    return results
