"""The plan (CONTRACT sections 1, 2): loading, and the views the later stages give of it.

Loading never half-succeeds: every problem in a plan is collected and raised together as a
:class:`PlanError` whose ``problems`` each name the file, the line and the field, e.g.
``plan.yaml:14: assets[2].speed_kn: must be > 0``.

``schedule()``, ``check()``, ``map()`` and ``resolve()`` belong to higher stages (routing,
checks, planning, render); they reach them through the public face :mod:`planner`, the one
seam from the model upward.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.layers.catalogue import Place
from planner.layers.nsr_rules import calendar_path, ice_calendar_in_force
from planner.model.agreement import RELOS, Agreement
from planner.model.objects import Asset, Call, Detachment
from planner.model.plan_csv import csv_fields
from planner.model.problems import PlanError, Problem, Problems
from planner.model.validate import build_fields, parse_time, valid_nation
from planner.model.yaml_fast import fast_load
from planner.model.yamlsource import YamlSource, read_plan_text

__all__ = ["Asset", "Call", "Detachment", "Plan", "PlanError", "Problem", "load_csv",
           "parse_time", "valid_nation"]


@dataclass
class Plan:
    """A validated plan. Build it with :meth:`load` or :meth:`from_dict`."""

    name: str
    agreement: Agreement = RELOS
    horizon_end: dt.datetime | None = None
    friendly: list[str] = field(default_factory=list)
    facilities: dict[str, Place] = field(default_factory=dict)
    assets: list[Asset] = field(default_factory=list)
    detachments: list[Detachment] = field(default_factory=list)
    source: str = "<plan>"
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path, *, meta: str | Path | None = None,
             agreement: Agreement | None = None) -> Plan:
        """Load a plan from YAML (``.yaml``/``.yml``) or CSV (``.csv``, with an optional
        ``meta`` YAML holding the other sections). Raises :class:`PlanError`."""
        path = Path(path)
        if path.suffix.lower() == ".csv":
            return load_csv(path, meta=meta, agreement=agreement)
        text = read_plan_text(path)
        src = YamlSource(text, str(path))
        data = fast_load(text)  # the regular shape of a plan, fast; None: the careful loader
        if data is None:
            data = src.load()
        return cls.from_dict(data, source=str(path), locate=src.locate, agreement=agreement)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, source: str = "<plan>",
                  locate=None, describe=None, agreement: Agreement | None = None) -> Plan:
        """Build and validate a plan from a mapping shaped like the YAML plan file.

        ``locate(path) -> line`` maps a field path to a source line (the YAML loader passes
        one); ``describe(path) -> str`` names a field (the CSV loader names columns).
        Raises :class:`PlanError` listing every problem.
        """
        problems = Problems(source, locate, describe)
        fields = build_fields(data, problems, source, agreement or RELOS)
        problems.raise_if_any()
        return cls(**fields)

    # -- derived views (higher stages, reached through the public face) -----------------
    def schedule(self):
        """The routed schedule (calls with computed times, legs with routes); cached."""
        if "schedule" not in self._cache:
            self._cache["schedule"] = (calendar_path(), _face().build_schedule(self))
        elif self._cache["schedule"][0] != calendar_path():  # another ice calendar since
            self._cache["schedule"] = (calendar_path(), _face().build_schedule(self))
        return self._cache["schedule"][1]

    @property
    def calls(self):
        """Every call as a GeoDataFrame of points (asset, seq, at, arrive, depart, host...)."""
        return self.schedule().calls

    @property
    def legs(self):
        """Every leg as a GeoDataFrame of lines (see docs/ARCHITECTURE.md for columns)."""
        return self.schedule().legs

    def latest_time(self) -> dt.datetime | None:
        """The latest time given anywhere in the plan."""
        times = [t for a in self.assets for c in a.itinerary for t in (c.arrive, c.depart) if t]
        times += [d.end for d in self.detachments]
        return max(times) if times else None

    def check(self, transit: bool = False, register=None, ice_calendar=None):
        """Run every check; returns a :class:`planner.Report`. ``transit`` also counts assets
        crossing a host's territory; ``register`` (a DataFrame from
        :func:`planner.layers.register.load_register`) overrides the clearance register;
        ``ice_calendar`` (a CSV path: ``area, month, ice``) replaces the shipped typical-ice
        calendar of the NSR for this check (:mod:`planner.layers.nsr_rules`). The report with
        the built-in register is cached per ice calendar; one with a ``register`` never is."""
        if ice_calendar is not None:
            with ice_calendar_in_force(ice_calendar):
                return self.check(transit=transit, register=register)
        if register is not None:
            return _face().check_plan(self, transit=transit, register=register)
        key = ("check", transit) if calendar_path() is None else (
            "check", transit, calendar_path())
        if key not in self._cache:
            self._cache[key] = _face().check_plan(self, transit=transit)
        return self._cache[key]

    def map(self, *, offline: bool = True, tiles: str | None = None, transit: bool = False):
        """The plan's folium map with its findings (shows inline in Jupyter). Self-contained
        (Leaflet inlined, no network needed) unless ``offline=False``, which links a CDN."""
        return _face().plan_map(self, self.check(transit=transit), offline=offline, tiles=tiles)

    def export(self, path: str | Path, *, transit: bool = False, remind_days: int = 7) -> Path:
        """Write the plan's legs, calls and findings to ``path``, the format chosen by its
        extension: ``.geojson``, ``.gpkg``, ``.kml``, ``.csv`` or ``.ics`` (one event per
        clearance on its file-by date, a reminder ``remind_days`` days before). Written
        atomically; returns the path. Raises ValueError for another extension."""
        return _face().export_plan(self, self.check(transit=transit), path,
                                   remind_days=remind_days)

    def resolve(self, max_shift_days: float = 10.0, *, today=None,
                min_stay_share: float = 0.5) -> Plan | None:
        """The smallest change of this plan's times that clears every ``CAP_*`` finding
        (``relos resolve``; :mod:`planner.planning.resolve` says how and within which rules).

        Returns a new plan whose ``changes`` is a DataFrame (asset, call, at, field, old,
        new, shift_h; ``shift_h`` in hours, signed) and whose ``resolution`` holds the rest
        (total shift, whether proven optimal, notes), or None when nothing within the limits
        works (``planner.resolve_plan(plan)`` then says what blocks). ``max_shift_days``:
        largest shift of any one time, days; ``today``: also keep every clearance fileable on
        or after it; ``min_stay_share``: least share of its length a stay keeps.
        """
        res = _face().resolve_plan(self, max_shift_days=max_shift_days, today=today,
                                   min_stay_share=min_stay_share)
        if res.plan is None:
            return None
        res.plan.changes = res.changes
        res.plan.resolution = res
        return res.plan


def _face():
    """The public face :mod:`planner`, imported on first use: the model's one seam up to the
    routing, checks and render stages (docs/ARCHITECTURE.md)."""
    import planner

    return planner


def load_csv(path: str | Path, *, meta: str | Path | None = None,
             agreement: Agreement | None = None, fast: bool = True) -> Plan:
    """Load a CSV plan (CONTRACT section 2) and its meta YAML. Raises :class:`PlanError` naming
    file, line and column for every problem. ``fast=False`` skips the vectorised path."""
    return Plan(**csv_fields(Path(path), meta=meta, agreement=agreement, fast=fast))
