"""Serve: what readers get from the published snapshot. The analyst's connection (read-only, sandboxed to the
snapshot's own files, limited) is clout.consent.access.open_snapshot; docs.py generates the published views' doc."""
