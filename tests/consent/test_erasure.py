"""Opt-out erases a person from every table, every file and the bytes of the DuckDB file, and keeps them out.

The tests of this module share one warehouse and run in order: before -> opt-out -> reland -> next nights.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import duckdb
import pytest
import testkit
from consentkit import CAROL as CAROL_USER
from consentkit import LAND, OUTCOME_RANK, ZELDA, ZELDA_TOKENS, night, tweet, tweets, write_tweets

from clout import consent, pipeline
from clout.core import lake
from clout.core.errors import CloutError
from clout.core.warehouse import connect

BOB, CAROL = "800100200", "700100200"


def clout(settings, *args, env=None, check=True):
    """`clout ARGS` in a real process (test_crash.py kills it with SIGKILL at named steps)."""
    return testkit.clout(*args, warehouse=settings, env=env, check=check, timeout=300)


def files_naming_zelda(home: Path) -> dict[str, list[int]]:
    """Every file under the warehouse home whose raw bytes still hold one of Zelda's tokens (any case)."""
    found = {}
    for path in sorted(p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes().lower()
        counts = [data.count(t) for t in ZELDA_TOKENS]
        if any(counts):
            found[str(path.relative_to(home))] = counts
    return found


def parquet_naming_zelda(home: Path) -> list[str]:
    """Parquet files (compressed, so bytes are not enough) whose decoded strings hold one of Zelda's tokens."""
    found = []
    with duckdb.connect() as con:
        for path in sorted(home.rglob("*.parquet")):
            text = con.execute("select lower(string_agg(cast(columns(*) as varchar), ' ')) from read_parquet(?)",
                               [str(path)]).fetchall()[0]
            if any(t.decode() in (v or "") for v in text for t in ZELDA_TOKENS):
                found.append(str(path.relative_to(home)))
    return found


def rows_naming_zelda(con) -> dict[str, int]:
    """Rows of any table (any schema) with a string or string-list column that holds one of Zelda's tokens."""
    out = {}
    tokens = [t.decode() for t in ZELDA_TOKENS]
    for table, columns in consent.discover(con).items():
        checks = []
        for c in columns:
            if c.data_type == "VARCHAR":
                checks += [f"contains(lower({c.name}), '{t}')" for t in tokens]
            elif c.data_type == "VARCHAR[]":
                checks += [f"contains(lower(array_to_string({c.name}, ' ')), '{t}')" for t in tokens]
        if checks:
            n = con.execute(f"select count(*) from {table} where {' or '.join(checks)}").fetchall()[0][0]
            if n:
                out[table] = n
    return out


def bob_reactions(con, logical_date: date) -> float:
    rows = con.execute("select reactions from published.scores where account_id = ? and logical_date = ?",
                       [BOB, logical_date]).fetchall()
    return rows[0][0] if rows else 0.0


@pytest.fixture(scope="module")
def before(world):
    settings = world["settings"]
    # The gate's verdict on 2012-07-03 without any erasure, to compare with its verdict after one.
    # A rerun of 07-03 compares with 07-02 again, whether this control run was published or held.
    control = night(settings, date(2012, 7, 3))
    with connect(settings) as con:
        facts = {
            "zelda_published": con.execute("select count(*) from published.scores where account_id = ?",
                                           [ZELDA["id_str"]]).fetchall()[0][0],
            "rows": rows_naming_zelda(con),
            "bob_reactions": bob_reactions(con, date(2012, 7, 2)),
            "state_pairs": state_pairs_of_zelda(con),
        }
    facts["control_outcome"] = control["outcome"]
    # The Spark engine's lakes, as its nights leave them: copies of staging that name her, beside the warehouse and
    # in a folder the workers were given by CLOUT_LAKE (the `clout optout` below runs without it)
    shared = settings.home / "shared-lake"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CLOUT_LAKE", str(shared))
        assert lake.lake_root(settings.warehouse) == shared
    with connect(settings) as con:
        for (day,) in con.execute("select distinct event_date from staging.posts").fetchall():
            for root in (settings.lake_dir, shared):
                lake.write_day(con, root, lake.STAGING, day)
    facts["files"] = files_naming_zelda(settings.home)
    facts["parquet"] = parquet_naming_zelda(settings.home)
    return facts


def state_pairs_of_zelda(con, codes: list[tuple[int, int]] | None = None) -> list[tuple[int, int, int]]:
    """(chain, her code, rows naming the code) in the score state's pairs, journals and PageRank vectors: rows that
    name her by her integer code in a chain, which no id column reaches (docs/state.md)."""
    codes = codes or con.execute("select chain_id, code from state.score_accounts where account_id = ?",
                                 [ZELDA["id_str"]]).fetchall()
    out = []
    for chain, code in codes:
        (n,), = con.execute(
            "select (select count(*) from state.score_pairs where chain_id = $c and $k in (actor, target))"
            " + (select count(*) from state.score_pair_journal where chain_id = $c and $k in (actor, target))"
            " + (select count(*) from state.score_impact where chain_id = $c and code = $k)",
            {"c": chain, "k": code}).fetchall()
        out.append((chain, code, n))
    return out


def published_rows_naming_zelda(con) -> dict[str, int]:
    """Her rows in the warehouse's published views (views over the live runs' candidate rows: not base tables, so
    rows_naming_zelda does not read them)."""
    out = {}
    for table, column in (("scores", "account_id"), ("person_scores", "best_account_id"),
                          ("topic_scores", "account_id")):
        n = con.execute(f"select count(*) from published.{table} where {column} = ?", [ZELDA["id_str"]]).fetchall()
        if n[0][0]:
            out[f"published.{table}"] = n[0][0]
    return out


def test_zelda_is_everywhere_before_the_opt_out(world, before):
    """The precondition that lets the next tests fail: she is scored, stored, and in the file's bytes."""
    assert before["zelda_published"] >= 2
    assert {"raw.records", "raw.quarantine", "staging.posts", "candidate.scores"} <= set(before["rows"])
    assert "published.scores" not in before["rows"]  # a view: what is erased is the candidate rows under it
    assert "clout.duckdb" in before["files"]
    assert before["state_pairs"] and all(n > 0 for *_, n in before["state_pairs"])  # her pairs in the score state
    assert any(f.startswith("published/scores/") for f in before["parquet"])
    for root in (world["settings"].lake_dir.name, "shared-lake"):
        assert any(f.startswith(f"{root}/staging/") for f in before["parquet"])


def test_optout_command_erases_her_everywhere(world, before):
    settings = world["settings"]
    out = clout(settings, "optout", "p-zelda", "--source", "email 2026-11-20, ticket 4711").stdout
    assert "opt-out 1" in out and "compacted" in out and "nothing of theirs" not in out
    assert re.search(r"rows erased or pseudonymised, [1-9]\d* published partition\(s\)", " ".join(out.split()))
    with connect(settings) as con:
        assert rows_naming_zelda(con) == {}
        assert published_rows_naming_zelda(con) == {}  # readers of the warehouse's published views see none
        # the score state named her by her code in each chain: those chains are gone whole (rebuilt next night)
        held = [(chain, code) for chain, code, _ in before["state_pairs"]]
        assert all(n == 0 for *_, n in state_pairs_of_zelda(con, held))
        assert not con.execute("select count(*) from meta.score_chains where chain_id in (select unnest(?))",
                               [[c for c, _ in held]]).fetchall()[0][0]
        # Other people's rows stay, with a stable pseudonym where they named her.
        key = con.execute("select account_key from meta.optout_accounts").fetchall()[0][0]
        mentions = con.execute("select mentions from staging.posts where post_id = '5550011'").fetchall()[0][0]
        assert mentions == [key, CAROL]
        assert con.execute("select count(*) from raw.records where contains(payload, ?)", [key]).fetchall()[0][0]
        assert con.execute("select count(*) from staging.posts where author_id = ?", [BOB]).fetchall()[0][0] == 2
        # Interactions she made are gone: nobody's reactions count hers.
        assert con.execute("select count(*) from staging.interactions where actor_id = ? or target_id = ?",
                           [ZELDA["id_str"]] * 2).fetchall()[0][0] == 0
        # The registry keeps the request but no id or handle in clear.
        registry = con.execute("select subject_kind, subject_key, network, source from meta.optouts").fetchall()
        assert registry == [("person", registry[0][1], None, "email 2026-11-20, ticket 4711")]
        assert registry[0][1].startswith("anon-")
    assert files_naming_zelda(settings.home) == {}
    assert parquet_naming_zelda(settings.home) == []  # the lake's copies too: it is removed whole
    assert not settings.lake_dir.exists() and not (settings.home / "shared-lake").exists()


def test_erasure_is_recorded_per_table(world, before):
    settings = world["settings"]
    log = json.loads(clout(settings, "erasures", "--json").stdout)
    tables = {(r["table_name"], r["action"]): r["rows"] for r in log}
    assert tables[("raw.records", "deleted")] > 0
    assert tables[("staging.interactions", "deleted")] > 0
    # Her published rows are candidate rows of the live runs: counted once, there, with her other runs' rows
    assert tables[("candidate.scores", "deleted")] == before["rows"]["candidate.scores"] >= before["zelda_published"]
    assert not [t for t, _ in tables if t.startswith("published.")]  # views: nothing deleted from them twice
    assert tables[("published", "partition_rewritten")] > 0  # the snapshot's live partitions, without her
    assert tables[("lake", "lake_deleted")] == 2  # the Spark engine's Parquet copies, both lakes (clout/core/lake.py)
    assert tables[("staging.posts", "pseudonymised")] > 0
    assert {r["trigger"] for r in log} == {"optout"} and all(r["erased_by"] for r in log)
    optouts = json.loads(clout(settings, "optouts", "--json").stdout)
    assert len(optouts) == 1 and optouts[0]["rows_changed"] == sum(tables.values())


def test_published_snapshot_is_rewritten_without_her(world):
    settings = world["settings"]
    out = clout(settings, "sql", "select count(*) as n, count(*) filter (where account_id = '900100200') as z "
                "from published.scores", "--format", "json").stdout
    rows = json.loads(out)
    assert rows[0]["n"] > 0 and rows[0]["z"] == 0
    catalogs = list(settings.snapshot_dir.glob("catalog-*.duckdb"))
    assert len(catalogs) == 1  # older catalogs pointed at the deleted partitions: removed


def test_same_file_landed_again_does_not_bring_her_back(world):
    settings = world["settings"]
    results = pipeline.land_files(settings, world["files"][1:2], options=LAND)
    assert results[0].skipped
    with connect(settings) as con:
        assert rows_naming_zelda(con) == {}


def test_a_new_file_that_still_contains_her_is_erased_on_landing(world):
    settings = world["settings"]
    extra = tweets() + [tweet(99, ZELDA, "ZeldaPrivate is back on day three", 3),
                        tweet(98, CAROL_USER, "@ZeldaPrivate welcome back", 3,
                              mentions=(ZELDA,), reply_to=ZELDA)]
    path = write_tweets(world["root"] / "tweets-again.jsonl", extra)
    results = pipeline.land_files(settings, [path], options=LAND)
    assert not results[0].skipped and results[0].records > 0
    with connect(settings) as con:
        assert rows_naming_zelda(con) == {}
        triggers = con.execute("select trigger from meta.erasures order by erasure_id").fetchall()
        assert triggers == [("optout",), ("landing",)]
        # Carol's new post stays, pointing at the pseudonym.
        assert con.execute("select count(*) from staging.posts where post_id = '5550098'").fetchall()[0][0] == 1
    assert files_naming_zelda(settings.home) == {}
    assert parquet_naming_zelda(settings.home) == []  # the lake's copies too: it is removed whole
    assert not settings.lake_dir.exists() and not (settings.home / "shared-lake").exists()


def test_next_night_is_published_and_the_gate_knows_about_the_erasure(world, before):
    settings = world["settings"]
    with connect(settings) as con:
        erased = consent.erased_accounts_since(con, date(2012, 7, 3))
        neighbours = consent.erasure_neighbours_since(con, date(2012, 7, 3))
    assert erased.height >= 1 and erased["account_key"][0].startswith("anon-")
    assert {BOB, CAROL} <= set(neighbours["account_id"])
    run = night(settings, date(2012, 7, 3))
    # The erasure does not make the gate stricter than it is on the same night without it.
    print("gate on 2012-07-03: without erasure", before["control_outcome"], "after it", run["outcome"])
    assert OUTCOME_RANK[run["outcome"]] <= OUTCOME_RANK[before["control_outcome"]], run["message"]
    if before["control_outcome"] != "HOLD":
        assert run["status"] == "published", run["message"]
    with connect(settings) as con:
        assert rows_naming_zelda(con) == {}
        # 07-03 was published after the erasure: its scores already exclude her, nothing is pending for 07-04.
        assert consent.erased_accounts_since(con, date(2012, 7, 4)).height == 0
    assert files_naming_zelda(settings.home) == {}
    assert parquet_naming_zelda(settings.home) == []  # the lake's copies too: it is removed whole
    assert not settings.lake_dir.exists() and not (settings.home / "shared-lake").exists()


def test_backfill_recomputes_others_without_her(world, before):
    settings = world["settings"]
    summary = pipeline.run_night(settings, date(2012, 7, 2))  # a backfill of a published night
    assert summary.status == "published"
    with connect(settings) as con:
        # Bob's replies came from Zelda and Carol (the minor's do not count): now only Carol's count.
        assert bob_reactions(con, date(2012, 7, 2)) < before["bob_reactions"]
        assert rows_naming_zelda(con) == {}


def test_optout_needs_a_source_and_a_known_person(world):
    settings = world["settings"]
    proc = clout(settings, "optout", "p-nobody", "--source", "form", check=False)
    assert proc.returncode == 1 and "no person 'p-nobody'" in proc.stderr and "Traceback" not in proc.stderr
    proc = clout(settings, "optout", "@someone", "--network", "twitter", "--source", " ", check=False)
    assert proc.returncode == 1 and "--source" in proc.stderr
    with pytest.raises(CloutError, match="give a person id"):
        consent.optout(settings, consent.Request("  ", None, "form"))


def test_an_account_optout_with_a_misspelt_network_or_no_account_is_refused_not_registered(world):
    """`--network twiter` would register an opt-out that matches nothing (and erase a network-less table's rows):
    the person would believe they are out. Refused, naming the networks the warehouse holds; so are `@` and ``."""
    settings = world["settings"]
    with connect(settings) as con:
        before = con.execute("select count(*) from meta.optouts").fetchall()[0][0]
    for network, subject in (("twiter", "1000000002"), ("Twitter", "1000000002"), ("", "1000000002"),
                             ("twitter", "@")):
        proc = clout(settings, "optout", subject, "--network", network, "--source", "typo", check=False)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert ("no network" in proc.stderr and "it holds: twitter" in proc.stderr) or "no account id" in proc.stderr
    with connect(settings) as con:
        assert con.execute("select count(*) from meta.optouts").fetchall()[0][0] == before
    assert settings.kept_edges_dir.exists()  # PageRank's edges kept by the last night
    proc = clout(settings, "optout", "@not_landed_yet", "--network", "mastodon", "--source", "form", check=False)
    assert proc.returncode == 0, proc.stderr  # a format's network: taken before its first file lands
    assert settings.kept_edges_dir.exists()  # no chain held the account: the next night needs no full read
    assert "nothing of theirs is in the warehouse" in " ".join(proc.stdout.split())  # registered for later landings
