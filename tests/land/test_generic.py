"""Generic interaction tables in every layout, with column mapping; staged into staging.interactions."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest
from landkit import counts, land, reconciles, sql

from clout.core.errors import CloutError
from clout.core.warehouse import connect
from clout.stage.stage import stage_date

ROWS = [("a", "b", 1341100800, "RT"), ("c", "b", 1341100860, "reply"), ("b", "a", 1341187200, "MT")]
EXPECTED = [("a", "b", "repost", "2012-07-01 00:00:00"), ("b", "a", "mention", "2012-07-02 00:00:00"),
            ("c", "b", "reply", "2012-07-01 00:01:00")]


def landed(settings):
    return sql(settings, "select actor_id, target_id, kind, occurred_at::varchar from raw.generic_interactions "
                         "order by 1")


def test_csv_with_a_column_mapping_and_iso_times(settings, tmp_path):
    f = tmp_path / "edges.csv"
    f.write_text("src,dst,when,what,extra\n" + "".join(
        f"{a},{b},{pl.from_epoch(pl.Series([t])).dt.strftime('%Y-%m-%dT%H:%M:%SZ')[0]},{k},x\n" for a, b, t, k in ROWS))
    with pytest.raises(CloutError, match="not an export format"):
        land(settings, f)  # nothing says which column is the actor
    (r,) = land(settings, f, mapping=_map("actor=src,target=dst,time=when,kind=what"))
    assert r.format == "generic_interactions" and (r.records, r.staged) == (3, 3)
    assert landed(settings) == EXPECTED


def test_tsv_whitespace_parquet_and_ndjson_land_the_same_rows(settings, tmp_path):
    frame = pl.DataFrame(ROWS, schema=["actor", "target", "time", "kind"], orient="row")
    files = {
        "e.tsv": "actor\ttarget\ttime\tkind\n" + "".join("\t".join(map(str, r)) + "\n" for r in ROWS),
        "e.txt": "".join(" ".join(map(str, r)) + "\n" for r in ROWS),
        "e.ndjson": "".join(frame.write_ndjson()),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    frame.write_parquet(tmp_path / "e.parquet")
    for name in [*files, "e.parquet"]:
        one = tmp_path / "one" / name
        one.parent.mkdir(exist_ok=True)
        one.write_bytes((tmp_path / name).read_bytes())
    results = land(settings, tmp_path / "one")
    assert [r.format for r in results] == ["generic_interactions"] * 4
    first, *rest = results
    assert first.staged == 3 and all(r.staged == 0 and r.duplicates == 3 and reconciles(r) for r in rest)
    assert sorted(set(landed(settings))) == EXPECTED


def test_bad_iso_time_and_unknown_kind_are_quarantined_with_reasons(settings, tmp_path):
    f = tmp_path / "e.csv"
    good = "".join(f"u{i},v{i},2012-07-01T10:00:{i % 60:02d}Z,like\n" for i in range(400))
    f.write_text("actor,target,time,kind\n" + good + "x,y,yesterday,like\nx,y,2012-07-01T10:00:00Z,poke\n")
    (r,) = land(settings, f, quarantine_limit=0.01)
    assert (r.records, r.staged, r.quarantined) == (402, 400, 2)
    reasons = [x[0] for x in sql(settings, "select reason from raw.quarantine order by record_no")]
    assert "neither unix seconds nor ISO-8601" in reasons[0] and "unknown interaction kind" in reasons[1]


@pytest.mark.parametrize("careful", [False, True], ids=["duckdb-reader", "careful-path"])
def test_kinds_by_the_platforms_names_and_in_any_usual_case_land_alike_on_both_paths(
        settings, tmp_path, monkeypatch, careful):
    """A crawler's table names kinds as its platform does (Twitter's retweet and favorite, Mastodon's reblog and
    favourite, API v2's replied_to and quoted) or lower-cases the codes (rt, mt): each is its canonical kind on
    DuckDB's reader and on the careful path alike; an unknown one is quarantined naming what is known."""
    from clout.land.formats import generic

    spelled = {"retweet": "repost", "Reblog": "repost", "rt": "repost", "favorite": "like", "FAVOURITE": "like",
               "replied_to": "reply", "comment": "reply", "quoted": "quote", "mt": "mention", "Like": "like",
               "share": "repost", "boost": "repost", "retweeted": "repost", "favourite": "like"}
    from clout.land import land as land_stage

    f = tmp_path / "crawl.csv"
    f.write_text("actor,target,time,kind\n" + "".join(
        f"u{i},v{i},{1341100800 + i},{k}\n" for i, k in enumerate(spelled)) + ("x,y,1341100800,poke\n" * careful))
    if careful:  # the unknown kind sends the file there anyway
        monkeypatch.setattr(generic, "fast_readable", lambda layout: False)
    else:
        monkeypatch.setattr(land_stage, "_generic_careful", lambda *a: pytest.fail("DuckDB's reader declined"))
    (r,) = land(settings, f, quarantine_limit=0.5)
    assert (r.records, r.staged, r.quarantined) == (len(spelled) + careful, len(spelled), careful)
    assert sql(settings, "select kind_raw, kind from raw.generic_interactions order by record_no") == list(
        spelled.items())
    if careful:
        (reason,), = sql(settings, "select reason from raw.quarantine")
        assert reason.startswith("unknown interaction kind") and "retweet" in reason and "RT/RE/MT" in reason


