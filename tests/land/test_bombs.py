"""Compression bombs, endless lines and a full disk (issue 15.7): each ends in one line naming the file, nothing
landed, the warehouse as it was. The caps are environment settings: these tests use small ones."""

from __future__ import annotations

import gzip
import json
import os
import resource
import signal
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from landkit import FIXTURES, counts, land

from clout.core.errors import CloutError

CLOUT = str(Path(sys.executable).with_name("clout"))
CAP = 1 << 20  # 1 MiB in these tests (defaults: 2 GiB expanded, 16 MiB a line)


@pytest.fixture
def small_caps(monkeypatch):
    monkeypatch.setenv("CLOUT_MAX_EXPANDED_BYTES", str(CAP))
    monkeypatch.setenv("CLOUT_MAX_LINE_BYTES", str(CAP))


@pytest.fixture
def landed(settings):
    land(settings, FIXTURES / "twitter_v2" / "brexit.jsonl")
    return counts(settings)


def test_a_gzip_of_identity_links_that_expands_past_the_cap_fails_cleanly(settings, tmp_path, small_caps, landed):
    rows = "".join(f"p-{i},twitter,{i},false\n" for i in range(200_000))  # ~5 MB, compresses ~20x
    bomb = tmp_path / "identity_links.csv.gz"
    bomb.write_bytes(gzip.compress(("person_id,network,account_id,is_minor\n" + rows).encode()))
    assert bomb.stat().st_size < CAP
    with pytest.raises(CloutError, match=r"identity_links\.csv\.gz: expands past 1,048,576 bytes"):
        land(settings, bomb)
    assert counts(settings) == landed


def test_an_x_archive_zip_bomb_fails_cleanly(settings, tmp_path, small_caps, landed):
    data = FIXTURES / "x_archive" / "data"
    bomb = tmp_path / "archive.zip"
    tweet = json.loads((data / "tweets.js").read_text().split("=", 1)[1])[0]
    tweets = "window.YTD.tweets.part0 = " + json.dumps([tweet] * 20_000)
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.write(data / "account.js", "data/account.js")
        z.writestr("data/tweets.js", tweets)
    assert bomb.stat().st_size < CAP < len(tweets)
    with pytest.raises(CloutError, match=r"archive\.zip: archive members expand past"):
        land(settings, bomb)
    assert counts(settings) == landed


def test_a_line_past_the_cap_in_an_api_v2_file_fails_cleanly(settings, tmp_path, small_caps, landed):
    first = (FIXTURES / "twitter_v2" / "mentions_tweet.jsonl").read_text().splitlines()[0]
    huge = json.dumps({"data": [{"id": "1", "text": "x" * (2 * CAP), "author_id": "7"}]})
    path = tmp_path / "v2.jsonl"
    path.write_text(first + "\n" + huge + "\n")
    with pytest.raises(CloutError, match=r"v2\.jsonl: line 2 is longer than 1,048,576 bytes"):
        land(settings, path)
    assert counts(settings) == landed


def test_a_line_past_the_cap_in_a_v1_file_fails_cleanly(settings, tmp_path, small_caps, landed):
    tweet = {"id_str": "1", "created_at": "Sun Jul 01 10:00:00 +0000 2012", "text": "x" * (2 * CAP),
             "user": {"id_str": "5", "screen_name": "a"}}
    path = tmp_path / "v1.jsonl"
    path.write_text(json.dumps({**tweet, "text": "short"}) + "\n" + json.dumps(tweet) + "\n")
    with pytest.raises(CloutError, match=r"v1\.jsonl: line 2 is longer than"):
        land(settings, path)
    assert counts(settings) == landed


def test_a_line_past_the_cap_inside_a_generic_table_fails_cleanly(settings, tmp_path, small_caps, landed):
    """A long bad line in the middle of a table (not at its end): the careful path reads it, and fails the file
    rather than keep the whole line in memory and in the quarantine."""
    path = tmp_path / "table.txt"
    path.write_bytes(b"a b 1341100972 RT\n" + b"x" * (2 * CAP) + b" b 1341100972 RT\n" + b"c d 1341100973 MT\n")
    with pytest.raises(CloutError, match=r"table\.txt: line 2 is longer than 1,048,576 bytes"):
        land(settings, path)
    assert counts(settings) == landed


def _file_size_limit(limit: int):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG) instead of killing
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_while_landing_is_one_line_and_lands_nothing(settings, tmp_path, landed):
    big = tmp_path / "big.txt"
    big.write_text("".join(f"{i} {i % 977 + 5000} {1341100800 + i} RT\n" for i in range(400_000)))
    limit = settings.warehouse.stat().st_size + (256 << 10)  # room for a little, not for the file's rows
    env = {**os.environ, "CLOUT_WAREHOUSE": str(settings.warehouse), "CLOUT_MAX_EXPANDED_BYTES": str(1 << 30)}
    proc = subprocess.run([CLOUT, "land", str(big)], capture_output=True, text=True, env=env, timeout=300,
                          preexec_fn=_file_size_limit(limit))
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr and "big.txt" in proc.stderr, proc.stderr
    assert "nothing was landed" in proc.stderr
    assert counts(settings) == landed
