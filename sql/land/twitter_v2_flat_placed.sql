-- twarc2's flattened tweets (clout/land/formats/twitter_v2_flat.py) reach twitter_v2_items.sql as the one-tweet pages
-- they were flattened from; this puts each record back at its place in the flattened line (`line 3 $.author`, not
-- `line 3 $.includes.users[0]`: `paths`, one per item of the page, in its order) and marks the lines that are no
-- flattened tweet with why (`problem`: twitter_v2_rows.sql says it in words). Lines that were pages already (a page
-- in a flattened file) have no paths and keep their page locations.
update v2_items as i
set location = 'line ' || i.line_no || l.paths[i.k]
from landing_lines as l
where l.line_no = i.line_no and l.paths is not null and i.part >= 0;

update v2_items as i
set entity = l.problem
from landing_lines as l
where l.line_no = i.line_no and l.problem is not null;
