"""The `clout` command: main.py (entry point, land / run / demo / runs), commands/ (one module per area),
common.py (what they share). It stands on top: it may import every layer, and nothing imports it."""

from clout.cli.main import main

__all__ = ["main"]
