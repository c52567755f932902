-- Replace erased accounts inside list columns (mentions, account ids) of other people's rows by pseudonyms.
-- Keys are `network:token`, or `*:token` for tables without a network column.
update {table} as t
set {column} = list_transform(t.{column}, lambda x: coalesce(k.by_token[coalesce({net}, '*') || ':' || lower(x)], x))
from (
    select map_from_entries(list(struct_pack(key := key, value := pseudonym))) as by_token, list(key) as keys
    from (
        select network || ':' || token as key, min(pseudonym) as pseudonym from erase_tokens group by 1
        union all
        select '*:' || token as key, min(pseudonym) as pseudonym from erase_tokens group by 1
    )
) as k
where list_has_any(list_transform(t.{column}, lambda x: coalesce({net}, '*') || ':' || lower(x)), k.keys)
