"""The `clout sql` sandbox (issue 15, items 1-3 and 8): every escape the hardening pass found, run through the
real command against a real published warehouse, with the warehouse folder hashed before and after each attempt."""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

import pytest
from testkit import clout_here

from clout.core.settings import load_settings

RAW = {"CLOUT_SQL_ALLOW_RAW": "1"}


def clout_sql(settings, *args, env=None):
    """`clout sql ARGS` through its entry point in this process (testkit.clout_here: the same sandbox, limits,
    one-line errors and exit codes; a process per attempt cost seconds each), no CLOUT_SQL_* from outside."""
    drop = tuple(k for k in os.environ if k.startswith("CLOUT_SQL_"))
    return clout_here("sql", *args, warehouse=settings, env=env, drop_env=drop)


def folder_hashes(folder: Path) -> dict[str, str]:
    """Every file under the warehouse folder (symlinks by target) and its hash: what must not change."""
    out = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            out[str(path)] = "-> " + os.readlink(path)
        elif path.is_file():
            out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def live_partition(settings) -> Path:
    return next(settings.snapshot_dir.glob("scores/logical_date=2012-07-01/*.parquet"))


def refused(settings, statement, raw=False, outside: Path | None = None):
    """Run one escape attempt; it must fail with a one-line error and change no file in or beside the warehouse."""
    before = folder_hashes(settings.home)
    proc = clout_sql(settings, statement, *(["--full-warehouse"] if raw else []), env=RAW if raw else None)
    assert proc.returncode == 1, f"{statement!r} ran: {proc.stdout[:300]}"
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert folder_hashes(settings.home) == before, f"{statement!r} changed files in the warehouse folder"
    if outside is not None:
        assert not outside.exists(), f"{statement!r} wrote {outside}"
    return proc.stderr


# ---- item 1: the analyst cannot write, even through EXPLAIN ANALYZE or a WITH ------------------------------


def test_explain_analyze_copy_cannot_rewrite_a_published_partition(published):
    """The exact escape: an analyst set account 88 to score 1 for every reader."""
    target = published.snapshot_dir / "scores" / "logical_date=2012-07-01" / "x.parquet"
    err = refused(published, f"EXPLAIN ANALYZE COPY (select * replace (1 as score) from published.scores) "
                             f"TO '{target}' (format parquet)", outside=target)
    assert "EXPLAIN of COPY is not allowed" in err
    refused(published, f"EXPLAIN ANALYZE COPY (select * replace (1 as score) from published.scores) "
                       f"TO '{live_partition(published)}' (format parquet)")


def test_explain_analyze_copy_cannot_overwrite_the_live_catalog(published):
    catalog = published.published_catalog.resolve()
    refused(published, f"EXPLAIN ANALYZE COPY (select 'x' as broken) TO '{catalog}' (format csv)")
    refused(published, f"EXPLAIN (ANALYZE) COPY (select 'x' as broken) TO '{catalog}' (format csv)")
    refused(published, f"explain /* hidden */ analyze copy (select 1) to '{catalog}'")


@pytest.mark.parametrize("raw", [False, True], ids=["analyst", "raw"])
def test_writes_wrapped_in_a_with_are_refused(published, raw, tmp_path):
    """DuckDB parses `WITH t AS (COPY ...) SELECT` as a SELECT statement, and runs the COPY."""
    inside = published.snapshot_dir / "cte.csv"
    outside = tmp_path / "cte.csv"
    for target in (inside, outside):
        err = refused(published, f"with t as (copy (select 1) to '{target}') select 1", raw=raw, outside=target)
        assert "COPY inside a query is not allowed" in err
    refused(published, "with t as (delete from meta.runs returning *) select * from t", raw=raw)
    refused(published, "with t as (insert into meta.runs select * from meta.runs returning *) select * from t",
            raw=raw)


