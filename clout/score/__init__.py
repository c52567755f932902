"""Score: marts.* (the trailing window) -> candidate.* for one run, with the pure Polars of transforms/.
SQL: sql/score/."""

from clout.score.score import score_date

__all__ = ["score_date"]
