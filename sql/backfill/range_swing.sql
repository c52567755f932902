-- How the backfill's scores differ from the published history over the whole range: one row per
-- backfill (all accounts and nights pooled): account-nights compared, and of those either side scores above the
-- bottom of the scale (1: an account nobody reacted to is there under any algorithm, so it does not count as "not
-- moved"), the share moved 10+, mean |move| and correlation; top-100 churn.
-- The range's gate makes this row from each night's sums, kept when the night was gated (clout.backfill.night_swing
-- and range_summary), instead of joining every account-night again; this query over the whole range is
-- what those sums are held to (tests/test_backfill_range_swing.py, tests/test_backfill.py) and what
-- bench.range_gate measures.
with candidate as (
    select c.logical_date, c.network, c.account_id, c.score
    from candidate.scores as c
    inner join meta.backfill_nights as n on n.run_id = c.run_id
    where n.backfill_id = $backfill_id
),

published as (
    select p.logical_date, p.network, p.account_id, p.score
    from published.scores as p
    where p.logical_date between $date_from and $date_to
),

pairs as (
    select c.logical_date, c.score as new_score, p.score as old_score
    from candidate as c
    inner join published as p using (logical_date, network, account_id)
),

-- Each night's top 100 by score, ties by network and account_id: min_by keeps the 100 smallest (-score, network,
-- account_id) of a night in a heap, where row_number() over the night's partition sorted every account-night
-- (30M account-nights: 17 s -> 1-2 s, the same rows).
top_new as (
    select logical_date, unnest(min_by({'network': network, 'account_id': account_id},
                                       {'score': -score, 'network': network, 'account_id': account_id}, 100),
                                recursive := true)
    from candidate
    group by logical_date
),

top_old as (
    select logical_date, unnest(min_by({'network': network, 'account_id': account_id},
                                       {'score': -score, 'network': network, 'account_id': account_id}, 100),
                                recursive := true)
    from published
    group by logical_date
),

churn as (
    select 1 - count(*) / greatest((select count(*) from top_old), 1) as top100_churn
    from top_new inner join top_old using (logical_date, network, account_id)
),

final as (
    select
        count(*) as accounts_compared,
        count(*) filter (where scored) as accounts_scored,
        count(distinct logical_date) as nights_compared,
        avg(case when abs(new_score - old_score) >= 10 then 1.0 else 0.0 end) filter (where scored) as share_moved_10,
        avg(abs(new_score - old_score)) filter (where scored) as mean_abs_move,
        corr(new_score, old_score) filter (where scored) as pearson,
        (select top100_churn from churn) as top100_churn
    from (select *, new_score > 1 or old_score > 1 as scored from pairs)
)

select * from final
