"""Shared fixtures: plan factories, a great-circle router, the CLI runner."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from planner.layers.geodesy import geodesic_km, geodesic_points
from planner.routing.route import Route

REPO = Path(__file__).resolve().parents[1]

BASE_PLAN = {
    "name": "test plan",
    "horizon_end": "2026-06-30",
    "assets": [
        {
            "id": "gorshkov", "name": "Admiral Gorshkov", "nation": "RUS", "kind": "warship",
            "crew": 210, "speed_kn": 14, "range_nm": 4000,
            "itinerary": [
                {"at": "visakhapatnam", "arrive": "2026-03-05T08:00Z",
                 "depart": "2026-03-20T08:00Z", "purpose": "exercise"},
            ],
        }
    ],
}


@pytest.fixture
def base_plan() -> dict:
    """A minimal valid plan as a dict (a deep copy each time)."""
    return copy.deepcopy(BASE_PLAN)


@pytest.fixture
def write_plan(tmp_path):
    """Write YAML text (dedented) to a file and return its path."""
    def _write(text: str, name: str = "plan.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path
    return _write


def gc_route(asset, a, b, *, when=None, avoid=(), deny=(), waters=None):
    """A great-circle router, for tests of scheduling that must not depend on sea routing."""
    lons, lats = geodesic_points(a.lat, a.lon, b.lat, b.lon)
    return Route(a.id, b.id, asset.mode, geodesic_km(a.lat, a.lon, b.lat, b.lon), lons, lats)


@pytest.fixture
def gc_router():
    return gc_route


def run_relos(*args: str, cwd: Path | None = None, timeout: float = 300):
    """Run the installed ``relos`` command in a subprocess."""
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    return subprocess.run([sys.executable, "-m", "planner.cli", *args], capture_output=True,
                          text=True, cwd=cwd or REPO, timeout=timeout, env=env)


@pytest.fixture
def relos():
    return run_relos
