"""Seeded synthetic engagement graphs (per-day edges, as marts.engagement_daily holds them) with known bots,
rings and bought engagement: for the scoring benchmark and for the model tests' claims.

Background: power-law activity (who reacts) and power-law attention (who gets reactions), over `days` days.
Planted, with ground truth:
- bots: accounts that react to hundreds of accounts, and react to each other (a bot network);
- rings: closed groups whose members react to each other every day, with a realistic total volume;
- buyers: ordinary accounts that buy a burst of reactions from fresh accounts created the day before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

KIND_COLUMNS = ("reposts", "replies", "mentions", "quotes", "likes")


@dataclass(frozen=True)
class Synthetic:
    edges: pl.DataFrame  # network, actor_id, target_id, activity_date, reposts, replies, mentions, quotes, likes
    activity: pl.DataFrame  # network, account_id, first_seen, network_first_seen
    truth: pl.DataFrame  # account_id, role: organic | bot | ring | buyer | bought_reactor
    logical_date: date


def _ids(prefix: str, idx: np.ndarray) -> pl.Series:
    return pl.Series(idx).cast(pl.String).str.pad_start(7, "0").map_batches(lambda s: prefix + s)


def background(n_accounts: int, n_interactions: int, days: int, end: date, seed: int) -> pl.DataFrame:
    """`n_interactions` reactions among `n_accounts`, aggregated per actor, target and day."""
    rng = np.random.default_rng(seed)
    # Skewed, but every account can appear: index = n * U ** k (larger k = more concentrated). Attention
    # (targets) is more concentrated than activity (actors), in a different order of accounts.
    actors = (n_accounts * rng.random(n_interactions) ** 2).astype(np.int64)
    targets = ((n_accounts * rng.random(n_interactions) ** 4).astype(np.int64) * 7919 + 13) % n_accounts
    day = rng.integers(0, days, n_interactions)
    kind = rng.choice(5, n_interactions, p=[0.35, 0.2, 0.25, 0.05, 0.15])
    frame = pl.DataFrame({"a": actors.astype(np.int32), "t": targets.astype(np.int32),
                          "d": day.astype(np.int16), "k": kind.astype(np.int8)})
    frame = frame.filter(pl.col("a") != pl.col("t"))
    agg = frame.group_by("a", "t", "d").agg(
        *[(pl.col("k") == i).sum().cast(pl.Int32).alias(name) for i, name in enumerate(KIND_COLUMNS)])
    return agg.select(
        network=pl.lit("x"),
        actor_id=pl.format("u{}", "a"), target_id=pl.format("u{}", "t"),
        activity_date=pl.lit(end) - pl.duration(days=pl.col("d").cast(pl.Int64)),
        **{k: pl.col(k) for k in KIND_COLUMNS},
    )


def _edges(pairs: list[tuple[str, str, date, int]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"network": "x", "actor_id": [p[0] for p in pairs], "target_id": [p[1] for p in pairs],
         "activity_date": [p[2] for p in pairs], "reposts": [p[3] for p in pairs]},
    ).with_columns(*[pl.lit(0, pl.Int32).alias(k) for k in KIND_COLUMNS[1:]], pl.col("reposts").cast(pl.Int32))


def planted(n_accounts: int = 20_000, n_interactions: int = 1_000_000, days: int = 90, seed: int = 7,
            n_bots: int = 50, n_rings: int = 5, ring_size: int = 20, n_buyers: int = 10,
            bought_per_buyer: int = 150) -> Synthetic:
    end = date(2024, 6, 30)
    rng = np.random.default_rng(seed + 1)
    bg = background(n_accounts, n_interactions, days, end, seed)
    pairs: list[tuple[str, str, date, int]] = []
    bots = [f"bot{i}" for i in range(n_bots)]
    for b in bots:  # each bot reacts to 300 random accounts and to 10 fellow bots, every week
        for t in rng.choice(n_accounts, 300, replace=False):
            pairs.append((b, f"u{t}", end - timedelta(days=int(rng.integers(0, days))), 1))
        for other in rng.choice(bots, 10, replace=False):
            if other != b:
                for w in range(0, days, 7):
                    pairs.append((b, other, end - timedelta(days=w), 2))
    rings = [[f"ring{r}_{i}" for i in range(ring_size)] for r in range(n_rings)]
    for members in rings:  # everyone reacts to everyone in the ring, on many days
        for a in members:
            for b in members:
                if a != b:
                    for d in rng.choice(days, 8, replace=False):
                        pairs.append((a, b, end - timedelta(days=int(d)), 1))
    buyers = [f"u{i}" for i in rng.choice(np.arange(1000, n_accounts), n_buyers, replace=False)]
    bought_reactors, first_seen_fresh = [], {}
    for j, buyer in enumerate(buyers):  # a burst from accounts that appeared the day before
        burst_day = end - timedelta(days=int(rng.integers(0, 5)))
        for i in range(bought_per_buyer):
            fresh = f"fresh{j}_{i}"
            bought_reactors.append(fresh)
            first_seen_fresh[fresh] = burst_day
            pairs.append((fresh, buyer, burst_day, 1))
    edges = pl.concat([bg, _edges(pairs)], how="vertical_relaxed")
    activity = _activity(edges, end, days, first_seen_fresh)
    truth = pl.DataFrame({
        "account_id": bots + [m for ring in rings for m in ring] + buyers + bought_reactors,
        "role": ["bot"] * len(bots) + ["ring"] * (n_rings * ring_size) + ["buyer"] * len(buyers)
        + ["bought_reactor"] * len(bought_reactors),
    })
    return Synthetic(edges, activity, truth, end)


def _activity(edges: pl.DataFrame, end: date, days: int, fresh: dict[str, date]) -> pl.DataFrame:
    """Everyone but the fresh accounts was first seen long before the window (a mature network)."""
    ids = pl.concat([edges["actor_id"], edges["target_id"]]).unique()
    fresh_frame = pl.DataFrame({"account_id": list(fresh), "fresh_seen": list(fresh.values())})
    return (
        pl.DataFrame({"account_id": ids})
        .join(fresh_frame, on="account_id", how="left")
        .select(network=pl.lit("x"), account_id="account_id",
                first_seen=pl.coalesce("fresh_seen", pl.lit(end - timedelta(days=days + 100))),
                network_first_seen=pl.lit(end - timedelta(days=days + 365)))
    )
