"""Gate fixtures: a copy of the real Higgs week sample run to July 4 (`week_until_july4`, tests/conftest.py), and
small two-network warehouses.

Building a warehouse takes seconds, so each is built once per session (shared by the xdist workers:
testkit.built_once) and copied for every test that changes it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from gatekit import JULY, copy_warehouse, higgs_sample
from testkit import built_once

from clout import pipeline
from clout.core.settings import load_settings


@pytest.fixture
def week(week_until_july4, tmp_path):
    return copy_warehouse(week_until_july4, tmp_path / "warehouse")


@pytest.fixture(scope="session")
def two_networks_scored(tmp_path_factory) -> tuple[Path, str]:
    """Two networks (two disjoint samples of the real data, one landed as mastodon), July 1..2 published and
    July 3 scored but not yet audited: returns the warehouse folder and July 3's run id."""
    def build(folder: Path) -> None:
        settings = load_settings(folder / "warehouse" / "clout.duckdb")
        twitter = higgs_sample(folder / "twitter.txt.gz", 20, 0, {1, 2, 3})
        mastodon = higgs_sample(folder / "mastodon.txt.gz", 20, 10, {1, 2, 3})
        pipeline.land_files(settings, [twitter], network="twitter")
        pipeline.land_files(settings, [mastodon], network="mastodon")
        for day in JULY[:2]:
            pipeline.run_night(settings, day, "v1")
        run_id = pipeline.begin_run(settings, JULY[2], "v1")
        for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
            step(settings, run_id)
        (folder / "run_id").write_text(run_id)

    folder = built_once(tmp_path_factory, "gate-two-networks", build)
    return folder / "warehouse", (folder / "run_id").read_text()


@pytest.fixture
def scored_night(two_networks_scored, tmp_path):
    home, run_id = two_networks_scored
    return copy_warehouse(home, tmp_path / "warehouse"), run_id
