from testkit import old_layout

from clout.core.resources import SQL_DIR
from clout.core.warehouse import connect, migrate, statements


def test_migrations_apply_once_in_order(settings):
    files = sorted(p.name for p in (SQL_DIR / "migrations").glob("*.sql"))
    with connect(settings) as con:
        applied = [r[0] for r in con.execute("select name from meta.schema_migrations order by version").fetchall()]
        assert applied == files
        assert migrate(con) == []  # a second pass applies nothing
        schemas = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert {"raw", "staging", "marts", "candidate", "published", "meta"} <= schemas


def test_reopening_does_not_reapply(settings):
    connect(settings).close()
    with connect(settings) as con:
        counts = con.execute("select version, count(*) from meta.schema_migrations group by 1 having count(*) > 1")
        assert counts.fetchall() == []


def test_statement_splitter_keeps_semicolons_inside_lines():
    sql = "-- a comment;\nselect 'a;b' as x;\n\nselect 2;\n-- only a comment\n"
    assert statements(sql) == ["select 'a;b' as x", "select 2"]


def test_the_rebuild_migrations_keep_rows_landed_before_them(tmp_path):
    """0102 and 0103 rebuild raw.generic_interactions and raw.records; a warehouse that already holds rows keeps
    them, payloads end up in zstd and generic ids in DuckDB's own choice (0103 undoes 0102 for them)."""
    con = old_layout(tmp_path / "old.duckdb", "0102_")
    con.execute("insert into raw.generic_interactions values (1, 1, 'twitter', 'a', 'b', '2012-07-01', 'RT', "
                "'2012-07-01', null, 'repost')")
    con.execute("insert into raw.records values (1, 2, 'line 2', 'post', 'twitter', ['a'], '{\"id\": \"9\"}')")
    before = [con.execute(f"select * from {t}").fetchall() for t in ("raw.generic_interactions", "raw.records")]
    assert migrate(con)[:2] == ["0102_raw_zstd_text.sql", "0103_raw_generic_interactions_default_compression.sql"]
    con.execute("checkpoint")
    assert [con.execute(f"select * from {t}").fetchall() for t in ("raw.generic_interactions", "raw.records")] == before
    stored = con.execute("select distinct compression from pragma_storage_info('raw.records') "
                         "where column_name = 'payload' and segment_type = 'VARCHAR'").fetchall()
    assert stored == [("ZSTD",)]
    generic = con.execute("select sql from duckdb_tables() where schema_name = 'raw' "
                          "and table_name = 'generic_interactions'").fetchall()[0][0]
    assert "COMPRESSION" not in generic.upper() and "kind VARCHAR NOT NULL" in generic


def test_a_registered_table_is_let_go_inside_a_transaction():
    """DuckDB keeps what `register` was given until the transaction ends, even after `unregister`: landing a file in
    many blocks kept every block in memory. `registered` lets each block go when its statements are done."""
    import sys

    import duckdb
    import pyarrow as pa

    from clout.core.warehouse import registered

    con = duckdb.connect()
    con.execute("create table t (x bigint)")
    block = pa.table({"x": list(range(1000))})
    baseline = sys.getrefcount(block)
    con.execute("begin transaction")
    with registered(con, "block", block):
        con.execute("insert into t select x from block where x % 2 = 0")
        assert con.execute("select count(*) from block").fetchall() == [(1000,)]
    assert sys.getrefcount(block) == baseline  # nothing holds the block any more
    con.register("plain", block)  # what `registered` avoids
    con.execute("select count(*) from plain").fetchall()
    con.unregister("plain")
    assert sys.getrefcount(block) > baseline
    con.execute("commit")
    assert con.execute("select count(*) from t").fetchall() == [(500,)]


def test_an_error_inside_a_registered_block_is_the_error_that_shows():
    """After a failing statement DuckDB refuses every statement of the transaction, `unregister` too: the failure
    must reach the caller, not "Current transaction is aborted"."""
    import duckdb
    import pyarrow as pa
    import pytest

    from clout.core.warehouse import registered

    con = duckdb.connect()
    con.execute("begin transaction")
    with pytest.raises(duckdb.InvalidInputException, match="boom"), registered(con, "block", pa.table({"x": [1]})):
        con.execute("select error('boom') from block").fetchall()
    con.execute("rollback")
    assert con.execute("select count(*) from duckdb_views() where view_name = 'block'").fetchall() == [(0,)]


