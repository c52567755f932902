-- The kept feature frame of a run (zero or one row): which table holds it and which feature settings made it.
select features_key, table_name, accounts
from meta.kept_features
where run_id = $run_id
