"""The patch of PageRank's kept edges (clout/score/impact_edges.py) against numpy's own delete and insert, on edges
cut into many blocks so that every block boundary case (a block wholly deleted, new pairs at a boundary, at the
start and at the end) occurs. The pipeline-level check, patched edges equal to edges read from the state night
after night, is tests/score/test_state.py."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest

from clout.score import impact_edges, score_state
from clout.score.impact_edges import Edges, _patched, _places, _Splice


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(impact_edges, "BLOCK", 7)


def _random_case(rng, length: int, gone_n: int, add_n: int):
    gone = np.sort(rng.choice(length, gone_n, replace=False))
    place = np.sort(rng.integers(0, length - gone_n + 1, add_n))  # repeats: several new values at one place
    return gone, place


@pytest.mark.parametrize("seed", range(20))
def test_a_splice_is_numpys_delete_then_insert(small_blocks, seed):
    rng = np.random.default_rng(seed)
    length = int(rng.integers(1, 200))
    gone, place = _random_case(rng, length, int(rng.integers(0, length + 1)), int(rng.integers(0, 40)))
    splice = _Splice(length, gone, place)
    for dtype in (np.int32, np.float64):
        column = rng.integers(0, 1_000_000, length).astype(dtype)
        values = rng.integers(0, 1_000_000, len(place)).astype(dtype)
        expected = np.insert(np.delete(column, gone), place, values)
        np.testing.assert_array_equal(splice.apply(column, values), expected)


def test_a_splice_at_both_ends_and_of_a_whole_block(small_blocks):
    column = np.arange(30, dtype=np.int32)
    gone = np.arange(7, 14)  # the second block, all of it
    place = np.array([0, 0, 7, 23, 23])  # before the first, where the block was, after the last
    values = np.array([-1, -2, -3, -4, -5], dtype=np.int32)
    expected = np.insert(np.delete(column, gone), place, values)
    np.testing.assert_array_equal(_Splice(30, gone, place).apply(column, values), expected)


def _edges(rng, accounts: int, pairs: int):
    keys = np.sort(rng.choice(accounts * accounts, pairs, replace=False))
    return Edges.from_targets((keys // accounts).astype(np.int32), (keys % accounts).astype(np.int32),
                              rng.random(pairs))


@pytest.mark.parametrize("seed", range(5))
def test_places_are_searchsorted_over_the_edges_keys(small_blocks, seed):
    """_places finds each pair's place by its target's run and a binary search in it; the same places as
    np.searchsorted over every edge's key (account order of (target, actor)), for pairs present and absent, at
    both ends and in runs cut by blocks."""
    rng = np.random.default_rng(seed)
    accounts = 40
    index = rng.permutation(accounts).astype(np.int32)  # code -> account order
    order = np.argsort(index)
    in_order = _edges(rng, accounts, 500)
    edges = Edges.from_targets(order[in_order.dst].astype(np.int32), order[in_order.src].astype(np.int32),
                               in_order.reactions)
    keys = in_order.dst.astype(np.int64) * accounts + in_order.src
    dst, src = rng.integers(0, accounts, (2, 300)).astype(np.int32)
    dst, src = np.append(dst, edges.dst[[0, -1]]), np.append(src, edges.src[[0, -1]])  # the first and last edge
    expected = np.searchsorted(keys, index[dst].astype(np.int64) * accounts + index[src])
    np.testing.assert_array_equal(_places(edges, index, dst, src), expected)


def test_places_refuse_edges_out_of_account_order_and_accounts_outside_it(small_blocks):
    rng = np.random.default_rng(1)
    index = np.arange(50, dtype=np.int32)
    edges = _edges(rng, 50, 300)
    some = (edges.dst[:5], edges.src[:5])
    assert _places(edges, index, *some) is not None
    swapped = _edges(rng, 50, 300).dst
    swapped[3] = swapped[4] + 1  # a later target before an earlier one
    assert _places(Edges.from_targets(swapped, edges.src, edges.reactions), index, *some) is None
    split = _edges(rng, 50, 300).dst
    cut = int(np.flatnonzero(split != split[0])[0])
    split[cut + 1:] = np.maximum(split[cut + 1:], split[cut])  # a target's run broken by another's
    split[cut + 1] = split[0]
    assert _places(Edges.from_targets(split, edges.src, edges.reactions), index, *some) is None
    gone = index.copy()
    gone[edges.src[2]] = -1  # an account of a pair left the night's index
    assert _places(edges, gone, *some) is None


def test_a_patch_updates_deletes_and_inserts_in_account_order(small_blocks):
    rng = np.random.default_rng(2)
    accounts, pairs = 40, 400
    index = rng.permutation(accounts).astype(np.int32)  # codes are not in account order
    order = np.argsort(index)  # account order -> code
    in_order = _edges(rng, accounts, pairs)
    edges = Edges.from_targets(order[in_order.dst].astype(np.int32), order[in_order.src].astype(np.int32),
                               in_order.reactions)
    truth = {(int(d), int(s)): float(r) for d, s, r in zip(edges.dst, edges.src, edges.reactions, strict=True)}
    existing = list(truth)
    updated = [existing[i] for i in rng.choice(len(existing), 30, replace=False)]
    deleted = [p for p in (existing[i] for i in rng.choice(len(existing), 30, replace=False)) if p not in updated]
    new = [(int(d), int(s)) for d, s in rng.integers(0, accounts, (60, 2)) if (int(d), int(s)) not in truth]
    new = list(dict.fromkeys(new))
    patch_pairs = updated + deleted + new
    reactions = np.ma.array(rng.random(len(patch_pairs)), mask=[p in deleted for p in patch_pairs])
    for p, r, gone in zip(patch_pairs, reactions.data, reactions.mask, strict=True):
        if gone:
            truth.pop(p)
        else:
            truth[p] = float(r)
    patch = {"dst": np.array([p[0] for p in patch_pairs], dtype=np.int32),
             "src": np.array([p[1] for p in patch_pairs], dtype=np.int32), "reactions": reactions}
    result = _patched(edges, patch, index)
    expected = sorted(truth.items(), key=lambda kv: (index[kv[0][0]], index[kv[0][1]]))
    assert list(zip(result.dst.tolist(), result.src.tolist(), strict=True)) == [k for k, _ in expected]
    np.testing.assert_array_equal(result.reactions, [v for _, v in expected])


def test_a_patch_makes_and_removes_target_runs():
    """A target with no edge yet gets its run (before the first, between two, after the last, several pairs in it);
    a target whose every pair is deleted loses its run; the runs stay one per target in account order."""
    index = np.array([5, 0, 3, 1, 4, 2, 6], dtype=np.int32)  # code -> account order
    order = np.argsort(index).astype(np.int32)  # account order -> code
    kept = [(1, 0), (1, 3), (3, 1), (4, 2), (4, 5)]  # (target, actor) in account order
    edges = Edges.from_targets(order[[t for t, _ in kept]], order[[a for _, a in kept]], np.arange(5.0))
    patch = [((0, 1), 10.0), ((0, 4), 11.0), ((2, 6), 12.0), ((3, 1), None), ((6, 0), 13.0), ((6, 1), 14.0),
             ((1, 3), 15.0)]
    reactions = np.ma.array([r or 0.0 for _, r in patch], mask=[r is None for _, r in patch])
    result = _patched(edges, {"dst": order[[t for (t, _), _ in patch]], "src": order[[a for (_, a), _ in patch]],
                              "reactions": reactions}, index)
    expected = [((0, 1), 10.0), ((0, 4), 11.0), ((1, 0), 0.0), ((1, 3), 15.0), ((2, 6), 12.0), ((4, 2), 3.0),
                ((4, 5), 4.0), ((6, 0), 13.0), ((6, 1), 14.0)]
    assert list(zip(index[result.dst].tolist(), index[result.src].tolist(), strict=True)) == [p for p, _ in expected]
    np.testing.assert_array_equal(result.reactions, [r for _, r in expected])
    assert index[result.targets].tolist() == [0, 1, 2, 4, 6] and result.runs.tolist() == [2, 2, 1, 2, 2]


@pytest.mark.parametrize("block", [1 << 22, 7, 1])
@pytest.mark.parametrize("untrusted_n", [0, 5, 40])
def test_the_matrix_entries_are_the_trusted_edges_with_rows_counted_from_the_targets_runs(untrusted_n, block,
                                                                                          monkeypatch):
    """PageRank's entries (score_state._trusted_weights, which counts each row from its target's run of the sorted
    edges, a block of edges at a time on every core) are the plain whole-array formulas: the trusted reactors'
    edges, ln(1 + reactions / scale), rows counted by target, also when blocks cut a target's run."""
    monkeypatch.setattr(score_state, "WEIGHT_BLOCK", block)
    rng = np.random.default_rng(untrusted_n)
    accounts = 40
    state_code = rng.permutation(accounts).astype(np.int32)  # the night's index -> code
    index = np.empty(accounts, dtype=np.int32)
    index[state_code] = np.arange(accounts, dtype=np.int32)
    in_order = _edges(rng, accounts, 500)  # sorted in account order; their codes:
    edges = Edges.from_targets(state_code[in_order.dst], state_code[in_order.src], in_order.reactions * 1e3)
    untrusted = rng.choice(accounts, untrusted_n, replace=False).astype(np.int32)
    inputs = score_state._ImpactInputs([(0, accounts)], state_code, index, None, 7.0, untrusted, np.full(accounts, 1.0))
    row_sizes, columns, weight = score_state._trusted_weights(inputs, edges)
    keep = ~np.isin(edges.src, untrusted)
    np.testing.assert_array_equal(row_sizes, np.bincount(index[edges.dst[keep]], minlength=accounts))
    np.testing.assert_array_equal(columns, index[edges.src[keep]])
    np.testing.assert_array_equal(weight, np.log1p(edges.reactions[keep] / 7.0))


