"""Serve: what readers get from the published snapshot (reading.py), and its generated docs (docs.py)."""
