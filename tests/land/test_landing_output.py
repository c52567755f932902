"""What `clout land` prints: a line for each file named and for each file of a folder that needs attention, then a
line of totals; the files a format reads for its owner (actor.json, Profile.csv, profile_information.json) are
counted, never reported as unknown."""

from __future__ import annotations

import shutil
from pathlib import Path

from landkit import FIXTURES
from testkit import clout_here

from clout.core.warehouse import connect


def _copy(tmp_path, *names):
    for name in names:
        shutil.copytree(FIXTURES / name, tmp_path / "in" / name)
    return tmp_path / "in"


def test_a_folder_prints_what_needs_attention_and_its_totals(settings, tmp_path):
    folder = _copy(tmp_path, "mastodon", "linkedin", "facebook", "x_archive")
    first = clout_here("land", folder, warehouse=settings, check=True).stdout.splitlines()
    # owner files are not unknown formats; like.js (an X archive file clout does not read) is
    assert not [line for line in first if any(n in line for n in ("actor.json", "Profile.csv", "profile_information"))]
    assert [line for line in first if "not an export format" in line] == [
        f"{folder / 'x_archive' / 'data' / 'like.js'}: not an export format clout knows, skipped"]
    assert len(first) == 2  # like.js and the totals: clean landings need no line of their own
    assert first[-1].startswith("total: 15 files: 11 landed, 0 already landed, 1 skipped, "
                                "3 owner files read with their exports; ")
    assert "records read = " in first[-1] and " quarantined" in first[-1]
    again = clout_here("land", folder, warehouse=settings, check=True).stdout.splitlines()
    assert again[-1].startswith("total: 15 files: 0 landed, 11 already landed, 1 skipped, 3 owner files")
    assert not [line for line in again if "already landed (sha256" in line]  # counted, not listed


def test_a_named_file_keeps_its_line_and_a_named_owner_file_says_what_to_land(settings, tmp_path):
    folder = _copy(tmp_path, "mastodon")
    out = clout_here("land", folder / "mastodon" / "following_accounts.csv", warehouse=settings, check=True).stdout
    assert out.splitlines() == [f"{folder / 'mastodon' / 'following_accounts.csv'}: mastodon: 2 records read = "
                                "2 staged + 0 duplicates + 0 quarantined"]
    proc = clout_here("land", folder / "mastodon" / "actor.json", warehouse=settings)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1
    assert "actor.json: not an export but where a mastodon export's owner comes from" in proc.stderr


def test_a_bad_file_in_a_folder_does_not_keep_the_others_out(settings, tmp_path):
    """A truncated export first in a folder: its error line, every other file landed, the totals, then exit 1 (the
    Airflow landing task fails); landing the folder again lands nothing twice and still names the bad file."""
    folder = _copy(tmp_path, "mastodon")
    good = (FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json").read_bytes()
    (folder / "a_bad.json").write_bytes(good[:3000])  # cut mid-document

    proc = clout_here("land", folder, warehouse=settings)
    assert proc.returncode == 1
    out = proc.stdout.splitlines()
    assert out[0].startswith(f"error: {folder / 'a_bad.json'}: 1 of 1 records") and "truncated" in out[0]
    assert out[-1].startswith("total: 5 files: 3 landed, 0 already landed, 0 skipped, 1 not landed (errors above)")
    assert proc.stderr.count("\n") == 1 and "a_bad.json: not landed (the error above)" in proc.stderr
    with connect(settings) as con:
        landed = {Path(p).name for (p,) in con.execute("select path from raw.files").fetchall()}
    assert "a_bad.json" not in landed and len(landed) == 3

    again = clout_here("land", folder, warehouse=settings)
    assert again.returncode == 1 and again.stdout.splitlines()[-1].startswith("total: 5 files: 0 landed, 3 already")

    # named on the command line, the same file still fails at once with its one line
    named = clout_here("land", folder / "a_bad.json", warehouse=settings)
    assert named.returncode == 1 and named.stderr.startswith(f"error: {folder / 'a_bad.json'}: 1 of 1 records")


def test_a_mistyped_path_names_the_warehouse_and_makes_none(settings, tmp_path):
    missing = tmp_path / "nope.txt.gz"
    (tmp_path / "in").mkdir()
    proc = clout_here("land", tmp_path / "in", missing, warehouse=settings)  # a folder that exists, then a typo
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"error: {missing}: no such file (nothing landed into {settings.warehouse})"
    assert not settings.warehouse.exists()


def test_ctrl_c_inside_a_landing_statement_is_one_line_not_a_traceback(settings, tmp_path, monkeypatch):
    """Ctrl-C that reaches a DuckDB statement ends it with DuckDB's own error (`Query interrupted`), not a
    KeyboardInterrupt: the landing still stops on one line, with the shell's code for Ctrl-C."""
    import os
    import signal
    import time

    from clout import pipeline

    def interrupted(*args, **kwargs):
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(5)
        except KeyboardInterrupt:
            raise RuntimeError("Query interrupted") from None  # as DuckDB reports it

    monkeypatch.setattr(pipeline, "land_files", interrupted)
    f = tmp_path / "a.txt"
    f.write_text("a b 1341100800 RT\n")
    proc = clout_here("land", f, warehouse=settings)
    assert (proc.returncode, proc.stderr.strip()) == (130, "error: stopped by Ctrl-C")
