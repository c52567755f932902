"""The `clout` command as a user runs it, on real warehouse files: through its entry point in this process
(testkit.clout_here: same parsing, output and exit codes), and in a real process where the exit code and stderr
are the point."""

import gzip
import json
from pathlib import Path

import pytest
from testkit import clout as clout_process
from testkit import clout_here

from clout.core.warehouse import connect


def clout(settings, *args, check=True):
    return clout_here(*args, warehouse=settings, check=check)


@pytest.fixture
def night(nights_copy):
    """July 1 and 2 of the Higgs slice published (built once for the session, copied for this test)."""
    return nights_copy(2)


def test_sql_counts_published_scores(night):
    out = clout(night, "sql", "select count(*) as n from published.scores", "--format", "json").stdout
    assert json.loads(out)[0]["n"] > 0


def test_sql_csv_and_table_formats(night):
    csv_out = clout(night, "sql", "select 1 as a, 'x' as b", "--format", "csv").stdout
    assert csv_out.splitlines() == ["a,b", "1,x"]
    assert "published" in clout(night, "sql", "select 'published' as w").stdout


def test_sql_writes_parquet_without_a_warning(night, tmp_path):
    import pyarrow.parquet as pq

    out = tmp_path / "scores.parquet"
    proc = clout_process("sql", "select network, account_id, score from published.scores", "--format", "parquet",
                         "--out", out, warehouse=night)  # a real process: its stderr is what a user sees
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr  # DuckDB warned about an extra Arrow copy
    assert pq.read_table(out).num_rows > 0 and f"rows to {out}" in proc.stdout


def test_runs_json_lists_the_run(night):
    runs = json.loads(clout(night, "runs", "--json").stdout)  # newest first
    assert [r["logical_date"] for r in runs] == ["2012-07-02", "2012-07-01"] and runs[0]["status"] == "published"
    assert runs[0]["algorithm_version"] == "v1" and runs[0]["rows_scored"] > 0 and runs[0]["seconds"] > 0


def test_runs_says_which_of_a_dates_published_runs_is_live(night):
    clout(night, "run", "--date", "2012-07-02")  # the date again: a second published run replaces the first
    runs = [r for r in json.loads(clout(night, "runs", "--json").stdout) if r["logical_date"] == "2012-07-02"]
    assert [(r["status"], r["live"]) for r in runs] == [("published", True), ("published", False)]
    table = clout(night, "runs").stdout
    assert runs[0]["run_id"] in table and runs[1]["run_id"] in table  # whole ids, to paste into `clout review`
    status = {r["run_id"]: line.split()[3] for r in runs for line in table.splitlines() if r["run_id"] in line}
    assert status == {runs[0]["run_id"]: "live", runs[1]["run_id"]: "replaced"}  # not two "published" runs


def test_sql_is_read_only(night):
    proc = clout(night, "sql", "delete from meta.runs", check=False)
    assert proc.returncode == 1 and "read-only" in proc.stderr.lower()


def assert_one_line_error(proc, *needles):
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    line = " ".join(proc.stderr.split())
    for needle in needles:
        assert needle in line, line


def raw_files(settings):
    if not settings.warehouse.exists():
        return 0
    import duckdb

    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        return con.execute("select count(*) from raw.files").fetchall()[0][0]


def test_truncated_gzip_is_one_clear_line_and_lands_nothing(settings, higgs_slice, tmp_path):
    """In a real process: the installed `clout` exits 1 with one line on stderr, no traceback."""
    bad = tmp_path / "truncated.txt.gz"
    bad.write_bytes(higgs_slice.read_bytes()[:-200])
    proc = clout_process("land", bad, warehouse=settings)
    assert_one_line_error(proc, "truncated.txt.gz", "gzip")
    assert raw_files(settings) == 0


