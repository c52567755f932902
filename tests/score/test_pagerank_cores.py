"""PageRank's product on every core (transforms/network_impact.py _Product): the rows split in blocks, one thread
each, give the same bits as one product over the whole matrix (each row's sum is the same)."""

from __future__ import annotations

import numpy as np

from transforms import network_impact
from transforms.algorithm import load_algorithm


def test_pagerank_split_over_threads_gives_the_same_bits_as_one_product(monkeypatch):
    rng = np.random.default_rng(7)
    n, e = 20_000, 200_000
    # skewed targets, so that the blocks split rows of very different lengths
    dst = ((n * rng.random(e) ** 4).astype(np.int64) % n).astype(np.int32)
    src = rng.integers(0, n, e).astype(np.int32)
    weight = np.log1p(rng.random(e) * 10)
    params = load_algorithm("v1").impact
    monkeypatch.setattr(network_impact._Product, "PARALLEL_EDGES", 10**12)
    one = network_impact.pagerank(src, dst, weight, n, params)
    monkeypatch.setattr(network_impact._Product, "PARALLEL_EDGES", 1)
    monkeypatch.setattr(network_impact.os, "cpu_count", lambda: 3)  # three blocks, whatever this machine has
    product = network_impact._Product(network_impact.sp.csr_matrix((weight, (dst, src)), shape=(n, n)))
    assert len(product.blocks) == 3
    product.__exit__()
    split = network_impact.pagerank(src, dst, weight, n, params)
    assert np.array_equal(one, split)
    assert abs(split.sum() - 1.0) < 1e-12


def test_pagerank_gives_the_same_bits_whatever_order_the_edges_come_in():
    """The score state hands PageRank its pairs in DuckDB's scan order, which varies between runs."""
    rng = np.random.default_rng(8)
    n, e = 20_000, 200_000
    key = np.unique(((n * rng.random(e) ** 4).astype(np.int64) % n) * n + rng.integers(0, n, e))
    dst, src = (key // n).astype(np.int32), (key % n).astype(np.int32)
    weight = np.log1p(rng.random(len(key)) * 10)
    params = load_algorithm("v1").impact
    first = network_impact.pagerank(src, dst, weight, n, params)
    for seed in (1, 2):
        order = np.random.default_rng(seed).permutation(len(key))
        assert np.array_equal(first, network_impact.pagerank(src[order], dst[order], weight[order], n, params))
