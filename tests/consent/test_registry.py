"""The opt-out registry, pseudonyms, text scrubbing and the registry's data contract."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
from consentkit import BOB, LAND, tweet, write_tweets

from clout import consent, pipeline
from clout.consent.erase import pseudonymise_text
from clout.consent.registry import Target, handle_pseudonym
from clout.core.contracts import contract_schema, validate
from clout.core.warehouse import connect

NEWBIE = {"id_str": "314159265", "screen_name": "NewToClout", "name": "Newbie Person"}


def test_python_and_sql_pseudonyms_agree(settings):
    with connect(settings) as con:
        key = consent.secret(con)
        sql = con.execute("select 'anon-' || left(sha256(? || ':' || ? || ':' || ?), 16)",
                          [key, "twitter", "12345"]).fetchall()[0][0]
    assert sql == consent.pseudonym(key, "twitter", "12345")
    assert consent.pseudonym(key, "twitter", "12345") != consent.pseudonym(key, "mastodon", "12345")
    assert consent.pseudonym(key, "twitter", "12345") != consent.pseudonym("other-secret", "twitter", "12345")


def test_each_warehouse_has_its_own_secret(tmp_path):
    from clout.core.settings import load_settings

    keys = set()
    for name in ("a", "b"):
        with connect(load_settings(tmp_path / name / "w.duckdb")) as con:
            keys.add(consent.secret(con))
    assert len(keys) == 2 and all(len(k) == 64 for k in keys)


@pytest.mark.parametrize(("text", "expected"), [
    ("thanks @ZeldaP and zeldap!", "thanks anon-1 and anon-1!"),
    ('{"id_str":"12345","n":"x"}', '{"id_str":"anon-1","n":"x"}'),
    ("123456 and 12345 12345", "123456 and anon-1 anon-1"),   # whole words only, adjacent matches too
    ("@zeldap@social.example", "anon-1@social.example"),       # a fediverse address
    ("bob@zeldap.org", "bob@zeldap.org"),                     # someone else's address: left alone
    ("ZELDAPISH", "ZELDAPISH"),
])
def test_text_pseudonymisation_matches_whole_tokens(text, expected):
    target = Target("twitter", "anon-1", ids={"12345"}, handles={"ZeldaP"})
    assert pseudonymise_text(text, [target]) == expected


def test_a_short_id_is_replaced_only_as_a_quoted_string():
    target = Target("twitter", "anon-7", ids={"7"})
    assert pseudonymise_text('{"user":"7","likes":7,"day":"2012-07-07"}', [target]) == \
        '{"user":"anon-7","likes":7,"day":"2012-07-07"}'


def test_a_report_keeps_its_stylesheet_and_plotly_library_and_loses_the_account():
    """A run report inlines plotly.js and a stylesheet: "1001" and "ada" occur there as code, not as people."""
    import plotly.graph_objects as go

    from clout.consent.erase import pseudonymise_html

    figure = go.Figure(go.Bar(x=["1001", "2002"], y=[5, 3], text=["@ada", "bob"])).to_html(include_plotlyjs=True)
    report = (f"<html><head><style>.modal {{ z-index:1001 }}</style></head><body><table><tr><td>1001</td>"
              f"<td>@ada rose 20 points</td></tr></table>{figure}</body></html>")
    target = Target("twitter", "anon-1", ids={"1001"}, handles={"ada"})
    out = pseudonymise_html(report, [target])
    library = report[report.index("<script>/**"):report.index("</script>", report.index("<script>/**"))]
    assert "z-index:1001" in out and library in out  # code untouched, so the report still renders
    assert "<td>anon-1</td>" in out and "anon-1 rose 20 points" in out and '"anon-1"' in out
    assert "1001" not in out.replace(library, "").replace("z-index:1001", "")
    assert "@ada" not in out


def test_an_account_opted_out_before_it_ever_landed_is_erased_when_it_lands(settings, tmp_path):
    result = consent.optout(settings, consent.Request("@NewToClout", "twitter", "web form #12",
                                                      datetime(2026, 11, 1, 9, 30)))
    assert result.erasure.rows_changed == 0
    path = write_tweets(tmp_path / "t.jsonl", [
        tweet(1, NEWBIE, "first post by NewToClout", 1),
        tweet(2, BOB, "@NewToClout welcome", 1, mentions=(NEWBIE,), reply_to=NEWBIE),
    ], broken=False)
    pipeline.land_files(settings, [path], options=LAND)
    with connect(settings) as con:
        assert con.execute("select count(*) from raw.records where contains(lower(payload), 'newtoclout') "
                           "or contains(payload, '314159265')").fetchall()[0][0] == 0
        assert con.execute("select count(*) from staging.posts where author_id = '314159265'").fetchall()[0][0] == 0
        bob = con.execute("select reply_to_author_id, mentions from staging.posts where post_id = '5550002'").fetchall()
        requested = con.execute("select requested_at, source from meta.optouts").fetchall()
        key = consent.secret(con)
    assert bob == [(result.subject_key, [result.subject_key])]  # the handle's pseudonym, everywhere
    assert requested == [(datetime(2026, 11, 1, 9, 30), "web form #12")]
    assert result.subject_key == consent.pseudonym(key, "twitter", "NewToClout")
    assert handle_pseudonym(key, "twitter", "@NEWTOCLOUT") == handle_pseudonym(key, "twitter", "newtoclout")
    data = settings.warehouse.read_bytes().lower()
    assert b"newtoclout" not in data and b"314159265" not in data


def test_an_account_opted_out_by_handle_stays_out_when_a_later_file_names_only_its_id(settings, tmp_path):
    """The handle's landing ties it to an id: a likes table naming only that id is erased on landing too."""
    result = consent.optout(settings, consent.Request("@NewToClout", "twitter", "web form"), compact_after=False)
    pipeline.land_files(settings, [write_tweets(tmp_path / "t.jsonl", [tweet(1, NEWBIE, "hi", 1)], broken=False)],
                        options=LAND)
    likes = tmp_path / "likes.csv"
    likes.write_text("actor,target,time,kind,network\n"
                     f"{NEWBIE['id_str']},{BOB['id_str']},2012-07-01T10:00:00Z,like,twitter\n"
                     f"{BOB['id_str']},{NEWBIE['id_str']},2012-07-01T11:00:00Z,like,twitter\n"
                     f"{BOB['id_str']},700100200,2012-07-01T12:00:00Z,like,twitter\n", encoding="utf-8")
    pipeline.land_files(settings, [likes])
    with connect(settings) as con:
        left = con.execute("select actor_id, target_id from raw.generic_interactions").fetchall()
        keys = {k for (k,) in con.execute("select distinct account_key from meta.optout_accounts").fetchall()}
    assert left == [(BOB["id_str"], "700100200")]
    assert keys == {result.subject_key}  # one account, one pseudonym: the id joined the handle's registration


