"""data/ ships inside the wheel as the data package transforms.data (see clout/core/resources.py)."""
