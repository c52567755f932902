"""Land: delivered files -> raw.* (every record kept, with file lineage; bad records quarantined).

land.py         the landing session (land_paths): format detection, content hash, all-or-nothing per file
formats/        one reader per export format                generator.py  seeded synthetic exports to land
canonical_interactions.py: typing generic interaction rows (parsing, not scoring)
Its SQL is sql/land/. The canonical rows a file brings are merged by the stage step (clout.stage).
"""

from clout.land.land import LandOptions, LandProgress, LandResult, StageFile, land_paths

__all__ = ["LandOptions", "LandProgress", "LandResult", "StageFile", "land_paths"]
