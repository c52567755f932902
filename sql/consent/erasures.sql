-- The erasure log for `clout erasures`: one row per erasure and table, most recent first.
with final as (
    select e.erasure_id, e.erased_at, e.trigger, e.optout_id, e.accounts, l.table_name, l.action, l.rows,
           e.partitions_rewritten, e.erased_by
    from meta.erasures as e
    left join meta.erasure_log as l using (erasure_id)
)

select * from final
order by erasure_id desc, table_name, action
limit $limit
