"""twarc2's flattened API v2 tweets (one tweet per line, expansions inlined) land as the pages they came from do.

`twarc2_flatten` below is `twarc2 flatten` written after twarc 2.14's code (DocNow/twarc, MIT licence; twarc is no
dependency of clout): the command (twarc/command2.py `flatten`) passes each line to `ensure_flattened`
(twarc/expansions.py), which flattens an object with `data` and returns any other object as it is, and writes each
tweet with `json.dumps`, one per line. `flatten` (twarc/expansions.py) indexes the page's includes (users by id and by
username, tweets by id: the last of an id wins), expands the included tweets in place, then the tweets of `data`,
and copies the page's `__twarc` onto each tweet. Expanding walks every dict and list: `author_id` adds `author`,
`in_reply_to_user_id` `in_reply_to_user`, `media_keys` `media`, `poll_ids` `poll`, `geo.place_id` merges the place
into `geo`, `mentions[]` are merged with their users, `referenced_tweets[]` with their tweets, `pinned_tweet_id` adds
`pinned_tweet`; an include that is missing is `{}`. tests/fixtures/twitter_v2/brexit_flat.jsonl.gz is twarc2 2.14's
own output for brexit.jsonl: the first test checks this function gives it byte for byte.
"""

from __future__ import annotations

import copy
import gzip
import json
from pathlib import Path

from landkit import FIXTURES, land, reconciles, sql

from clout.core.settings import load_settings

V2 = FIXTURES / "twitter_v2"
PAGES = ("brexit.jsonl", "mentions_tweet.jsonl", "users.jsonl")


def twarc2_flatten(page_lines: list[str]) -> str:
    """The text `twarc2 flatten` writes for these lines (see the module's docstring)."""
    out = []
    for line in page_lines:
        obj = json.loads(line)
        tweets = _flatten(obj) if isinstance(obj, dict) and "data" in obj else [obj]
        out += [json.dumps(t) + "\n" for t in tweets]
    return "".join(out)


def _flatten(page: dict) -> list[dict]:
    page = copy.deepcopy(page)
    includes = page.get("includes", {})

    def index(kind: str, key: str = "id") -> dict:
        return {x[key]: x for x in includes.get(kind, [])}

    users = {**index("users"), **index("users", "username")}
    media, polls, places, tweets = index("media", "media_key"), index("polls"), index("places"), index("tweets")

    def expand(node):
        if isinstance(node, list):
            return [expand(x) for x in node]
        if not isinstance(node, dict):
            return node
        for key in node:
            node[key] = expand(node[key])
        if "author_id" in node:
            node["author"] = users.get(node["author_id"], {})
        if "in_reply_to_user_id" in node:
            node["in_reply_to_user"] = users.get(node["in_reply_to_user_id"], {})
        if "media_keys" in node:
            node["media"] = [media.get(k, {}) for k in node["media_keys"]]
        if "poll_ids" in node and len(node["poll_ids"]) > 0:
            node["poll"] = polls.get(node["poll_ids"][-1], {})
        if "geo" in node and "place_id" in node["geo"]:
            node["geo"] = {**node["geo"], **places.get(node["geo"]["place_id"], {})}
        if "mentions" in node:
            node["mentions"] = [{**m, **users.get(m["username"], {})} for m in node["mentions"]]
        if "referenced_tweets" in node:
            node["referenced_tweets"] = [{**r, **tweets.get(r["id"], {})} for r in node["referenced_tweets"]]
        if "pinned_tweet_id" in node:
            node["pinned_tweet"] = tweets.get(node["pinned_tweet_id"], {})
        return node

    for tweet in tweets.values():  # the included tweets first, in place: a reference then carries an expanded one
        expand(tweet)
    data = page["data"]
    flat = expand(data) if isinstance(data, list) else [expand(data)]
    for key in ("__twarc", "matching_rules"):  # a filtered stream's page names the rules its tweets matched
        if key in page:
            for tweet in flat:
                tweet[key] = page[key]
    return flat


def _flat_file(tmp_path: Path, name: str, page_lines: list[str]) -> Path:
    path = tmp_path / "flat" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(twarc2_flatten(page_lines))
    return path


def _lines(path: Path) -> list[str]:
    return path.read_text().splitlines()


STAGING = {  # every column: the pages and the flattened tweets land in the same order, so file ids agree too
    "staging.posts": "select * from staging.posts order by all",
    "staging.accounts": "select * from staging.accounts order by all",
}


def _staging(settings) -> dict[str, list[tuple]]:
    return {table: sql(settings, q) for table, q in STAGING.items()}


def _payloads(settings) -> dict[tuple[str, str], set[str]]:
    """Each landed record's payload (as JSON, keys sorted) by entity and id."""
    out: dict[tuple[str, str], set[str]] = {}
    for entity, payload in sql(settings, "select entity, payload from raw.records"):
        item = json.loads(payload)
        out.setdefault((entity, item["id"]), set()).add(json.dumps(item, sort_keys=True))
    return out


