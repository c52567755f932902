"""sql/ ships inside the wheel as the data package clout.sql (see clout/core/resources.py)."""
