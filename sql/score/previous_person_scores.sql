-- The last published night before the logical date: one row per person.
select person_id, score
from published.person_scores
where logical_date = (select max(logical_date) from published.nights where logical_date < $logical_date)
