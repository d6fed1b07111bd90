"""The Northern Sea Route: its seas (``geodata/nsr_seas.geojson``) and which ice classes may
sail each sea in each month (``geodata/nsr_ice_rules.csv``, derived in geodata/SOURCES.md
from the NSR Rules of Navigation, Government Decree No. 1487 of 18 Sep 2020, Appendix 2).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.core.units import month_of, to_timestamp, wrap_lon
from planner.layers.geodesy import GEOD, Polyline, prepare_shared

ICE_CLASSES = ("none", "Arc4", "Arc5", "Arc6", "Arc7", "Arc8", "Arc9")
#: Rule outcomes that let a ship sail (alone or behind an icebreaker).
SAILABLE = ("independent", "escort")
#: Southernmost latitude of any NSR sea in ``geodata/nsr_seas.geojson`` (Kara Sea and Chukchi
#: Sea limits at 66 N): a route that stays south of it enters none.
NSR_SOUTH_LAT = 66.0


@once("layers.nsr.nsr_seas")
def nsr_seas() -> gpd.GeoDataFrame:
    """The NSR seas as a GeoDataFrame (EPSG:4326): columns ``sea`` (id), ``name``, geometry
    (prepared for the point tests threads share)."""
    seas = gpd.read_file(geodata_path("nsr_seas.geojson"))
    prepare_shared(seas.geometry.values)
    return seas


def sea_name(sea: str) -> str:
    """Display name of a sea id (``kara`` -> ``Kara Sea``)."""
    names = dict(zip(nsr_seas()["sea"], nsr_seas()["name"], strict=True))
    return names.get(sea, sea)


@once("layers.nsr.ice_rules")
def ice_rules() -> pd.DataFrame:
    """The ice-class table: one row per (sea, month) with the typical ice conditions and, for
    each class in :data:`ICE_CLASSES`, ``independent``, ``escort`` or ``no``."""
    return pd.read_csv(geodata_path("nsr_ice_rules.csv"))


def normalise_ice_class(ice_class: str | None) -> str:
    """``arc7`` -> ``Arc7``; ``None``/``""``/``none`` -> ``none``. Raises ValueError."""
    text = "none" if ice_class is None else str(ice_class).strip()
    for c in ICE_CLASSES:
        if text.lower() == c.lower():
            return c
    raise ValueError(f"unknown ice class {ice_class!r}; use one of {', '.join(ICE_CLASSES)}")


def rule(ice_class: str | None, sea: str, month: int) -> str:
    """``independent``, ``escort`` or ``no`` for a class in a sea in a month (1-12)."""
    c = normalise_ice_class(ice_class)
    row = _rule_lookup().get((sea, int(month)))
    if row is None:
        raise ValueError(f"no NSR ice rule for sea {sea!r} month {month}")
    return row[c]


def permitted(ice_class: str | None, sea: str, month: int) -> bool:
    """True if a ship of that ice class may sail that NSR sea in that month in typical ice
    conditions (independently or under icebreaker escort)."""
    return rule(ice_class, sea, month) in SAILABLE


def admissible(ice_class: str | None, sea: str, month: int, escort: bool = False) -> bool:
    """True if a ship of that ice class may sail that sea in that month as planned: alone
    where the rules allow independent navigation, or, with ``escort`` (an icebreaker), also
    where they allow it only under escort."""
    outcome = _rule_lookup()[(sea, int(month))][normalise_ice_class(ice_class)]
    return outcome == "independent" or (escort and outcome == "escort")


@once("layers.nsr._rule_lookup")
def _rule_lookup() -> dict[tuple[str, int], dict[str, str]]:
    df = ice_rules()
    return {(str(r["sea"]), int(r["month"])): {c: str(r[c]) for c in ICE_CLASSES}
            for r in df.to_dict("records")}


class SeaRun(NamedTuple):
    """One stretch of a route inside one NSR sea: sea id and its start and end, in km from
    the route's origin."""

    sea: str
    start_km: float
    end_km: float


class Closure(NamedTuple):
    """An NSR sea a ship would sail when the rules do not let its ice class sail it: the sea,
    the month, the rule (``no`` or ``escort``), and the first time the ship is in that sea in
    that month."""

    sea: str
    month: int
    rule: str
    when: dt.datetime


def sea_runs(route: Polyline) -> list[SeaRun]:
    """The route's runs through NSR seas, in order (a sea entered twice gives two runs)."""
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


def _month_starts(t0: dt.datetime, t1: dt.datetime) -> list[dt.datetime]:
    """``t0`` and the first instant of every later month up to ``t1``."""
    out = [t0]
    y, m = t0.year, t0.month
    while True:
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
        start = dt.datetime(y, m, 1, tzinfo=dt.UTC)
        if start > t1:
            return out
        out.append(start)


def closures_of_runs(runs: list[SeaRun], ice_class: str | None, depart,
                     speed_kmh: float, escort: bool = False) -> list[Closure]:
    """:func:`closures` for precomputed :func:`sea_runs`."""
    t0 = to_timestamp(depart)
    if t0 is None or not runs:
        return []
    if not speed_kmh > 0:
        raise ValueError("speed_kmh must be > 0")
    start = t0.to_pydatetime()
    out: list[Closure] = []
    for run in runs:
        entry = start + dt.timedelta(hours=run.start_km / speed_kmh)
        leave = start + dt.timedelta(hours=run.end_km / speed_kmh)
        for when in _month_starts(entry, leave):
            if not admissible(ice_class, run.sea, when.month, escort):
                outcome = _rule_lookup()[(run.sea, when.month)][normalise_ice_class(ice_class)]
                out.append(Closure(run.sea, when.month, outcome, when))
                break  # one closure per run: the first month it is closed
    return out


def closures(route: Polyline, ice_class: str | None, depart, speed_kmh: float,
             escort: bool = False) -> list[Closure]:
    """The NSR seas a ship sailing ``route`` would be in when the rules do not let its ice
    class sail them: the one test of NSR admissibility, used by the sea router, the schedule,
    the checks, refuelling advice and reach.

    The ship leaves at ``depart`` (any time :func:`~planner.core.units.to_timestamp` takes)
    and sails at a constant ``speed_kmh``; each NSR sea must admit its class (alone, or with
    ``escort`` also where the rules require an icebreaker) in every month the ship is inside
    it, from the time it enters to the time it leaves. Empty when the route is admissible or
    ``depart`` is None.
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
