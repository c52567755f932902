"""Fixtures for consent tests; the builders are in consentkit.py."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest
from consentkit import WORLD_FILES, build_world, publish_night
from testkit import built_once, copy_warehouse, higgs_sample

from clout import pipeline
from clout.core.settings import load_settings


@pytest.fixture(scope="session")
def world_built(tmp_path_factory) -> Path:
    """The folder of the consent world (consentkit.build_world), built once per session; copy it (`world`)."""
    return built_once(tmp_path_factory, "consent-world", build_world)


@pytest.fixture(scope="module")
def world(world_built, tmp_path_factory) -> dict:
    """This module's copy of the consent world: a warehouse with two published nights (2012-07-01, 02) of Higgs +
    tweets + identity links, and the files it landed (`files`, in `root` beside the warehouse)."""
    root = tmp_path_factory.mktemp("consent")
    settings = copy_warehouse(world_built / "warehouse", root / "warehouse")
    files = [Path(shutil.copy2(world_built / name, root / name)) for name in WORLD_FILES]
    return {"settings": settings, "root": root, "files": files}


@pytest.fixture(scope="session")
def one_published_night(tmp_path_factory) -> Path:
    """The folder of a warehouse with every 20th real Higgs interaction of 2012-07-01 landed and that night
    published: built once per session (testkit.built_once); copy it (`published`)."""
    def build(folder: Path) -> None:
        settings = load_settings(folder / "warehouse" / "clout.duckdb")
        pipeline.land_files(settings, [higgs_sample(folder / "higgs.txt.gz", 20, days={1})])
        publish_night(settings, date(2012, 7, 1))

    return built_once(tmp_path_factory, "consent-one-published-night", build) / "warehouse"


@pytest.fixture(scope="module")
def published(one_published_night, tmp_path_factory):
    """This module's copy of `one_published_night`: its Settings."""
    return copy_warehouse(one_published_night, tmp_path_factory.mktemp("published") / "warehouse")