@pytest.mark.parametrize("raw", [False, True], ids=["analyst", "raw"])
def test_other_writing_statements_are_refused(published, raw, tmp_path):
    for statement in (f"copy (select 1) to '{tmp_path / 'c.csv'}'", f"export database '{tmp_path / 'exp'}'",
                      f"export database '{published.snapshot_dir / 'exp'}'", "create table t (a int)",
                      "create temp table t as select 1", "checkpoint", "explain analyze create table t (a int)"):
        refused(published, statement, raw=raw)
    assert not any(tmp_path.iterdir())


@pytest.mark.parametrize("raw", [False, True], ids=["analyst", "raw"])
def test_statements_smuggled_after_a_semicolon_are_refused(published, raw, tmp_path):
    target = tmp_path / "smuggled.csv"
    err = refused(published, f"select 1; copy (select 1) to '{target}'", raw=raw, outside=target)
    assert "one statement at a time" in err
    refused(published, f"select 1; explain analyze copy (select 1) to '{target}'", raw=raw, outside=target)


# ---- item 2: raw mode has the same sandbox, around the warehouse folder -------------------------------------


def test_raw_mode_cannot_overwrite_the_warehouse_file(published):
    """The exact escape: `EXPLAIN ANALYZE COPY ... TO '<warehouse>.duckdb'` overwrote a warehouse with 4 bytes."""
    err = refused(published, f"EXPLAIN ANALYZE COPY (select 1) TO '{published.warehouse}' (format csv)", raw=True)
    assert "EXPLAIN of COPY is not allowed" in err


def test_raw_mode_reads_the_warehouse(published):
    proc = clout_sql(published, "select count(*) as n from raw.files", "--full-warehouse", "--format", "csv", env=RAW)
    assert proc.returncode == 0 and proc.stdout.splitlines()[1] == "1", proc.stderr
    partition = live_partition(published)
    proc = clout_sql(published, f"select count(*) as n from read_parquet('{partition}')", "--full-warehouse",
                     "--format", "csv", env=RAW)
    assert proc.returncode == 0 and int(proc.stdout.splitlines()[1]) > 0, proc.stderr


# ---- reading outside what each reader may read --------------------------------------------------------------


@pytest.mark.parametrize("raw", [False, True], ids=["analyst", "raw"])
@pytest.mark.parametrize("statement", [
    "select * from read_csv('/etc/passwd', sep = ':')",
    "select * from read_text('/etc/passwd')",
    "select * from read_blob('/etc/passwd')",
    "select * from read_text('/etc/shadow')",
    "select * from glob('/etc/*')",
    "select * from '/etc/passwd'",
    "select * from read_text('{home}/../../../../etc/passwd')",
    "select * from read_text('scores/../../../../../../etc/passwd')",
])
def test_files_outside_are_unreadable(published, raw, statement):
    err = refused(published, statement.format(home=published.home), raw=raw)
    # refused by the sandbox, or (a bare path) not even looked up as a file: replacement scans are off with it
    assert any(reason in err for reason in ("disabled by configuration", "not allowed", "does not exist")), err


def test_the_analyst_cannot_read_the_warehouse_file_or_landed_files(published):
    refused(published, f"select * from read_blob('{published.warehouse}')")
    refused(published, f"select * from glob('{published.home}/*')")


@pytest.mark.parametrize("raw", [False, True], ids=["analyst", "raw"])
@pytest.mark.parametrize("statement", [
    "attach '{warehouse}' as w (read_only)",
    "attach '{home}/new.duckdb' as n",
    "attach ':memory:' as m",
    "install httpfs",
    "load httpfs",
    "load '{home}/x.duckdb_extension'",
    "set memory_limit = '100GB'",
    "set enable_external_access = true",
    "reset lock_configuration",
    "set temp_directory = '{home}/published'",
    "pragma memory_limit = '100GB'",
    "pragma enable_profiling",
    "call pragma_version()",
    "create secret s (type s3, key_id 'a', secret 'b')",
])
def test_attach_extensions_settings_and_pragmas_are_refused(published, raw, statement):
    refused(published, statement.format(warehouse=published.warehouse, home=published.home), raw=raw)


