-- Opt-outs recorded but never erased, and erasures whose files are not rewritten yet (a crash in between).
select
    (select count(*) from meta.optouts as o
     where not exists (select 1 from meta.erasures as e where e.optout_id = o.optout_id and e.trigger = 'optout'))
        as unerased,
    (select count(*) from meta.pending_erasures where step = 'files') as files
