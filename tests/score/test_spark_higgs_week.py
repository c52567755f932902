"""The Spark engine (issue 18, docs/engines.md) on the real Higgs week: its seven nights run with `--engine spark`
publish what the default engine publishes, night by night (tolerances: sparkkit.py). A module of its own, the
suite's longest test, so that `--dist loadfile` can run it beside the rest (docs/testing.md).

Spark runs in local mode (local[2]) in this process: the worker's one session (tests/conftest.py `spark`).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from sparkkit import same_nights
from testkit import clout_here, copy_warehouse

from clout.core.settings import load_settings
from clout.core.warehouse import connect

pytestmark = pytest.mark.spark


def test_the_higgs_week_on_spark_publishes_what_the_default_engine_publishes_night_by_night(
        spark, week_until_july4, week_until_july7, tmp_path, monkeypatch):
    """The real Higgs week (every 4th interaction: its July 4 announcement spike kept), landed and its seven nights
    run with CLOUT_ENGINE=spark in order: every night the same published scores (1..100 integers equal, floats
    within FLOATS), person and topic scores, and the same gate outcomes and verdicts as the default engine's week,
    July 4 a data-driven WARN on both. July 3 is run through the CLI, `clout run --date 2012-07-03 --engine spark`
    (the night is scored on Spark, gated and published)."""
    from clout import pipeline

    settings = load_settings(tmp_path / "spark" / "clout.duckdb")
    pipeline.land_files(settings, [week_until_july4.parent / "higgs-week.txt.gz"])  # the file that week was built from
    outcomes = []
    for day in range(1, 8):
        if day == 3:
            ran = clout_here("run", "--date", "2012-07-03", "--engine", "spark", warehouse=settings)
            assert ran.returncode == 0, ran.stderr
            said = re.search(r"^2012-07-03: run \S+ \(v1\) published \(gate (\w+)\)", ran.stdout, re.M)
            assert said, ran.stdout
            outcomes.append(said[1])
            continue
        monkeypatch.setenv("CLOUT_ENGINE", "spark")
        outcomes.append(pipeline.run_night(settings, date(2012, 7, day), "v1").outcome)
        monkeypatch.delenv("CLOUT_ENGINE")
    counts = same_nights(copy_warehouse(week_until_july7, tmp_path / "default"), settings)
    assert counts["runs"] == counts["outcomes"] == 7 and counts["scores"] > 7 * 10_000 and counts["checks"] > 7 * 30
    assert outcomes[3] == "WARN" and outcomes.count("WARN") + outcomes.count("PASS") == 7, outcomes
    with connect(settings, read_only=True) as con:
        (attribution,) = con.sql("select attribution from meta.gate_outcomes "
                                 "where logical_date = '2012-07-04'").fetchall()[0]
    assert attribution == "data"
