-- How the backfill's scores differ from the published history over the whole range: one row per
-- backfill (all accounts and nights pooled): account-nights compared, and of those either side scores above the
-- bottom of the scale (1: an account nobody reacted to is there under any algorithm, so it does not count as "not
-- moved"), the share moved 10+, mean |move| and correlation; top-100 churn.
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

top_new as (
    select logical_date, network, account_id
    from candidate
    qualify row_number() over (partition by logical_date order by score desc, network, account_id) <= 100
),

top_old as (
    select logical_date, network, account_id
    from published
    qualify row_number() over (partition by logical_date order by score desc, network, account_id) <= 100
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
