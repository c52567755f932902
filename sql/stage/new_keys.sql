-- How many natural keys of one entity this file brought that staging did not hold (after its merge).
select count(*) filter (where is_new) as n from land_{entity}_newest
