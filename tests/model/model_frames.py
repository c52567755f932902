"""Small frames for the model tests: feature rows and engagement edges, scored with an algorithm."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl

from transforms.model import score_features
from transforms.scores import score_accounts

DAY = date(2024, 3, 31)


def score_rows(rows: list[dict], algo) -> dict[str, dict]:
    """Feature rows -> {account_id: scored row}."""
    out = score_features(pl.DataFrame(rows).lazy(), algo.model, algo.calibration).collect()
    return {r["account_id"]: r for r in out.iter_rows(named=True)}


def edge(actor: str, target: str, day: date = DAY, n: int = 1, kind: str = "reposts") -> dict:
    row = {"network": "x", "actor_id": actor, "target_id": target, "activity_date": day,
           "reposts": 0, "replies": 0, "mentions": 0, "quotes": 0, "likes": 0}
    row[kind] = n
    return row


def score_edges(edges: list[dict], algo, day: date = DAY, **frames) -> dict[str, dict]:
    out = score_accounts(pl.DataFrame(edges).lazy(), day, algo, **frames).collect()
    return {r["account_id"]: r for r in out.iter_rows(named=True)}


def days_before(n: int) -> date:
    return DAY - timedelta(days=n)