def test_staging_interactions_from_generic_rows_and_from_posts(settings, tmp_path):
    from landkit import FIXTURES

    f = tmp_path / "e.txt"
    f.write_text("".join(" ".join(map(str, r)) + "\n" for r in ROWS))
    land(settings, f, FIXTURES / "x_archive")
    with connect(settings) as con:
        stage_date(con, date(2012, 7, 1))
        stage_date(con, date(2018, 10, 10))
        stage_date(con, date(2018, 10, 11))
    assert sql(settings, "select actor_id, target_id, kind from staging.interactions order by event_date, 1") == [
        ("a", "b", "repost"), ("c", "b", "reply"),
        ("1001", "1002", "reply"),  # the @grace_h at the start of the reply is the reply, not another mention
        ("1001", "1003", "repost"),  # archive retweet: "RT @linus_t: ..."
    ]


def _map(text):
    from clout.land.formats.generic import ColumnMap

    return ColumnMap.parse(text)


def test_a_bad_map_is_a_clear_error():
    with pytest.raises(CloutError, match="--map"):
        _map("actor")


TRICKY_CSV = (
    "actor,target,when,what,net,post,extra\r\n"
    "a,b,2012-07-01T00:00:00Z,RT,twitter,p1,x\r\n"
    '"c",\tb\u00a0,2012-07-01T00:01:00.000Z, Like ,mastodon,p2,"y"\r\n'
    "d,e,1341100800,LIKE,twitter,p3,z\r\n"
    "caf\u00e9,\u3000f,1341187200,reply,twitter,p4,w\r\n"
)


@pytest.mark.parametrize("name, text", [
    ("higgs.txt", "".join(f"{a} {b} {t} {k}\n" for a, b, t, k in ROWS) + "x y 1341100900 QT"),  # no final newline
    ("tricky.csv", TRICKY_CSV),  # blanks other than spaces: every field stripped of the White_Space set
    ("tricky.csv.gz", TRICKY_CSV),
    ("spaces.csv", TRICKY_CSV.replace("\t", " ").replace("\u00a0", " ").replace("\u3000", " ").replace("\r", "")),
    ("plain.csv", TRICKY_CSV.replace("\t", "").replace("\u00a0", "").replace("\u3000", "").replace(" ", "")),
])
def test_a_clean_text_file_lands_through_duckdb_typed_as_the_careful_path_types_it(
        settings, tmp_path, monkeypatch, name, text):
    import gzip

    from clout.core.settings import load_settings
    from clout.land import land as land_stage
    from clout.land.formats import generic

    f = tmp_path / name
    f.write_bytes(gzip.compress(text.encode()) if name.endswith(".gz") else text.encode())
    mapping = _map("time=when,kind=what,network=net,post_id=post" if ".csv" in name else "")
    careful = load_settings(tmp_path / "careful" / "clout.duckdb")
    with monkeypatch.context() as m:
        m.setattr(generic, "fast_readable", lambda layout: False)
        (slow,) = land(careful, f, mapping=mapping)
    with monkeypatch.context() as m:
        m.setattr(land_stage, "_generic_careful", lambda *a: pytest.fail("the fast path declined a clean file"))
        (fast,) = land(settings, f, mapping=mapping)
    rows = "select * exclude (file_id) from raw.generic_interactions order by record_no"
    assert sql(settings, rows) == sql(careful, rows) and len(sql(settings, rows)) == slow.records
    assert (fast.records, fast.staged, fast.duplicates, fast.quarantined) == (
        slow.records, slow.staged, slow.duplicates, slow.quarantined)


