-- A warehouse table's columns and their types, in order: what the lake's partition of it holds (clout/core/lake.py).
select column_name, data_type
from information_schema.columns
where table_catalog = current_database() and table_schema = $schema and table_name = $table
order by ordinal_position
