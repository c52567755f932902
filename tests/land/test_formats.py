"""Every format lands from a real or format-exact sample, into the canonical model, and reconciles."""

from __future__ import annotations

import json
import zipfile
from datetime import date

import pytest
from landkit import FIXTURES, land, reconciles, sql

from clout.core.errors import CloutError
from clout.core.warehouse import connect
from clout.stage.stage import stage_date


def one(results):
    landed = [r for r in results if not r.skipped]
    assert len(landed) == 1, [r.line() for r in results]
    return landed[0]


def test_twitter_v2_real_page_lands_posts_users_and_references(settings):
    r = one(land(settings, FIXTURES / "twitter_v2" / "brexit.jsonl"))
    assert r.format == "twitter_v2" and reconciles(r)
    assert f"{r.records:,} records read = {r.staged:,} staged + {r.duplicates:,} duplicates" in r.line()
    # 100 tweets in data, their authors and referenced tweets in includes; a referenced tweet seen twice is one.
    assert sql(settings, "select count(*) from raw.records where location like '%$.data[%'") == [(100,)]
    (posts, refs, tags), = sql(settings, "select count(*), count(repost_of_author_id), "
                               "count(*) filter (where list_contains(hashtags, 'Brexit')) from staging.posts")
    assert posts == r.staged - sql(settings, "select count(*) from staging.accounts")[0][0]
    assert refs > 0 and tags > 0
    (followers,), = sql(settings, "select followers from staging.accounts where account_id = '4203239195'")
    assert followers == 34920  # includes.users[].public_metrics.followers_count


def test_twitter_v2_user_lookup_page_lands_accounts(settings):
    r = one(land(settings, FIXTURES / "twitter_v2" / "users.jsonl"))
    assert reconciles(r) and r.quarantined == 0
    assert sql(settings, "select handle, followers, following, listed, posts_count from staging.accounts "
                         "where account_id = '119369819'") == [("DoDirty78", 580, 518, 12, 55186)]


