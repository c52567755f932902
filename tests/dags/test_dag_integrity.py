"""Every DAG imports cleanly and declares what operators rely on: schedule, tags, retries, docs."""

from pathlib import Path


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}
    assert "clout_nightly" in dagbag.dag_ids


def test_every_dag_has_schedule_tags_retries_and_docs(dagbag):
    for dag_id, dag in dagbag.dags.items():
        assert dag.tags, f"{dag_id} has no tags"
        # Airflow treats a missing schedule as None, so look for it in the source: it must be a decision.
        assert "schedule=" in Path(dag.fileloc).read_text(), f"{dag_id}: no explicit schedule"
        assert dag.doc_md, f"{dag_id} has no docs"
        for t in dag.tasks:
            if t.task_id not in ("audit", "gate"):  # a failed audit must not be retried into passing
                assert t.retries >= 1, f"{dag_id}.{t.task_id} has no retries"
