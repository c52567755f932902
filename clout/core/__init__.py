"""The core every layer stands on: settings, errors, the warehouse (one writer) and the snapshot (readers),
contracts, and the files shipped with clout (clout.core.resources). It imports nothing else of clout."""
