"""Shared fixtures: plan factories, a great-circle router, the CLI runner."""

from __future__ import annotations

import contextlib
import copy
import os
import signal
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


def gc_route(asset, a, b, *, when=None, avoid=(), deny=(), **options):
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


#: Seconds after which an in-process step counts as hung. Not a speed limit: the steps guarded
#: take milliseconds, their timings are printed by bench/bench_refusals.py; the guard only turns
#: a hang (issue 7: an alias bomb walked 9**9 paths) into a failure instead of a stuck suite.
HANG_S = 120


@contextlib.contextmanager
def hang_guard(seconds: float = HANG_S):
    """Fail (``TimeoutError``) if the block is still running after ``seconds`` (main thread,
    POSIX; elsewhere the block runs unguarded)."""
    def hung(signum, frame):
        raise TimeoutError(f"still running after {seconds:.0f} s: hung")

    try:
        old = signal.signal(signal.SIGALRM, hung)
    except (ValueError, AttributeError):  # not the main thread, or no SIGALRM
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


#: Timestamp-shaped values naming no real moment, one per class of impossibility, with the
#: words of the reason (from the Gregorian calendar: 2026 and 2100 are common years, 30 April
#: ends April), bare dates and times, ISO 8601 and the YAML 1.1 timestamp spelling (a space and
#: seconds) that PyYAML's own constructor parsed and crashed on (issue 12).
IMPOSSIBLE_TIMES = [
    ("2026-13-01", "there is no month 13"),
    ("2026-00-10", "there is no month 0"),
    ("2026-04-31", "April 2026 has 30 days"),
    ("2026-01-00", "January 2026 has 31 days"),
    ("2026-02-30", "February 2026 has 28 days"),
    ("2026-02-29", "2026 is not a leap year"),
    ("2100-02-29", "2100 is not a leap year"),
    ("2026-13-01T08:00Z", "there is no month 13"),
    ("2026-02-29T08:00Z", "2026 is not a leap year"),
    ("2026-03-01T25:00Z", "there is no hour 25"),
    ("2026-03-01T08:60Z", "there is no minute 60"),
    ("2026-03-01T24:00Z", "hour 24"),
    ("2026-03-01T08:00:61Z", "there is no second 61"),
    ("2026-02-30 08:00:00", "February 2026 has 28 days"),
    ("2026-13-01T08:00:00Z", "there is no month 13"),
    ("2026-03-01 25:00:00", "there is no hour 25"),
    ("2026-03-01 08:61:00", "there is no minute 61"),
]
#: Real moments of the same shapes (leap days of 2028 and 2000, a YAML-style time), and the
#: moment each names.
REAL_TIMES = [
    ("2028-02-29", (2028, 2, 29)),
    ("2000-02-29", (2000, 2, 29)),
    ("2026-03-01 08:00:00", (2026, 3, 1, 8)),
    ("2026-03-01T23:59Z", (2026, 3, 1, 23, 59)),
]
