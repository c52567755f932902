"""Benchmarks: commands that print measured figures (`.venv/bin/python -m bench.<name>`)."""
