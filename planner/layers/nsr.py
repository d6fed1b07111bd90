"""The Northern Sea Route: its seven areas (``geodata/nsr_seas.geojson``) and the one test of
NSR admissibility (:func:`closures`), from the admission criteria and the typical-ice calendar
of :mod:`planner.layers.nsr_rules` (Rules of Navigation in the water area of the NSR,
Appendix 2; geodata/SOURCES.md).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import shapely.geometry

from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.core.units import month_of, to_timestamp, wrap_lon
from planner.layers.geodesy import GEOD, Polyline, prepare_shared
from planner.layers.nsr_rules import (
    AREAS,
    ICE_CLASSES,
    SEASON_CLOSES,
    SEASON_LIMITED,
    SEASON_OPENS,
    Admission,
    admission,
    admission_table,
    is_admissible,
    normalise_ice_class,
)

__all__ = ["AREAS", "ICE_CLASSES", "SAILABLE", "Admission", "Closure", "SeaRun", "admissible",
           "admission", "closures", "closures_of_runs", "ice_rules", "normalise_ice_class",
           "nsr_seas", "permitted", "rule", "sea_name", "sea_runs", "unsourced_uses"]

#: Rule outcomes that let a ship sail (alone or behind an icebreaker).
SAILABLE = ("independent", "escort")
#: Southernmost latitude of any NSR area in ``geodata/nsr_seas.geojson`` (Kara Sea and Chukchi
#: Sea limits at 66 N): a route that stays south of it enters none.
NSR_SOUTH_LAT = 66.0
_SEA_NAMES = {"kara": "Kara Sea", "laptev": "Laptev Sea", "east-siberian": "East Siberian Sea",
              "chukchi": "Chukchi Sea"}


@once("layers.nsr.nsr_seas")
def nsr_seas() -> gpd.GeoDataFrame:
    """The NSR areas as a GeoDataFrame (EPSG:4326): columns ``sea`` (the area id, e.g.
    ``kara-sw``), ``parent`` (the sea, ``kara``), ``name``, geometry (prepared for the point
    tests threads share)."""
    # read with json + shapely (RFC 7946 GeoJSON is lon/lat WGS84): the same frame as
    # gpd.read_file, without loading the GDAL reader (~0.1 s at start)
    doc = json.loads(geodata_path("nsr_seas.geojson").read_text(encoding="utf-8"))
    feats = doc["features"]
    seas = gpd.GeoDataFrame(pd.DataFrame([f["properties"] for f in feats]),
                            geometry=[shapely.geometry.shape(f["geometry"]) for f in feats],
                            crs="EPSG:4326")
    if "parent" not in seas.columns:  # a four-sea file: each sea is its own area
        seas["parent"] = seas["sea"]
    prepare_shared(seas.geometry.values)
    return seas


@once("layers.nsr._area_names")
def _area_names() -> dict[str, str]:
    """Area id -> display name, from :func:`nsr_seas`."""
    seas = nsr_seas()
    return dict(zip(seas["sea"].tolist(), seas["name"].tolist(), strict=True))


def sea_name(sea: str) -> str:
    """Display name of an area or sea id (``kara-sw`` -> ``Kara Sea, south-western part``)."""
    name = _area_names().get(sea)
    return name if name is not None else _SEA_NAMES.get(sea, sea)


def ice_rules() -> pd.DataFrame:
    """The admission table (:func:`planner.layers.nsr_rules.admission_table`)."""
    return admission_table()


def rule(ice_class: str | None, sea: str, month: int) -> str:
    """``independent``, ``escort`` or ``no`` for a class in an area (or sea: its most
    restrictive area) in a month (1-12), in the calendar's typical ice; November counts as
    open to the season-limited classes (their season ends on 15 November)."""
    return admission(ice_class, sea, int(month)).outcome


def permitted(ice_class: str | None, sea: str, month: int) -> bool:
    """True if a ship of that ice class may sail that area in that month in typical ice
    (independently or under icebreaker escort)."""
    return rule(ice_class, sea, month) in SAILABLE


def admissible(ice_class: str | None, sea: str, month: int, escort: bool = False) -> bool:
    """True if a ship of that ice class may sail that area in that month as planned: alone
    where the rules allow independent navigation, or, with ``escort`` (an icebreaker), also
    where they allow it only under escort."""
    return is_admissible(rule(ice_class, sea, month), escort)


@once("layers.nsr._rule_lookup")
def _rule_lookup() -> dict[tuple[str, int], dict[str, str]]:
    """``(area, month)`` -> ``{class: outcome}`` in the calendar's typical ice."""
    return {(a, m): {c: rule(c, a, m) for c in ICE_CLASSES}
            for a in AREAS for m in range(1, 13)}


class SeaRun(NamedTuple):
    """One stretch of a route inside one NSR sea: sea id and its start and end, in km from
    the route's origin."""

    sea: str
    start_km: float
    end_km: float


