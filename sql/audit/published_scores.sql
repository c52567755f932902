-- One published night's scores as the swing metrics read them: one row per network and account.
select network, account_id, score, raw_score from published.scores where logical_date = $logical_date
