-- Land one generic interaction file: its lineage row, then its records (registered as `landing_rows`).
insert into raw.files (file_id, path, size_bytes, sha256, format, network, records, landed_at)
values ($file_id, $path, $size_bytes, $sha256, 'generic_interactions', $network, $records, $landed_at);

insert into raw.generic_interactions
select
    $file_id as file_id,
    line_no as record_no,
    network,
    actor_id,
    target_id,
    occurred_at,
    kind_raw,
    event_date
from landing_rows;
