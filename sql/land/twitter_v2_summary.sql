-- What one block of v2 records added up to, for the reconcile: records, quarantined, the first problem, and the
-- bytes of the lines that were no page, or no flattened tweet (one record each, however many items they held),
-- against the bytes of every record: the share of the content the quarantine limit also weighs.
select
    count(*) as records,
    count(*) filter (where reason is not null) as quarantined,
    arg_min(location || ': ' || reason, record_no) filter (where reason is not null) as first_problem,
    coalesce(sum(strlen(payload)) filter (
        where entity in ('invalid', 'bad_utf8', 'api_error', 'no_page', 'v1_tweet', 'not_tweet', 'no_id')
    ), 0) as bad_line_bytes,
    coalesce(sum(strlen(payload)), 0) as record_bytes
from v2_rows