def test_twitter_v1_real_array_lands_embedded_users_and_retweets(settings):
    r = one(land(settings, FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json"))
    assert r.format == "twitter_v1" and reconciles(r) and r.quarantined == 0
    (tweets,), = sql(settings, "select count(*) from raw.records "
                           "where entity = 'post' and location not like '%status%'")
    assert tweets == 98
    (mentioned,), = sql(settings, "select mentions from staging.posts where post_id = '316948241998561282'")
    assert mentioned == ["335803883", "445699886", "337517759", "770810791", "632452596"]
    assert sql(settings, "select count(*) from staging.posts where repost_of_author_id is not null")[0][0] > 0



def _stream(tweets: list[dict], *notices: dict) -> str:
    """A capture of the v1.1 streaming API: one tweet per line, the stream's messages between them."""
    lines = [json.dumps(t) for t in tweets]
    for i, n in enumerate(notices):
        lines.insert(1 + 2 * i, json.dumps(n))
    return "\n".join(lines) + "\n"


def _delete(tweet: dict) -> dict:
    return {"delete": {"status": {"id": int(tweet["id_str"]), "id_str": tweet["id_str"],
                                  "user_id": tweet["user"]["id"], "user_id_str": tweet["user"]["id_str"]},
                       "timestamp_ms": "1364296000000"}}


def test_a_v1_stream_capture_keeps_its_notices_apart_and_honours_deletions(settings, tmp_path):
    # The sample stream's captures hold deletions, rate-limit counts and other messages between tweets: they are
    # notices, not bad tweets (as quarantined records they failed every file), and a deletion takes its post out
    tweets = [t for t in json.loads((FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json").read_text())
              if "retweeted_status" not in t]
    first, later = tweets[:20], tweets[20:40]
    (tmp_path / "a.jsonl").write_text(_stream(first))
    one(land(settings, tmp_path / "a.jsonl"))
    gone_before, gone_here = first[3]["id_str"], later[5]["id_str"]
    (tmp_path / "b.jsonl").write_text(_stream(
        later, _delete(first[3]), {"limit": {"track": 5, "timestamp_ms": "1364296000001"}}, _delete(later[5]),
        {"scrub_geo": {"user_id": 14090452, "user_id_str": "14090452", "up_to_status_id": 23260136625}},
        {"limit": {"track": 12, "timestamp_ms": "1364296000002"}},
        {"delete": {"status": {"id": 1, "id_str": "1", "user_id": 2, "user_id_str": "2"}}}))  # never landed
    r = one(land(settings, tmp_path / "b.jsonl"))
    assert r.format == "twitter_v1" and r.quarantined == 0 and r.notices == 6 and reconciles(r)
    assert (" + 0 quarantined + 6 notices; stream notices kept in raw.stream_notices: 3 deletions (1 landed post "
            "taken out of staging), 2 rate-limit notices (up to 12 tweets the stream did not deliver), 1 scrub_geo"
            ) in r.line()
    assert sql(settings, "select count(*) from staging.posts where post_id in (?, ?)", [gone_before, gone_here]) == [
        (0,)]
    assert sql(settings, "select count(*) from staging.posts")[0][0] == 40 - 2
    assert sql(settings, "select kind, post_id, account_id, undelivered from raw.stream_notices "
                         "where kind <> 'scrub_geo' order by record_no") == [
        ("delete", gone_before, first[3]["user"]["id_str"], None), ("limit", None, None, 5),
        ("delete", gone_here, later[5]["user"]["id_str"], None), ("limit", None, None, 12),
        ("delete", "1", "2", None)]
    assert sql(settings, "select records_read, staged + duplicates + quarantined + notices, notices "
                         "from raw.landings order by file_id desc limit 1") == [(r.records, r.records, 6)]
    # delivered again (other bytes), the deleted posts stay out; a capture that opens with a notice is v1 too
    (tmp_path / "c.jsonl").write_text(_stream(list(reversed(first + later)), _delete(tweets[45])))
    r = one(land(settings, tmp_path / "c.jsonl"))
    assert r.format == "twitter_v1" and (r.staged, r.notices) == (0, 1) and reconciles(r)
    assert sql(settings, "select count(*) from staging.posts where post_id in (?, ?)", [gone_before, gone_here]) == [
        (0,)]
    (tmp_path / "d.jsonl").write_text(json.dumps(_delete(tweets[46])) + "\n" + json.dumps(tweets[46]) + "\n")
    r = one(land(settings, tmp_path / "d.jsonl"))
    assert r.format == "twitter_v1" and (r.staged, r.notices) == (1, 1)  # its user; the tweet itself is deleted


def test_x_archive_folder_with_part_files(settings):
    results = land(settings, FIXTURES / "x_archive")
    assert all(reconciles(r) for r in results)
    assert "not an export format" in next(r.line() for r in results if r.path.name == "like.js")
    # string numbers become numbers; the owner from account.js is every tweet's author; part1 lands too
    assert sql(settings, "select post_id, author_id, likes, reposts, reply_to_author_id, created_at::varchar "
                         "from staging.posts order by post_id") == [
        ("1049001", "1001", 12, 3, "1002", "2018-10-10 20:19:24"),
        ("1049002", "1001", 0, 0, None, "2018-10-11 08:00:00"),
        ("1049003", "1001", 4, 1, None, "2018-10-12 09:30:00"),
    ]
    assert sql(settings, "select repost_of_author_id from staging.posts where post_id = '1049002'") == [("1003",)]
    assert sorted(sql(settings, "select follower_id, followed_id from staging.follows")) == [
        ("1001", "1003"), ("1002", "1001"), ("1004", "1001")]


def test_x_archive_zip_lands_as_one_file(settings, tmp_path):
    archive = tmp_path / "twitter-2018-10-20-abc.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in sorted((FIXTURES / "x_archive" / "data").iterdir()):
            z.write(f, f"data/{f.name}")
    r = one(land(settings, archive))
    assert r.format == "x_archive" and r.records == 1 + 3 + 2 + 1 and r.quarantined == 0
    assert sql(settings, "select count(*) from raw.files") == [(1,)]


def test_mastodon_outbox_duplicate_key_real_items_win(settings):
    r = one(land(settings, FIXTURES / "mastodon" / "outbox.json"))
    assert r.records == 4 and r.staged == 4 and reconciles(r)  # the empty orderedItems did not win
    rows = sql(settings, "select post_id, hashtags, mentions, reply_to_author_id, repost_of_author_id, text "
                         "from staging.posts order by created_at")
    assert rows[0][1:3] == (["gardening"], ["bob@fosstodon.org"])
    assert rows[0][5].startswith("Tomatoes are up!")  # HTML content becomes text
    assert rows[1][3] == "carol@hachyderm.io"
    assert rows[2][4] == "bob@fosstodon.org"  # Announce = boost of bob's status






def test_migration_0850_keeps_the_deletions_landed_before_it(tmp_path):
    from testkit import old_layout

    from clout.core.warehouse import migrate

    con = old_layout(tmp_path / "old.duckdb", "0850_")
    con.execute("insert into raw.stream_notices values (3, 1, 'line 1', 'twitter', 'delete', '42', '7', null, '{}'), "
                "(5, 9, 'line 9', 'twitter', 'delete', '42', '7', null, '{}'), "
                "(5, 2, 'line 2', 'twitter', 'limit', null, null, 12, '{}')")
    assert migrate(con) == ["0850_deleted_posts.sql"]
    assert con.execute("select * from raw.deleted_posts").fetchall() == [("twitter", "42", 3)]


def test_a_capture_mostly_of_notices_is_held_to_the_limit_by_its_tweets(settings, tmp_path):
    # 1 bad line among 40 records (20 tweets and their users) and 100 deletions: 2.4% of the records, over the 1%
    # limit, though 0.7% of the lines
    tweets = [t for t in json.loads((FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json").read_text())
              if "retweeted_status" not in t][:20]
    deletions = [_delete(t) for t in tweets] * 5
    f = tmp_path / "capture.jsonl"
    f.write_text(_stream(tweets, *deletions[:19]) + "\n".join(map(json.dumps, deletions[19:])) + "\n{truncated\n")
    with pytest.raises(CloutError, match=r"capture.jsonl: 1 of 41 records \(2\.4%\) could not be landed"):
        land(settings, f)


def test_a_streamed_tweet_over_140_characters_lands_its_extended_text_and_mentions(settings, tmp_path):
    # The stream truncates a long tweet at the top level (`truncated`, the first 140 characters' entities only) and
    # gives the whole of it in `extended_tweet`: the mention past the cut must not be lost
    tweet = next(t for t in json.loads((FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json").read_text())
                 if len(t["entities"]["user_mentions"]) >= 2 and "retweeted_status" not in t)
    mentions = tweet["entities"]["user_mentions"]
    long_text = tweet["text"] + " and a tail that takes the tweet past 140 characters"
    tweet |= {"truncated": True, "text": tweet["text"][:100] + "\u2026",
              "entities": tweet["entities"] | {"user_mentions": mentions[:1]},
              "extended_tweet": {"full_text": long_text, "display_text_range": [0, len(long_text)],
                                 "entities": tweet["entities"] | {"user_mentions": mentions}}}
    (tmp_path / "stream.jsonl").write_text(json.dumps(tweet) + "\n")
    r = one(land(settings, tmp_path / "stream.jsonl"))
    assert r.quarantined == 0 and reconciles(r)
    assert sql(settings, "select text, mentions from staging.posts where post_id = ?", [tweet["id_str"]]) == [
        (long_text, [m["id_str"] for m in mentions])]


def test_mastodon_api_statuses_land_as_the_account_export_names_them(settings, tmp_path):
    # REST API Status entities: accounts `name@host` and posts by status URI, as an outbox names them; a reply's
    # author found by the server's local id among the mentions; the boosted status lands as a post of its own
    r = one(land(settings, FIXTURES / "mastodon_api" / "public_timeline.json"))
    assert r.format == "mastodon_api" and reconciles(r) and r.quarantined == 0
    assert (r.records, r.staged, r.duplicates) == (8, 6, 2)  # the boosted post and its author arrive twice
    post = "https://mastodon.social/users/Gargron/statuses/103270115826048975"
    assert sql(settings, "select post_id, author_id, text, hashtags, mentions, reply_to_author_id, repost_of_post_id, "
                         "repost_of_author_id, likes, reposts, replies from staging.posts order by created_at") == [
        (post, "Gargron@mastodon.social", "Why is #fediverse growing? cc @ada", ["fediverse"], ["ada@hachyderm.io"],
         None, None, None, 11, 6, 5),
        ("https://hachyderm.io/users/ada/statuses/103270300000000001", "ada@hachyderm.io",
         "@Gargron because it is yours & mine", [], ["Gargron@mastodon.social"], "Gargron@mastodon.social", None, None,
         2, 0, 0),
        ("https://mastodon.social/users/bob/statuses/103270400000000002/activity", "bob@mastodon.social", "", [], [],
         None, post, "Gargron@mastodon.social", 0, 0, 0),
    ]
    assert sql(settings, "select account_id, handle, followers, following, posts_count from staging.accounts "
                         "order by followers desc limit 1") == [("Gargron@mastodon.social", "Gargron", 322930, 459,
                                                                 61323)]
    with connect(settings) as con:
        stage_date(con, date(2019, 12, 8))
    assert sql(settings, "select actor_id, target_id, kind from staging.interactions order by occurred_at") == [
        ("Gargron@mastodon.social", "ada@hachyderm.io", "mention"),
        ("ada@hachyderm.io", "Gargron@mastodon.social", "reply"),  # its leading @Gargron is the reply itself
        ("bob@mastodon.social", "Gargron@mastodon.social", "repost")]
    # the streaming API's events, one per line: the same statuses, its delete event a notice
    s = one(land(settings, FIXTURES / "mastodon_api" / "streaming_public.jsonl"))
    assert s.format == "mastodon_api" and (s.records, s.notices, s.quarantined) == (9, 1, 0) and reconciles(s)
    assert sql(settings, "select count(*) from staging.posts") == [(3,)]



def test_mastodon_api_accounts_are_named_as_mentions_name_them_and_captures_in_their_usual_shapes(settings, tmp_path):
    # A Misskey account's `uri` holds an internal id, and an older server's local account has no `uri` and an
    # `acct` without a host: both are `username@host`, as the mentions of a reply to them say. The websocket's
    # events carry a `stream` key first; a crawler may write one API page (an array) per line.
    timeline = json.loads((FIXTURES / "mastodon_api" / "public_timeline.json").read_text())
    post, reply, boost = timeline
    post["account"] |= {"uri": "https://mastodon.social/users/9hxyzabc"}
    del reply["account"]["uri"]
    reply["account"] |= {"acct": "ada", "url": "https://hachyderm.io/@ada"}
    events = [json.dumps({"stream": ["public"], "event": "update", "payload": json.dumps(s)}) for s in (post, reply)]
    (tmp_path / "ws.jsonl").write_text("\n".join(events) + "\n")
    (tmp_path / "pages.jsonl").write_text(json.dumps([boost]) + "\n" + json.dumps([]) + "\n")
    ws, pages = (one(land(settings, tmp_path / n)) for n in ("ws.jsonl", "pages.jsonl"))
    assert (ws.format, pages.format) == ("mastodon_api", "mastodon_api") and ws.quarantined == pages.quarantined == 0
    assert sql(settings, "select author_id, reply_to_author_id, repost_of_author_id from staging.posts "
                         "order by created_at") == [
        ("Gargron@mastodon.social", None, None), ("ada@hachyderm.io", "Gargron@mastodon.social", None),
        ("bob@mastodon.social", None, "Gargron@mastodon.social")]


def test_mastodon_api_statuses_that_are_not_statuses_are_quarantined_with_their_reason(settings, tmp_path):
    timeline = json.loads((FIXTURES / "mastodon_api" / "public_timeline.json").read_text())
    timeline[1]["created_at"] = "yesterday"
    del timeline[0]["uri"]
    f = tmp_path / "timeline.json"
    f.write_text(json.dumps([*timeline, "not a status"]))
    r = one(land(settings, f, quarantine_limit=0.9))
    assert r.quarantined == 3 and reconciles(r)
    assert sql(settings, "select location, reason from raw.quarantine order by record_no") == [
        ("line 1 $[0]", "contract staging_posts: post_id is required"),  # one line: a page per line
        ("line 1 $[1]", "created_at 'yesterday' is not a time (the API gives `2019-12-08T03:48:33.901Z`)"),
        ("line 1 $[3]", "a status must be a JSON object")]
    notification = {"id": "34975861", "type": "favourite", "created_at": "2019-11-23T07:49:02.064Z",
                    "account": timeline[2]["account"], "status": timeline[2]}
    f.write_text(json.dumps([notification]))
    with pytest.raises(CloutError, match=r"first: line 1 \$\[0\]: a notification \(type 'favourite'\), not a status"):
        land(settings, f)
    f.write_text(json.dumps(timeline, indent=1)[:-200])
    with pytest.raises(CloutError, match=r"timeline.json: 1 of 1 records \(100\.0%\) could not be landed.*not valid "
                                         r"JSON \(truncated\?\)"):
        land(settings, f)


def test_mastodon_follow_csvs_use_the_owner_from_actor_json(settings):
    results = land(settings, FIXTURES / "mastodon")
    assert all(reconciles(r) for r in results if not r.skipped)
    assert sorted(sql(settings, "select follower_id, followed_id from staging.follows")) == [
        ("alice@mastodon.social", "bob@fosstodon.org"), ("alice@mastodon.social", "carol@hachyderm.io"),
        ("bob@fosstodon.org", "alice@mastodon.social"), ("dave@mastodon.social", "alice@mastodon.social")]


def test_facebook_mojibake_is_repaired(settings):
    r = one(land(settings, FIXTURES / "facebook" / "posts" / "your_posts_1.json"))
    assert r.records == 3 and reconciles(r)
    texts = dict(sql(settings, "select author_id, string_agg(text, ' | ' order by created_at) from staging.posts "
                               "group by 1"))
    assert "Łukasz Żółć" in texts
    assert "Wesołych świąt" in texts["Łukasz Żółć"] and "🍅" in texts["Łukasz Żółć"]
    assert "\u00c5" not in texts["Łukasz Żółć"]
    assert sql(settings, "select hashtags from staging.posts where hashtags <> []") == [(["ogród", "pomidory"],)]
    # raw keeps the file's own text (mojibake and all): every byte as delivered
    assert "\u00c5\u0082" in sql(settings, "select payload from raw.records where record_no = 1")[0][0]


def test_linkedin_shares_with_multiline_commentary_and_connections(settings):
    results = land(settings, FIXTURES / "linkedin")
    assert all(reconciles(r) for r in results if not r.skipped)
    text, = sql(settings, "select text from staging.posts where post_id = 'urn:li:share:7026000000000000001'")[0]
    assert text == "We shipped the new data platform today.\n\nThanks to the whole team! #dataengineering #duckdb"
    assert sql(settings, "select count(*), min(author_id) from staging.posts") == [(3, "Ada Lovelace")]
    assert sql(settings, "select followed_id, observed_date::varchar from staging.follows order by 2") == [
        ("https://www.linkedin.com/in/gracehopper", "2023-01-12"),
        ("https://www.linkedin.com/in/alanturing", "2023-02-03")]


def test_identity_links_join_accounts_and_flag_minors(settings):
    r = one(land(settings, FIXTURES / "identity" / "identity_links.csv"))
    assert r.records == 4 and r.staged == 4
    assert sql(settings, "select network, account_id from staging.identity_links where person_id = 'p-ada' "
                         "order by 1") == [("linkedin", "Ada Lovelace"), ("mastodon", "alice@mastodon.social"),
                                           ("twitter", "1001")]
    assert sql(settings, "select is_minor from staging.identity_links where person_id = 'p-kid'") == [(True,)]


def test_a_minor_flag_in_any_usual_spelling_flags_and_an_unreadable_one_fails_the_file(settings, tmp_path):
    """`Y` is a minor, as `true` is. A value that reads as neither must not quarantine the row and land the rest:
    the account would go unmarked, and be scored (fail open); the file fails, naming the line."""
    flags = tmp_path / "flags.csv"
    flags.write_text("person_id,network,account_id,is_minor\np1,twitter,11,Y\np2,twitter,12,n\np3,twitter,13,T\n")
    assert one(land(settings, flags)).staged == 3
    assert sql(settings, "select account_id, is_minor from staging.identity_links order by 1") == [
        ("11", True), ("12", False), ("13", True)]
    unreadable = tmp_path / "unreadable.csv"
    unreadable.write_text("person_id,network,account_id,is_minor\np4,twitter,14,false\np5,twitter,15,maybe\n")
    with pytest.raises(CloutError, match=r"unreadable\.csv, line 3: is_minor 'maybe' is not true or false; an "
                                         r"identity file says who is a minor"):
        land(settings, unreadable)
    ragged = tmp_path / "ragged.csv"  # a row that may be a minor's but has a field too many
    ragged.write_text("person_id,network,account_id,is_minor\np6,twitter,16,false\np7,twitter,17,true,\n")
    with pytest.raises(CloutError, match=r"ragged\.csv, line 3: expected 4 fields, found 5; an identity file"):
        land(settings, ragged)
    assert sql(settings, "select count(*) from staging.identity_links") == [(3,)]


def test_raw_records_carry_account_ids_for_erasure(settings):
    land(settings, FIXTURES / "x_archive")
    rows = sql(settings, "select count(*) from raw.records where list_contains(account_ids, '1002')")
    assert rows == [(2,)]  # the reply that mentions 1002, and 1002's follow of the owner


def test_a_landing_reports_each_file_as_it_lands(settings):
    from clout import pipeline

    class Recorder:
        def __init__(self):
            self.events = []

        def starting(self, path, done, total):
            self.events.append(("starting", path.name, done, total))

        def landed(self, result):
            self.events.append(("landed", result.path.name, result.line()))

    recorder = Recorder()
    results = pipeline.land_files(settings, [FIXTURES / "mastodon"], progress=recorder)
    names = sorted(p.name for p in (FIXTURES / "mastodon").iterdir())
    expected = []
    for i, (name, result) in enumerate(zip(names, results, strict=True)):
        expected += [("starting", name, i, len(names)), ("landed", name, result.line())]
    assert recorder.events == expected  # each file's line before the next file starts, not all at the end


def test_twitter_v2_lands_the_same_in_many_blocks_as_in_one(tmp_path, monkeypatch):
    """Blocks are parsed on a second connection one ahead of the writes; record numbers, locations, quarantine and
    staging must not depend on where the blocks fall."""
    from clout.core.settings import load_settings
    from clout.land.formats import twitter_v2

    pages = [(FIXTURES / "twitter_v2" / name).read_bytes().rstrip(b"\n")
             for name in ("brexit.jsonl", "mentions_tweet.jsonl", "users.jsonl")]
    path = tmp_path / "pages.jsonl"
    truncated = b'{"data": [{"id": "1", "text": "truncated'
    path.write_bytes(b"\n".join([pages[0], truncated, pages[1], b"", pages[2]]) + b"\n")
    tables = {
        "raw.records": "select record_no, location, entity, account_ids, payload from raw.records",
        "raw.quarantine": "select record_no, location, reason, raw_text from raw.quarantine",
        "staging.posts": "select * exclude (source_file_id) from staging.posts",
        "staging.accounts": "select * exclude (source_file_id) from staging.accounts",
    }
    landed = {}
    for block_bytes in (twitter_v2.BLOCK_BYTES, 1024):  # one block; every page its own block
        monkeypatch.setattr(twitter_v2, "BLOCK_BYTES", block_bytes)
        settings = load_settings(tmp_path / f"blocks-{block_bytes}" / "clout.duckdb")
        r = one(land(settings, path))
        rows = {t: sorted(sql(settings, q + " order by all"), key=repr) for t, q in tables.items()}
        landed[block_bytes] = (r.records, r.staged, r.duplicates, r.quarantined, r.new_fields, r.first_problem, rows)
    one_block, many = landed.values()
    assert one_block == many
    records, staged, _, quarantined, _, first_problem, rows = many
    assert quarantined == 1 and "line 2" in first_problem and records > 200 and staged > 100
    assert [n for n, *_ in sorted(rows["raw.records"] + rows["raw.quarantine"])] == list(range(1, records + 1))


def test_a_folder_of_v2_files_lands_the_same_as_each_file_alone(tmp_path):
    """Within a landing session the next API v2 file's first block is parsed while the file before is merged;
    what lands must not depend on that: file by file, the same records, quarantine and staging."""
    from clout.core.settings import load_settings

    folder = tmp_path / "landing"
    folder.mkdir()
    for name in ("brexit.jsonl", "mentions_tweet.jsonl", "users.jsonl"):
        (folder / name).write_bytes((FIXTURES / "twitter_v2" / name).read_bytes())
    tables = {
        "raw.files": "select file_id, path, format, records from raw.files",
        "raw.records": "select file_id, record_no, location, entity, account_ids, payload from raw.records",
        "raw.quarantine": "select file_id, record_no, location, reason, raw_text from raw.quarantine",
        "staging.posts": "select * from staging.posts",
        "staging.accounts": "select * from staging.accounts",
    }
    together, alone = load_settings(tmp_path / "together.duckdb"), load_settings(tmp_path / "alone.duckdb")
    session = land(together, folder)
    separately = [r for path in sorted(folder.iterdir()) for r in land(alone, path)]
    assert [r.line() for r in session] == [r.line() for r in separately]
    assert len(session) == 3 and all(r.records for r in session)
    for table, q in tables.items():
        assert sql(together, q + " order by all") == sql(alone, q + " order by all"), table
