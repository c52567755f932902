from clout.settings import SQL_DIR
from clout.warehouse import connect, migrate, statements


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
