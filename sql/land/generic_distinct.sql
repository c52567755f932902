-- Distinct natural keys (network, actor, target, kind, time, post) of one generic file, exact, and the days it
-- covers. Grain: one row. A row whose 64-bit hash of actor, target, kind and time occurs once in the file is a
-- distinct key, so one grouping by hash settles almost every row; only rows whose hash repeats (duplicates, the
-- same reaction on two networks or posts, or rarely a collision) are compared on every key column. Network and post
-- stay out of the hash: usually one value per file, they cost a fifth of the grouping and tell no rows apart.
create or replace temp table land_repeated_hashes as
select hash(actor_id, target_id, kind, occurred_at) as h, count(*) as n
from raw.generic_interactions
where file_id = $file_id
group by h
having count(*) > 1;

with repeated as (
    select distinct network, actor_id, target_id, kind, occurred_at, post_id
    from raw.generic_interactions
    where file_id = $file_id
      and hash(actor_id, target_id, kind, occurred_at) in (select h from land_repeated_hashes)
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
