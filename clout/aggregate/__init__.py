"""Aggregate: staging.* -> marts.* for one logical date (per account, per network, per day). SQL: sql/aggregate/."""

from clout.aggregate.aggregate import aggregate_date

__all__ = ["aggregate_date"]
