-- Views of the read-only published snapshot (the same names as in the warehouse).
create or replace view published.current_scores as
select s.*
from published.scores as s
where s.logical_date = (select max(logical_date) from published.nights);
