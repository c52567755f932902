-- Distinct natural keys (network, actor, target, kind, time, post) of one generic file, exact, and the days it
-- covers. Grain: one row. A key whose 64-bit hash occurs once in the file is distinct, so one grouping by hash
-- settles almost every row; only rows whose hash repeats (duplicates, or rarely a collision) are compared
-- column by column.
create or replace temp table land_repeated_hashes as
select hash(network, actor_id, target_id, kind, occurred_at, post_id) as h, count(*) as n
from raw.generic_interactions
where file_id = $file_id
group by h
having count(*) > 1;

with repeated as (
    select distinct network, actor_id, target_id, kind, occurred_at, post_id
    from raw.generic_interactions
    where file_id = $file_id
      and hash(network, actor_id, target_id, kind, occurred_at, post_id) in (select h from land_repeated_hashes)
),

final as (
    select
        count(*) - coalesce((select sum(n) from land_repeated_hashes), 0) + (select count(*) from repeated)
            as distinct_keys,
        min(event_date) as lo,
        max(event_date) as hi
    from raw.generic_interactions
    where file_id = $file_id
)

select * from final
