"""Hostile inputs: whatever arrives, nothing is lost silently, and a file that fails leaves the warehouse as it was."""

from __future__ import annotations

import gzip
import json
import shutil

import pytest
from landkit import FIXTURES, counts, land, reconciles, sql
from testkit import clout_here

from clout.core.errors import CloutError

V2 = FIXTURES / "twitter_v2"


def higgs_like(n: int, bad_every: int | None = None) -> bytes:
    """n whitespace interaction lines (actor target unix_ts kind); every bad_every-th one is garbage."""
    lines = []
    for i in range(n):
        if bad_every and i % bad_every == bad_every - 1:
            lines.append(f"garbage line {i} \x00 not an interaction")
        else:
            lines.append(f"{i % 97} {i % 89 + 1000} {1341100800 + i} {'RT' if i % 2 else 'MT'}")
    return ("\n".join(lines) + "\n").encode()


def test_two_percent_garbage_fails_cleanly_and_warehouse_is_unchanged(settings, tmp_path):
    land(settings, V2 / "brexit.jsonl")
    before = counts(settings)
    bad = tmp_path / "two_percent.txt"
    bad.write_bytes(higgs_like(5000, bad_every=50))
    with pytest.raises(CloutError, match=r"100 of 5,000 records \(2\.0%\).*1\.0% limit.*line 50"):
        land(settings, bad)
    assert counts(settings) == before


def test_half_percent_garbage_lands_and_garbage_is_quarantined(settings, tmp_path):
    bad = tmp_path / "half_percent.txt.gz"
    bad.write_bytes(gzip.compress(higgs_like(5000, bad_every=200)))
    (r,) = land(settings, bad)
    assert (r.records, r.staged, r.duplicates, r.quarantined) == (5000, 4975, 0, 25) and reconciles(r)
    rows = sql(settings, "select location, reason, raw_text from raw.quarantine order by record_no")
    assert len(rows) == 25 and rows[0][0] == "line 200" and "expected 4" in rows[0][1]
    assert rows[0][2] == "garbage line 199 \x00 not an interaction"  # the raw text, as delivered


def test_a_plain_file_cut_in_the_middle_of_its_last_line_says_it_may_be_cut_short(settings, tmp_path):
    """A copy that stopped mid-line: one bad record, under the limit, so the rest lands; the reconcile line says
    the file may be cut short (a cut .gz fails on its own). A bad record in a whole file says nothing of the kind."""
    whole = higgs_like(400)
    cut = tmp_path / "cut.txt"
    cut.write_bytes(whole[:-9])  # "... 1341101199 RT\n" loses its end
    (r,) = land(settings, cut)
    assert (r.records, r.quarantined) == (400, 1) and r.cut_short == 400 and "may be cut short" in r.line()
    bad_middle = tmp_path / "bad_middle.txt"
    bad_middle.write_bytes(higgs_like(400, bad_every=300))
    (r,) = land(settings, bad_middle)
    assert r.quarantined == 1 and not r.cut_short and "cut short" not in r.line()


def test_a_table_cut_where_its_last_line_still_reads_well_says_it_may_be_cut_short(settings, tmp_path):
    """`mastodon` cut to `mast` is a good-looking row: it lands (a file without a final line end is common), and the
    reconcile line says where the file may have been cut, so nobody takes the copy for whole unawares."""
    cut = tmp_path / "cut.csv"
    cut.write_text("actor,target,time,kind,network\n"
                   + "".join(f"u{i},v,{1341100972 + i},RT,mastodon\n" for i in range(300))[:-5])
    (r,) = land(settings, cut)
    assert (r.records, r.quarantined, r.cut_short) == (300, 0, 301) and reconciles(r)
    assert "no line end after its last line (301): the file may be cut short" in r.line()
    whole = tmp_path / "whole.csv"
    whole.write_text("actor,target,time,kind,network\na,b,1341100972,RT,mastodon\n")
    (r,) = land(settings, whole)
    assert r.cut_short is None and "cut short" not in r.line()


