"""Issue 16, the first hour with clout: what a newcomer types, at 80 / 100 / 120 columns, on a real warehouse.

Terminal widths are real: commands run under a pseudo-terminal (`script`, `stty cols N`), since rich sizes its
tables by the terminal and ignores COLUMNS without one.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import built_once, clout_here, higgs_lines
from testkit import copy_warehouse as copy

from clout import pipeline
from clout.consent.access import open_snapshot
from clout.core.settings import load_settings
from clout.core.warehouse import connect
from clout.publish.publish import approve_run

PROJECT_ROOT = Path(__file__).resolve().parents[1]  # the checkout (README.md, sql/adhoc/)

CLOUT = str(Path(sys.executable).with_name("clout"))
JULY = [f"2012-07-0{d}" for d in range(1, 8)]
ANSI = re.compile(r"\x1b\[[0-9;?]*[a-zA-Z]")


def tty(settings, command: str, cols: int) -> str:
    """`clout COMMAND` in a pseudo-terminal `cols` wide; its screen text without colours."""
    where = shlex.quote(str(settings.warehouse))
    line = f"stty cols {cols} rows 200; {shlex.quote(CLOUT)} {command} --warehouse {where}"
    proc = subprocess.run(["script", "-qec", line, "/dev/null"], capture_output=True, text=True, timeout=300,
                          env=os.environ | {"TERM": "xterm"})
    return ANSI.sub("", proc.stdout).replace("\r", "")


def clout(settings, *args, stdin: str | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    """`clout ARGS --warehouse W` through its entry point in this process (testkit.clout_here); the widths above
    and the waiting writer below need real processes."""
    return clout_here(*args, "--warehouse", settings.warehouse, input=stdin, env=env)


@pytest.fixture(scope="session")
def built_shared(tmp_path_factory) -> Path:
    """Every 20th interaction of the real Higgs July 1..5, July 1..4 published with v1 (built once for all
    workers: testkit.built_once)."""
    def build(folder: Path) -> None:
        settings = load_settings(folder / "warehouse" / "clout.duckdb")
        sample = folder / "higgs.txt.gz"
        sample.write_bytes(gzip.compress(b"".join(higgs_lines({1, 2, 3, 4, 5}, every=20))))
        pipeline.land_files(settings, [sample])
        for day in JULY[:4]:
            pipeline.run_night(settings, _d(day), "v1")

    return built_once(tmp_path_factory, "first-hour", build) / "warehouse"


@pytest.fixture(scope="module")
def built(built_shared, tmp_path_factory) -> Path:
    """This worker's copy of `built_shared`, for the tests that only read it."""
    return copy(built_shared, tmp_path_factory.mktemp("first-hour") / "warehouse").home


def _d(text: str):
    from datetime import date

    return date.fromisoformat(text)


@pytest.fixture
def week(built_shared, tmp_path):
    return copy(built_shared, tmp_path / "warehouse")


# 1. readable output at any width -------------------------------------------------------------------------------


@pytest.mark.parametrize("cols", [80, 100, 120])
def test_runs_sql_and_review_read_at_any_width(built, cols):
    settings = load_settings(built / "clout.duckdb")
    runs = tty(settings, "runs", cols)
    ids = [r["run_id"] for r in json.loads(clout(settings, "runs", "--json").stdout)]
    assert all(i in runs for i in ids)  # run ids whole: they are what review / approve take
    for column in ("run_id", "logical_date", "algorithm", "status", "outcome"):  # compact: `algorithm`
        assert column in runs
    wide = tty(settings, 'sql "select * from published.current_scores order by score desc limit 10"', cols)
    review = tty(settings, f"review {ids[0]}", cols)
    for screen in (runs, wide, review):
        assert "…" not in screen  # no value squeezed, let alone to nothing
        rules = [line for line in screen.splitlines() if "──" in line]  # a table's rule: as wide as the table
        assert all(len(line.rstrip()) <= cols for line in rules)
    assert "RECORD 10" in wide and "change_explained" in wide and "10 rows" in wide
    picked = tty(settings, 'sql "select * from published.current_scores limit 3" --columns account_id,score', cols)
    assert "account_id" in picked and "RECORD" not in picked and "raw_score" not in picked