def test_this_flatten_is_twarc2s_and_flattened_real_pages_land_what_the_pages_land(tmp_path):
    assert twarc2_flatten(_lines(V2 / "brexit.jsonl")) == gzip.decompress(
        (V2 / "brexit_flat.jsonl.gz").read_bytes()).decode()
    flat = [V2 / "brexit_flat.jsonl.gz",  # twarc2's own output, gzipped
            *(_flat_file(tmp_path, name, _lines(V2 / name)) for name in PAGES[1:])]
    pages_wh, flat_wh = load_settings(tmp_path / "pages.duckdb"), load_settings(tmp_path / "flat.duckdb")
    paged = land(pages_wh, *(V2 / name for name in PAGES))
    flattened = land(flat_wh, *flat)
    assert [r.format for r in flattened] == ["twitter_v2_flat"] * 3
    assert all(reconciles(r) and r.quarantined == 0 and not r.new_fields for r in flattened), [
        r.line() for r in flattened]
    # The same staging rows, every column: posts (text, hashtags, mentions, replied-to / retweeted / quoted ids and
    # their authors, counters, observed at __twarc.retrieved_at), their authors, the mentioned users and the users of
    # a lookup with their counters. What differs is raw: a flattened file has other records (a user or a referenced
    # tweet is a record of each line it is inlined in, a page's includes hold it once) at other places.
    assert _staging(flat_wh) == _staging(pages_wh)
    assert [r.staged for r in flattened] == [r.staged for r in paged]
    assert sum(r.records for r in flattened) != sum(r.records for r in paged)
    # Each record is the object the page held (what flatten added taken out). Flatten keeps one object of an id
    # (the last), where a page's includes may hold two versions of a tweet: the page's objects are a superset.
    pages_payloads, flat_payloads = _payloads(pages_wh), _payloads(flat_wh)
    assert pages_payloads.keys() == flat_payloads.keys()
    assert all(flat_payloads[k] <= pages_payloads[k] for k in flat_payloads)
    # Records are placed in the flattened line.
    (first_tweet,), = sql(flat_wh, "select payload from raw.records where file_id = 1 and location = 'line 1'")
    assert json.loads(first_tweet)["id"] == json.loads(_lines(V2 / "brexit.jsonl")[0])["data"][0]["id"]
    places = {loc.split(" ", 2)[2] for (loc,) in sql(flat_wh, "select location from raw.records where file_id = 1 "
                                                              "and location like 'line % %'")}
    assert {"$.author", "$.referenced_tweets[0]", "$.referenced_tweets[0].author",
            "$.entities.mentions[0]"} <= places
    assert {loc for (loc,) in sql(flat_wh, "select location from raw.records where file_id = 3 and entity = 'post'")
            } <= {f"line {n} $.pinned_tweet" for n in range(1, 97)}  # a flattened user lookup: pinned tweets


def test_what_flatten_gives_for_a_missing_include_lands_as_the_page_without_it(tmp_path):
    """A page whose includes miss the author and the retweeted tweet (deleted, protected): flatten gives `author: {}`
    and the reference as {type, id} only; the post lands with its author's id and the retweet's id, not the
    retweeted author, and no account or post is made up."""
    page = json.loads(_lines(V2 / "mentions_tweet.jsonl")[0])
    tweet = page["data"][0]
    retweeted = tweet["referenced_tweets"][0]["id"]
    page["includes"]["users"] = [u for u in page["includes"]["users"] if u["id"] != tweet["author_id"]]
    page["includes"]["tweets"] = [t for t in page["includes"]["tweets"] if t["id"] != retweeted]
    pages_wh, flat_wh = load_settings(tmp_path / "pages.duckdb"), load_settings(tmp_path / "flat.duckdb")
    (pages_path := tmp_path / "page.jsonl").write_text(json.dumps(page) + "\n")
    flat_path = _flat_file(tmp_path, "tweets.jsonl", [json.dumps(page)])
    flat_tweet = json.loads(_lines(flat_path)[0])
    assert flat_tweet["author"] == {} and flat_tweet["referenced_tweets"] == [{"type": "retweeted", "id": retweeted}]
    land(pages_wh, pages_path)
    r, = land(flat_wh, flat_path)
    assert r.format == "twitter_v2_flat" and reconciles(r) and r.quarantined == 0
    assert _staging(flat_wh) == _staging(pages_wh)
    assert sql(flat_wh, "select author_id, repost_of_post_id, repost_of_author_id, mentions from staging.posts") == [
        (tweet["author_id"], retweeted, None, ["1221317221714157569"])]
    assert sql(flat_wh, "select account_id from staging.accounts") == [("1221317221714157569",)]  # the mentioned one
    assert sql(flat_wh, "select location from raw.records order by record_no") == [
        ("line 1",), ("line 1 $.entities.mentions[0]",)]


