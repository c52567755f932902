-- Replace an erased account referenced in someone else's row (a reply to them) by its pseudonym.
update {table} as t
set {column} = e.pseudonym
from erase_tokens as e
where lower(t.{column}) = e.token and e.network = coalesce({net}, e.network)
