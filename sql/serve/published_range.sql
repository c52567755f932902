-- The published nights as `clout explain` names them when a date has none: first, last, how many, and whether
-- $logical_date is one of them.
select min(logical_date) as first_date, max(logical_date) as last_date, count(*) as nights,
       coalesce(bool_or(logical_date = $logical_date), false) as published
from published.nights;