def test_a_v2_file_cut_after_a_brace_inside_its_last_page_says_it_may_be_cut_short(settings, tmp_path):
    """A JSON line cut just after an inner `}` ends in `}` too: it is the quarantined last line, so the file may be
    cut there; a whole file's bad page in the middle says nothing of the kind."""
    page = (V2 / "brexit.jsonl").read_bytes().rstrip(b"\n")
    cut_at = page.rfind(b"}", 0, len(page) // 2) + 1
    f = tmp_path / "cut.jsonl"
    f.write_bytes(page + b"\n" + page[:cut_at])
    (r,) = land(settings, f, quarantine_limit=0.9)
    assert r.quarantined == 1 and r.cut_short == 2 and "may be cut short" in r.line()
    whole = tmp_path / "whole.jsonl"
    whole.write_bytes(b"{}\n" + page)  # no line end after a whole page; its first line is no page
    (r,) = land(settings, whole, quarantine_limit=0.9)
    assert r.quarantined == 1 and r.cut_short is None


def test_v2_lines_that_are_json_but_no_page_are_quarantined_not_dropped(settings, tmp_path):
    tweet = {"id": "1", "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00Z"}
    lines = [{"data": [tweet]}, {"foo": 1}, {"data": None}, {"data": "oops"},
             {"errors": [{"title": "Service Unavailable"}]}, {"meta": {"result_count": 0}}]
    f = tmp_path / "odd_lines.jsonl"
    f.write_text("".join(json.dumps(line) + "\n" for line in lines))
    (r,) = land(settings, f, quarantine_limit=0.9)
    assert (r.records, r.staged, r.quarantined) == (5, 1, 4) and reconciles(r)
    assert sql(settings, "select location, reason, raw_text from raw.quarantine order by record_no") == [
        ("line 2", "not a page of API v2 results (no `data` or `includes`)", '{"foo": 1}'),
        ("line 3", "not a page of API v2 results (no `data` or `includes`)", '{"data": null}'),
        ("line 4", "not a page of API v2 results (no `data` or `includes`)", '{"data": "oops"}'),
        ("line 5", "an API error response (`errors`), not a page of results: ask for the page again",
         '{"errors": [{"title": "Service Unavailable"}]}')]


def test_a_v2_file_whose_bad_pages_hold_much_of_it_fails_though_few_records_are_bad(settings, tmp_path):
    """A page that is no JSON is one record, though it held a hundred tweets: a file cut in half is one bad record
    of hundreds, under the 1% limit by count. The limit also weighs the bad lines' share of the content."""
    land(settings, V2 / "users.jsonl")
    before = counts(settings)
    data = (V2 / "brexit.jsonl").read_bytes()
    f = tmp_path / "half.jsonl"
    f.write_bytes(data[:len(data) // 2] + b"\n" + data)  # 1 bad record of more than a hundred
    with pytest.raises(CloutError, match=r"half\.jsonl: 1 of [\d,]+ records could not be landed, among them lines "
                                         r"that were no page of results: \d+\.\d% of the file's content, more than "
                                         r"the 1\.0% limit; first: line \d+: not valid JSON"):
        land(settings, f)
    assert counts(settings) == before


def test_quarantine_limit_is_configurable(settings, tmp_path):
    bad = tmp_path / "two_percent.txt"
    bad.write_bytes(higgs_like(1000, bad_every=50))
    (r,) = land(settings, bad, quarantine_limit=0.05)
    assert r.quarantined == 20 and reconciles(r)


def test_truncated_json_line_is_quarantined_with_its_line(settings, tmp_path):
    def tweets(n):
        return [{"id": str(i), "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00Z"}
                for i in range(n, n + 100)]

    pages = [json.dumps({"data": tweets(n), "__twarc": {"retrieved_at": "2021-09-23T00:00:00+00:00"}})
             for n in range(0, 300, 100)]
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text(pages[0] + "\n" + pages[1] + "\n" + pages[2][: len(pages[2]) // 2] + "\n")
    with pytest.raises(CloutError, match=r"1 of 201 records.*line 3: not valid JSON"):
        land(settings, truncated, quarantine_limit=0.001)
    with pytest.raises(CloutError, match=r"among them lines that were no page of results: 22\.\d% of the file's"):
        land(settings, truncated)  # 0.5% of the records, but the bad line held a fifth of the content
    (r,) = land(settings, truncated, quarantine_limit=0.3)
    assert (r.records, r.staged, r.quarantined) == (201, 200, 1)
    (raw,), = sql(settings, "select raw_text from raw.quarantine")
    assert raw == pages[2][: len(pages[2]) // 2]


def test_truncated_json_document_fails_with_nothing_landed(settings, tmp_path):
    src = (FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json").read_bytes()
    cut = tmp_path / "cut.json"
    cut.write_bytes(src[: len(src) // 2])
    with pytest.raises(CloutError, match="cut.json.*not valid JSON"):
        land(settings, cut)
    assert counts(settings)["raw.files"] == 0


def test_archive_file_without_window_ytd_prefix_is_quarantined_not_guessed(settings, fixture_copy):
    data = fixture_copy("x_archive") / "data"
    tweets = data / "tweets.js"
    tweets.write_text(tweets.read_text().split("=", 1)[1])  # a bare JSON array
    with pytest.raises(CloutError, match=r"tweets\.js.*must start with `window\.YTD"):
        land(settings, tweets)
    assert counts(settings)["staging.posts"] == 0


def test_wrong_encoding_is_refused_or_quarantined_with_the_place(settings, tmp_path):
    latin1 = tmp_path / "following_accounts.csv"
    latin1.write_bytes("Account address\nrené@mastodon.social\n".encode("latin-1"))
    with pytest.raises(CloutError, match="not UTF-8 .*byte 19"):
        land(settings, latin1, account="alice@mastodon.social")
    mixed = tmp_path / "mixed.txt"
    mixed.write_bytes(higgs_like(300) + "caf\xe9 1 1341100800 RT\n".encode("latin-1"))
    (r,) = land(settings, mixed)
    assert r.quarantined == 1 and sql(settings, "select reason from raw.quarantine") == [("not valid UTF-8",)]


def test_a_json_line_that_is_not_utf8_is_quarantined_not_guessed(settings, tmp_path):
    good = [json.dumps({"data": [{"id": str(i), "author_id": "7", "text": "ok", "created_at": "2021-09-22T10:00:00Z"}]})
            for i in range(300)]
    bad = '{"data": [{"id": "x", "author_id": "7", "text": "caf\xe9", "created_at": "2021-09-22T10:00:00Z"}]}'
    f = tmp_path / "latin1.jsonl"
    f.write_bytes(("\n".join(good) + "\n").encode() + bad.encode("latin-1") + b"\n")
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (301, 300, 1)
    assert sql(settings, "select location, reason from raw.quarantine") == [("line 301", "not valid UTF-8")]


def test_duplicate_keys_the_real_content_wins_in_either_order(settings, fixture_copy):
    outbox = fixture_copy("mastodon") / "outbox.json"
    text = outbox.read_text()
    items = text[text.index('"orderedItems": [\n'):].rsplit("}", 1)[0]
    # the real list first, then the empty one: the order must not matter
    swapped = text.replace('"orderedItems": [],\n  ', "").replace(items, items.rstrip() + ',\n  "orderedItems": []\n')
    assert swapped.count('"orderedItems"') == 2
    outbox.write_text(swapped)
    (r,) = [x for x in land(settings, outbox)]
    assert r.records == 4 and r.quarantined == 0


def test_empty_file_is_one_clear_error_and_skipped_in_a_folder(settings, tmp_path):
    empty = tmp_path / "drop" / "empty.jsonl"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    with pytest.raises(CloutError, match="empty"):
        land(settings, empty)
    (r,) = land(settings, empty.parent)
    assert r.skipped and "empty" in r.line()


def test_file_landed_twice_adds_nothing(settings):
    first = land(settings, V2 / "brexit.jsonl")
    before = counts(settings)
    (again,) = land(settings, V2 / "brexit.jsonl")
    assert not first[0].skipped and again.skipped and "already landed" in again.line()
    assert counts(settings) == before


def _page(retrieved: str, likes: int, followers: int, extra_tweet: bool) -> str:
    tweets = [{"id": "9001", "author_id": "7", "text": "#python rocks", "created_at": "2021-09-22T10:00:00.000Z",
               "public_metrics": {"like_count": likes, "retweet_count": 1, "reply_count": 0, "quote_count": 0}}]
    if extra_tweet:
        tweets.append({"id": "9002", "author_id": "7", "text": "more", "created_at": "2021-09-22T11:00:00.000Z"})
    users = [{"id": "7", "username": "seven", "name": "Seven", "public_metrics": {"followers_count": followers}}]
    return json.dumps({"data": tweets, "includes": {"users": users}, "__twarc": {"retrieved_at": retrieved}})


def test_two_overlapping_exports_keep_one_row_with_the_newest_counters(settings, tmp_path):
    newer, older = tmp_path / "newer.jsonl", tmp_path / "older.jsonl"
    newer.write_text(_page("2021-09-23T12:00:00+00:00", likes=50, followers=900, extra_tweet=True) + "\n")
    older.write_text(_page("2021-09-23T08:00:00+00:00", likes=5, followers=800, extra_tweet=False) + "\n")
    (a,) = land(settings, newer)
    (b,) = land(settings, older)  # delivered late: must not roll the counters back
    assert (a.records, a.staged, a.duplicates) == (3, 3, 0)
    assert (b.records, b.staged, b.duplicates) == (2, 0, 2) and reconciles(b)
    assert sql(settings, "select post_id, likes from staging.posts order by 1") == [("9001", 50), ("9002", None)]
    assert sql(settings, "select followers from staging.accounts") == [(900,)]
    newest = tmp_path / "newest.jsonl"
    newest.write_text(_page("2021-09-23T20:00:00+00:00", likes=70, followers=950, extra_tweet=False) + "\n")
    land(settings, newest)
    assert sql(settings, "select likes from staging.posts where post_id = '9001'") == [(70,)]
    assert sql(settings, "select followers from staging.accounts") == [(950,)]
    assert sql(settings, "select count(*) from raw.records") == [(7,)]  # raw keeps every observation


def test_duplicates_inside_one_file_count_as_duplicates(settings, tmp_path):
    twice = tmp_path / "twice.txt"
    twice.write_bytes(higgs_like(100) + higgs_like(100))
    (r,) = land(settings, twice)
    assert (r.records, r.staged, r.duplicates, r.quarantined) == (200, 100, 100, 0)


def test_cli_prints_the_reconcile_line_and_one_line_errors(settings, tmp_path):
    ok = clout_here("land", V2 / "mentions_tweet.jsonl", warehouse=settings)
    assert ok.returncode == 0 and "twitter_v2: 5 records read = 4 staged + 1 duplicates + 0 quarantined" in ok.stdout
    bad = tmp_path / "bad.txt"
    bad.write_bytes(higgs_like(100, bad_every=10))
    proc = clout_here("land", bad, warehouse=settings)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "bad.txt: 10 of 100 records (10.0%)" in " ".join(proc.stderr.split())


def test_a_null_item_in_a_v2_page_is_quarantined_as_null(settings, tmp_path):
    tweets = [{"id": str(i), "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00Z"} for i in range(99)]
    f = tmp_path / "null_item.jsonl"
    f.write_text(json.dumps({"data": [*tweets, None], "__twarc": {"retrieved_at": "2021-09-23T00:00:00+00:00"}}))
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (100, 99, 1) and reconciles(r)
    assert sql(settings, "select location, reason, raw_text from raw.quarantine") == [
        ("line 1 $.data[99]", "an item must be a JSON object", "null")]


def test_a_csv_line_that_is_not_valid_csv_is_quarantined_with_the_rest_landed(settings, tmp_path):
    # a carriage return after a quoted field: DuckDB refuses the file, and the careful path must not crash on it
    f = tmp_path / "stray_cr.csv"
    f.write_bytes(b"actor,target,time,kind\na,b,1341100800,RT\n"
                  + b'c,"d",1341100800,RT\re,f,1,RT\n' + b"g,h,1341100800,RT\n" * 98)
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (100, 2, 1) and reconciles(r)
    assert sql(settings, "select location, reason from raw.quarantine") == [
        ("line 3", "expected 4 fields separated by ','")]


def test_a_file_that_changed_after_its_hash_was_worked_out_is_recorded_as_it_landed(settings, tmp_path):
    """Hashes are worked out one file ahead; an export still being written when its hash began must not be recorded
    under that old hash, or the next run would land the finished file again."""
    from concurrent.futures import Future

    import duckdb

    from clout.core.warehouse import connect
    from clout.land import land as landing
    from clout.land.formats import LandOptions

    path = tmp_path / "growing.txt"
    path.write_bytes(higgs_like(100))
    ahead = Future()
    ahead.set_result(landing._hashed(path))  # worked out while the file before it landed
    path.write_bytes(higgs_like(200))  # the exporter goes on writing
    with connect(settings) as con:
        result = landing.land_file(con, path, LandOptions(), ahead)
    assert result.records == 200 and result.sha256 == landing.sha256_of(path)
    assert land(settings, path)[0].skipped  # the next run knows the file
    with duckdb.connect(str(settings.warehouse), read_only=True) as con:
        assert con.execute("select count(*) from raw.generic_interactions").fetchall() == [(200,)]


def test_a_pipe_named_on_the_command_line_is_an_error_not_a_hang(settings, tmp_path):
    import os
    import threading

    pipe = tmp_path / "fifo.txt"
    os.mkfifo(pipe)
    errors = []

    def attempt():
        try:
            land(settings, pipe)
        except CloutError as e:
            errors.append(str(e))

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout=30)
    assert not worker.is_alive(), "landing a pipe hung (its hash waits for a writer that never comes)"
    assert errors and "no such file" in errors[0]


def test_running_a_landing_folder_again_skips_without_reading_files_through(settings, tmp_path, monkeypatch):
    """A re-run over files already landed costs their hash, not the fast path's byte scan (a gzip decompressed
    whole)."""
    from clout.land.formats import generic

    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "day.txt.gz").write_bytes(gzip.compress(higgs_like(1000)))
    scans = []
    real = generic.text_shape
    monkeypatch.setattr(generic, "text_shape", lambda path, *a: scans.append(path) or real(path, *a))
    assert land(settings, folder)[0].records == 1000 and len(scans) == 1
    assert land(settings, folder)[0].skipped and len(scans) == 1


def v2_pages(first_id: int, pages: int, bad_lines: int = 0) -> str:
    """API v2 lines: `pages` pages of 100 tweets from first_id on, then `bad_lines` lines that are not JSON."""
    lines = [json.dumps({"data": [{"id": str(i), "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00Z"}
                                  for i in range(first_id + 100 * p, first_id + 100 * (p + 1))],
                         "__twarc": {"retrieved_at": "2021-09-23T00:00:00+00:00"}}) for p in range(pages)]
    return "\n".join(lines + ['{"data": [{"id": "cut'] * bad_lines) + "\n"


def test_a_v2_file_rewritten_while_the_file_before_merges_lands_as_it_is_now(settings, tmp_path):
    """The next v2 file's parse begins before the file before it is merged and committed; an export rewritten in
    that time must land with its bytes now, not the ones parsed ahead (its hash is that of the bytes now)."""
    from clout import pipeline
    from clout.land.land import LandProgress

    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "a.jsonl").write_text(v2_pages(0, 2))
    (folder / "b.jsonl").write_text(v2_pages(1000, 1))

    class RewriteB(LandProgress):
        def landed(self, result):
            if result.path.name == "a.jsonl":  # b's first block was parsed while a merged
                (folder / "b.jsonl").write_text(v2_pages(5000, 3))

    a, b = pipeline.land_files(settings, [folder], progress=RewriteB())
    assert (a.records, b.records) == (200, 300) and reconciles(b)
    (ids,), = sql(settings, "select list(post_id::int order by post_id::int) from staging.posts")
    assert ids == list(range(200)) + list(range(5000, 5300))  # none of b's first version
    assert land(settings, folder / "b.jsonl")[0].skipped  # recorded under the hash of what landed


def test_a_file_written_to_while_it_lands_fails_with_nothing_landed(settings, tmp_path, monkeypatch):
    """Bytes read before and after a write would land under a hash of neither: the file fails, to be landed again
    once complete."""
    from clout.land.formats import twitter_v2

    path = tmp_path / "growing.jsonl"
    path.write_text(v2_pages(0, 3))
    real = twitter_v2._line_batches

    def appended_after_the_first_block(p):
        for i, batch in enumerate(real(p)):
            yield batch
            if i == 0:
                with path.open("a") as f:
                    f.write(v2_pages(300, 1))

    monkeypatch.setattr(twitter_v2, "BLOCK_BYTES", 1024)  # a block per page
    monkeypatch.setattr(twitter_v2, "_line_batches", appended_after_the_first_block)
    with pytest.raises(CloutError, match=r"growing\.jsonl: the file changed while it was landing"):
        land(settings, path)
    assert counts(settings)["raw.records"] == 0 and counts(settings)["raw.files"] == 0
    monkeypatch.setattr(twitter_v2, "_line_batches", real)
    assert land(settings, path)[0].records == 400


def test_a_failing_v2_file_hands_the_next_file_begun_on_to_its_landing(settings, tmp_path):
    """A file of a folder that fails after the next one's parse began: its error is its result, nothing of it
    lands, the next file lands from the parse begun (all its records), no parse thread is left behind, and the
    warehouse opens for the next landing; named on its own, the file fails at once."""
    import threading

    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "a.jsonl").write_text(v2_pages(0, 3, bad_lines=5))  # 5 of 305 records bad: over the 1% limit
    (folder / "b.jsonl").write_text(v2_pages(1000, 3))
    a, b = land(settings, folder)
    assert "a.jsonl: 5 of 305 records" in a.failed and not a.records
    assert b.failed is None and (b.records, b.staged) == (300, 300) and reconciles(b)
    assert not [t for t in threading.enumerate() if t.name.startswith("clout-ahead")]
    assert counts(settings)["raw.records"] == 300
    with pytest.raises(CloutError, match=r"a\.jsonl: 5 of 305 records"):
        land(settings, folder / "a.jsonl")
    assert counts(settings)["raw.records"] == 300


def test_implausible_ids_and_times_in_a_v2_page_are_quarantined_with_the_reason(settings, tmp_path):
    def tweet(i, **over):
        return {"id": str(i), "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00Z"} | over
    bad = {495: {"created_at": "9999-12-31T00:00:00Z"}, 496: {"created_at": "1900-01-01T00:00:00Z"},
           497: {"author_id": "7" * 300}, 498: {"author_id": "7\u00008"},
           499: {"entities": {"mentions": [{"id": "9" * 300, "username": "x"}]}}}
    f = tmp_path / "implausible.jsonl"
    f.write_text(json.dumps({"data": [tweet(i, **bad.get(i, {})) for i in range(500)],
                             "__twarc": {"retrieved_at": "2021-09-23T00:00:00+00:00"}}))
    (r,) = land(settings, f)
    assert (r.records, r.staged, r.quarantined) == (500, 495, 5) and reconciles(r)
    reasons = [r for (r,) in sql(settings, "select reason from raw.quarantine order by record_no")]
    assert reasons == [
        "created_at 9999-12-31 00:00:00 is outside twitter's plausible range (2006-03-21 .. "
        + reasons[0].rsplit(".. ", 1)[1],
        "created_at 1900-01-01 00:00:00 is outside twitter's plausible range (2006-03-21 .. "
        + reasons[1].rsplit(".. ", 1)[1],
        "author id longer than 256 characters", "author id holds a control character",
        "an id in mentions longer than 256 characters"]


@pytest.mark.parametrize("fixture", ["twitter_v2/brexit.jsonl", "twitter_v1/MentionSomeoneImportantForYou.json"])
def test_a_utf8_byte_order_mark_before_a_json_export_is_no_part_of_it(settings, tmp_path, fixture):
    plain = FIXTURES / fixture
    marked = tmp_path / plain.name
    marked.write_bytes(b"\xef\xbb\xbf" + plain.read_bytes())
    shutil.copystat(plain, marked)  # the same delivery time: a v1 file's accounts are observed on its file's date
    (with_bom,) = land(settings, marked)
    assert with_bom.quarantined == 0 and with_bom.records > 0
    (again,) = land(settings, plain)  # the same records: duplicates of what the marked file landed
    assert again.records == with_bom.records and again.staged == 0


def test_a_utf16_export_in_a_folder_fails_the_landing_saying_so_the_rest_lands(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    text = "a b 1341100800 RT\nc d 1341100801 MT\n"
    (folder / "good.txt").write_text(text)
    (folder / "unicode.txt").write_bytes(text.encode("utf-16"))
    (folder / "README.md").write_text("what the folder holds\n")  # not an export: skipped, no failure
    results = {r.path.name: r for r in land(settings, folder)}
    assert results["good.txt"].staged == 2 and results["README.md"].note
    assert "not UTF-8: it looks like UTF-16" in results["unicode.txt"].failed
    proc = clout_here("land", folder, warehouse=settings)
    assert proc.returncode == 1 and "unicode.txt: not landed" in proc.stderr


def test_an_empty_folder_and_a_broken_link_are_said_not_passed_over(settings, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    proc = clout_here("land", empty, warehouse=settings)
    assert proc.returncode == 0 and proc.stdout.startswith("total: 0 files: 0 landed")
    linked = tmp_path / "linked"
    linked.mkdir()
    (linked / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    proc = clout_here("land", linked, warehouse=settings)
    assert proc.returncode == 1 and "gone.txt: a broken link" in proc.stdout + proc.stderr


def test_a_huge_bad_line_is_shown_cut_in_the_reconcile_line_and_kept_whole(settings, tmp_path):
    f = tmp_path / "long.txt"
    long_line = "x" * 50_000
    f.write_bytes(higgs_like(999) + long_line.encode() + b"\n")
    (r,) = land(settings, f)
    assert r.quarantined == 1 and len(r.line()) < 600 and "50,001 characters in all" not in r.line()
    assert "50,000 characters in all" in r.line()
    assert sql(settings, "select raw_text from raw.quarantine") == [(long_line,)]


def test_a_gzipped_mastodon_follows_csv_lands_as_the_plain_one(settings, tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    shutil.copy(FIXTURES / "mastodon" / "actor.json", folder)
    gz = folder / "following_accounts.csv.gz"
    gz.write_bytes(gzip.compress((FIXTURES / "mastodon" / "following_accounts.csv").read_bytes()))
    (r,) = land(settings, gz)
    assert r.format == "mastodon" and r.staged > 0 and r.quarantined == 0


def test_a_v2_tweet_whose_time_is_no_time_says_so_not_that_it_is_missing(settings, tmp_path):
    tweets = [{"id": str(i), "author_id": "7", "text": "hi", "created_at": "2021-09-22T10:00:00Z"} for i in range(199)]
    tweets.append({"id": "199", "author_id": "7", "text": "hi", "created_at": "yesterday"})
    f = tmp_path / "bad_time.jsonl"
    f.write_text(json.dumps({"data": tweets}) + "\n")
    (r,) = land(settings, f)
    assert r.quarantined == 1
    assert sql(settings, "select reason from raw.quarantine") == [
        ("created_at yesterday is not a time (the API gives ISO-8601, 2021-09-22T16:37:29.000Z)",)]


def test_a_v1_tweet_whose_time_is_no_time_says_so_not_that_it_is_missing(settings, tmp_path):
    def status(i: int, created: str) -> dict:
        return {"id_str": str(i), "created_at": created, "text": "hi", "user": {"id_str": "5", "screen_name": "a"}}
    good = "Sun Jul 01 10:00:00 +0000 2012"
    f = tmp_path / "v1.jsonl"
    f.write_text("".join(json.dumps(status(i, good)) + "\n" for i in range(199)) + json.dumps(status(199, "soon"))
                 + "\n")
    (r,) = land(settings, f)
    assert r.quarantined == 1
    assert sql(settings, "select reason from raw.quarantine") == [
        ("created_at 'soon' is not a time (the API gives `Wed Oct 10 20:19:24 +0000 2018`)",)]


def test_unix_milliseconds_are_named_as_such(settings, tmp_path):
    f = tmp_path / "ms.txt"
    f.write_bytes(higgs_like(999) + b"a b 1341100972000 RT\n")
    (r,) = land(settings, f)
    assert r.quarantined == 1 and "time looks like unix milliseconds (13 digits)" in r.first_problem
