-- An erasure's tables are done (same transaction): its published files and reports are still to rewrite.
insert into meta.pending_erasures values ($erasure_id, 'files', now())
