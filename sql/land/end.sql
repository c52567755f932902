-- Back to the defaults once a landing session is over (the connection may go on to other stages).
reset memory_limit;
reset checkpoint_threshold;
