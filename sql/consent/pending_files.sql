-- Erasures whose tables committed but whose published files and reports are not rewritten yet.
select erasure_id from meta.pending_erasures where step = 'files' order by erasure_id