def test_garbled_gzip_is_refused(settings, higgs_slice, tmp_path):
    data = bytearray(higgs_slice.read_bytes())
    data[len(data) // 2: len(data) // 2 + 64] = b"\x00" * 64
    bad = tmp_path / "garbled.txt.gz"
    bad.write_bytes(bytes(data))
    assert_one_line_error(clout(settings, "land", str(bad), check=False), "garbled.txt.gz")
    assert raw_files(settings) == 0


def test_a_line_with_a_missing_field_names_file_and_line(settings, tmp_path):
    bad = tmp_path / "missing.txt.gz"
    bad.write_bytes(gzip.compress(b"1 2 1341100972 RT\n3 4 1341100973\n5 6 1341100974 MT\n"))
    assert_one_line_error(clout(settings, "land", str(bad), check=False), "missing.txt.gz", "line 2")
    assert raw_files(settings) == 0


def test_a_bad_date_is_one_clear_line(settings):
    assert_one_line_error(clout(settings, "run", "--date", "2012-13-01", check=False), "2012-13-01", "YYYY-MM-DD")


def test_landing_twice_adds_nothing(settings, higgs_slice):
    first = clout(settings, "land", str(higgs_slice)).stdout
    second = clout(settings, "land", str(higgs_slice)).stdout
    assert "already landed" in second and "already landed" not in first
    assert raw_files(settings) == 1


def test_sql_runs_an_adhoc_file_and_a_bad_option_is_one_line(night):
    adhoc = Path(__file__).parents[1] / "sql" / "adhoc" / "gate_history.sql"  # starts with a -- comment
    out = clout(night, "sql", "--file", str(adhoc), "--format", "json").stdout
    assert isinstance(json.loads(out), list)
    bad = clout(night, "sql", adhoc.read_text(encoding="utf-8"), check=False)  # "-- ..." reads as an option
    assert bad.returncode == 2 and "No such option" in bad.stderr and "Traceback" not in bad.stderr
    assert bad.stderr.startswith("error: ") and bad.stderr.strip().endswith("(`clout sql --help`)")
    assert len(bad.stderr.strip().splitlines()) == 1  # one line, like clout's own errors (exit 2: a usage error)


def test_the_demo_ends_with_each_nights_top_accounts_and_the_next_commands(week_until_july7, tmp_path, capsys):
    """`make demo`'s last part (after the week's seven nights, which the fixture has run): it once failed here
    with "Connection has already been closed" after its tables, so a newcomer's first command ended in an error."""
    from datetime import date

    from testkit import copy_warehouse

    from clout.cli.main import show_week

    settings = copy_warehouse(week_until_july7, tmp_path / "warehouse")
    show_week(settings, date(2012, 7, 1), 3, settings.warehouse)
    out = capsys.readouterr().out
    assert "Top 3 on 2012-07-01" in out and "Top 3 on 2012-07-07" in out
    explain = next(line for line in out.splitlines() if "clout explain" in line)
    assert "ACCOUNT" not in explain and "--date 2012-07-07" in explain


@pytest.mark.parametrize("fmt", ["csv", "json", "table", "parquet"])
def test_sql_out_that_cannot_be_written_is_one_line_and_writes_nothing(night, tmp_path, fmt):
    query = ("sql", "select 1 as a", "--format", fmt, "--out")
    tmp_path = tmp_path / "out"  # beside the warehouse's copy
    tmp_path.mkdir()
    missing = tmp_path / "nodir" / "x.out"
    assert_one_line_error(clout(night, *query, missing, check=False), str(missing), "does not exist", "mkdir -p")
    assert_one_line_error(clout(night, *query, tmp_path, check=False), str(tmp_path), "is a folder")
    a_file = tmp_path / "a_file"
    a_file.write_text("kept\n")
    assert_one_line_error(clout(night, *query, a_file / "x.out", check=False), str(a_file), "is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file"] and a_file.read_text() == "kept\n"
    written = tmp_path / "x.out"
    clout(night, *query, written)  # written whole, by a rename: no temporary file left beside it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a_file", "x.out"] and written.stat().st_size > 0


def test_sql_table_format_with_out_writes_the_table_to_the_file(night, tmp_path):
    out = tmp_path / "t.txt"
    proc = clout(night, "sql", "select 'in the file' as w", "--out", out)
    assert "in the file" in out.read_text() and "in the file" not in proc.stdout


def test_generate_and_score_features_out_that_cannot_be_written_is_one_line(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    for out, needle in ((a_file / "x", "is a file, not a folder"), (a_file, "is a file, not a folder")):
        proc = clout_here("generate", "--out", out, "--people", "20", "--days", "1")
        assert_one_line_error(proc, f"--out {out}", needle)
    missing = tmp_path / "nodir" / "scores.csv"
    proc = clout_here("score-features", tmp_path / "features.csv", "--out", missing)
    assert_one_line_error(proc, str(missing), "does not exist")


def test_explain_on_a_date_with_no_published_night_names_the_published_nights(night):
    proc = clout(night, "explain", "88", "--date", "2012-07-09", check=False)
    assert_one_line_error(proc, "no night is published on 2012-07-09", "from 2012-07-01 to 2012-07-02")
    assert "check the id" not in proc.stderr  # the account is not the problem
    proc = clout(night, "explain", "no-such-account", "--date", "2012-07-02", check=False)
    assert_one_line_error(proc, "account 'no-such-account' has no published score on any night", "check the id")


def test_explain_of_an_account_on_another_network_or_night_says_where_it_is_scored(night):
    proc = clout(night, "explain", "88", "--network", "mastodon", "--date", "2012-07-02", check=False)
    assert_one_line_error(proc, "account '88' has no score on mastodon on 2012-07-02", "`--network twitter`")
    with connect(night) as con:
        ((late,),) = con.execute("select account_id from published.scores group by account_id "
                                 "having min(logical_date) = '2012-07-02' order by account_id limit 1").fetchall()
    proc = clout(night, "explain", late, "--date", "2012-07-01", check=False)
    assert_one_line_error(proc, f"account '{late}' has no published score on 2012-07-01",
                          "scored on other nights (twitter: 2012-07-02 to 2012-07-02 (1 night))")


def test_engine_help_names_its_values_and_polars_means_the_default(night):
    help_text = " ".join(clout_here("run", "--help").stdout.split())
    assert "--engine duckdb|spark" in help_text  # the values, where a newcomer looks
    from clout.cli.common import EngineOpt

    assert "`polars` is accepted for it" in EngineOpt.help
    # --engine polars runs the default engine: this date has no data, so the run stops at its stage step
    proc = clout(night, "run", "--date", "2012-07-09", "--engine", "polars", check=False)
    assert_one_line_error(proc, "no deliveries for 2012-07-09", "clout land PATH")
    assert "not an engine" not in proc.stderr
    assert str(night.landing_dir) not in proc.stderr  # no landing folder here: the error does not send you to one
    night.landing_dir.mkdir()
    proc = clout(night, "run", "--date", "2012-07-09", check=False)
    assert f"put them in {night.landing_dir} for the clout_landing DAG" in " ".join(proc.stderr.split())


def test_sql_errors_say_an_attach_and_how_to_list_the_views(night):
    assert_one_line_error(clout(night, "sql", "attach 'x.duckdb' as x", check=False), "an ATTACH statement")
    proc = clout(night, "sql", "select * from scorez", check=False)
    assert_one_line_error(proc, "scorez does not exist", "`show tables` lists the views you can query")
    proc = clout(night, "sql", "select * from nope", check=False)  # DuckDB's nearest name was a system view
    assert "nope does not exist" in proc.stderr and "pg_" not in proc.stderr and "duckdb_" not in proc.stderr
    assert "published.scores" in clout(night, "sql", "show tables").stdout  # the hint works in the sandbox


def test_the_lock_error_names_the_holder(night):
    import os

    import duckdb

    holder = duckdb.connect(str(night.warehouse))  # this process holds DuckDB's lock; `clout` runs in another
    try:
        proc = clout_process("land", Path(__file__), warehouse=night)
    finally:
        holder.close()
    assert_one_line_error(proc, "is writing the warehouse", f"(pid {os.getpid()}: ", "pytest", "running since")


def test_version():
    proc = clout_here("--version")
    assert proc.returncode == 0 and proc.stdout.startswith("clout ") and proc.stdout.split()[1][0].isdigit()


def _command_paths(group, path=()):
    for name, command in group.commands.items():
        yield (*path, name)
        if hasattr(command, "commands"):
            yield from _command_paths(command, (*path, name))


def test_every_commands_help_shows_its_flags_without_a_type():
    """`--help` (and `--json`, `--all`...) take no value: the help must not show one (`--help <bool>`), for the app and
    every command and subcommand; the app's help is for its users, not about its imports."""
    import typer.main

    from clout.cli.main import _register_command_modules, app

    _register_command_modules()
    paths = [(), *_command_paths(typer.main.get_command(app))]
    assert ("backfill", "promote") in paths
    for path in paths:
        proc = clout_here(*path, "--help")
        assert proc.returncode == 0 and "--help" in proc.stdout, (path, proc.stderr)
        assert "<bool>" not in proc.stdout, path
    assert "imported" not in clout_here("--help").stdout


def test_python_dash_m_clout_is_the_clout_command():
    """`python -m clout` where the `clout` script is not on the PATH (a runbook helper found it missing)."""
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-m", "clout", "sql", "--help"], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and "Usage: python -m clout sql" in proc.stdout, proc.stderr
