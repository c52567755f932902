"""Ids are text exactly as delivered and times are real (issue 15.6): what cannot be is quarantined with the reason."""

from __future__ import annotations

import gzip
import json

import pytest
from landkit import land, reconciles, sql

from clout.land.formats import generic

BIG = 10**30


def test_ndjson_ids_past_a_float_stay_two_accounts(settings, tmp_path):
    path = tmp_path / "big_ids.ndjson"
    rows = [{"actor": BIG, "target": 7, "time": 1341100800 + i, "kind": "RT"} for i in range(3)]
    rows += [{"actor": BIG + 1, "target": 7, "time": 1341100900 + i, "kind": "RT"} for i in range(3)]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (r,) = land(settings, path)
    assert r.quarantined == 0 and reconciles(r)
    actors = sql(settings, "select distinct actor_id from raw.generic_interactions order by 1")
    assert actors == [(str(BIG),), (str(BIG + 1),)]


@pytest.mark.parametrize(("time", "reason"), [
    ("0001-01-01T00:00:00Z", "outside twitter's plausible range"),
    ("1900-01-01T00:00:00Z", "outside twitter's plausible range"),
    ("9999-12-31T23:59:59Z", "outside twitter's plausible range"),
    ("99999999999999999", "neither unix seconds nor ISO-8601"),
    ("-2208988800", "outside twitter's plausible range"),  # 1900 as unix seconds
])
@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_implausible_times_are_quarantined_with_the_reason(settings, tmp_path, time, reason, suffix):
    good = [f"a{i} b{i} {1341100800 + i} RT" for i in range(200)]
    lines = [*good[:100], f"x y {time} RT", *good[100:]]
    path = tmp_path / f"times{suffix}"
    if suffix == ".csv":
        lines = ["actor,target,time,kind"] + [",".join(line.split()) for line in lines]
    path.write_text("\n".join(lines) + "\n")
    (r,) = land(settings, path)
    assert (r.records, r.quarantined) == (201, 1) and reconciles(r)
    (got,), = sql(settings, "select reason from raw.quarantine")
    assert reason in got
    assert sql(settings, "select count(*) from raw.generic_interactions where actor_id = 'x'") == [(0,)]


@pytest.mark.parametrize(("actor", "reason"), [
    ("a\x00b", "actor id holds a control character"),
    ("a\x01b", "actor id holds a control character"),
    ("z" * 5000, "actor id longer than 256 characters"),
])
def test_ids_too_long_or_with_control_characters_are_quarantined(settings, tmp_path, actor, reason):
    rows = [{"actor": f"a{i}", "target": "t", "time": 1341100800 + i, "kind": "RT"} for i in range(200)]
    rows.insert(50, {"actor": actor, "target": "t", "time": 1341100800, "kind": "RT"})
    path = tmp_path / "ids.ndjson"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    (r,) = land(settings, path)
    assert r.quarantined == 1 and reconciles(r)
    (got,), = sql(settings, "select reason from raw.quarantine")
    assert reason in got


@pytest.mark.parametrize("control", ["\x01", "\x1f", "\x7f"])
@pytest.mark.parametrize("suffix", [".txt", ".csv"])
def test_a_table_with_a_control_character_in_an_id_quarantines_it(settings, tmp_path, control, suffix):
    """A table's id holding a control character: the fast path leaves the file to the careful path, which splits
    its lines on a byte the block does not hold (it split them on \\x01, and a line holding one made Polars fail) and
    quarantines that row alone."""
    lines = [f"a{i} b{i} {1341100800 + i} RT" for i in range(200)]
    lines.insert(120, f"a b{control}c 1341100800 RT")
    path = tmp_path / f"controls{suffix}"
    if suffix == ".csv":
        lines = ["actor,target,time,kind"] + [",".join(line.split(" ")) for line in lines]
    path.write_text("\n".join(lines) + "\n")
    (r,) = land(settings, path)
    assert (r.records, r.quarantined) == (201, 1) and reconciles(r)
    (got,), = sql(settings, "select reason from raw.quarantine")
    assert "target id holds a control character" in got
    assert sql(settings, "select count(*) from raw.generic_interactions where target_id like 'b_c'") == [(0,)]