def test_an_empty_wide_result_says_0_rows_and_names_its_columns(built):
    settings = load_settings(built / "clout.duckdb")
    for cols in (80, 120):  # a table's header folded each of the 36 names one letter per line
        screen = tty(settings, 'sql "select * from published.scores where false"', cols)
        lines = [line for line in screen.splitlines() if line.strip()]
        assert "0 rows" in screen and "change_explained" in screen and "raw_discount" in screen, screen
        assert len(lines) <= 10 and all(len(line.rstrip()) <= cols for line in lines), screen


def test_runs_stays_a_table_at_80_columns_with_long_statuses(week):
    """A rolled-back run and an Airflow task's run in progress: `clout runs` at 80 columns is still a table."""
    from clout.progress import clear_marker, mark_step

    assert clout(week, "rollback", "--reason", "first hour").returncode == 0
    ids = [r["run_id"] for r in json.loads(clout(week, "runs", "--json").stdout)]
    mark_step(week, "20120705-abcdef0123", "aggregate", os.getpid(), _d(JULY[4]), "v1")  # a live process: running
    try:
        screen = tty(week, "runs", 80)
    finally:
        clear_marker(week, "20120705-abcdef0123")
    assert "RECORD" not in screen and "rolled back" in screen and "running:" in screen, screen
    assert all(i in screen for i in [*ids, "20120705-abcdef0123"])
    assert all(len(line.rstrip()) <= 80 for line in screen.splitlines())


# 2. rollback undoes the last publish action; the gate notices a mixed-algorithm history ------------------------


def test_rollback_undoes_the_last_publish_action_and_the_gate_notices_a_mixed_history(week):
    with connect(week) as con:
        before = dict(con.execute("select logical_date::varchar, run_id from published.nights").fetchall())
    v2 = pipeline.begin_run(week, _d(JULY[3]), "v2")  # July 4 again with v2, at the end of a v1 history
    try:
        for _, step in pipeline.STEPS:
            step(week, v2)
    except Exception as e:  # noqa: BLE001 - a hold raises; it is approved below
        assert "HELD" in str(e)
        with connect(week) as con:
            approve_run(con, week, v2, "v2 tried on one night")
    with connect(week) as con:
        live = dict(con.execute("select logical_date::varchar, run_id from published.nights").fetchall())
    assert live[JULY[3]] == v2

    # the next v2 night's baseline is that v2 night: the gate measures it against v1 and says the history is mixed
    july5 = pipeline.begin_run(week, _d(JULY[4]), "v2")
    try:
        for _, step in pipeline.STEPS:
            step(week, july5)
    except Exception as e:  # noqa: BLE001 - held or not, the finding is recorded
        assert "HELD" in str(e)
    with connect(week) as con:
        shadow, findings = con.execute("select shadow_run_id, findings from meta.gate_outcomes where run_id = ?",
                                       [july5]).fetchall()[0]
    texts = [f["text"] for f in json.loads(findings)]
    assert shadow is not None, "a v2 night after a v2 exception is compared with v1 on the same data"
    assert any(t.startswith("mixed-algorithm history") and "v1" in t for t in texts), texts

    # rollback of a named date undoes that date's last publish action, and says which
    proc = clout(week, "rollback", "--date", JULY[3], "--reason", "v2 not ready")
    assert proc.returncode == 0, proc.stderr
    assert "undid the" in proc.stdout and v2 in proc.stdout and before[JULY[3]] in proc.stdout
    with connect(week) as con:
        now = dict(con.execute("select logical_date::varchar, run_id from published.nights").fetchall())
    assert now[JULY[3]] == before[JULY[3]] and now[JULY[2]] == before[JULY[2]]  # the v1 night is back
    assert clout(week, "rollback", "--run", "no-such-run").returncode == 1


