-- Remove one published table's rows for a logical date (rollback of a night nothing replaced).
delete from published.{table} where logical_date = $logical_date;