def test_a_whitespace_file_with_a_long_id_takes_the_careful_path_and_quarantines_it(settings, tmp_path):
    lines = [f"a{i} b{i} {1341100800 + i} RT" for i in range(200)] + [f"{'9' * 300} b 1341100800 RT"]
    path = tmp_path / "long.txt"
    path.write_text("\n".join(lines) + "\n")
    (r,) = land(settings, path)
    assert r.quarantined == 1 and reconciles(r)


def test_a_v1_tweet_from_1900_is_quarantined(settings, tmp_path):
    tweet = {"id_str": "1", "created_at": "Mon Jan 01 00:00:00 +0000 1900", "text": "old",
             "user": {"id_str": "5", "screen_name": "old"}}
    fine = [{**tweet, "id_str": str(i), "created_at": "Sun Jul 01 10:00:00 +0000 2012"} for i in range(2, 200)]
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(json.dumps(t) for t in [tweet, *fine]) + "\n")
    (r,) = land(settings, path)
    assert r.quarantined >= 1 and reconciles(r)
    reasons = [x for (x,) in sql(settings, "select reason from raw.quarantine")]
    assert any("created_at 1900-01-01" in x for x in reasons), reasons


@pytest.mark.parametrize(("extra", "odd"), [("", False), ("\t", True), ("\x01", False), ("\u00a0", True)])
@pytest.mark.parametrize("gz", [False, True])
def test_the_byte_scan_says_which_blanks_a_file_may_hold(tmp_path, extra, odd, gz):
    """A comment line at the start holding a tab (SNAP's) is no field's: the scan skips it."""
    text = "# From\tTo\n" + "".join(f"a{i} b{i} {1341100800 + i} RT\n" for i in range(100))
    data = (text + f"x y{extra}z 1341100800 RT\n").encode()
    path = tmp_path / ("shape.txt.gz" if gz else "shape.txt")
    path.write_bytes(gzip.compress(data) if gz else data)
    shape = generic.text_shape(path, comments=1)
    assert (shape.lines, shape.odd_blanks) == (102, odd)


def test_a_block_holding_every_byte_polars_could_split_on_gives_the_same_lines():
    """The careful path splits a block into lines with Polars on a byte the block does not hold; a block holding
    them all is split by Python into the same lines (CRLF ends, blank lines, a last line without its end)."""
    block = b"a b 1 RT\r\n\nc\xffd e 2 RT\r\nlast 3"
    every = b"x" + b"".join(generic._LINE_SEPARATORS) + b"y"
    assert generic._lines(block)["line"].to_list() == ["a b 1 RT", None, "c\ufffdd e 2 RT", "last 3"]
    both = generic._lines(block + b"\n" + every + b"\n")["line"].to_list()
    assert both == ["a b 1 RT", None, "c\ufffdd e 2 RT", "last 3", every.decode()]


@pytest.mark.parametrize("start", [b"\x1f\x8b", b"x\x01", b"x^", b"x\x9c", b"x\xda", b"(\xb5/\xfd"])
def test_a_block_starting_like_compressed_data_is_split_into_its_lines(start):
    """Polars' CSV reader decompresses a buffer that starts like gzip, zlib or zstd data: such a block's lines are
    split by Python instead (Polars failed on it, or read no lines at all)."""
    block = start + b"y b 1 RT\nc d 2 RT\n"
    assert generic._lines(block)["line"].to_list() == [start.decode("utf-8", "replace") + "y b 1 RT", "c d 2 RT"]


def test_a_line_starting_like_zlib_data_lands_on_the_careful_path(settings, tmp_path):
    """`x^y` is a good actor id; the file's other bad line sends it to the careful path, whose blocks Polars reads:
    the first line's bytes are those of a zlib stream's start, and it still lands as it is."""
    lines = ["x^y b 1341100800 RT", *[f"a{i} b{i} {1341100800 + i} RT" for i in range(200)], "q\x01 b 1341100800 RT"]
    path = tmp_path / "zlib_like.txt"
    path.write_text("\n".join(lines) + "\n")
    (r,) = land(settings, path)
    assert (r.records, r.quarantined) == (202, 1) and reconciles(r)
    assert sql(settings, "select count(*) from raw.generic_interactions where actor_id = 'x^y'") == [(1,)]
