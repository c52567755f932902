"""config/ ships inside the wheel as the data package clout.config (see clout/core/resources.py)."""
