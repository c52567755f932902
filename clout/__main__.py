"""`python -m clout ...`: the same as the `clout` command (where the entry point script is not on the PATH)."""

from clout.cli.main import main

main()
