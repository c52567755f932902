"""Publish: candidate.* -> published.* in one transaction, then the readers' snapshot (clout.core.snapshot).
Also approve, reject and rollback. SQL: sql/publish/."""

from clout.publish.publish import approve_run, publish_run, reject_run, rollback

__all__ = ["approve_run", "publish_run", "reject_run", "rollback"]