def test_a_file_the_fast_path_cannot_take_whole_lands_through_the_careful_path(settings, tmp_path):
    f = tmp_path / "e.txt"
    good = "".join(f"u{i} v{i} {1341100800 + i} RT\n" for i in range(300))
    f.write_text(good + "a\u00a0x b 1341100800 RT\n\nshort line\n")  # a non-breaking space splits a field
    (r,) = land(settings, f, quarantine_limit=0.05)
    assert (r.records, r.staged, r.quarantined) == (303, 300, 3) and reconciles(r)
    assert sql(settings, "select location, reason from raw.quarantine order by record_no") == [
        ("line 301", "expected 4 whitespace-separated fields: actor target unix_ts kind"),
        ("line 302", "empty line"),
        ("line 303", "expected 4 whitespace-separated fields: actor target unix_ts kind"),
    ]
    assert sql(settings, "select max(record_no) from raw.generic_interactions") == [(300,)]


def test_records_are_numbered_by_line_when_duckdb_reads_the_file_on_every_core(settings, tmp_path):
    # 1M lines (24 MB): DuckDB splits the file between threads, and each record must still get its own line number
    f = tmp_path / "big.csv"
    f.write_text("actor,target,time,kind\n" + "".join(f"{i},{i % 997},{1341100800 + i % 86400},RT\n"
                                                      for i in range(2, 1_000_002)))
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (1_000_000, 1_000_000, 0)
    assert sql(settings, "select count(*) filter (where record_no <> actor_id::bigint), min(record_no), "
                         "max(record_no) from raw.generic_interactions") == [(0, 2, 1_000_001)]


QUOTED_CSV = (
    "actor,target,time,kind,network,post_id\n"
    '"smith, john",b,1341100800,RT,,\n'  # a separator inside quotes; empty network and post: default, none
    'c,"say ""hi""",1341100860,reply,mastodon,"p,1"\n'  # an escaped quote, a separator in the post id
    "d,e,1341100920,like, ,\n"  # a blank network is no network either
)


@pytest.mark.parametrize("bad_line", ["", "x,y,not-a-time,RT,,\n"])
def test_quoted_fields_and_empty_ones_land_alike_on_both_paths(settings, tmp_path, bad_line):
    # with a bad line the fast path declines the file and the careful path reads every line itself
    f = tmp_path / "quoted.csv"
    f.write_text(QUOTED_CSV + bad_line)
    (r,) = land(settings, f, quarantine_limit=0.5)
    assert (r.records, r.staged, r.quarantined) == (3 + bool(bad_line), 3, bool(bad_line)) and reconciles(r)
    assert sql(settings, "select record_no, actor_id, target_id, network, post_id, kind "
                         "from raw.generic_interactions order by record_no") == [
        (2, "smith, john", "b", "twitter", None, "repost"),
        (3, "c", 'say "hi"', "mastodon", "p,1", "reply"),
        (4, "d", "e", "twitter", None, "like"),
    ]


def _text_rows(n: int, every: int = 3) -> str:
    """A CSV with a free-text column; every `every`th text is quoted and holds line ends (a blank line too)."""
    text = ('"first line\n\nthird, with ""quotes"""', "plain")
    return "actor,target,time,kind,text\n" + "".join(
        f"a{i},b{i % 7},{1341100800 + i},RT,{text[i % every != 0]}\n" for i in range(n))


@pytest.mark.parametrize("block_bytes", [64, 16 << 20])
def test_a_quoted_field_with_line_ends_is_one_record_numbered_by_its_first_line(settings, tmp_path, monkeypatch,
                                                                               block_bytes):
    # RFC 4180: a quoted field may hold line ends. Small blocks put records across every block boundary.
    from clout.land.formats import generic

    monkeypatch.setattr(generic, "BLOCK_BYTES", block_bytes)
    f = tmp_path / "posts.csv"
    f.write_text(_text_rows(30))
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (30, 30, 0) and reconciles(r)
    numbers = [n for n, in sql(settings, "select record_no from raw.generic_interactions order by record_no")]
    # record i starts on line 2 + i + 2 x (the quoted texts before it): each holds two line ends
    assert numbers == [2 + i + 2 * len(range(0, i, 3)) for i in range(30)]
    assert sql(settings, "select count(*), count(distinct actor_id) from raw.generic_interactions") == [(30, 30)]


def test_a_quote_left_open_near_the_end_fails_the_file_by_the_lines_it_took(settings, tmp_path):
    # the last 100 lines in one record: 1 of 901 records (0.1%) but 10% of the lines fails the file (the first
    # record spans lines 2-4)
    f = tmp_path / "open.csv"
    f.write_text(_text_rows(1000, every=10**9).replace("a900,b4,1341101700,RT,plain", 'a900,b4,1341101700,RT,"oops'))
    with pytest.raises(CloutError, match=r"open.csv: 1 of 901 records could not be landed, among them records of "
                                         r"several lines: 10\.0% of the file's lines, more than the 1\.0% limit; "
                                         r"first: line 904: a quoted field "
                                         r"opened in this record is never closed"):
        land(settings, f)
    assert counts(settings).get("raw.generic_interactions", 0) == 0