class Closure(NamedTuple):
    """An NSR area a ship would sail when the rules do not let its ice class sail it: the area
    (``sea``), the month, the rule (``no`` or ``escort``), the first time the ship is in that
    area then, the ice type assumed, why (``ice`` or ``season``) and the modes whose cells are
    planning assumptions (:attr:`Admission.unsourced`)."""

    sea: str
    month: int
    rule: str
    when: dt.datetime
    ice: str = ""
    reason: str = "ice"
    unsourced: tuple[str, ...] = ()


#: Where :func:`sea_runs` keeps a route's runs on the route object itself (an immutable path:
#: routes are shared between the legs of a template, issue 16).
_RUNS_ATTR = "_nsr_sea_runs"


def sea_runs(route: Polyline) -> list[SeaRun]:
    """The route's runs through NSR seas, in order (a sea entered twice gives two runs).

    Computed once per route object whose path is immutable (read-only ``lons``/``lats``
    arrays, as every :class:`~planner.routing.route.Route` has) and kept on it: legs of the
    same template share their route, so the checks that read its runs pay for them once."""
    memo = getattr(route, "__dict__", None)
    if memo is None or not _immutable_path(route):
        return _sea_runs(route)
    runs = memo.get(_RUNS_ATTR)
    if runs is None:
        runs = memo[_RUNS_ATTR] = tuple(_sea_runs(route))
    return list(runs)


def _immutable_path(route: Polyline) -> bool:
    """True when the path's coordinates cannot change (read-only numpy arrays)."""
    lons, lats = getattr(route, "lons", None), getattr(route, "lats", None)
    return (isinstance(lons, np.ndarray) and isinstance(lats, np.ndarray)
            and not lons.flags.writeable and not lats.flags.writeable)


def _sea_runs(route: Polyline) -> list[SeaRun]:
    lons, lats = np.asarray(route.lons, float), np.asarray(route.lats, float)
    if lons.size < 2 or float(np.max(np.abs(lats))) < NSR_SOUTH_LAT:
        return []
    seas = segment_seas(lons, lats)
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    cum = np.concatenate([[0.0], np.cumsum(np.asarray(d, float) / 1000.0)])
    runs: list[SeaRun] = []
    for i, sea in enumerate(seas):
        if not sea:
            continue
        if runs and runs[-1].sea == sea and runs[-1].end_km == float(cum[i]):
            runs[-1] = SeaRun(sea, runs[-1].start_km, float(cum[i + 1]))
        else:
            runs.append(SeaRun(sea, float(cum[i]), float(cum[i + 1])))
    return runs


def _checkpoints(t0: dt.datetime, t1: dt.datetime, ice_class: str) -> list[dt.datetime]:
    """``t0``, the first instant of every later month up to ``t1`` and, for a class limited to
    the season, 16 November 00:00 (the day after the season ends) when it falls inside."""
    out = [t0]
    y, m = t0.year, t0.month
    while True:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        start = dt.datetime(y, m, 1, tzinfo=dt.UTC)
        if start > t1:
            break
        out.append(start)
    if ice_class in SEASON_LIMITED:
        for year in range(t0.year, t1.year + 1):
            end = dt.datetime(year, SEASON_CLOSES[0], SEASON_CLOSES[1] + 1, tzinfo=dt.UTC)
            if t0 < end <= t1:
                out.append(end)
    return sorted(out)


def _run_admissions(runs: list[SeaRun], ice_class: str | None, depart, speed_kmh: float
                    ) -> list[list[tuple[dt.datetime, Admission]]]:
    """Per run, the criteria's answer at each checkpoint the ship is inside it."""
    if not runs:
        return []
    if type(depart) is dt.datetime and depart.tzinfo is dt.UTC:
        start = depart  # what to_timestamp(depart).to_pydatetime() gives, without pandas
    else:
        t0 = to_timestamp(depart)
        if t0 is None:
            return []
        start = t0.to_pydatetime()
    if not speed_kmh > 0:
        raise ValueError("speed_kmh must be > 0")
    c = normalise_ice_class(ice_class)
    memo = _admission_memo()
    out = []
    for run in runs:
        entry = start + dt.timedelta(hours=run.start_km / speed_kmh)
        leave = start + dt.timedelta(hours=run.end_km / speed_kmh)
        out.append([(when, _admission_at(c, run.sea, when, memo))
                    for when in _checkpoints(entry, leave, c)])
    return out


def _admission_at(ice_class: str, sea: str, when: dt.datetime, memo: dict) -> Admission:
    """:func:`~planner.layers.nsr_rules.admission` at the instant ``when``, for a normalised
    class: the answer depends on the instant only through its month and whether it is in the
    season (:func:`~planner.layers.nsr_rules.in_season`), so it is looked up in ``memo``
    (:func:`_admission_memo`) once per (class, area, month, in season)."""
    key = (ice_class, sea, when.month, ice_class not in SEASON_LIMITED
           or SEASON_OPENS <= (when.month, when.day) <= SEASON_CLOSES)
    a = memo.get(key)
    if a is None:
        a = memo[key] = admission(ice_class, sea, when.month, when)
    return a


