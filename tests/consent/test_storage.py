"""Compaction: erased bytes leave the DuckDB file, and the warehouse is intact afterwards."""

from __future__ import annotations

import duckdb

from clout.consent import compact
from clout.core.warehouse import connect, migrate

SECRET = "handle_of_someone_who_left"


def _fill(settings) -> None:
    with connect(settings) as con:
        con.execute("insert into staging.posts (network, post_id, author_id, created_at, event_date, text, "
                    "source_file_id) select 'twitter', 'p' || i, 'a' || i, timestamp '2012-07-01', date '2012-07-01', "
                    "md5(i::varchar) || ' ' || ? || i || ' ' || md5((i * 7)::varchar), 1 from range(40) t(i)",
                    [SECRET])
        con.execute("select nextval('meta.optout_id_seq') from range(3)").fetchall()


def _count(settings, token: str) -> int:
    return settings.warehouse.read_bytes().count(token.encode())


def test_delete_and_checkpoint_leave_the_bytes_but_compaction_removes_them(settings):
    _fill(settings)
    token = f" {SECRET}7 "
    assert _count(settings, token) == 1
    with connect(settings) as con:
        con.execute("delete from staging.posts where post_id = 'p7'")
        con.execute("checkpoint")
    assert _count(settings, token) >= 1  # why compaction is needed: DuckDB keeps freed blocks' bytes
    result = compact(settings)
    assert _count(settings, token) == 0
    assert result.bytes_after <= result.bytes_before
    assert _count(settings, f" {SECRET}8 ") == 1  # other rows are still there


def test_the_compacted_warehouse_keeps_schema_sequences_and_views(settings):
    _fill(settings)
    compact(settings)
    with duckdb.connect(str(settings.warehouse)) as con:
        assert migrate(con) == []  # every migration is still recorded as applied
        assert con.execute("select nextval('meta.optout_id_seq')").fetchall()[0][0] == 4
        assert con.execute("select count(*) from staging.excluded_accounts").fetchall()[0][0] == 0
        assert con.execute("select count(*) from staging.posts").fetchall()[0][0] == 40
        assert len(con.execute("select secret from meta.consent_key").fetchall()) == 1
        con.execute("insert into meta.optouts values (1, 'person', 'anon-x', null, 's', now(), now(), 'me')")
        try:
            con.execute("insert into meta.optouts values (1, 'person', 'anon-y', null, 's', now(), now(), 'me')")
            raise AssertionError("the primary key was lost in the copy")
        except duckdb.ConstraintException:
            pass