def test_rollback_without_options_undoes_the_newest_action_not_the_newest_date(week):
    rerun = pipeline.run_night(week, _d(JULY[1]), "v1")  # July 2 run again: the last publish action
    proc = clout(week, "rollback")
    assert proc.returncode == 0 and rerun.run_id in proc.stdout and JULY[1] in proc.stdout
    with connect(week) as con:
        live = dict(con.execute("select logical_date::varchar, run_id from published.nights").fetchall())
    assert sorted(live) == JULY[:4] and live[JULY[1]] != rerun.run_id


# 3. a night with no deliveries -----------------------------------------------------------------------------------


def test_a_night_with_no_deliveries_is_refused_and_says_so(week):
    proc = clout(week, "run", "--date", "2012-07-10")
    assert proc.returncode == 1
    assert "no deliveries for 2012-07-10" in proc.stderr and "2012-07-01 to 2012-07-05" in proc.stderr
    with connect(week) as con:
        nights = con.execute("select max(logical_date)::varchar from published.nights").fetchall()[0][0]
        status = con.execute("select status from meta.runs where logical_date = '2012-07-10'").fetchall()
    assert nights == JULY[3] and status == [("failed",)]
    assert "failed" in clout(week, "runs", "--columns", "logical_date,status").stdout  # readers see it


# 4. every example returns rows -------------------------------------------------------------------------------


def readme_queries() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r'^clout sql "([^"]+)"', text, flags=re.MULTILINE)


def test_every_example_query_returns_rows_and_an_empty_result_says_so(built):
    settings = load_settings(built / "clout.duckdb")
    queries = readme_queries()
    assert len(queries) >= 2
    for q in queries:
        rows = json.loads(clout(settings, "sql", q, "--format", "json").stdout)
        assert rows, q
    for path in sorted((PROJECT_ROOT / "sql" / "adhoc").glob("*.sql")):
        proc = clout(settings, "sql", "--file", str(path), "--format", "json")
        assert proc.returncode == 0 and json.loads(proc.stdout), path.name
    empty = clout(settings, "sql", "select * from published.scores where false")
    assert "0 rows" in empty.stdout


def test_a_big_result_on_the_screen_stops_at_max_rows_and_a_file_gets_every_row(built, tmp_path):
    """Millions of rows drawn as a table were held whole and printed nothing for minutes (15 GB at 10M rows): the
    screen shows --max-rows and says how to get the rest; --out gets them all, in the format of its extension."""
    import pyarrow.parquet as pq

    settings = load_settings(built / "clout.duckdb")
    big = "select s.account_id, r.range as copy from published.scores s, range(3) r"
    total = json.loads(clout(settings, "sql", f"select count(*) as n from ({big})", "--format", "json").stdout)[0]["n"]
    assert total > 1000
    shown = clout_here("sql", big, "--max-rows", "5", "--view", "records", warehouse=settings)
    assert shown.returncode == 0 and shown.stdout.count("account_id") == 5, shown.stdout
    assert "the first 5 rows; there are more" in shown.stdout
    default = clout_here("sql", big, "--view", "records", warehouse=settings)
    assert default.stdout.count("account_id") == 1000 and "the first 1,000 rows" in default.stdout
    for name in ("all.parquet", "all.csv"):
        proc = clout_here("sql", big, "--out", tmp_path / name, warehouse=settings)
        assert proc.returncode == 0 and f"wrote {total:,} rows" in proc.stdout, proc.stdout + proc.stderr
    assert pq.read_table(tmp_path / "all.parquet").num_rows == total  # Parquet, not a text table named .parquet
    assert (tmp_path / "all.csv").read_text().count("\n") == total + 1


