"""Names the Airflow DAGs share (no imports beyond the Task SDK, so DAG files parse fast)."""

from airflow.sdk import Asset

# Every task writes the one DuckDB file; DuckDB allows one writer process, so they share a one-slot pool.
POOL = "clout_warehouse"
RAW_FILES = Asset("clout://raw/files")
PUBLISHED = [Asset("clout://published/scores"), Asset("clout://published/person_scores"),
             Asset("clout://published/topic_scores")]