def test_a_stray_quote_cannot_fold_the_lines_after_it_into_a_record_that_parses(settings, tmp_path):
    # `"oops` opens a field that the `"` of `"hi"x` closes: read loosely, lines 4-6 became a1's text and a1 landed
    # with five fields. Strictly (RFC 4180, as DuckDB's reader), a quote closed before anything but a separator is
    # an error: the record holding those lines is quarantined, and its lines' share fails the file
    rows = [f"a{i},b{i},{1341100800 + i},RT,plain" for i in range(8)]
    rows[1], rows[4] = rows[1].replace("plain", '"oops'), rows[4].replace("plain", '"hi"x')
    f = tmp_path / "stray.csv"
    f.write_text("actor,target,time,kind,text\n" + "\n".join(rows) + "\n")
    with pytest.raises(CloutError, match=r"stray.csv: 1 of 5 records \(20\.0%\) could not be landed.*first: line 3: "
                                         r"expected 5 fields separated by ','"):
        land(settings, f)
    (r,) = land(settings, f, quarantine_limit=0.5)
    assert sql(settings, "select record_no, raw_text from raw.quarantine") == [(3, "\n".join(rows[1:5]))]
    assert [n for n, in sql(settings, "select record_no from raw.generic_interactions order by 1")] == [2, 7, 8, 9]



@pytest.mark.parametrize("bad_line", ["", "garbage\n"])
def test_odd_quoting_is_judged_the_same_on_every_path(settings, tmp_path, bad_line):
    # DuckDB's reader (the fast path) takes blanks after a closing quote (`"b3" ,`) and refuses a quote inside a
    # quoted field (`"b "x" 3"`); a bad line elsewhere sends the file to the careful path, which must judge alike
    rows = [f"a{i},b{i},{1341100800 + i},RT\n" for i in range(20)]
    rows[3], rows[7] = 'a3,"b3" ,1341100803,RT\n', 'a7,"b "x" 7",1341100807,RT\n'
    f = tmp_path / "odd.csv"
    f.write_text("actor,target,time,kind\n" + "".join(rows) + bad_line)
    (r,) = land(settings, f, quarantine_limit=0.5)
    assert sql(settings, "select target_id from raw.generic_interactions where record_no = 5") == [("b3",)]
    assert sql(settings, "select record_no from raw.quarantine order by 1") == [(9,)] + ([(22,)] if bad_line else [])


def test_a_quote_left_open_in_the_header_is_the_headers_alone(settings, tmp_path):
    f = tmp_path / "header.csv"
    rows = [f"a{i},b{i},{1341100800 + i},RT,plain" for i in range(10)]
    f.write_text('"actor","target","time","kind","text\n' + "\n".join(rows[:5] + ["bad line"] + rows[5:]) + "\n")
    (r,) = land(settings, f, quarantine_limit=0.5)  # one bad line takes the careful path
    assert (r.records, r.staged, r.quarantined) == (11, 10, 1)
    assert sql(settings, "select record_no, reason from raw.quarantine") == [(7, "expected 5 fields separated by ','")]


def test_a_quote_left_open_under_the_default_limits_is_never_closed(settings, tmp_path):
    # 3 MB after the open quote: past csv's own field limit, under CLOUT_MAX_LINE_BYTES (16 MB); the file ends
    # inside the field, so the record is quarantined whole and its lines fail the file
    f = tmp_path / "open.csv"
    f.write_text(_text_rows(100_000, every=10**9).replace("a10,b3,1341100810,RT,plain", 'a10,b3,1341100810,RT,"oops'))
    with pytest.raises(CloutError, match=r"open.csv: 1 of 11 records \(9\.1%\) could not be landed.*line 14: a quoted "
                                         r"field opened in this record is never closed.*2,988,629 characters in all"):
        land(settings, f)


def test_a_quote_left_open_early_fails_the_file_naming_its_line(settings, tmp_path, monkeypatch):
    monkeypatch.setenv("CLOUT_MAX_LINE_BYTES", "4096")
    f = tmp_path / "open.csv"
    f.write_text(_text_rows(5000, every=10**9).replace("a10,b3,1341100810,RT,plain", 'a10,b3,1341100810,RT,"oops'))
    with pytest.raises(CloutError, match=r"open.csv: the quoted field of the record on line 14 is still open after "
                                         r"4,096 bytes \(CLOUT_MAX_LINE_BYTES\): a quote left open\?"):
        land(settings, f)
    assert counts(settings).get("raw.generic_interactions", 0) == 0
