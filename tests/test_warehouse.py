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
    import duckdb

    con = duckdb.connect(str(tmp_path / "old.duckdb"))
    con.execute("create schema meta")
    con.execute("create table meta.schema_migrations (version integer primary key, name varchar not null, "
                "applied_at timestamp not null default now())")
    for path in sorted((SQL_DIR / "migrations").glob("*.sql")):
        if path.name < "0102_":
            for stmt in statements(path.read_text()):
                con.execute(stmt)
            con.execute("insert into meta.schema_migrations (version, name) values (?, ?)",
                        [int(path.name[:4]), path.name])
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
