-- Rows of a generic file that failed parsing or the contract (registered as `bad_rows`), with their raw text.
insert into raw.quarantine
select
    $file_id as file_id,
    line_no as record_no,
    'line ' || line_no as location,
    error as reason,
    coalesce(line, '') as raw_text,
    list_filter([actor_id, target_id], lambda a: a is not null) as account_ids
from bad_rows;
