-- Back to the defaults once the score state is done with (the connection may go on to other steps).
reset memory_limit;
