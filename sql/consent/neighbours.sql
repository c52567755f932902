-- The other accounts that interacted with an erased account (either direction): their scores will move
-- for a known reason. Grain: one row per erasure, network and account.
insert into meta.erasure_neighbours
with pairs as (
    select t.network, t.{a} as a, t.{b} as b from {table} as t
),

touching as (
    select p.network, case when lower(p.a) = e.token then p.b else p.a end as account_id
    from pairs as p
    inner join erase_tokens as e on e.network = p.network and e.token in (lower(p.a), lower(p.b))
),

final as (
    select distinct cast($erasure_id as bigint) as erasure_id, network, account_id
    from touching
    where lower(account_id) not in (select token from erase_tokens)
      and (network, account_id) not in (select network, account_id from meta.erasure_neighbours
                                        where erasure_id = $erasure_id)
)

select * from final;
