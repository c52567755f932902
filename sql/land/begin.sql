-- Settings for a landing session. Landing streams: a file of any size is read, typed and written in pieces, and
-- what has to see a whole file at once (its distinct keys, the merge into staging) spills to disk past this
-- limit, so memory does not grow with the file. The reconcile line is the output, not a progress bar.
set memory_limit = '1GB';
set enable_progress_bar = false;
-- One checkpoint at the end of the session (land/checkpoint) instead of one per file: each rewrites what landed
-- since the last one, so one per file costs about twice as much in all. Commits still write the WAL.
set checkpoint_threshold = '4GB';
