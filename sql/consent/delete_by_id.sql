-- Delete the rows of {table} that belong to an erased account: its own rows and interactions it made or
-- received. {net} is `t.network` when the table has one (ids are per network), else null (any network).
delete from {table} as t
where lower(t.{column}) in (
    select e.token from erase_tokens as e where e.network = coalesce({net}, e.network)
)