def test_the_published_views_migration_keeps_every_published_row(tmp_path):
    """0800 replaces published.scores, person_scores and topic_scores (copies of the live nights) by views over the
    live runs' candidate rows. What the old tables held is what the views show, and no row is lost: a night whose
    run's candidate rows were discarded gets them back from the published copy; a run whose candidate rows differ
    from what was published has them set aside and the published ones put in their place; published rows of a
    date no live run names are kept in candidate.* (never live)."""
    con = old_layout(tmp_path / "old.duckdb", "0800_")

    def score(run, day, account, value):
        con.execute("insert into candidate.scores by name select ? as run_id, cast(? as date) as logical_date, "
                    "'twitter' as network, ? as account_id, ? as score, 0.5 as raw_score, 1.0 as reactions, "
                    "1 as distinct_reactors, 'v1' as algorithm_version, 'f1' as fingerprint, "
                    "'+1: more replies' as change_explained", [run, day, account, value])

    def person(run, day, person_id, value):
        con.execute("insert into candidate.person_scores by name select ? as run_id, cast(? as date) as "
                    "logical_date, ? as person_id, ? as score, 0.5 as raw_score, 1 as networks, 'twitter' as "
                    "best_network, 'a' as best_account_id, 'v1' as algorithm_version, 'f1' as fingerprint",
                    [run, day, person_id, value])

    def topic(run, day, account, topic_id):
        con.execute("insert into candidate.topic_scores by name select ? as run_id, cast(? as date) as "
                    "logical_date, 'twitter' as network, ? as account_id, ? as topic_id, 1 as rank, 0.5 as share, "
                    "2.0 as topic_score, 3 as posts, 2 as days, 4 as distinct_reactors, true as direct, "
                    "'v1' as algorithm_version, 'f1' as fingerprint", [run, day, account, topic_id])

    # Nights as an older publish left them: candidate rows of each run, copied into published.* for the live ones.
    for run, day in (("r1", "2012-07-01"), ("r2", "2012-07-02"), ("r3", "2012-07-03")):
        for account, value in (("a", 10), ("b", 20)):
            score(run, day, account, value)
            person(run, day, f"twitter:{account}", value)
        topic(run, day, "a", "physics")
        con.execute("insert into published.nights values (?, ?, now())", [day, run])
    score("r1-held", "2012-07-01", "a", 99)  # a run of July 1 that was never live
    for table in ("scores", "person_scores", "topic_scores"):
        con.execute(f"insert into published.{table} select * exclude (run_id) from candidate.{table} "
                    "where run_id in (select run_id from published.nights)")
    # r2's candidate rows were discarded after its publish; r3 was scored again (other rows) after it.
    for table in ("scores", "person_scores", "topic_scores"):
        con.execute(f"delete from candidate.{table} where run_id in ('r2', 'r3')")
    score("r3", "2012-07-03", "a", 11)
    # a published row of a date no night names (not something clout leaves behind; kept all the same)
    con.execute("insert into published.scores select * replace (cast('2012-06-30' as date) as logical_date) "
                "from published.scores where logical_date = '2012-07-01' and account_id = 'a'")

    tables = ("scores", "person_scores", "topic_scores")
    published_before = {t: con.execute(f"select * from published.{t} order by all").fetchall() for t in tables}
    candidate_before = {t: con.execute(f"select * from candidate.{t} order by all").fetchall() for t in tables}
    assert all(published_before.values()) and len(published_before["scores"]) == 7

    assert migrate(con)[0] == "0800_published_views.sql"  # and the migrations after it
    kinds = dict(con.execute("select table_name, table_type from information_schema.tables "
                             "where table_schema = 'published'").fetchall())
    assert {t: kinds[t] for t in ("nights", *tables)} == {
        "nights": "BASE TABLE", "scores": "VIEW", "person_scores": "VIEW", "topic_scores": "VIEW"}
    for t in tables:
        # readers see exactly the live nights' rows they saw before
        live = [r for r in published_before[t] if str(r[0]) != "2012-06-30"]
        assert con.execute(f"select * from published.{t} order by all").fetchall() == live, t
        # and nothing is lost: every published row is a candidate row, every candidate row is still there
        after = con.execute(f"select * from candidate.{t} order by all").fetchall()
        assert not [r for r in published_before[t] if r not in [a[1:] for a in after]], t
        kept = [(r[0].removesuffix("-set-aside"), *r[1:]) for r in after]
        assert not [r for r in candidate_before[t] if r not in kept], t
    runs = dict(con.execute("select run_id, count(*) from candidate.scores group by 1").fetchall())
    assert runs == {"r1": 2, "r1-held": 1, "r2": 2, "r3": 2, "r3-set-aside": 1, "unlisted-2012-06-30": 1}
    # the analyst's views over them read them as before
    assert con.execute("select account_id, score from published.current_scores order by 1").fetchall() == [
        ("a", 10), ("b", 20)]
