"""The Northern Sea Route: its seas (``geodata/nsr_seas.geojson``) and which ice classes may
sail each sea in each month (``geodata/nsr_ice_rules.csv``, derived in geodata/SOURCES.md
from the NSR Rules of Navigation, Government Decree No. 1487 of 18 Sep 2020, Appendix 2).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.caches import once
from planner.core.paths import geodata_path
from planner.core.units import month_of, wrap_lon
from planner.layers.geodesy import GEOD, Polyline, prepare_shared

ICE_CLASSES = ("none", "Arc4", "Arc5", "Arc6", "Arc7", "Arc8", "Arc9")
#: Rule outcomes that let a ship sail (alone or behind an icebreaker).
SAILABLE = ("independent", "escort")


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
    df = ice_rules()
    row = df[(df["sea"] == sea) & (df["month"] == int(month))]
    if row.empty:
        raise ValueError(f"no NSR ice rule for sea {sea!r} month {month}")
    return str(row.iloc[0][c])


def permitted(ice_class: str | None, sea: str, month: int) -> bool:
    """True if a ship of that ice class may sail that NSR sea in that month in typical ice
    conditions (independently or under icebreaker escort)."""
    return rule(ice_class, sea, month) in SAILABLE




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