def _kept_folder(tmp_path, monkeypatch):
    """A chain's kept edges in a folder, with impact_edges._folder pointed at it."""
    folder = tmp_path / "clout.duckdb.impact" / "chain-1"
    edges = _edges(np.random.default_rng(3), 30, 200)
    impact_edges._keep(folder, {"epoch": "2024-01-01", "rebuilt_on": "2024-03-01"}, date(2024, 3, 2), edges)
    monkeypatch.setattr(impact_edges, "_folder", lambda con, chain_id: folder)
    return folder, edges


def test_a_failed_write_of_the_kept_edges_leaves_no_partial_folder(tmp_path, monkeypatch):
    folder, edges = _kept_folder(tmp_path, monkeypatch)
    real_save = np.save

    def disk_full(path, array):
        if Path(path).name == "reactions.npy":
            raise OSError(28, "No space left on device")
        real_save(path, array)

    monkeypatch.setattr(impact_edges.np, "save", disk_full)
    with pytest.raises(OSError, match="No space"):
        impact_edges._keep(folder, {"epoch": "2024-01-01", "rebuilt_on": "2024-03-01"}, date(2024, 3, 3), edges)
    assert not folder.with_name("chain-1.new").exists()
    assert (folder / "meta.json").exists()  # the night before's edges are still there
