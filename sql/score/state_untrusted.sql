-- The reactors whose reactions pass no impact tonight (fresh and low-activity, or part of a young network's
-- burst: score_profile, score_bursts from clout/score/score_state.py), by their codes in the state. One row per
-- such reactor.
select p.code
from score_profile as p
left join score_bursts as b on b.network = p.network and b.account_id = p.account_id
where p.is_new and (p.mature or b.account_id is not null)
