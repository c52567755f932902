"""CLI commands grouped by area; each module registers its commands on `clout.cli.common.app` when imported."""
