-- Rebuild, after the window's pairs are in (state_rebuild_pairs.sql, part by part): state.score_accounts with their
-- sums over the pairs (what state_accounts.sql keeps up to date night by night), the checksums of the days the
-- state holds, and the PageRank vectors it kept, under the new codes (set aside by state_clear.sql).
insert into state.score_accounts
with pairs as (
    select actor, target, reactions_s, last_s, mutual
    from state.score_pairs
    where chain_id = $chain_id
),

sent as (
    select actor as code, count(*) as targets_n from pairs group by all
),

received as (
    select target as code, count(*) as reactors_n, sum(last_s) as distinct_in_s,
           coalesce(sum(reactions_s) filter (where mutual), 0) as mutual_in_s
    from pairs
    group by all
)

select $chain_id, d.* exclude (code), coalesce(s.targets_n, 0), coalesce(r.reactors_n, 0),
       coalesce(r.distinct_in_s, 0), coalesce(r.mutual_in_s, 0), d.code
from score_delta_accounts as d
left join sent as s on s.code = d.code
left join received as r on r.code = d.code;

insert into state.score_days
select $chain_id, activity_date, checksum, false
from marts.day_checksums
where activity_date between $in_from and $in_to;

insert into state.score_impact
select $chain_id, n.night, a.code, n.rank
from score_impact_named as n
inner join state.score_accounts as a on a.network = n.network and a.account_id = n.account_id
where a.chain_id = $chain_id;
