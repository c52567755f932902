"""Publishing a night appends that night's partition to the published snapshot: one new Parquet file per published
table, every earlier night's file left as it was (same inode, size and modification time), and the new catalog
reads the old files and the new one."""

from __future__ import annotations

from gatekit import JULY

from clout import pipeline
from clout.core.published_tables import PUBLISHED_TABLES
from clout.core.snapshot import open_catalog


def _files(settings) -> dict:
    return {p.relative_to(settings.snapshot_dir): (p.stat().st_ino, p.stat().st_size, p.stat().st_mtime_ns)
            for p in settings.snapshot_dir.glob("*/logical_date=*/*.parquet")}


def test_publishing_a_night_appends_its_partition_and_leaves_the_others_untouched(week):
    settings = week
    before = _files(settings)
    assert {str(p).split("/")[1] for p in before} == {f"logical_date={d}" for d in JULY[:4]}
    summary = pipeline.run_night(settings, JULY[4], "v1")
    after = _files(settings)
    new = {p for p in after if p not in before}
    assert sorted(str(p) for p in new) == sorted(
        f"{table}/logical_date={JULY[4]}/{summary.run_id}.parquet" for table in PUBLISHED_TABLES)
    assert {p: after[p] for p in before} == before  # not rewritten, not touched
    with open_catalog(settings) as cat:
        nights = cat.execute("select logical_date, count(*) from published.scores group by 1 order by 1").fetchall()
    assert [d for d, _ in nights] == JULY[:5] and all(n > 0 for _, n in nights)
