-- A per-landing scratch table for one entity's canonical rows (temp: gone with the connection), from the
-- first batch that has any. Canonical rows wait here until the whole file is read, so a failing file lands nothing.
create or replace temp table land_{entity} as select * from batch_{entity}
