"""Network impact on Spark: the same PageRank as transforms/network_impact.py, as iterative joins.

PageRank has no dataframe-expression form, so each engine gets its idiom: scipy.sparse matrix-vector products on
one machine (network_impact.py), and on Spark one join and one group-by per iteration (the rank each account
passes along its edges, summed per target), which is how a cluster runs it. The same conventions, so the two agree
(tests/score/test_spark_engine.py, on a real Higgs graph):

- a reaction passes a share of the reactor's rank proportional to its weight (transition shares = weight / the
  reactor's total weight);
- a dangling account (no out-edges) hands its rank to every account of its network evenly;
- rank' = damping x (passed along + dangling / n) + (1 - damping) / n, from 1 / n, until the L1 change of a
  network's vector is below `tolerance` (each network stops on its own, as the scipy loop does) or
  `max_iterations`;
- `network_impact` = rank / sum(rank) x n, so the average account has 1.0.

Sums run in Spark's order, so the vectors agree with scipy's to float rounding at the same iteration (about 1e-15),
not to the bit. Each iteration's vector is checkpointed: the next iteration reads it three times, so its plan would
otherwise triple with every iteration.
Not wired into the score step yet: the state's PageRank (clout/score/score_state.py) is warm-started from the
previous night's vector and reads the kept edges, which live in the DuckDB warehouse (docs/engines.md).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from transforms.algorithm import ImpactParams


def spark_network_impact(pairs: Any, nodes: pl.DataFrame, params: ImpactParams) -> Any:
    """PageRank per network over integer-coded accounts, on Spark.

    `pairs`: a Spark DataFrame of network, actor_id, target_id (integer codes), weight (> 0), one row per pair.
    `nodes`: network, lo, n: each network's accounts have the codes lo .. lo + n - 1 (accounts without edges are
      nodes too). Returns a Spark DataFrame of account_id (code), network_impact for every node.
    """
    from pyspark.sql import functions as F

    spark = pairs.sparkSession
    d = params.damping
    vertices = None
    for network, lo, n in nodes.select("network", "lo", "n").iter_rows():
        part = spark.range(int(lo), int(lo) + int(n)).select(
            F.lit(network).cast("long").alias("network"), F.col("id").alias("node"), F.lit(float(n)).alias("n"))
        vertices = part if vertices is None else vertices.unionByName(part)
    if vertices is None:
        return spark.createDataFrame([], "account_id long, network_impact double")
    pairs = pairs.select(F.col("network").cast("long").alias("network"), F.col("actor_id").cast("long").alias("src"),
                         F.col("target_id").cast("long").alias("dst"), F.col("weight").cast("double").alias("w"))
    out = pairs.groupBy("src").agg(F.sum("w").alias("out_w"))
    # transition shares: the share of src's weight that goes to dst
    edges = (pairs.join(out, "src").select("src", "dst", (F.col("w") / F.col("out_w")).alias("share"))
             .localCheckpoint(eager=True))
    vertices = (vertices.join(out.select(F.col("src").alias("node"), F.lit(False).alias("dangling")), "node", "left")
                .select("network", "node", "n", F.coalesce("dangling", F.lit(True)).alias("dangling")))
    x = vertices.withColumn("x", 1.0 / F.col("n")).localCheckpoint(eager=True)
    done: set[int] = set()
    for _ in range(params.max_iterations):
        passed = (edges.join(x.select(F.col("node").alias("src"), "x"), "src")
                  .groupBy(F.col("dst").alias("node")).agg(F.sum(F.col("share") * F.col("x")).alias("passed")))
        dangling = x.where("dangling").groupBy("network").agg(F.sum("x").alias("dangling_x"))
        step = (d * (F.coalesce("passed", F.lit(0.0)) + F.coalesce("dangling_x", F.lit(0.0)) / F.col("n"))
                + (1.0 - d) / F.col("n"))
        frozen = F.col("network").isin(list(done)) if done else F.lit(False)
        # checkpointed every iteration: the vector is read three times by the next one, so its plan would triple
        new = (x.join(passed, "node", "left").join(dangling, "network", "left")
               .select("network", "node", "n", "dangling", "x",
                       F.when(frozen, F.col("x")).otherwise(step).alias("x_new"))
               .localCheckpoint(eager=True))
        change = {row["network"]: row["l1"] for row in
                  new.groupBy("network").agg(F.sum(F.abs(F.col("x_new") - F.col("x"))).alias("l1")).collect()}
        x = new.select("network", "node", "n", "dangling", F.col("x_new").alias("x"))
        done |= {net for net, l1 in change.items() if l1 < params.tolerance}
        if len(done) == len(change):
            break
    total = x.groupBy("network").agg(F.sum("x").alias("total"))
    return x.join(total, "network").select(F.col("node").alias("account_id"),
                                           (F.col("x") / F.col("total") * F.col("n")).alias("network_impact"))