def test_the_requests_source_keeps_the_persons_handle_and_id_as_pseudonyms(settings, tmp_path):
    """The source is free text; an operator writes what came in ("DM from @NewToClout"). The registry keeps no id
    or handle in clear (docs/consent.md), so they are pseudonymised there too; the rest of the text stays."""
    pipeline.land_files(settings, [write_tweets(tmp_path / "t.jsonl", [tweet(1, NEWBIE, "hi", 1)], broken=False)],
                        options=LAND)
    source = f"DM from @NewToClout (account {NEWBIE['id_str']}), ticket 4711"
    result = consent.optout(settings, consent.Request("@NewToClout", "twitter", source), compact_after=False)
    with connect(settings) as con:
        (kept,), = con.execute("select source from meta.optouts").fetchall()
    assert "NewToClout" not in kept and NEWBIE["id_str"] not in kept and "ticket 4711" in kept
    assert result.subject_key in kept


def test_opting_out_twice_keeps_one_request(settings):
    first = consent.optout(settings, consent.Request("12345", "twitter", "email"), compact_after=False)
    second = consent.optout(settings, consent.Request("12345", "twitter", "email again"), compact_after=False)
    assert first.optout_id == second.optout_id
    with connect(settings) as con:
        assert con.execute("select count(*) from meta.optouts").fetchall()[0][0] == 1
        assert con.execute("select count(*) from meta.erasures").fetchall()[0][0] == 2


def test_the_registry_passes_its_contract_and_a_bad_row_fails_it(settings):
    consent.optout(settings, consent.Request("12345", "twitter", "email"), compact_after=False)
    with connect(settings) as con:
        frame = con.sql("select * from meta.optouts").df()
    assert validate(frame, "meta_optouts").success
    pattern = next(p for p in contract_schema("meta_optouts")["properties"] if p["name"] == "subject_key")
    assert frame["subject_key"].str.fullmatch(pattern["logicalTypeOptions"]["pattern"]).all()
    bad = pd.concat([frame, frame.assign(subject_kind="everyone", source=None)], ignore_index=True)
    report = validate(bad, "meta_optouts")
    failed = {(f.check, f.column) for f in report.failures()}
    assert not report.success
    assert any(col == "subject_kind" for _, col in failed) and any(col == "source" for _, col in failed)


def test_a_new_account_linked_to_an_opted_out_person_joins_their_opt_out(settings, tmp_path):
    first = tmp_path / "identity.csv"
    first.write_text("person_id,network,account_id,is_minor\np-zed,twitter,271828182,false\n", encoding="utf-8")
    pipeline.land_files(settings, [first])
    result = consent.optout(settings, consent.Request("p-zed", None, "letter"))
    later = tmp_path / "identity-later.csv"
    later.write_text("person_id,network,account_id,is_minor\np-zed,mastodon,zedtheprivate@social.example,false\n"
                     "p-other,mastodon,someone@social.example,false\n", encoding="utf-8")
    pipeline.land_files(settings, [later])
    with connect(settings) as con:
        links = con.execute("select person_id, account_id from staging.identity_links").fetchall()
        accounts = con.execute("select count(*) from meta.optout_accounts where optout_id = ?",
                               [result.optout_id]).fetchall()[0][0]
    assert links == [("p-other", "someone@social.example")]
    assert accounts == 2
    data = settings.warehouse.read_bytes().lower()
    assert b"zedtheprivate" not in data and b"p-zed" not in data and b"271828182" not in data
