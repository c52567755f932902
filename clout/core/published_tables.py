"""The run-scoped candidate tables and the published tables they become: one list, used by publish,
the snapshot, rollback and erasure. Rule: `published.<name>` has the columns of `candidate.<name>` minus
`run_id`, and both have a `logical_date` column (the partition key)."""

PUBLISHED_TABLES: tuple[str, ...] = ("scores", "person_scores", "topic_scores")
