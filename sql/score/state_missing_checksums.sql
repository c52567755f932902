-- Days from date_from to date_to without a marts.day_checksums row (aggregated before the score state
-- existed): one row per day.
select cast(unnest(generate_series(cast($date_from as date), cast($date_to as date), interval 1 day)) as date)
    as activity_date
except
select activity_date from marts.day_checksums
order by activity_date
