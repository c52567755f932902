-- Opt-outs recorded but never erased, erasures whose files are not rewritten yet (a crash in between), and landed
-- files the registry was not applied to (a landing killed after its file committed, before its consent check).
select
    (select count(*) from meta.optouts as o
     where not exists (select 1 from meta.erasures as e where e.optout_id = o.optout_id and e.trigger = 'optout'))
        as unerased,
    (select count(*) from meta.pending_erasures where step = 'files') as files,
    (select count(*) from raw.files as f
     where not exists (select 1 from meta.consent_checked_files as c where c.file_id = f.file_id)) as unchecked
