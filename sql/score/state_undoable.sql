-- The nights from date_from to date_to that a chain can undo (their journals are kept): one row per night.
select activity_date as night
from state.score_days
where chain_id = $chain_id and undoable and activity_date between $date_from and $date_to
order by night