def test_bad_lines_of_a_flattened_file_are_quarantined_each_with_its_line_and_why(tmp_path):
    lines = twarc2_flatten(_lines(V2 / "brexit.jsonl")[:1]).splitlines()
    no_id = json.loads(lines[2])
    del no_id["id"]
    v1 = json.loads((FIXTURES / "twitter_v1" / "MentionSomeoneImportantForYou.json").read_text())[0]
    bad = {
        5: json.dumps(v1),
        9: json.dumps({"hello": "world"}),
        12: "[1, 2]",
        15: json.dumps(no_id),
        18: "",  # a blank line is no record
    }
    body = [bad.get(n, line) for n, line in enumerate(lines, start=1)] + [lines[-1][:500]]  # cut, no line end
    path = tmp_path / "tweets.jsonl"
    path.write_text("\n".join(body))
    r, = land(load_settings(tmp_path / "w.duckdb"), path, quarantine_limit=0.5)
    assert r.format == "twitter_v2_flat" and reconciles(r)
    assert r.quarantined == 5
    settings = load_settings(tmp_path / "w.duckdb")
    quarantined = sql(settings, "select location, reason, raw_text from raw.quarantine order by record_no")
    assert [(loc, reason) for loc, reason, _ in quarantined] == [
        ("line 5", "a Twitter API v1.1 tweet (`id_str`, `user`), not an API v2 one: land v1.1 tweets in a file of "
                   "their own"),
        ("line 9", "not a flattened API v2 tweet (an object with `id`, `text` and `author_id` or `author`) nor a "
                   "page of results"),
        ("line 12", "not a flattened API v2 tweet (an object with `id`, `text` and `author_id` or `author`) nor a "
                    "page of results"),
        ("line 15", "a flattened API v2 tweet without an `id`"),
        ("line 101", "not valid JSON (truncated or corrupt line)"),
    ]
    assert [raw for *_, raw in quarantined] == [body[4], body[8], body[11], body[14], body[100]]  # as delivered
    assert r.first_problem.startswith("line 5: a Twitter API v1.1 tweet")
    assert "no line end after its last line (101)" in r.line()
    numbers = sql(settings, "select record_no from raw.records union all select record_no from raw.quarantine "
                            "order by 1")
    assert [n for (n,) in numbers] == list(range(1, r.records + 1))  # read = staged + duplicates + quarantined
    assert not sql(settings, "select 1 from raw.records where location like 'line 15%' or location like 'line 18%'")


def test_a_page_in_a_flattened_file_lands_as_that_page(tmp_path):
    """twarc2's flatten takes pages and flattened tweets alike (ensure_flattened), and files get put together: a
    page line in a flattened file lands as the page it is, the same rows its tweets flattened would give. An empty
    page (`meta.result_count` 0, which flatten writes as it is) is no record, even on the first line."""
    page = _lines(V2 / "mentions_tweet.jsonl")[0]
    empty = json.dumps({"meta": {"result_count": 0}, "__twarc": json.loads(page)["__twarc"]})
    assert twarc2_flatten([empty]) == empty + "\n"
    tweets = twarc2_flatten(_lines(V2 / "brexit.jsonl")).splitlines()
    mixed = tmp_path / "mixed.jsonl"
    mixed.write_text("\n".join([empty, *tweets[:50], page, *tweets[50:]]) + "\n")
    flat = tmp_path / "flat.jsonl"
    flat.write_text("\n".join([*tweets[:50], *twarc2_flatten([page]).splitlines(), *tweets[50:]]) + "\n")
    mixed_wh, flat_wh = load_settings(tmp_path / "mixed.duckdb"), load_settings(tmp_path / "flat.duckdb")
    r, = land(mixed_wh, mixed)
    land(flat_wh, flat)
    assert r.format == "twitter_v2_flat" and reconciles(r) and r.quarantined == 0
    assert _staging(mixed_wh) == _staging(flat_wh)
    assert sql(mixed_wh, "select count(*) from raw.records where location like 'line 52 $.%'") == [(5,)]
    assert sql(mixed_wh, "select location from raw.records where location like 'line 52 $.data%'") == [
        ("line 52 $.data[0]",)]
    assert not sql(mixed_wh, "select 1 from raw.records where location like 'line 1 %' or location = 'line 1'")