def test_a_mistyped_name_keeps_duckdbs_suggestion(built):
    settings = load_settings(built / "clout.duckdb")
    view = clout_here("sql", "select * from published.current_score", warehouse=settings)
    assert view.returncode == 1 and 'Did you mean "current_scores"?' in view.stderr
    column = clout_here("sql", "select acount_id from published.current_scores", warehouse=settings)
    assert column.returncode == 1 and 'Candidate bindings: "account_id"' in column.stderr
    assert len(column.stderr.strip().splitlines()) == 1 and "LINE 1" not in column.stderr


def test_a_query_file_that_cannot_be_read_is_one_line_naming_it(built, tmp_path):
    settings = load_settings(built / "clout.duckdb")
    latin1 = tmp_path / "latin1.sql"
    latin1.write_bytes("select 'café' as name".encode("latin-1"))
    for path, says in ((tmp_path / "nope.sql", "no such file"), (latin1, "not UTF-8 text (byte 11)"),
                       (tmp_path, "cannot read it")):
        proc = clout_here("sql", "--file", path, warehouse=settings)
        assert proc.returncode == 1 and proc.stderr.startswith(f"error: {path}: {says}"), proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1 and "Errno" not in proc.stderr, proc.stderr


# 5. generated data and contract findings for a person -----------------------------------------------------------


def test_contract_findings_are_worded_for_a_person():
    import duckdb
    import polars as pl

    from clout.audit.checks import Check, Reference, _against_last_night
    from clout.audit.gate import load_gate_config
    from clout.audit.profile import judge, night_rules, profile

    frame = pl.DataFrame({"network": ["twitter"] * 3, "score": [1, 1, 2]})
    ref = Reference(rows=1000, networks=("mastodon", "twitter"), share_at_min=0.1, stdev=13.366828705303503)
    cfg = load_gate_config()["checks"]
    con = duckdb.connect()
    con.register("night", frame.to_arrow())
    rules = night_rules(ref, cfg)
    checks = [Check(rule.check, rule.column, passed, "hold", detail)
              for rule, passed, detail in judge(profile(con, "select * from night", rules), None, None, rules, "t")
              if not passed]
    checks = [_against_last_night(c, ref, cfg) for c in checks]
    lines = [c.line() for c in checks]
    assert len(lines) >= 3
    for line in lines:
        assert "{" not in line and "np.float64" not in line and "expect_" not in line, line
    assert any("3 rows; at least 700 expected" in line for line in lines)


