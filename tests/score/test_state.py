"""The score state (docs/state.md): 30 nights kept incrementally score the same as each night recomputed from its
whole window; a rebuild gives the same bits; a rerun, a crash, a changed day and a new opt-out are handled."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import polars as pl
import pytest

from clout import pipeline
from clout.core.settings import load_settings
from clout.core.warehouse import connect, records
from clout.land.generator import GeneratorParams, generate
from clout.score import impact_edges, score_state
from clout.score import score as score_module
from clout.score.score import reference_window_frame, window_frame
from transforms import model
from transforms.algorithm import load_algorithm
from transforms.model import PARTS
from transforms.scores import scores_from_features

PARAMS = GeneratorParams(people=100, days=30, seed=11, start=date(2024, 4, 1), rings=2, ring_size=5)
NIGHTS = [PARAMS.start + timedelta(days=i) for i in range(PARAMS.days)]
KEYS = ["network", "account_id"]
SUMS = ["reposts_received", "quotes_received", "replies_received", "mentions_received", "likes_received",
        "reactions", "distinct_reactors", "effective_reactors", "reposts_sent", "mentions_sent", "replies_sent",
        "posts"]
SHARES = ["ring_share", "bought_share", "suspect_share"]
# Tolerances against the Polars reference (floats summed in another order, PageRank from another start):
SUM_REL = 1e-12  # relative, on decayed sums
SHARE_ABS = 1e-12  # absolute, on shares in 0..1
IMPACT_REL = 1e-5  # relative: both PageRanks stop at an L1 change of 1e-7, from different starting vectors


@pytest.fixture(scope="module")
def thirty_nights(tmp_path_factory):
    """Generated exports (bots, rings, bought bursts, minors, two networks) over 30 days, landed; every night
    staged, aggregated and scored through the pipeline's steps (the score state kept from night to night), and
    each night's scores and the Polars reference's (its whole window recomputed) recorded."""
    root = tmp_path_factory.mktemp("thirty-nights")
    generate(root / "exports", PARAMS)
    settings = load_settings(root / "warehouse" / "clout.duckdb")
    pipeline.land_files(settings, [root / "exports"])
    algo = load_algorithm("v1")
    nights, made = {}, []

    def kept_frame(con, logical_date, algo):  # the score step's own window_frame: what it scored, recorded
        made.append(window_frame(con, logical_date, algo))
        return made[-1]

    for night in NIGHTS:
        run_id = pipeline.begin_run(settings, night, "v1")
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(score_module, "window_frame", kept_frame)
            for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
                step(settings, run_id)
        (features,) = made  # the state brought to the night by the score step (no second read)
        made.clear()
        with connect(settings) as con:
            chain = records(con.sql("select * from meta.score_chains"))
            scored = candidate(con, run_id)
            reference = reference_window_frame(con, night, algo).sort(KEYS)
        nights[night] = (run_id, chain, scored, features.sort(KEYS), reference)
    return settings, nights


def candidate(con, run_id: str) -> pl.DataFrame:
    return (con.sql("select * exclude (run_id, logical_date, algorithm_version, fingerprint) from candidate.scores "
                    "where run_id = ?", params=[run_id]).pl().sort(KEYS))


def reference_scores(features: pl.DataFrame, algo) -> pl.DataFrame:
    """The scores the model gives `features`. Only the keys, `score` and `raw_score` are compared here, so the
    points per part (each part's exact Shapley value, added beside the score: tests/model) are left at 0: the
    split is most of the model's time, and the score is computed before it, by the same code."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(model, "with_shapley", _no_split)
        return scores_from_features(features.lazy(), algo).collect().sort(KEYS)


def _no_split(frame: pl.LazyFrame, today, base, score, base_score, cal, prefix: str) -> pl.LazyFrame:
    return frame.with_columns(**{f"{prefix}{p}": pl.lit(0.0) for p in PARTS})


def test_thirty_incremental_nights_score_as_each_window_recomputed_from_scratch(thirty_nights):
    settings, nights = thirty_nights
    algo = load_algorithm("v1")
    for night, (_run_id, chain, scored, features, reference) in nights.items():
        (c,) = chain
        assert c["state_date"] == night and c["rebuilt_on"] == NIGHTS[0], "kept from night to night, never rebuilt"
        expected = reference_scores(reference, algo)
        assert scored.select(KEYS).equals(expected.select(KEYS)), night
        assert scored["score"].equals(expected["score"]), (night, _moved(scored, expected))
        assert features.select(KEYS).equals(reference.select(KEYS)), night
        joined = features.join(reference, on=KEYS, suffix="_ref")
        for column in SUMS:
            _close(joined, column, rel=SUM_REL)
        for column in SHARES:
            assert (joined[column] - joined[f"{column}_ref"]).abs().max() <= SHARE_ABS, (night, column)
        _close(joined, "network_impact", rel=IMPACT_REL)
    # The data has what the state must get right: rings (mutual pairs), bought bursts, minors left out.
    last = nights[NIGHTS[-1]][3]
    assert last["ring_share"].max() > 0.5 and last["bought_share"].max() > 0.5


def _close(joined: pl.DataFrame, column: str, rel: float) -> None:
    a, b = joined[column], joined[f"{column}_ref"]
    gap = ((a - b).abs() / b.abs().clip(lower_bound=1e-9)).max()
    assert gap is None or gap <= rel, (column, gap)


def _moved(a: pl.DataFrame, b: pl.DataFrame) -> pl.DataFrame:
    return a.join(b, on=KEYS, suffix="_ref").filter(pl.col("score") != pl.col("score_ref")).select(
        *KEYS, "score", "score_ref", "raw_score", "raw_score_ref")


def features_now(settings, night: date) -> pl.DataFrame:
    with connect(settings) as con:
        return window_frame(con, night, load_algorithm("v1"))


@pytest.fixture
def copied(thirty_nights, tmp_path):
    settings, nights = thirty_nights
    shutil.copytree(settings.warehouse.parent, tmp_path / "warehouse")
    return load_settings(tmp_path / "warehouse" / "clout.duckdb"), nights


def test_a_rebuild_from_the_window_gives_the_same_bits_as_the_nights_kept(copied):
    settings, _ = copied
    last = NIGHTS[-1]
    kept = features_now(settings, last)  # the state is already on the last night: used as it is
    with connect(settings) as con:
        con.execute("update meta.score_chains set state_date = null")  # forget it: the next night rebuilds
    rebuilt = features_now(settings, last)
    with connect(settings) as con:
        (chain,) = records(con.sql("select * from meta.score_chains"))
    assert chain["rebuilt_on"] == last
    assert kept.equals(rebuilt)  # every float to the bit: exact integer sums, PageRank from the same vector


def test_the_state_leaves_no_temp_table_behind_and_duckdb_its_default_memory_limit(copied):
    """window_frame drops every temp table the state made (at 10M accounts GBs of the process's memory, held
    through the model and the candidate rows, where a night peaks) and hands DuckDB's buffers back
    (warehouse.release_memory) without leaving its memory limit squeezed."""
    import duckdb

    settings, _ = copied
    with connect(settings) as con:
        con.execute("update meta.score_chains set state_date = null")  # a rebuild: every temp table of the state
        window_frame(con, NIGHTS[-1], load_algorithm("v1"))
        temp = con.sql("select table_name from duckdb_tables() where temporary").fetchall()
        (limit,) = con.execute("select current_setting('memory_limit')").fetchone()
    assert temp == []
    assert limit == duckdb.connect().execute("select current_setting('memory_limit')").fetchone()[0]


def _no_sort(*args):
    raise AssertionError("PageRank's edges were read from the state and sorted again, not kept")


def test_pagerank_edges_kept_and_patched_night_to_night_are_the_edges_read_from_the_state(copied, monkeypatch):
    settings, _ = copied
    last, before = NIGHTS[-1], NIGHTS[-2]
    features_now(settings, before)  # a rerun of the night before: the last night undone, its edges read and kept
    monkeypatch.setattr(impact_edges, "_sorted", _no_sort)
    patched = features_now(settings, last)  # one night applied: the kept edges patched with the pairs it touched
    again = features_now(settings, last)  # a rerun of that night: the kept edges as they are
    monkeypatch.undo()
    kept = settings.warehouse.with_name(settings.warehouse.name + ".impact")
    shutil.rmtree(kept)
    read = features_now(settings, last)  # nothing kept: every pair read from the state and sorted
    assert patched.equals(read) and again.equals(read)
    assert (kept / "chain-1" / "meta.json").exists()  # and kept again


def test_kept_pagerank_edges_that_do_not_match_the_state_are_not_used(copied, monkeypatch):
    """Edges kept for another night, with another count of pairs, or damaged files: the state is read again."""
    settings, _ = copied
    last = NIGHTS[-1]
    expected = features_now(settings, last)
    meta_path = settings.warehouse.with_name(settings.warehouse.name + ".impact") / "chain-1" / "meta.json"
    meta = meta_path.read_text()
    for damage in ('"pairs": 1}', '"night": "2000-01-01"', "{not json"):
        meta_path.write_text(meta.replace('"pairs": ', '"pairs": 1, "x": ') if damage == '"pairs": 1}' else
                             meta.replace(f'"night": "{last}"', damage) if "night" in damage else damage)
        monkeypatch.setattr(impact_edges, "_sorted", _no_sort)
        with pytest.raises(AssertionError, match="sorted again"):
            features_now(settings, last)
        monkeypatch.undo()
        assert features_now(settings, last).equals(expected)
    (meta_path.parent / "src.npy").write_bytes(b"\x93NUMPY truncated")
    assert features_now(settings, last).equals(expected)


def test_a_rebuild_that_takes_the_pairs_in_parts_builds_the_same_state(copied, monkeypatch):
    settings, _ = copied
    last = NIGHTS[-1]
    kept, pairs = features_now(settings, last), _named_pairs(settings)
    monkeypatch.setattr(score_state, "REBUILD_PART_ROWS", 500)  # the window's rows in several parts
    with connect(settings) as con:
        assert score_state._rebuild_parts(con, NIGHTS[0], last) > 3
        con.execute("update meta.score_chains set state_date = null")
    assert features_now(settings, last).equals(kept)
    assert _named_pairs(settings).equals(pairs)  # every pair once, with its mutual flag
    assert _sums_from_pairs_differ(settings) == 0


def _named_pairs(settings) -> pl.DataFrame:
    with connect(settings) as con:
        return con.sql("""
            select a.network, a.account_id as actor_id, t.account_id as target_id, p.* exclude (actor, target)
            from state.score_pairs as p
            inner join state.score_accounts as a on a.chain_id = p.chain_id and a.code = p.actor
            inner join state.score_accounts as t on t.chain_id = p.chain_id and t.code = p.target
            order by all""").pl()


def test_a_rerun_of_an_earlier_night_undoes_the_later_nights_and_gives_identical_rows(copied):
    settings, nights = copied
    night = NIGHTS[-4]
    run_id = pipeline.begin_run(settings, night, "v1")
    for step in (pipeline.stage_step, pipeline.aggregate_step, pipeline.score_step):
        step(settings, run_id)
    with connect(settings) as con:
        (chain,) = records(con.sql("select * from meta.score_chains"))
        rerun = candidate(con, run_id)
    assert chain["state_date"] == night and chain["rebuilt_on"] == NIGHTS[0]  # undone, not rebuilt
    assert rerun.equals(nights[night][2])
    # The nights after it roll forward from there: the last night scores as it did, to the bit.
    run_id = pipeline.begin_run(settings, NIGHTS[-1], "v1")
    pipeline.score_step(settings, run_id)
    with connect(settings) as con:
        (chain,) = records(con.sql("select * from meta.score_chains"))
        assert candidate(con, run_id).equals(nights[NIGHTS[-1]][2])
    assert chain["state_date"] == NIGHTS[-1] and chain["rebuilt_on"] == NIGHTS[0]


def test_a_score_step_killed_midway_leaves_the_state_of_the_night_before(copied, monkeypatch):
    settings, nights = copied
    night = NIGHTS[-1] + timedelta(days=1)
    before = _state_digest(settings)
    real = score_state.run_sql

    def crash(con, name, *args, **kwargs):
        if name == "score/state_accounts":
            raise KeyboardInterrupt("killed")
        return real(con, name, *args, **kwargs)

    monkeypatch.setattr(score_state, "run_sql", crash)
    with pytest.raises(KeyboardInterrupt), connect(settings) as con:
        window_frame(con, night, load_algorithm("v1"))
    monkeypatch.setattr(score_state, "run_sql", real)
    assert _state_digest(settings) == before
    after_crash = features_now(settings, night)
    assert after_crash.height > 0


def _state_digest(settings) -> list:
    with connect(settings) as con:
        tables = ["meta.score_chains", "state.score_pairs", "state.score_accounts", "state.score_days",
                  "state.score_pair_journal", "state.score_account_journal"]
        return [con.sql(f"select count(*), sum(hash(columns(*))) from {t}").fetchall() for t in tables]


def test_a_day_whose_marts_changed_is_taken_again_and_a_new_exclusion_rebuilds(copied):
    settings, _ = copied
    algo = load_algorithm("v1")
    last = NIGHTS[-1]
    changed = NIGHTS[-10]
    with connect(settings) as con:
        # Late data: a day of the window loses some interactions and is aggregated again (its night not rerun).
        con.execute("delete from staging.interactions where event_date = ? and hash(actor_id) % 3 = 0", [changed])
        from clout.aggregate.aggregate import aggregate_date
        aggregate_date(con, changed)
        features = window_frame(con, last, algo)
        reference = reference_window_frame(con, last, algo)
        (chain,) = records(con.sql("select * from meta.score_chains"))
    assert chain["rebuilt_on"] == last  # older than the journals reach: rebuilt
    _same_scores(features, reference, algo)
    with connect(settings) as con:
        # A person flagged as a minor from now on: left out of the state, which is rebuilt without them.
        (network, account_id), = con.sql("select network, account_id from state.score_accounts "
                                         "order by reactors_n desc, 2 limit 1").fetchall()
        con.execute("update staging.identity_links set is_minor = true where network = ? and account_id = ?",
                    [network, account_id])
        assert con.execute("select count(*) from staging.identity_links where is_minor and account_id = ?",
                           [account_id]).fetchall() == [(1,)]
        features = window_frame(con, last, algo)
        reference = reference_window_frame(con, last, algo)
        (chain,) = records(con.sql("select * from meta.score_chains"))
    assert account_id not in features["account_id"].to_list()
    _same_scores(features, reference, algo)


def _same_scores(features: pl.DataFrame, reference: pl.DataFrame, algo) -> None:
    a, b = reference_scores(features, algo), reference_scores(reference, algo)
    assert a.select(KEYS).equals(b.select(KEYS))
    assert a["score"].equals(b["score"]), _moved(a, b)


def _sums_from_pairs_differ(settings) -> int:
    """Accounts whose kept sums over pairs (state_accounts.sql) differ from the same sums recomputed from every pair
    (or whose account is missing), and codes or accounts held twice."""
    with connect(settings) as con:
        return con.sql("""
            with pairs as (select * from state.score_pairs),
            sent as (select chain_id, actor as code, count(*) as targets_n from pairs group by all),
            received as (
                select chain_id, target as code, count(*) as reactors_n,
                       sum(last_s) as distinct_in_s, coalesce(sum(reactions_s) filter (where mutual), 0) as mutual_in_s
                from pairs group by all),
            expected as (
                select a.chain_id, a.code, coalesce(s.targets_n, 0) as targets_n,
                       coalesce(r.reactors_n, 0) as reactors_n, coalesce(r.distinct_in_s, 0) as distinct_in_s,
                       coalesce(r.mutual_in_s, 0) as mutual_in_s
                from state.score_accounts as a
                left join sent as s using (chain_id, code)
                left join received as r using (chain_id, code))
            select count(*) from (
                select chain_id, code, targets_n, reactors_n, distinct_in_s, mutual_in_s
                from state.score_accounts
                except
                select * from expected)
            """).fetchall()[0][0] + con.sql("""
            select count(*) from (select chain_id, actor as code from state.score_pairs
                                  union select chain_id, target from state.score_pairs)
            anti join state.score_accounts using (chain_id, code)""").fetchall()[0][0] + con.sql("""
            select 2 * count(*) - count(distinct (chain_id, code)) - count(distinct (chain_id, network, account_id))
            from state.score_accounts""").fetchall()[0][0]


def test_the_sums_kept_per_account_are_the_sums_over_the_pairs_after_nights_undos_and_redos(copied):
    settings, _ = copied
    assert _sums_from_pairs_differ(settings) == 0  # 30 nights applied one by one
    with connect(settings) as con:
        assert con.sql("select count(*) from state.score_accounts where mutual_in_s > 0").fetchall()[0][0] > 0
    # A rerun of an earlier night undoes three nights (journals restored), then the last night is applied again.
    for night in (NIGHTS[-4], NIGHTS[-1]):
        run_id = pipeline.begin_run(settings, night, "v1")
        pipeline.score_step(settings, run_id)
        assert _sums_from_pairs_differ(settings) == 0, night
