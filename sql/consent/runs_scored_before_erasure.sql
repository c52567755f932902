-- Runs among $run_ids that started before an erasure that removed rows they may have been made from: their
-- scores still count an erased person's interactions, so they must not be published (a held run approved, a
-- backfill promoted, a night published after an opt-out between its score and publish steps).
-- Such an erasure is an opt-out's own erasure that deleted anything, or a landing's that deleted rows a night had
-- already aggregated or scored (marts, state, candidate): a landing that only deletes the rows it just brought (an
-- opted-out person delivered again) never touches an earlier run's inputs.
-- Grain: one row per run, with the latest such erasure. Cheap: the consent log is one row per erasure.
with runs as (
    -- started_at is written by now() in the session's time zone
    select run_id, cast(started_at as timestamptz) as started
    from meta.runs
    where list_contains($run_ids, run_id)
),

touching as (
    -- erased_at is written in UTC (clout.consent.erase)
    select e.erasure_id, e.optout_id, e.trigger, e.erased_at, timezone('UTC', e.erased_at) as erased
    from meta.erasures as e
    where exists (
        select 1 from meta.erasure_log as l
        where l.erasure_id = e.erasure_id and l.action = 'deleted' and l.rows > 0
          and (e.trigger = 'optout' or split_part(l.table_name, '.', 1) in ('marts', 'state', 'candidate'))
    )
),

final as (
    select r.run_id, max(t.erasure_id) as erasure_id, arg_max(t.optout_id, t.erasure_id) as optout_id,
           arg_max(t.trigger, t.erasure_id) as trigger, max(t.erased_at) as erased_at
    from runs as r
    inner join touching as t on t.erased > r.started
    group by r.run_id
)

select * from final
order by run_id
