-- Delete raw records whose first account (the author, the profile, the follower) is an erased account.
delete from {table} as t
where lower(t.{column}[1]) in (
    select e.token from erase_tokens as e where e.network = coalesce({net}, e.network)
)