def test_a_flattened_file_lands_the_same_in_many_blocks_as_in_one(tmp_path, monkeypatch):
    from clout.land.formats import twitter_v2_flat

    lines = twarc2_flatten(_lines(V2 / "brexit.jsonl")).splitlines()
    lines[40] = lines[40][:300]  # a cut line inside the file
    path = tmp_path / "tweets.jsonl.gz"
    path.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode()))
    tables = {
        "raw.records": "select record_no, location, entity, account_ids, payload from raw.records order by all",
        "raw.quarantine": "select record_no, location, reason, raw_text from raw.quarantine order by all",
        **STAGING,
    }
    landed = []
    for block_bytes in (twitter_v2_flat.BLOCK_BYTES, 4096):  # one block; a block every line or two
        monkeypatch.setattr(twitter_v2_flat, "BLOCK_BYTES", block_bytes)
        settings = load_settings(tmp_path / f"blocks-{block_bytes}" / "clout.duckdb")
        r, = land(settings, path)
        landed.append((r.line().split(": ", 1)[1], {t: sql(settings, q) for t, q in tables.items()}))
    assert landed[0] == landed[1]
    said, rows = landed[1]
    assert said.startswith("twitter_v2_flat: ") and "1 quarantined" in said
    assert [loc for _, loc, *_ in rows["raw.quarantine"]] == ["line 41"]


def test_a_folder_of_pages_and_flattened_tweets_lands_as_each_file_alone(tmp_path):
    """The next API v2 file of a folder is begun while the one before is merged: a flattened file must not be begun
    as pages."""
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "a_pages.jsonl").write_bytes((V2 / "mentions_tweet.jsonl").read_bytes())
    (folder / "b_flat.jsonl.gz").write_bytes((V2 / "brexit_flat.jsonl.gz").read_bytes())
    (folder / "c_pages.jsonl").write_bytes((V2 / "users.jsonl").read_bytes())
    together, alone = load_settings(tmp_path / "together.duckdb"), load_settings(tmp_path / "alone.duckdb")
    session = land(together, folder)
    separately = [r for path in sorted(folder.iterdir()) for r in land(alone, path)]
    assert [r.format for r in session] == ["twitter_v2", "twitter_v2_flat", "twitter_v2"]
    assert [r.line() for r in session] == [r.line() for r in separately]
    q = "select file_id, record_no, location, payload from raw.records order by all"
    assert sql(together, q) == sql(alone, q)
    assert _staging(together) == _staging(alone)


def test_a_filtered_streams_matching_rules_go_back_to_the_page(tmp_path):
    """`twarc2 filter` pages name the stream rules their tweets matched; flatten copies `matching_rules` onto each
    tweet as it copies `__twarc`. Both go back to the page: the same rows as the pages, and no new field."""
    lines = _lines(V2 / "brexit.jsonl")
    page = json.loads(lines[0]) | {"matching_rules": [{"id": "1501", "tag": "brexit"}]}
    pages = tmp_path / "filter.jsonl"
    pages.write_text(json.dumps(page) + "\n")
    flat = _flat_file(tmp_path, "filter_flat.jsonl", [json.dumps(page)])
    assert '"matching_rules"' in flat.read_text().splitlines()[0]
    staged = {}
    for name, path in (("pages", pages), ("flat", flat)):
        settings = load_settings(tmp_path / name / "clout.duckdb")
        (r,) = land(settings, path)
        assert r.format == ("twitter_v2" if name == "pages" else "twitter_v2_flat") and not r.new_fields, r.line()
        staged[name] = _staging(settings)
    assert staged["pages"] == staged["flat"]


def test_an_ndjson_table_of_interactions_with_tweet_like_columns_stays_a_table(tmp_path):
    """A crawler's NDJSON table may name its columns `id`, `text`, `author_id` (or `author`): without what only the
    API gives (`__twarc`, an `author` object, `edit_history_tweet_ids`, `public_metrics`, ...) it is no flattened
    tweet, and with the usual column names (or `--map`) it lands as interactions."""
    from clout.land.formats.generic import ColumnMap

    mapped = tmp_path / "mapped.ndjson"
    mapped.write_text("".join(json.dumps({"id": f"c{i}", "author_id": f"u{i}", "target_id": f"v{i}", "text": "hi",
                                          "created_at": "2012-07-01T10:00:00Z", "type": "reply"}) + "\n"
                              for i in range(5)))
    named = tmp_path / "named.ndjson"
    named.write_text("".join(json.dumps({"id": f"c{i}", "actor": f"a{i}", "target": f"b{i}", "kind": "reply",
                                         "time": "2012-07-01T10:00:00Z", "text": "hi", "author": f"a{i}"}) + "\n"
                             for i in range(5)))
    settings = load_settings(tmp_path / "w" / "clout.duckdb")
    (m,) = land(settings, mapped, mapping=ColumnMap.parse("actor=author_id,target=target_id,time=created_at,kind=type"))
    (n,) = land(settings, named)
    assert (m.format, m.staged, n.format, n.staged) == ("generic_interactions", 5, "generic_interactions", 5)
    assert sql(settings, "select count(*) from raw.generic_interactions") == [(10,)]