@pytest.mark.parametrize("statement", [
    "select count(*) from published.scores",
    "with a as (select 1 as x) select * from a",
    "from published.current_scores limit 3",
    "describe published.scores",
    "show tables",
    "summarize select 1 as x",
    "explain select * from published.scores",
    "explain analyze select count(*) from published.scores",
    "select * from published.scores where account_id in (select account_id from published.scores limit 1)",
])
def test_plain_queries_still_run(published, statement):
    proc = clout_sql(published, statement, "--format", "csv")
    assert proc.returncode == 0, proc.stderr


# ---- item 3: limits ---------------------------------------------------------------------------------------


def test_a_runaway_statement_stops_at_the_timeout(published):
    # the issue's `range(1e12)` is a binder error on DuckDB 2.0 (no range(DOUBLE)); the same trillion rows as BIGINT
    started = time.monotonic()
    proc = clout_sql(published, "select count(*) from range(1000000000000)", "--timeout", "2")
    assert proc.returncode == 1
    assert "statement timed out after 2 s; raise it with --timeout" in proc.stderr
    assert time.monotonic() - started < 30
    proc = clout_sql(published, "select count(*) from range(1000000000000)", env={"CLOUT_SQL_TIMEOUT": "1"})
    assert "statement timed out after 1 s" in proc.stderr


def test_memory_is_capped_with_a_clear_message(published):
    statement = "select len(list(range)) as n from range(30000000)"  # one list: cannot spill
    proc = clout_sql(published, statement, "--memory-limit", "64MB", "--format", "csv")
    assert proc.returncode == 1 and "ran out of memory (limit 64MB" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    proc = clout_sql(published, statement, env={"CLOUT_SQL_MEMORY_LIMIT": "64MB"})
    assert "ran out of memory (limit 64MB" in proc.stderr
    proc = clout_sql(published, "select current_setting('memory_limit') as m", "--format", "csv")
    assert proc.returncode == 0 and proc.stdout.splitlines()[1] != "", proc.stderr


@pytest.mark.parametrize("raw", [False, True], ids=["analyst", "raw"])
def test_a_big_sort_spills_outside_the_warehouse(published, raw, tmp_path):
    spill = tmp_path / "spill"
    before = folder_hashes(published.home)
    proc = clout_sql(published, "select current_setting('temp_directory') as t, count(*) as n from "
                                "(select range from range(3000000) order by range desc)",
                     "--memory-limit", "40MB", "--temp-dir", str(spill), "--format", "csv",
                     *(["--full-warehouse"] if raw else []), env=RAW if raw else None)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[1] == f"{spill.resolve()},3000000"
    assert folder_hashes(published.home) == before


def test_a_spill_folder_inside_the_snapshot_is_refused(published):
    proc = clout_sql(published, "select 1", "--temp-dir", str(published.snapshot_dir / "spill"))
    assert proc.returncode == 1 and "is inside" in proc.stderr and "--temp-dir" in proc.stderr


# ---- item 8: timestamps, and a copied warehouse --------------------------------------------------------------


def test_timestamptz_values_print(published):
    proc = clout_sql(published, "select now() as t, timestamptz '2012-07-04 12:00:00+00' as higgs", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert "2012-07-04 12:00:00+00:00" in proc.stdout


def test_a_copied_warehouse_reads_its_own_snapshot(published, tmp_path):
    """Copy A->B, B->C, remove B: with absolute paths C would still point at B (and fail)."""
    first = tmp_path / "b"
    shutil.copytree(published.home, first, symlinks=True)
    second = tmp_path / "c"
    shutil.copytree(first, second, symlinks=True)
    shutil.rmtree(first)
    moved = load_settings(second / "clout.duckdb")
    proc = clout_sql(moved, "select count(*) as n from published.scores", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.splitlines()[1]) > 0
    proc = clout_sql(moved, "select count(*) as n from published.current_scores", "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    # and it reads only its own folder: the original's partitions are outside it
    refused(moved, f"select * from read_parquet('{live_partition(published)}')")
