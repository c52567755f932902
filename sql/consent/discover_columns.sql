-- Every column of every base table in the warehouse, except clout's own consent records: erasure decides
-- from these names and types what to delete, pseudonymise or scan, so tables added later are covered too.
-- Grain: one row per table and column.
with tables as (
    select table_schema, table_name
    from information_schema.tables
    where table_catalog = current_database()
      and table_type = 'BASE TABLE'
      and table_schema not in ('information_schema', 'pg_catalog')
      and not (table_schema = 'meta' and table_name in (
          'consent_key', 'optouts', 'optout_accounts', 'erasures', 'erasure_log', 'erasure_neighbours',
          'consent_checked_files', 'pending_erasures', 'schema_migrations'))
),

final as (
    select c.table_schema, c.table_name, c.column_name, c.data_type, c.ordinal_position
    from information_schema.columns as c
    inner join tables as t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_catalog = current_database()
)

select * from final
order by table_schema, table_name, ordinal_position
