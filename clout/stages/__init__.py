"""One module per stage of the data flow; each has one entry point the CLI and the DAGs both call."""
