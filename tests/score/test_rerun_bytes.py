"""Reproducibility to the byte (issue 15, item 9): a rerun of a published night of the real Higgs week publishes
the same bytes, whether its score state is undone to the night before or rebuilt from the window's start."""

from __future__ import annotations

import hashlib
from datetime import date, timedelta

import pytest
from testkit import copy_warehouse

from clout import pipeline
from clout.core.warehouse import connect

JULY = [date(2012, 7, 1) + timedelta(days=i) for i in range(7)]
JULY_5 = JULY[4]
TABLES = ("published.scores", "published.person_scores", "published.topic_scores")


def published_bytes(settings, day: date) -> dict[str, str]:
    """A sha256 per published table of the night's rows, every column but the run's id, in a fixed order. Floats
    go in as their exact bits (hex), so 0.0 and -0.0, or two values a last digit apart, hash differently."""
    out = {}
    with connect(settings) as con:
        for table in TABLES:
            columns = [c for (c,) in con.execute(
                "select column_name from information_schema.columns where table_schema || '.' || table_name = ? "
                "and column_name not in ('run_id') order by ordinal_position", [table]).fetchall()]
            rows = con.execute(f"select {', '.join(columns)} from {table} where logical_date = ? order by all",
                               [day]).fetchall()
            digest = hashlib.sha256()
            for row in rows:
                digest.update(repr(tuple(v.hex() if isinstance(v, float) else v for v in row)).encode())
            out[table] = f"{len(rows)}:{digest.hexdigest()}"
    return out


@pytest.fixture(scope="module")
def week(week_until_july7, tmp_path_factory):
    """Every 4th interaction of the week, July 1..7 run with v1 (built once per session: tests/conftest.py)."""
    return copy_warehouse(week_until_july7, tmp_path_factory.mktemp("higgs-rerun") / "warehouse")


@pytest.mark.slow
def test_a_rerun_of_july_5_publishes_the_same_bytes(week):
    first = published_bytes(week, JULY_5)
    assert all(int(v.split(":")[0]) > 0 for k, v in first.items() if k != "published.topic_scores"), first
    pipeline.run_night(week, JULY_5, "v1")  # the state is on July 7: July 7 and 6 are undone
    assert published_bytes(week, JULY_5) == first
    with connect(week) as con:
        con.execute("update meta.score_chains set state_date = null")  # no state: rebuilt from the window
    pipeline.run_night(week, JULY_5, "v1")
    assert published_bytes(week, JULY_5) == first
