-- Canonical account rows of one block of v2 pages (grain: one row per user item).
select
    record_no,
    'twitter' as network,
    item ->> 'id' as account_id,
    item ->> 'username' as handle,
    item ->> 'name' as display_name,
    try_cast(item ->> '$.public_metrics.followers_count' as bigint) as followers,
    try_cast(item ->> '$.public_metrics.following_count' as bigint) as following,
    try_cast(item ->> '$.public_metrics.listed_count' as bigint) as listed,
    try_cast(item ->> '$.public_metrics.tweet_count' as bigint) as posts_count,
    cast(null as date) as birth_date,
    observed_at
from v2_numbered
where entity = 'account'
