-- The night a run's change is measured against: one row (run_id, logical_date), none on a history's first night.
-- A nightly run: the last published night before its logical date. A backfill's night (meta.backfill_nights names
-- the run; clout.backfill records it before the night scores): the backfill's own latest night before it that it
-- scored (held or not), so that once promoted every night's change is against the same algorithm's night before,
-- as a nightly run of that algorithm would have published it; only the backfill's first night is measured against
-- the last published night before its range (another algorithm's, usually). A resumed backfill reads the same
-- nights: the ones it scored before it stopped. A night of its own that failed, or whose run was rejected alone (an
-- older clout let `clout reject` do that) is skipped, as a nightly run skips a night that was not published: the
-- change is against the backfill's night before that one (a backfill stops at a failed night, so normally none is).
with backfill_night as (
    select n.backfill_id, n.logical_date, b.date_from
    from meta.backfill_nights as n
    inner join meta.backfills as b using (backfill_id)
    where n.run_id = $run_id
),

own as (
    select p.run_id, p.logical_date
    from meta.backfill_nights as p
    inner join backfill_night as n on p.backfill_id = n.backfill_id and p.logical_date < n.logical_date
    inner join meta.runs as r on r.run_id = p.run_id
    where p.status in ('scored', 'gated') and r.status not in ('failed', 'abandoned', 'rejected')
    order by p.logical_date desc
    limit 1
),

live as (
    select run_id, logical_date
    from published.nights
    where logical_date < coalesce((select date_from from backfill_night), $logical_date)
    order by logical_date desc
    limit 1
),

final as (
    select run_id, logical_date from own
    union all
    select run_id, logical_date from live where not exists (select 1 from own)
)

select * from final
