-- Later batches of one entity's canonical rows join its scratch table.
insert into land_{entity} select * from batch_{entity}
