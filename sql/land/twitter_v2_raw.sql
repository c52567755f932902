-- The block's records as raw rows: payload as delivered (a bad line keeps its own text).
select record_no, location, entity, item::varchar as payload, raw
from v2_numbered
