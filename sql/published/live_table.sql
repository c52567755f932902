-- published.{table}: one row per published night and the table's key (see candidate.{table}): the candidate rows
-- of the run published.nights names for each night, without their run_id. A publish or a rollback switches
-- published.nights and nothing is copied; erasing from candidate.{table} erases here too. `{table}` comes from
-- clout.core.published_tables. Runs on every writable connection (clout.core.warehouse.connect), in the warehouse
-- only: the readers' snapshot catalogs have views of the same names over the nights' Parquet partitions.
-- The join is on the night as well as the run: a filter on logical_date reaches both sides, so a night's read
-- scans only the row groups of that night's runs.
create or replace view published.{table} as
select c.* exclude (run_id)
from candidate.{table} as c
inner join published.nights as n on c.run_id = n.run_id and c.logical_date = n.logical_date;
