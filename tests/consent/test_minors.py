"""Minors (and opted-out pseudonyms) are never scored and their interactions count for nobody."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from clout.consent import without_excluded
from clout.consent.filters import excluded_on
from clout.core.warehouse import connect


@pytest.fixture
def con(settings):
    with connect(settings) as c:
        c.execute("insert into staging.accounts (network, account_id, handle, birth_date, observed_date, "
                  "source_file_id) values "
                  "('twitter', 'teen', 'teen', date '2000-03-15', date '2012-07-01', 1), "
                  "('twitter', 'adult', 'adult', date '1980-01-01', date '2012-07-01', 1), "
                  "('twitter', 'nobirth', 'nobirth', null, date '2012-07-01', 1)")
        c.execute("insert into staging.identity_links values "
                  "('p-kid', 'twitter', 'kid', true, 1), ('p-kid', 'mastodon', 'kid@social', false, 1), "
                  "('p-teen', 'twitter', 'teen', false, 1), ('p-teen', 'mastodon', 'teen@social', false, 1), "
                  "('p-adult', 'twitter', 'adult', false, 1)")
        yield c


def excluded(con, day: date) -> set[tuple[str, str]]:
    return set(excluded_on(con, day).iter_rows())


def test_minors_by_flag_and_by_birth_date_with_their_linked_accounts(con):
    on = excluded(con, date(2012, 7, 1))
    assert on == {("twitter", "kid"), ("mastodon", "kid@social"), ("twitter", "teen"), ("mastodon", "teen@social")}


def test_a_birth_date_excludes_until_the_16th_birthday_only(con):
    assert ("twitter", "teen") in excluded(con, date(2016, 3, 14))
    assert ("twitter", "teen") not in excluded(con, date(2016, 3, 15))
    assert ("twitter", "kid") in excluded(con, date(2030, 1, 1))  # a flag has no end date


def test_an_opted_out_pseudonym_is_excluded(con):
    con.execute("insert into meta.optout_accounts values (1, 'twitter', 'anon-0123456789abcdef', null)")
    assert ("twitter", "anon-0123456789abcdef") in excluded(con, date(2012, 7, 1))


def test_edges_with_a_minor_on_either_end_count_for_nobody(con):
    edges = pl.LazyFrame({
        "network": ["twitter"] * 4 + ["mastodon"],
        "actor_id": ["kid", "adult", "adult", "nobirth", "kid"],
        "target_id": ["adult", "kid", "nobirth", "adult", "adult"],
        "reactions": [1, 1, 1, 1, 1],
    })
    kept = without_excluded(con, edges, date(2012, 7, 1)).collect()
    # The kid's reply to the adult and the adult's reply to the kid are gone; on mastodon "kid" is someone else.
    assert kept.select("network", "actor_id", "target_id").rows() == [
        ("twitter", "adult", "nobirth"), ("twitter", "nobirth", "adult"), ("mastodon", "kid", "adult")]


def test_frames_without_a_network_column_are_filtered_on_the_id(con):
    frame = pl.LazyFrame({"person_id": ["p1", "p2"], "best_account_id": ["teen", "adult"]})
    assert without_excluded(con, frame, date(2012, 7, 1)).collect()["person_id"].to_list() == ["p2"]


def test_nothing_excluded_leaves_the_frame_untouched(settings):
    with connect(settings) as c:
        frame = pl.LazyFrame({"network": ["twitter"], "account_id": ["a"]})
        assert without_excluded(c, frame, date(2012, 7, 1)) is frame


def test_a_minor_by_birth_date_is_never_scored_by_a_nightly_run(settings, higgs_slice):
    """End to end: the real score stage drops a Higgs account whose profile says it is 13, and its reactions
    count for nobody. (Readers do not map a birth date yet: the profile row is written as a reader would.)"""
    from clout import pipeline

    pipeline.land_files(settings, [higgs_slice])
    with connect(settings) as c:
        top = c.execute("select actor_id, count(*) from raw.generic_interactions group by 1 order by 2 desc, 1 "
                        "limit 1").fetchall()[0][0]
        targets = [r[0] for r in c.execute("select distinct target_id from raw.generic_interactions where "
                                           "actor_id = ? order by 1", [top]).fetchall()]
        c.execute("insert into staging.accounts (network, account_id, birth_date, observed_date, source_file_id) "
                  "values ('twitter', ?, date '1999-01-01', date '2012-06-30', 1)", [top])
    run = pipeline.begin_run(settings, date(2012, 7, 1))
    for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
        step(settings, run)
    with connect(settings) as c:
        scored = {r[0]: r[1] for r in c.execute("select account_id, reactions from candidate.scores where run_id = ?",
                                                [run]).fetchall()}
        assert top not in scored
        # Accounts only the minor reacted to received nothing that counts.
        only_minor = [t for t in targets if not c.execute(
            "select count(*) from marts.engagement_daily where target_id = ? and actor_id <> ? "
            "and activity_date <= '2012-07-01'", [t, top]).fetchall()[0][0]]
    assert only_minor  # the precondition that makes the next line able to fail
    assert all(scored.get(t, 0.0) == 0.0 for t in only_minor), {t: scored.get(t) for t in only_minor}


def test_a_minor_flag_that_arrives_after_their_scores_takes_the_published_history_down(settings, higgs_slice,
                                                                                       tmp_path):
    """Minors are never scored or published: when an identity file marks as a minor someone already scored, their
    published nights go, on every linked account (the flagged link names another account than the scored one), not
    only the nights after: they are opted out on their behalf, the source saying why."""
    from clout import pipeline
    from clout.consent.filters import MINOR_SOURCE

    pipeline.land_files(settings, [higgs_slice])
    pipeline.run_night(settings, date(2012, 7, 1), "v1")
    with connect(settings) as c:
        (kid,), = c.execute("select account_id from published.scores where logical_date = '2012-07-01' "
                            "order by score desc, account_id limit 1").fetchall()
    flags = tmp_path / "identity.csv"
    flags.write_text(f"person_id,network,account_id,is_minor\np-kid,twitter,{kid},false\n"
                     "p-kid,mastodon,kid@social.example,true\n")
    pipeline.land_files(settings, [flags])
    with connect(settings) as c:
        assert not c.execute("select count(*) from published.scores where account_id = ?", [kid]).fetchall()[0][0]
        assert not c.execute("select count(*) from candidate.scores where account_id = ?", [kid]).fetchall()[0][0]
        assert c.execute("select source from meta.optouts").fetchall() == [(MINOR_SOURCE,)]
        assert c.execute("select distinct trigger from meta.erasures").fetchall() == [("optout",)]
    again = tmp_path / "identity_again.csv"  # another delivery of the flag: nothing scored to take down any more
    again.write_text("person_id,network,account_id,is_minor\np-kid,mastodon,kid@social.example,true\n")
    pipeline.land_files(settings, [again])
    with connect(settings) as c:
        assert c.execute("select count(*) from meta.optouts").fetchall()[0][0] == 1
