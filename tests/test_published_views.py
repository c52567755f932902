"""The analyst's side: published views match their contract and generated docs, and every example query in
sql/adhoc/ runs against a real published snapshot."""

from pathlib import Path

import pytest
from testkit import copy_warehouse

from clout.core.contracts import load_contract
from clout.core.resources import SQL_DIR
from clout.core.snapshot import open_catalog
from clout.serve import docs

ADHOC = sorted((SQL_DIR / "adhoc").glob("*.sql"))


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory, higgs_nights):
    """The published catalog of a copy of the Higgs slice with July 1 and 2 published (tests/conftest.py)."""
    settings = copy_warehouse(higgs_nights(2), tmp_path_factory.mktemp("views") / "warehouse")
    with open_catalog(settings) as con:
        yield con


def test_generated_docs_are_committed_and_current():
    committed = (Path(__file__).parents[1] / docs.DOC_PATH).read_text(encoding="utf-8")
    assert committed == docs.render(), "run `clout docs` and commit the result"


@pytest.mark.parametrize("obj", load_contract("published_views")["schema"], ids=lambda o: o["physicalName"])
def test_each_view_matches_its_contract(snapshot, obj):
    actual = [(c, t.lower()) for c, t, *_ in snapshot.execute(f"describe {obj['physicalName']}").fetchall()]
    assert actual == [(p["name"], p["physicalType"]) for p in obj["properties"]]


def test_published_views_hold_no_raw_text_or_profile_fields(snapshot):
    columns = {c for (c,) in snapshot.execute("select column_name from information_schema.columns").fetchall()}
    assert not columns & {"text", "payload", "raw_text", "display_name", "birth_date", "followers", "line"}


@pytest.mark.parametrize("path", ADHOC, ids=lambda p: p.name)
def test_adhoc_query_runs(snapshot, path):
    rel = snapshot.sql(path.read_text(encoding="utf-8"))
    assert rel.columns  # it parsed, bound and ran against the real views
    rel.fetchall()


def test_time_travel_to_an_earlier_night(snapshot):
    nights = snapshot.execute("select count(distinct logical_date) from published.scores").fetchall()[0][0]
    first = snapshot.execute("select count(*) from published.scores where logical_date = '2012-07-01'").fetchall()
    assert nights == 2 and first[0][0] > 0
