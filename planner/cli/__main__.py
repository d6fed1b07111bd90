"""``python -m planner.cli``."""

from planner.cli import run

run()
