-- One block of a generic interaction file (registered as `landing_rows`): good rows, typed, as delivered.
insert into raw.generic_interactions (
    file_id, record_no, network, actor_id, target_id, occurred_at, kind_raw, event_date, post_id, kind
)
select
    $file_id as file_id,
    line_no as record_no,
    network,
    actor_id,
    target_id,
    occurred_at,
    kind_raw,
    event_date,
    post_id,
    kind
from landing_rows;
