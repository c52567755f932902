-- What the range's gate adds up over one backfill night (clout.backfill.range_summary): its account pairs, the
-- backfill's scores (`night_new`) against the published night's (`night_old`), both registered frames of network,
-- account_id and score, as exact integer counts and sums, and the two top-100 lists. One row. Made the way
-- range_swing.sql makes the whole range's figures at once, night by night: pairs on the account, "scored" above
-- the bottom of the scale (1) on either side, each side's top 100 by score with ties by network and account_id.
with pairs as (
    select c.score as new_score, p.score as old_score, c.score > 1 or p.score > 1 as scored
    from night_new as c
    inner join night_old as p using (network, account_id)
),

top_new as (
    select unnest(min_by({'network': network, 'account_id': account_id},
                         {'score': -score, 'network': network, 'account_id': account_id}, 100), recursive := true)
    from night_new
),

top_old as (
    select unnest(min_by({'network': network, 'account_id': account_id},
                         {'score': -score, 'network': network, 'account_id': account_id}, 100), recursive := true)
    from night_old
),

scored as (
    select new_score::hugeint as y, old_score::hugeint as x from pairs where scored
),

final as (
    select
        (select count(*) from pairs) as accounts_compared,
        count(*) as accounts_scored,
        count(*) filter (where abs(y - x) >= 10) as moved_10,
        coalesce(sum(abs(y - x)), 0)::hugeint as abs_move,
        coalesce(sum(y), 0)::hugeint as sum_new,
        coalesce(sum(x), 0)::hugeint as sum_old,
        coalesce(sum(y * y), 0)::hugeint as sum_new2,
        coalesce(sum(x * x), 0)::hugeint as sum_old2,
        coalesce(sum(y * x), 0)::hugeint as sum_new_old,
        (select count(*) from top_old) as top_old,
        (select count(*) from top_new inner join top_old using (network, account_id)) as top_common
    from scored
)

select * from final
