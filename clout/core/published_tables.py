"""The run-scoped candidate tables and the published tables readers see: one list, used by publish, the snapshot,
rollback and erasure.

Rule: `candidate.<name>` is a table with a `run_id` column and a `logical_date` column (the partition key);
`published.<name>` is a view with the columns of `candidate.<name>` minus `run_id`: the candidate rows of the run
`published.nights` names for each night (sql/published/live_table.sql). Publishing and rolling back switch
`published.nights`; nothing is copied, so a run that was ever live keeps its candidate rows while it can be made
live again (only a rejected run's rows are discarded). A migration that adds a column adds it to `candidate.<name>`
only: the view follows. In the readers' snapshot (clout.core.snapshot) `published.<name>` is a view over the live
nights' Parquet partitions, with the same columns."""

PUBLISHED_TABLES: tuple[str, ...] = ("scores", "person_scores", "topic_scores")
