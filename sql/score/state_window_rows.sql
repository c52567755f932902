-- The engagement rows of the days from date_from to date_to: one row.
select count(*) as rows
from marts.engagement_daily
where activity_date between $date_from and $date_to
