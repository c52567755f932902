-- The file's lineage row and its reconcile, written last: a file that fails leaves neither.
insert into raw.files (file_id, path, size_bytes, sha256, format, network, records, landed_at, owner)
values ($file_id, $path, $size_bytes, $sha256, $format, $network, $records, $landed_at, $owner);

insert into raw.landings (file_id, format, records_read, staged, duplicates, quarantined, notices, seconds)
values ($file_id, $format, $records, $staged, $duplicates, $quarantined, $notices, $seconds);
