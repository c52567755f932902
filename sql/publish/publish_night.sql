-- Make the run the live one of its night (after publish/log_action): published.scores, person_scores and
-- topic_scores are views over the live runs' candidate rows (sql/published/live_table.sql), so this one row switches
-- every published table at once, in the caller's transaction.
delete from published.nights where logical_date = (select logical_date from meta.runs where run_id = $run_id);

insert into published.nights
select logical_date, run_id, now() from meta.runs where run_id = $run_id;

update meta.runs set status = 'published' where run_id = $run_id;
