"""The `clout` command: main.py (entry point `main`, land / run / demo / runs), commands/ (one module per area),
common.py (what they share). It stands on top: it may import every layer, and nothing imports it."""
