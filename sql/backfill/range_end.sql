-- Back to the default once range_swing.sql has run (the connection may go on to other work).
reset memory_limit;
