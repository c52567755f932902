-- Whether the run is the live one of its night (published.nights names it): a published run that is not was replaced.
select exists (select 1 from published.nights where run_id = $run_id) as live
