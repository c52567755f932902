-- One published night's topic scores: one row per network account and topic. `{table}` comes from config/gate.yaml.
select * exclude (logical_date) from published.{table} where logical_date = $logical_date
