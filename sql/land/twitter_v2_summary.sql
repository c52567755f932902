-- What one block of v2 records added up to, for the reconcile: records, quarantined, and the first problem.
select
    count(*) as records,
    count(*) filter (where reason is not null) as quarantined,
    arg_min(location || ': ' || reason, record_no) filter (where reason is not null) as first_problem
from v2_rows
