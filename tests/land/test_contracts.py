"""Each raw and staging table has an ODCS v3 contract that matches the real table, and landing enforces it."""

from __future__ import annotations

import json

import pytest
from landkit import land, sql

from clout.core.contracts import load_contract
from clout.core.resources import CONTRACTS_DIR
from clout.core.warehouse import connect

CONTRACTS = sorted(p.stem for p in CONTRACTS_DIR.glob("*.yaml") if p.stem.startswith(("raw_", "staging_")))


def test_every_raw_and_staging_table_has_a_contract(settings):
    with connect(settings) as con:
        tables = {f"{s}_{t}" for s, t in con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('raw', 'staging') and table_type = 'BASE TABLE'").fetchall()}
    assert tables <= set(CONTRACTS), f"tables without a contract: {sorted(tables - set(CONTRACTS))}"


@pytest.mark.parametrize("name", CONTRACTS)
def test_contract_matches_the_real_table(settings, name):
    contract = load_contract(name)
    assert contract["apiVersion"].startswith("v3") and contract["kind"] == "DataContract"
    (schema,) = contract["schema"]
    with connect(settings) as con:
        described = con.execute(f"describe {schema['physicalName']}").fetchall()
    real = [(row[0], row[1].lower(), row[2] == "YES") for row in described]
    declared = [(p["name"], p["physicalType"], not p.get("required", False)) for p in schema["properties"]]
    # names, order and types match exactly; a column the table forbids to be null must be required
    assert [r[:2] for r in real] == [d[:2] for d in declared]
    for (col, _, nullable), (_, _, optional) in zip(real, declared, strict=True):
        assert nullable or not optional, f"{name}.{col} is NOT NULL in the table but not required in the contract"
    keys = [p["name"] for p in schema["properties"] if p.get("primaryKey")]
    assert keys or name == "staging_interactions", f"{name} declares no key"


def tweet(**fields):
    base = {"id": "1", "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00.000Z"}
    return {k: v for k, v in (base | fields).items() if v is not None}


def page(tmp_path, name, tweets):
    f = tmp_path / name
    f.write_text(json.dumps({"data": tweets, "__twarc": {"retrieved_at": "2021-09-23T00:00:00+00:00"}}) + "\n")
    return f


def test_landing_quarantines_rows_that_break_the_staging_contract(settings, tmp_path):
    tweets = [tweet(id=str(i)) for i in range(300)] + [tweet(id="x", author_id=None)]
    (r,) = land(settings, page(tmp_path, "p.jsonl", tweets))
    assert (r.records, r.staged, r.quarantined) == (301, 300, 1)
    (location, reason), = sql(settings, "select location, reason from raw.quarantine")
    assert location == "line 1 $.data[300]" and reason == "contract staging_posts: author_id is required"
    negative = [tweet(id=str(i)) for i in range(300, 600)] + [tweet(id="n", public_metrics={"like_count": -3})]
    (r2,) = land(settings, page(tmp_path, "q.jsonl", negative))
    assert r2.quarantined == 1 and "likes below 0" in r2.line()


def test_an_unknown_new_field_is_kept_and_reported_once(settings, tmp_path):
    (first,) = land(settings, page(tmp_path, "a.jsonl", [tweet(id="1", vibe_score=0.9)]))
    (second,) = land(settings, page(tmp_path, "b.jsonl", [tweet(id="2", vibe_score=0.3)]))
    assert first.new_fields == ("vibe_score",) and "new field(s) kept in the raw payload: vibe_score" in first.line()
    assert second.new_fields == () and second.quarantined == 0
    payloads = [json.loads(p) for (p,) in sql(settings, "select payload from raw.records order by file_id")]
    assert [p["vibe_score"] for p in payloads] == [0.9, 0.3]
