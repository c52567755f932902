-- Opt-outs recorded whose erasure never committed (the command was killed in between). Grain: one row per opt-out.
select o.optout_id
from meta.optouts as o
where not exists (select 1 from meta.erasures as e where e.optout_id = o.optout_id and e.trigger = 'optout')
order by o.optout_id
