-- Runs that say they are running; clout.recovery checks whether a process still holds each.
select run_id from meta.runs where status = 'running' order by started_at