def test_generate_says_how_to_try_the_data_in_its_own_warehouse(tmp_path):
    out = tmp_path / "gen"
    proc = subprocess.run([CLOUT, "generate", "--out", str(out), "--people", "50", "--days", "2"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert f"clout land {out} --warehouse {tmp_path / 'gen-warehouse' / 'clout.duckdb'}" in proc.stdout
    assert "clout run --date 2024-01-01 --warehouse" in proc.stdout


# 6. the run report ---------------------------------------------------------------------------------------------


def test_reports_are_small_share_one_script_and_are_pruned(built, tmp_path):
    from clout.audit.report import plotly_script_name, prune_reports

    settings = copy(built, tmp_path / "warehouse")
    reports = sorted(settings.reports_dir.glob("2012*.html"))
    assert reports and all(p.stat().st_size < 300_000 for p in reports)  # was 4.9 MB each, plotly inlined
    assert (settings.reports_dir / plotly_script_name()).exists()
    assert f'src="{plotly_script_name()}"' in reports[0].read_text(encoding="utf-8")
    held = settings.reports_dir / "20120709-0123456789.html"
    old = settings.reports_dir / "20120708-0123456789.html"
    for p in (old, held):
        p.write_text("<html></html>", encoding="utf-8")
    with connect(settings) as con:
        con.execute("insert into meta.runs (run_id, logical_date, algorithm_version, fingerprint, started_at, "
                    "status) values ('20120709-0123456789', '2012-07-09', 'v1', 'x', now(), 'held')")
        gone = prune_reports(con, settings.reports_dir, keep=0)
    assert old in gone and held.exists()  # a held run's report stays for its review; live runs' too
    assert all(p.exists() for p in reports)


def test_an_algorithm_change_report_names_the_accounts_the_algorithm_moved(week):
    run_id = pipeline.begin_run(week, _d(JULY[4]), "v2")
    try:
        for _, step in pipeline.STEPS:
            step(week, run_id)
    except Exception as e:  # noqa: BLE001
        assert "HELD" in str(e)
    html = (week.reports_dir / f"{run_id}.html").read_text(encoding="utf-8")
    assert "id='algorithm-movers'" in html and "old algorithm" in html and "why (points by part" in html
    assert "yaxis_type" not in html and '"type":"log"' not in html.replace(" ", "")  # no log-scale histograms


# 7. progress and runs in progress --------------------------------------------------------------------------------


def test_progress_lines_in_a_pipe_and_a_run_in_progress(week):
    proc = clout(week, "run", "--date", JULY[4])
    steps = [line for line in proc.stdout.splitlines()
             if re.match(r"\d\d:\d\d:\d\d 2012-07-05: ", line) and " still running " not in line]  # not heartbeats
    assert [s.split(": ")[1].split(" ")[0] for s in steps] == ["stage", "aggregate", "score", "audit", "publish"]
    from clout.progress import RunMarker

    marker = RunMarker(week, "20120706-abcdef0123", _d("2012-07-06"), "v1")
    marker.step("score")
    try:
        runs = clout(week, "runs").stdout
        assert "20120706-abcdef0123" in runs and "running: score" in runs
    finally:
        marker.clear()


OPTOUT_PHASES = ["opening the warehouse", "finding the accounts", "scrubbing files outside the snapshot",
                 "erasing from the tables", "rewriting the published files and reports",
                 "compacting the warehouse file"]


def test_optout_prints_each_phase_as_it_starts_off_a_terminal(week):
    def phases(out: str) -> list[str]:
        return [line.split(": ", 1)[1].split(" (")[0] for line in out.splitlines()
                if re.match(r"\d\d:\d\d:\d\d opt-out: ", line) and " still running " not in line]

    # stdout a pipe, the process killed after its tables (CLOUT_FAULT): its lines so far reached the pipe, flushed
    killed = subprocess.run([CLOUT, "optout", "88", "--network", "twitter", "--source", "ticket 1", "--warehouse",
                             str(week.warehouse)], capture_output=True, text=True, timeout=300,
                            env=os.environ | {"CLOUT_FAULT": "erase:after_tables"})
    assert killed.returncode == -9 and phases(killed.stdout) == OPTOUT_PHASES[:4], killed.stdout + killed.stderr
    done = clout(week, "optout", "1988", "--network", "twitter", "--source", "ticket 2")  # finishes the first too
    assert done.returncode == 0, done.stderr
    assert phases(done.stdout) == OPTOUT_PHASES
    lines = done.stdout.splitlines()
    summary = next(i for i, line in enumerate(lines) if line.startswith("opt-out "))
    assert all("opt-out: " not in line for line in lines[summary:])  # every phase's line before the summary


def test_a_heartbeat_never_follows_a_step_line_at_0_s(monkeypatch, capsys):
    import io
    import time

    from rich.console import Console

    from clout import progress

    monkeypatch.setattr(progress, "HEARTBEAT_S", 0.6)
    with progress.steps(Console(file=io.StringIO()), "2012-07-05") as on_step:  # not a terminal: lines
        on_step("score")
        time.sleep(0.5)
        on_step("audit")  # a heartbeat every 0.6 s said "still audit (0 s)" here
        time.sleep(0.3)
        on_step("publish")
        time.sleep(2.0)  # room for a late heartbeat thread on a busy machine
    out = capsys.readouterr().out
    assert "(0 s" not in out and re.search(r"2012-07-05: publish still running \([12] s so far\)", out), out


def test_the_readme_commands_find_the_demos_warehouse(monkeypatch, tmp_path):
    """`make demo` writes the checkout's warehouse/; `clout runs` typed in the checkout afterwards reads it."""
    monkeypatch.delenv("CLOUT_WAREHOUSE", raising=False)
    demo = re.search(r"^demo:.*\n\t(.*)$", (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8"), re.M).group(1)
    made = Path(demo.split("CLOUT_WAREHOUSE=")[1].split()[0].replace("$(CURDIR)", str(PROJECT_ROOT))).resolve()
    for here in (PROJECT_ROOT, PROJECT_ROOT / "sql" / "adhoc"):
        monkeypatch.chdir(here)
        assert load_settings().warehouse == made
    monkeypatch.chdir(tmp_path)  # elsewhere: the user's data folder, as an installed clout
    assert PROJECT_ROOT.resolve() not in load_settings().warehouse.parents


def test_outside_the_checkout_a_missing_warehouse_names_the_checkouts(monkeypatch, tmp_path):
    """`clout runs` typed outside the checkout after `make demo`: the error says where the demo's warehouse is."""
    from clout.core import settings as settings_module
    from clout.core.errors import CloutError

    checkout = tmp_path / "checkout"
    (checkout / "warehouse").mkdir(parents=True)
    (checkout / "warehouse" / "clout.duckdb").write_bytes(b"")
    monkeypatch.setattr(settings_module, "source_checkout", lambda: checkout)
    monkeypatch.delenv("CLOUT_WAREHOUSE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.chdir(tmp_path)  # outside the checkout: the user's data folder, where nothing was made
    for read in (lambda s: connect(s, read_only=True), open_snapshot):
        with pytest.raises(CloutError, match=f"CLOUT_WAREHOUSE={checkout / 'warehouse' / 'clout.duckdb'}"):
            read(load_settings())
    monkeypatch.chdir(checkout)  # inside it, the default is the checkout's: no hint about itself
    assert settings_module.elsewhere_hint(load_settings().warehouse) == ""


def test_a_second_writer_waits_for_the_lock(week):
    import duckdb

    holder = duckdb.connect(str(week.warehouse))  # another process's lock: DuckDB locks per process
    try:
        proc = subprocess.Popen([CLOUT, "land", str(PROJECT_ROOT / "README.md"), "--wait", "30", "--warehouse",
                                 str(week.warehouse)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        said = ""  # what it says before the lock is let go (not a fixed sleep: a busy machine starts it late)
        while "waiting for the warehouse" not in said and (line := proc.stderr.readline()):
            said += line
        assert "waiting for the warehouse" in said and proc.poll() is None  # it waits, it has not given up
    finally:
        holder.close()
    out, err = proc.communicate(timeout=120)
    assert "is writing the warehouse" not in err  # once the lock is free it goes on: no "is writing" error


# 8. the SQL prompt ---------------------------------------------------------------------------------------------


def test_the_sql_prompt_commands_and_hints(built):
    settings = load_settings(built / "clout.duckdb")
    out = clout(settings, "sql", stdin="help\n.tables\n\\d published.nights\nexit\nselect 'swallowed';\n").stdout
    assert "exit  quit" in out and "published.current_scores" in out and "published_at" in out
    assert "swallowed" not in out  # exit left; the next line was never part of a statement
    out = clout(settings, "sql", stdin="select 41 + 1 as answer\n;\nquit;\n").stdout
    assert "42" in out and "error" not in out
    shown = clout(settings, "sql", "show tables").stdout
    assert "published.scores" in shown and "published.current_scores" in shown
    raw = clout(settings, "sql", "select * from raw.files")
    assert raw.returncode == 1 and "--full-warehouse" in raw.stderr
    csv = clout(settings, "sql", "select 1 as a union all select 2", "--format", "csv").stdout
    assert csv == "a\n1\n2\n"
    # the prompt's commands as the statement; --columns for every format, not only the table
    tables = clout(settings, "sql", ".tables")
    assert tables.returncode == 0 and "published.current_scores" in tables.stdout, tables.stderr
    assert clout(settings, "sql", "select 1 as a, 2 as b", "--format", "csv", "--columns", "b").stdout == "b\n2\n"


def test_a_piped_script_runs_its_last_statement_and_fails_when_a_statement_failed(built):
    """`printf 'select 42 as answer\\n' | clout sql` printed nothing and exited 0; a failed statement exited 0 too."""
    settings = load_settings(built / "clout.duckdb")
    last = clout(settings, "sql", stdin="select 41 + 1 as answer\n")
    assert last.returncode == 0 and "42" in last.stdout, last.stdout + last.stderr
    lines = "select 1 as first;\nselect nope from published.scores;\nselect 3 as third;\n"
    script = clout(settings, "sql", stdin=lines)
    assert script.returncode == 1 and "third" in script.stdout  # every statement ran; the exit code says one failed
    assert script.stderr.strip() == "error: 1 statement failed (above)"


# 9. a plain temporal edge list ------------------------------------------------------------------------------------


def test_a_snap_edge_list_lands(tmp_path):
    settings = load_settings(tmp_path / "w" / "clout.duckdb")
    header = tmp_path / "edges.txt"
    header.write_text("src dst time\n1 2 1341100800\n2 3 1341104400\n3 1 1341108000\n", encoding="utf-8")
    bare = tmp_path / "bare.txt"
    bare.write_text("4 5 1341100800\n5 6 1341104400\n", encoding="utf-8")
    as_csv = tmp_path / "edges.csv"
    as_csv.write_text("src,dst,time\n7,8,1341100800\n", encoding="utf-8")
    for path in (header, bare, as_csv):
        refused = clout(settings, "land", str(path))
        assert refused.returncode == 1 and "--kind" in refused.stderr, refused.stderr
    assert clout(settings, "land", str(header), "--kind", "mention").returncode == 0
    assert clout(settings, "land", str(bare), "--kind", "reply").returncode == 0
    assert clout(settings, "land", str(as_csv), "--kind", "MT").returncode == 0
    with connect(settings) as con:
        rows = con.execute("select actor_id, target_id, kind from raw.generic_interactions order by 1").fetchall()
    assert rows == [("1", "2", "mention"), ("2", "3", "mention"), ("3", "1", "mention"), ("4", "5", "reply"),
                    ("5", "6", "reply"), ("7", "8", "mention")]
    junk = tmp_path / "junk.txt"
    junk.write_text("a b\nc d\n", encoding="utf-8")
    assert "--map actor=COLUMN" in clout(settings, "land", str(junk)).stderr


def test_an_edge_list_of_counts_is_named_for_what_it_is_not_asked_for_a_kind(tmp_path):
    """SNAP ships the Higgs data as interactions with times (higgs-activity_time.txt) and as edge lists of counts
    (higgs-mention_network.edgelist: `actor target count`). The counts are no times: asking for --kind would land
    every row as 1970 and quarantine it; the error says what the file is and what clout needs instead."""
    settings = load_settings(tmp_path / "w" / "clout.duckdb")
    counts = tmp_path / "higgs-mention_network.edgelist"
    counts.write_text("316609 5011 1\n439696 12389 1\n60059 6929 3\n", encoding="utf-8")
    refused = clout(settings, "land", str(counts))
    assert refused.returncode == 1 and "--kind" not in refused.stderr, refused.stderr
    assert "an edge list of counts (how often one account engaged another)" in " ".join(refused.stderr.split())
