"""Where the shipped data lives.

In a wheel the ``geodata/`` folder is installed as ``planner/geodata``; in a source checkout
(editable install, tests) it is the ``geodata/`` folder at the repository root.
"""

from __future__ import annotations

from pathlib import Path

#: The package folder (``planner/``); this module lives in ``planner/core/``.
_PACKAGE = Path(__file__).resolve().parent.parent


def geodata_dir() -> Path:
    """The folder holding the curated data layers."""
    inside = _PACKAGE / "geodata"
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / "geodata"


def geodata_path(name: str) -> Path:
    """Path of one shipped data file, e.g. ``geodata_path("facilities.csv")``."""
    return geodata_dir() / name