@once("layers.nsr._admission_memo")
def _admission_memo() -> dict[tuple[str, str, int, bool], Admission]:
    """The answers :func:`_admission_at` looked up (emptied with every cache, as when the ice
    calendar changes)."""
    return {}


def closures_of_runs(runs: list[SeaRun], ice_class: str | None, depart,
                     speed_kmh: float, escort: bool = False) -> list[Closure]:
    """:func:`closures` for precomputed :func:`sea_runs` (a run may name a sea instead of an
    area, as the sea network's labels do: then its most restrictive area counts)."""
    out: list[Closure] = []
    for checks in _run_admissions(runs, ice_class, depart, speed_kmh):
        for when, a in checks:
            if not is_admissible(a.outcome, escort):
                out.append(Closure(a.area, when.month, a.outcome, when, a.ice, a.reason,
                                   a.unsourced))
                break  # one closure per run: the first time it is closed
    return out


def unsourced_uses(runs: list[SeaRun], ice_class: str | None, depart, speed_kmh: float
                   ) -> list[tuple[dt.datetime, Admission]]:
    """Every answer on the way that rests on a cell the public text of the Rules did not give
    (a planning assumption), with the first time the ship meets it; each (area, ice, modes)
    once."""
    seen, out = set(), []
    for checks in _run_admissions(runs, ice_class, depart, speed_kmh):
        for when, a in checks:
            key = (a.area, a.ice, a.unsourced)
            if a.unsourced and key not in seen:
                seen.add(key)
                out.append((when, a))
    return out


def closures(route: Polyline, ice_class: str | None, depart, speed_kmh: float,
             escort: bool = False) -> list[Closure]:
    """The NSR areas a ship sailing ``route`` would be in when the rules do not let its ice
    class sail them: the one test of NSR admissibility, used by the sea router, the schedule,
    the checks, refuelling advice and reach.

    The ship leaves at ``depart`` (any time :func:`~planner.core.units.to_timestamp` takes)
    and sails at a constant ``speed_kmh``; each NSR area must admit its class (alone, or with
    ``escort`` also where the rules require an icebreaker) in the typical ice of every month the
    ship is inside it, from the time it enters to the time it leaves, and a class limited to
    the season (none, Ice1-Ice3) must be inside it between 1 July and 15 November. Empty when
    the route is admissible or ``depart`` is None.
    """
    return closures_of_runs(sea_runs(route), ice_class, depart, speed_kmh, escort)




def segment_seas(lons: np.ndarray, lats: np.ndarray) -> np.ndarray:
    """The NSR sea id of each segment (its midpoint), '' outside."""
    mid_lon = (lons[:-1] + lons[1:]) / 2.0
    mid_lat = (lats[:-1] + lats[1:]) / 2.0
    mid_lon = wrap_lon(mid_lon)
    out = np.full(mid_lon.size, "", dtype=object)
    for sea, geom in zip(nsr_seas()["sea"], nsr_seas().geometry, strict=True):
        inside = shapely.contains_xy(geom, mid_lon, mid_lat) & (out == "")
        out[inside] = sea
    return out


def nsr_legs(route: Polyline) -> list[tuple[str, float]]:
    """The route's runs through NSR seas, in order, as (sea id, km)."""
    lons, lats = np.asarray(route.lons, float), np.asarray(route.lats, float)
    if lons.size < 2:
        return []
    seas = segment_seas(lons, lats)
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    km = np.asarray(d) / 1000.0
    legs: list[tuple[str, float]] = []
    for sea, k in zip(seas, km, strict=True):
        if not sea:
            continue
        if legs and legs[-1][0] == sea:
            legs[-1] = (sea, legs[-1][1] + float(k))
        else:
            legs.append((sea, float(k)))
    return legs


def nsr_transit(route: Polyline) -> bool:
    """True if the route sails through any NSR sea."""
    return bool(nsr_legs(route))


def nsr_violations(route: Polyline, ice_class: str | None, month: int) -> list[tuple[str, int]]:
    """The NSR seas on the route closed to that ice class in that month, as (sea, month), in
    route order, each sea once."""
    out: list[tuple[str, int]] = []
    for sea, _ in nsr_legs(route):
        if not permitted(ice_class, sea, month) and (sea, month) not in out:
            out.append((sea, int(month)))
    return out


def ice_violations(route: Polyline, ice_class: str | None, when) -> list[tuple[str, int]]:
    """:func:`nsr_violations` for a departure date (ISO text, date, datetime or Timestamp)."""
    month = month_of(when)
    return [] if month is None else nsr_violations(route, ice_class, month)
