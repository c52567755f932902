-- Back to the default once the range is gated (the connection may go on to other work).
reset memory_limit;
