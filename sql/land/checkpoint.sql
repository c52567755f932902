-- The session's one checkpoint, once every file has landed (see land/begin).
checkpoint;
