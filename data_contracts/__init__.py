"""data_contracts/ ships inside the wheel as the data package clout.data_contracts (see clout/core/resources.py)."""
