"""A file's identity when it lands: its bytes, plus its owner for exports whose rows do not name the owner (the owner
comes from a companion file such as actor.json, or --account). Two owners' byte-identical files are two owners' data;
one owner's file delivered twice lands once, also when it was landed before owners were recorded (migration 0830)."""

from __future__ import annotations

import json
import shutil

import duckdb
import pytest
from landkit import FIXTURES, land, sql
from testkit import old_layout

from clout.core.warehouse import migrate


def _mastodon(folder, name):
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "mastodon" / "following_accounts.csv", folder)
    (folder / "actor.json").write_text(json.dumps({"id": f"https://mastodon.social/users/{name}", "type": "Person"}))
    return folder / "following_accounts.csv"


def _linkedin(folder, name):
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "linkedin" / "Connections.csv", folder)
    (folder / "Profile.csv").write_text(f"First Name,Last Name\n{name},Example\n")
    return folder / "Connections.csv"


def _facebook(folder, name):
    (folder / "posts").mkdir(parents=True)
    (folder / "profile_information").mkdir()
    shutil.copy(FIXTURES / "facebook" / "posts" / "your_posts_1.json", folder / "posts")
    (folder / "profile_information" / "profile_information.json").write_text(
        json.dumps({"profile_v2": {"name": {"full_name": name}}}))
    return folder / "posts" / "your_posts_1.json"


def _x_archive(folder, name):
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / "x_archive" / "data" / "following.js", folder)
    account_id = str(sum(map(ord, name)))
    (folder / "account.js").write_text(
        f'window.YTD.account.part0 = [{{"account": {{"accountId": "{account_id}", "username": "{name}"}}}}]')
    return folder / "following.js"


OWNERLESS = {"mastodon": _mastodon, "linkedin": _linkedin, "facebook": _facebook, "x_archive": _x_archive}


@pytest.mark.parametrize("fmt", OWNERLESS)
def test_two_owners_identical_files_both_land_and_each_lands_once(settings, tmp_path, fmt):
    """The generator's case: user358 and user65 both follow only user439, byte-identical CSVs."""
    ada, bob = (OWNERLESS[fmt](tmp_path / who, who) for who in ("ada", "bob"))
    assert ada.read_bytes() == bob.read_bytes()
    first = {r.path: r for r in land(settings, ada, bob)}
    assert not first[ada].skipped and not first[bob].skipped, [r.line() for r in first.values()]
    assert first[ada].owner != first[bob].owner
    assert first[bob].records == first[ada].records > 0
    # the same owner's file again, from another folder (a re-delivery): already landed, nothing added
    again = OWNERLESS[fmt](tmp_path / "again" / "ada", "ada")
    (r,) = land(settings, again)
    assert r.skipped and "already landed" in r.line() and r.owner == first[ada].owner
    assert sql(settings, "select count(*), count(distinct sha256) from raw.files") == [(2, 1)]


def test_both_owners_follows_reach_staging(settings, tmp_path):
    ada, bob = _mastodon(tmp_path / "ada", "ada"), _mastodon(tmp_path / "bob", "bob")
    land(settings, ada, bob)
    followers = sql(settings, "select distinct follower_id from staging.follows order by 1")
    assert followers == [("ada@mastodon.social",), ("bob@mastodon.social",)]


def test_a_file_landed_before_owners_were_recorded_is_still_recognised(settings, tmp_path):
    """Migration 0830 leaves owner null on files landed before it: a re-delivery of the same owner's file is
    recognised from the owner its records name; another owner's identical file lands."""
    ada = _mastodon(tmp_path / "ada", "ada")
    land(settings, ada)
    with duckdb.connect(str(settings.warehouse)) as con:
        con.execute("update raw.files set owner = null")  # what 0830 leaves on a file landed before it
    (again,) = land(settings, _mastodon(tmp_path / "again" / "ada", "ada"))
    assert again.skipped, again.line()
    (bob,) = land(settings, _mastodon(tmp_path / "bob", "bob"))
    assert not bob.skipped and bob.records == 2
    assert sql(settings, "select count(*) from raw.files") == [(2,)]


def test_migration_0830_keeps_files_and_lets_two_owners_share_bytes(tmp_path):
    con = old_layout(tmp_path / "old.duckdb", "0830_")
    row = (7, "/in/ada/following_accounts.csv", 60, "49e620ec798c", "mastodon", "mastodon", 2, "2026-01-01 00:00:00")
    con.execute("insert into raw.files values (?, ?, ?, ?, ?, ?, ?, ?)", row)
    assert migrate(con)[:1] == ["0830_raw_files_owner.sql"]  # and the migrations after it
    assert con.execute("select * exclude (owner), owner from raw.files").fetchall()[0][:8] == (
        7, "/in/ada/following_accounts.csv", 60, "49e620ec798c", "mastodon", "mastodon", 2,
        con.execute("select timestamp '2026-01-01'").fetchall()[0][0])
    assert con.execute("select owner from raw.files").fetchall() == [(None,)]
    con.execute("insert into raw.files values (8, '/in/bob/following_accounts.csv', 60, '49e620ec798c', 'mastodon', "
                "'mastodon', 2, now(), 'bob@mastodon.social')")  # the same bytes, another owner
    with pytest.raises(duckdb.ConstraintException):  # the same bytes of the same owner twice: refused
        con.execute("insert into raw.files values (9, '/x', 60, '49e620ec798c', 'mastodon', 'mastodon', 2, now(), "
                    "'bob@mastodon.social')")
