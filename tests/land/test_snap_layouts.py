"""Real SNAP edge-list layouts: `#` comment lines at the top, headerless CSV / TSV, fractional unix seconds.

Each layout lands alike through DuckDB's reader (a clean file) and the careful Polars path (forced, or taken because
one line is bad), with its records numbered by their real lines."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path

import pytest
from landkit import FIXTURES, counts, land, reconciles, sql

from clout.core.errors import CloutError
from clout.core.settings import load_settings
from clout.land import land as land_stage
from clout.land.formats import generic
from clout.land.formats.generic import ColumnMap

COLLEGE = (FIXTURES / "snap" / "CollegeMsg.txt").read_text()  # 3 comment lines, then `src dst unix_ts`
BITCOIN = (FIXTURES / "snap" / "soc-sign-bitcoinotc.csv").read_text()  # SOURCE,TARGET,RATING,TIME, no header
COMMENTS = "".join(line + "\n" for line in COLLEGE.splitlines()[:3])
COLLEGE_ROWS = COLLEGE.splitlines()[3:]
BITCOIN_ROWS = BITCOIN.splitlines()
COLLEGE_OPTIONS = {"network": "collegemsg", "kind": "mention"}  # 2004: before Twitter, so a network of its own
BY_POSITION = {"mapping": ColumnMap.parse("actor=1,target=2,time=4"), "kind": "like"}


def _lines(rows: list[str]) -> str:
    return "".join(row + "\n" for row in rows)


# name, text, options, comment lines, number of the first record's line
LAYOUTS = [
    ("CollegeMsg.txt", COLLEGE, COLLEGE_OPTIONS, 3, 4),
    ("CollegeMsg.txt.gz", COLLEGE, COLLEGE_OPTIONS, 3, 4),
    ("crlf.txt", COLLEGE.replace("\n", "\r\n"), COLLEGE_OPTIONS, 3, 4),
    ("tabs.tsv", COMMENTS + _lines(r.replace(" ", "\t") for r in COLLEGE_ROWS), COLLEGE_OPTIONS, 3, 4),
    ("long-comment.txt", "# " + "x" * 200_000 + "\n" + COLLEGE, COLLEGE_OPTIONS, 4, 5),
    ("comments-then-header.csv", "# exported 2024-01-01\n# by a crawler\nsrc,dst,time\n"
     + _lines(r.replace(" ", ",") for r in COLLEGE_ROWS), COLLEGE_OPTIONS, 2, 4),
    ("higgs-commented.txt", "# SNAP Higgs, a comment a tool added\n"
     + _lines(f"{r} RT" for r in COLLEGE_ROWS), {"network": "collegemsg"}, 1, 2),
    ("soc-sign-bitcoinotc.csv", BITCOIN, BY_POSITION, 0, 1),
    ("bitcoin-commented.csv.gz", "# SOURCE,TARGET,RATING,TIME\r\n" + BITCOIN.replace("\n", "\r\n"), BY_POSITION, 1, 2),
    ("bitcoin-no-rating.csv", _lines(",".join(r.split(",")[:2] + r.split(",")[3:]) for r in BITCOIN_ROWS),
     {"kind": "like"}, 0, 1),
]


def _write(path: Path, text: str) -> Path:
    path.write_bytes(gzip.compress(text.encode()) if path.name.endswith(".gz") else text.encode())
    return path


def _rows(settings) -> list[tuple]:
    return sql(settings, "select * exclude (file_id) from raw.generic_interactions order by record_no")


def _quarantine(settings) -> list[tuple]:
    return sql(settings, "select location, reason from raw.quarantine order by record_no")


@pytest.mark.parametrize("bad", [False, True], ids=["clean", "one-bad-line"])
@pytest.mark.parametrize("name, text, options, comments, first", LAYOUTS, ids=[x[0] for x in LAYOUTS])
def test_a_snap_layout_lands_alike_through_duckdb_and_the_careful_path(
        settings, tmp_path, monkeypatch, name, text, options, comments, first, bad):
    eol = "\r\n" if "\r\n" in text else "\n"
    f = _write(tmp_path / name, text + ("oops" + eol if bad else ""))
    careful = load_settings(tmp_path / "careful" / "clout.duckdb")
    with monkeypatch.context() as m:
        m.setattr(generic, "fast_readable", lambda layout: False)
        (slow,) = land(careful, f, quarantine_limit=0.5, **options)
    with monkeypatch.context() as m:
        if not bad:  # a clean file must not need the careful path
            m.setattr(land_stage, "_generic_careful", lambda *a: pytest.fail("the fast path declined a clean file"))
        (fast,) = land(settings, f, quarantine_limit=0.5, **options)
    data = len(text.splitlines()) - first + 1
    assert _rows(settings) == _rows(careful) and len(_rows(settings)) == data
    assert [r[0] for r in _rows(settings)] == list(range(first, first + data))  # numbered by their real lines
    assert _quarantine(settings) == _quarantine(careful)
    assert [(where, reason.split(" ")[0]) for where, reason in _quarantine(settings)] == (
        [(f"line {first + data}", "expected")] if bad else [])
    for r in (fast, slow):
        assert (r.records, r.staged, r.quarantined, r.comments) == (data + bad, data, bad, comments) and reconciles(r)
    said = f"({comments} comment line{'s' * (comments != 1)} skipped)"
    assert (said in fast.line()) == bool(comments)


@pytest.mark.parametrize("name", ["CollegeMsg.txt", "comments-then-header.csv"])
def test_comments_over_many_careful_blocks_keep_every_line_number(settings, tmp_path, monkeypatch, name):
    # 64-byte blocks: the comments end, and the header sits, in blocks of their own or across a block's end
    monkeypatch.setattr(generic, "BLOCK_BYTES", 64)
    _, text, options, comments, first = next(x for x in LAYOUTS if x[0] == name)
    text = "".join(f"# comment {i}\n" for i in range(20)) + text
    f = _write(tmp_path / name, text + "oops\n")
    (r,) = land(settings, f, quarantine_limit=0.5, **options)
    data = len(text.splitlines()) - first - 20 + 1
    assert (r.records, r.staged, r.quarantined, r.comments) == (data + 1, data, 1, comments + 20)
    numbers = [n for n, in sql(settings, "select record_no from raw.generic_interactions order by 1")]
    assert numbers == list(range(first + 20, first + 20 + data))
    assert [where for where, _ in _quarantine(settings)] == [f"line {first + 20 + data}"]


def test_the_first_records_of_real_layouts_are_the_rows_they_hold(settings, tmp_path):
    (college,) = land(settings, FIXTURES / "snap" / "CollegeMsg.txt", **COLLEGE_OPTIONS)
    (bitcoin,) = land(settings, FIXTURES / "snap" / "soc-sign-bitcoinotc.csv", **BY_POSITION)
    assert college.line().endswith("8 records read = 8 staged + 0 duplicates + 0 quarantined (3 comment lines skipped)")
    assert sql(settings, "select network, record_no, actor_id, target_id, occurred_at, kind "
                         "from raw.generic_interactions order by file_id, record_no limit 1") == [
        ("collegemsg", 4, "1", "2", datetime(2004, 4, 15, 14, 56, 1), "mention")]
    # 1289241911.72836 lands as its second, cut (not rounded up to :12)
    assert sql(settings, "select record_no, actor_id, target_id, occurred_at, kind from raw.generic_interactions "
                         "where file_id = (select max(file_id) from raw.files) order by record_no limit 1") == [
        (1, "6", "2", datetime(2010, 11, 8, 18, 45, 11), "like")]


@pytest.mark.parametrize("careful", [False, True])
def test_fractional_unix_seconds_land_as_their_second_and_milliseconds_are_still_named(
        settings, tmp_path, monkeypatch, careful):
    if careful:
        monkeypatch.setattr(generic, "fast_readable", lambda layout: False)
    f = tmp_path / "frac.txt"
    f.write_text("".join(f"a{i} b{i} {1341100800 + i}.{i:03d}999 RT\n" for i in range(200)))
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (200, 200, 0)
    assert sql(settings, "select count(*) filter (where epoch(occurred_at) <> 1341100800 + record_no - 1) "
                         "from raw.generic_interactions") == [(0,)]
    ms = tmp_path / "ms.csv"
    ms.write_text("".join(f"a{i},b{i},{1341100800 + i}.5\n" for i in range(200))
                  + "x,y,1341100972000.25\nx,y,1341100972000\n")
    (r,) = land(settings, ms, kind="like", quarantine_limit=0.05)
    assert (r.records, r.staged, r.quarantined) == (202, 200, 2)
    assert [reason for _, reason in _quarantine(settings)] == [
        "time looks like unix milliseconds (13 digits); clout reads unix seconds: export seconds"] * 2


def test_a_comment_line_among_the_records_is_a_bad_record_saying_so(settings, tmp_path):
    # two SNAP files put end to end: the second one's comments are in the middle, and `# 2 1289241911` would parse
    rows = [f"{i} {i + 1} {1082040961 + i}" for i in range(240)]
    f = tmp_path / "two.txt"
    f.write_text(COMMENTS + _lines(rows[:100]) + "# Nodes: 1899 Edges: 59835\n# 2 1289241911\n" + _lines(rows[100:]))
    (r,) = land(settings, f, quarantine_limit=0.05, **COLLEGE_OPTIONS)
    assert (r.records, r.staged, r.quarantined, r.comments) == (242, 240, 2, 3)
    reason = "a `#` comment line among the records: only comment lines before the first record are skipped"
    assert _quarantine(settings) == [("line 104", reason), ("line 105", reason)]
    assert sql(settings, "select count(*) from raw.generic_interactions where actor_id = '#'") == [(0,)]


def test_a_file_of_comments_only_is_a_clear_error_and_skipped_in_a_folder(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    f = _write(folder / "cut.txt.gz", COMMENTS)
    with pytest.raises(CloutError, match=r"cut.txt.gz: 3 comment lines \(`#`\) and no record after them; nothing to "
                                         r"land \(a download cut short\? ask for the file again\)"):
        land(settings, f)
    (r,) = land(settings, folder)
    assert r.skipped and r.note == "only comment lines, skipped"
    assert counts(settings).get("raw.files", 0) == 0


def test_a_comment_line_past_the_line_limit_fails_naming_it(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CLOUT_MAX_LINE_BYTES", "4096")
    f = tmp_path / "long.txt"
    f.write_text("# short\n# " + "x" * 10_000 + "\n" + _lines(COLLEGE_ROWS))
    with pytest.raises(CloutError, match=r"long.txt: line 2 is longer than 4,096 bytes \(CLOUT_MAX_LINE_BYTES\)"):
        land(settings, f, **COLLEGE_OPTIONS)
    assert counts(settings).get("raw.files", 0) == 0


def test_comments_are_part_of_a_files_identity_its_records_are_not_landed_twice(settings, tmp_path):
    # identity stays the file's bytes: the same file again is skipped; the same edges with other comments (or none)
    # are another delivery, whose rows are duplicates of the first's
    (first,) = land(settings, FIXTURES / "snap" / "CollegeMsg.txt", **COLLEGE_OPTIONS)
    again = _write(tmp_path / "CollegeMsg.txt", COLLEGE)
    (same,) = land(settings, again, **COLLEGE_OPTIONS)
    assert first.staged == 8 and same.skipped and same.sha256 == first.sha256
    other = _write(tmp_path / "uncommented.txt", _lines(COLLEGE_ROWS))
    (r,) = land(settings, other, **COLLEGE_OPTIONS)
    assert (r.records, r.staged, r.duplicates, r.comments) == (8, 0, 8, 0)


def test_a_headerless_table_with_no_time_in_its_third_column_says_which_map_lands_it(settings, tmp_path):
    f = _write(tmp_path / "soc-sign-bitcoinotc.csv", BITCOIN)
    with pytest.raises(CloutError, match=r"a table without a header line \(4 columns separated by ','\) whose column "
                                         r"4 \('1289241911.72836'\) reads as unix seconds: name its columns by "
                                         r"position \(from 1\), --map actor=1,target=2,time=4"):
        land(settings, f, kind="like")
    with pytest.raises(CloutError, match="its first line after 1 comment line reads 'a b'.*--map actor=1"):
        land(settings, _write(tmp_path / "junk.txt", "# junk\na b\n"))


@pytest.mark.parametrize("text, message", [
    ("actor=1,target=dst,time=3", "name every column by its header name, or every one by its position"),
    ("actor=0,target=2,time=3", "positions count from 1"),
    ("actor=1,target=1,time=3", "one field to a column"),
    ("actor=1,target=2,time=\u00b2", "name every column by its header name"),  # '²' is no position (isdigit says it is)
])
def test_a_map_by_position_is_all_positions_from_one(text, message):
    with pytest.raises(CloutError, match=message):
        ColumnMap.parse(text)


def test_a_map_by_position_over_a_header_of_other_names_skips_the_header(settings, tmp_path):
    # SNAP's own column names (SOURCE, TARGET, RATING, TIME) are none clout knows: positions name them
    f = _write(tmp_path / "named.tsv", "SOURCE\tTARGET\tRATING\tTIME\n" + BITCOIN.replace(",", "\t"))
    (r,) = land(settings, f, **BY_POSITION)
    assert (r.records, r.staged, r.quarantined) == (8, 8, 0)
    assert sql(settings, "select min(record_no), count(distinct kind) from raw.generic_interactions") == [(2, 1)]
    # a column past the first line's: nothing to read it from, and the error says which map would land it
    with pytest.raises(CloutError, match="whose column 4 .* reads as unix seconds.*--map actor=1,target=2,time=4"):
        land(settings, _write(tmp_path / "bitcoin.csv", BITCOIN), mapping=ColumnMap.parse("actor=1,target=2,time=5"),
             kind="like")


def test_a_headerless_csv_with_a_kind_column_and_an_unknown_fourth_column(settings, tmp_path):
    # a 4th column that reads as a kind is the kind (as in a whitespace file); any other is left, and --kind says
    with_kind = _write(tmp_path / "kinds.csv", "".join(f"a{i},b{i},{1341100800 + i},RT\n" for i in range(5)))
    weights = _write(tmp_path / "weights.csv", "".join(f"c{i},d{i},{1341100800 + i},0.5\n" for i in range(5)))
    (r,) = land(settings, with_kind)
    with pytest.raises(CloutError, match="--kind"):
        land(settings, weights)
    (w,) = land(settings, weights, kind="reply")
    assert (r.staged, w.staged) == (5, 5)
    assert sql(settings, "select kind, count(*) from raw.generic_interactions group by 1 order by 1") == [
        ("reply", 5), ("repost", 5)]


@pytest.mark.parametrize("careful", [False, True], ids=["as-delivered", "careful-path-forced"])
def test_a_lone_record_shaped_comment_line_among_the_records_is_quarantined_on_either_path(
        settings, tmp_path, monkeypatch, careful):
    """`# 2 1289241911` parses as `actor target time` and nothing else on its file is bad: DuckDB's reader would
    land it (an account named `#`), so a `#` at the start of any line past the comments sends the file to the careful
    path, which quarantines it."""
    rows = [f"{i} {i + 1} {1082040961 + i}" for i in range(240)]
    f = _write(tmp_path / "mid.txt", "# one comment\n" + _lines(rows[:100]) + "# 2 1289241911\n" + _lines(rows[100:]))
    if careful:
        monkeypatch.setattr(generic, "fast_readable", lambda layout: False)
    (r,) = land(settings, f, quarantine_limit=0.05, **COLLEGE_OPTIONS)
    assert (r.records, r.staged, r.quarantined, r.comments) == (241, 240, 1, 1)
    assert [location for location, _ in _quarantine(settings)] == ["line 102"]


def test_a_first_record_with_a_bad_time_is_not_taken_for_a_header_of_names(settings, tmp_path):
    # `6,2,4,\N` has numbers in it: a record whose time is missing (quarantined, counted), not a header skipped
    f = _write(tmp_path / "null-first.csv", "6,2,4,\\N\n" + BITCOIN)
    (r,) = land(settings, f, quarantine_limit=0.5, **BY_POSITION)
    assert (r.records, r.staged, r.quarantined) == (9, 8, 1)
    assert [location for location, _ in _quarantine(settings)] == ["line 1"]


def test_a_folders_totals_say_how_many_comment_lines_were_skipped(settings, tmp_path):
    # a clean file in a folder prints no line of its own: its comment lines are in the totals
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder / "CollegeMsg.txt", COLLEGE)
    results = land(settings, folder, **COLLEGE_OPTIONS)
    assert not results[0].needs_attention
    assert land_stage.summary(results).endswith("(3 comment lines skipped)")
