"""Stage: raw.* -> staging.* (canonical accounts, posts, interactions, follows, identity links). SQL: sql/stage/."""

from clout.stage.stage import merge_landed_file, stage_date

__all__ = ["merge_landed_file", "stage_date"]
