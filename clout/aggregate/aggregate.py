"""Aggregate: staging.* -> marts.* for one logical date, so a night's scoring reads per-day rows."""

from __future__ import annotations

from datetime import date

import duckdb

from clout.core import lake
from clout.core.warehouse import query, run_sql, transaction
from transforms.topics import load_topics, post_topics


def aggregate_date(con: duckdb.DuckDBPyConnection, logical_date: date) -> int:
    """Rebuild the day's engagement graph, account activity and post marts; returns the number of edges."""
    day_posts = query(con, "aggregate/day_posts", logical_date=logical_date).pl()
    matched = post_topics(day_posts.lazy(), load_topics()).collect() if day_posts.height else None
    with transaction(con):
        run_sql(con, "aggregate/engagement_daily", logical_date=logical_date)
        run_sql(con, "aggregate/account_daily", logical_date=logical_date)
        run_sql(con, "aggregate/post_daily", logical_date=logical_date)
        run_sql(con, "aggregate/post_reactors", logical_date=logical_date)
        # The score state holds days it applied: this tells it that the day's rows changed (docs/state.md).
        run_sql(con, "aggregate/day_checksums", date_from=logical_date, date_to=logical_date)
        if matched is None:
            con.execute("delete from marts.post_topics where activity_date = ?", [logical_date])
        else:
            con.register("matched", matched.to_arrow())
            run_sql(con, "aggregate/post_topics", logical_date=logical_date)
            con.unregister("matched")
    root = lake.active_lake(con)  # the Spark engine: the day's marts in the lake (clout/core/lake.py)
    if root is not None:
        lake.write_day(con, root, lake.MARTS, logical_date)
    return con.execute(
        "select count(*) from marts.engagement_daily where activity_date = ?", [logical_date]
    ).fetchall()[0][0]
