"""`python -m transforms.calibration VERSION...`: build and write the frozen calibration of each version."""

import sys

from transforms.calibration import write

for version in sys.argv[1:] or ["v1"]:
    print(f"{version}: wrote {write(version)}")
