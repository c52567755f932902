-- One published night's scores: one row per network and account.
select * exclude (logical_date) from published.scores where logical_date = $logical_date
