"""Who may see what: the analyst's `clout sql` reads only the minimal published snapshot."""

from __future__ import annotations

import duckdb
import pytest
import testkit

from clout.consent import check_reading
from clout.consent.access import open_snapshot
from clout.core.errors import CloutError

# Published outputs expose ids, handles, scores, topics and explanations; never these profile or raw fields.
FORBIDDEN_COLUMNS = {
    "text", "payload", "raw_text", "display_name", "birth_date", "is_minor", "followers", "following", "listed",
    "posts_count", "path", "location", "reason", "account_ids", "mentions", "hashtags", "email", "secret",
}


def clout(settings, *args, env=None):
    """`clout ARGS` through its entry point in this process (testkit.clout_here), no CLOUT_SQL_ALLOW_RAW from
    outside; a real process's one-line error and exit code: tests/test_cli.py."""
    return testkit.clout_here(*args, warehouse=settings, env=env, drop_env=("CLOUT_SQL_ALLOW_RAW",))


def test_sql_reads_published_scores(published):
    proc = clout(published, "sql", "select count(*) as n from published.scores", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.splitlines()[1]) > 0


@pytest.mark.parametrize("statement", [
    "select * from raw.generic_interactions limit 1",
    "select * from raw.quarantine limit 1",
    "select * from staging.accounts limit 1",
])
def test_sql_cannot_see_raw_quarantine_or_staging(published, statement):
    con = open_snapshot(published)  # what `clout sql` opens (in process: a subprocess per case is slow)
    with pytest.raises(duckdb.CatalogException, match="does not exist"):
        con.execute(statement)


@pytest.mark.parametrize("statement", [
    "attach '{warehouse}' as w (read_only)",
    "select * from read_csv('{warehouse}')",
    "select * from '{warehouse}'",
])
def test_sql_cannot_reach_the_warehouse_file_around_the_snapshot(published, statement):
    con = open_snapshot(published)
    with pytest.raises(duckdb.PermissionException, match="disabled by configuration"):
        con.execute(statement.format(warehouse=published.warehouse))


def test_the_sandbox_cannot_be_switched_off(published):
    con = open_snapshot(published)
    with pytest.raises(duckdb.Error, match="locked"):
        con.execute("set enable_external_access = true")


def test_the_cli_reports_a_bypass_attempt_as_one_line(published):
    proc = clout(published, "sql", f"attach '{published.warehouse}' as w (read_only)")
    # refused before it reaches DuckDB (only reading statements run); the sandbox below is tested on its own
    assert proc.returncode == 1 and "ATTACH statement is not allowed" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_full_warehouse_is_refused_unless_the_operator_allows_it(published):
    refused = clout(published, "sql", "select count(*) from raw.files", "--full-warehouse")
    assert refused.returncode == 1 and "CLOUT_SQL_ALLOW_RAW=1" in refused.stderr
    allowed = clout(published, "sql", "select count(*) as n from raw.files", "--full-warehouse", "--format", "csv",
                    env={"CLOUT_SQL_ALLOW_RAW": "1"})
    assert allowed.returncode == 0 and allowed.stdout.splitlines()[1] == "1"


def test_published_snapshot_exposes_no_profile_or_raw_fields(published):
    with duckdb.connect(str(published.published_catalog), read_only=True) as con:
        columns = con.execute("select table_schema, table_name, column_name from information_schema.columns "
                              "where table_schema = 'published'").fetchall()
        schemas = {r[0] for r in con.execute("select schema_name from information_schema.schemata").fetchall()}
    assert columns  # the check below must look at something
    assert {c for _, _, c in columns} & FORBIDDEN_COLUMNS == set()
    assert not schemas & {"raw", "staging", "marts", "candidate"}


@pytest.mark.parametrize("statement", ["copy (select 1) to 'x.csv'", "set enable_external_access = true",
                                       "attach 'x.duckdb'", "create table t (a int)", "select 1; select 2"])
def test_only_one_reading_statement_is_accepted(statement):
    with pytest.raises(CloutError):
        check_reading(statement)


def test_reading_statements_are_accepted():
    for statement in ("select 1", "with a as (select 1) select * from a", "describe select 1", "explain select 1"):
        check_reading(statement)
