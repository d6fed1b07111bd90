"""Geodesy helpers shared by sea and air routing: WGS84 distances, unit conversion and
antimeridian handling.

All longitudes/latitudes are degrees; distances carry their unit in the name.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString, MultiLineString

#: The WGS84 ellipsoid, used for every distance in the planner.
GEOD = Geod(ellps="WGS84")



class Polyline(Protocol):
    """Anything with a lon/lat path (a :class:`planner.routing.Route` is one); longitudes may be
    unwrapped (continuous across 180 degrees)."""

    lons: np.ndarray
    lats: np.ndarray


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Ellipsoidal (WGS84) distance between two points in km."""
    _, _, dist_m = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist_m) / 1000.0


def geodesic_km_many(lats1, lons1, lats2, lons2) -> np.ndarray:
    """Vectorised WGS84 distances in km."""
    _, _, dist_m = GEOD.inv(
        np.asarray(lons1, float), np.asarray(lats1, float),
        np.asarray(lons2, float), np.asarray(lats2, float),
    )
    return np.asarray(dist_m) / 1000.0


def line_length_km(lons, lats) -> float:
    """Geodesic length in km of a polyline given as lon/lat arrays (longitudes may be unwrapped)."""
    lons = np.asarray(lons, float)
    lats = np.asarray(lats, float)
    if len(lons) < 2:
        return 0.0
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    return float(np.sum(d)) / 1000.0


def unwrap_lons(lons) -> np.ndarray:
    """Make a longitude sequence continuous (no jumps of more than 180 degrees).

    The result may leave [-180, 180]; that is what display and interpolation want.
    """
    lons = np.asarray(lons, float)
    if len(lons) == 0:
        return lons
    return np.degrees(np.unwrap(np.radians(lons)))


def geodesic_points(lat1: float, lon1: float, lat2: float, lon2: float,
                    step_km: float = 50.0) -> tuple[np.ndarray, np.ndarray]:
    """Points along the WGS84 geodesic, every ``step_km`` at most, ends included.

    Returns ``(lons, lats)`` with longitudes unwrapped (continuous across 180 degrees).
    """
    dist_km = geodesic_km(lat1, lon1, lat2, lon2)
    n_inner = max(int(np.ceil(dist_km / step_km)) - 1, 0)
    if n_inner:
        pts = GEOD.npts(lon1, lat1, lon2, lat2, n_inner)
        lons = np.array([lon1] + [p[0] for p in pts] + [lon2])
        lats = np.array([lat1] + [p[1] for p in pts] + [lat2])
    else:
        lons = np.array([lon1, lon2], float)
        lats = np.array([lat1, lat2], float)
    return unwrap_lons(lons), lats


def split_antimeridian(lons, lats) -> LineString | MultiLineString:
    """A lon/lat polyline (longitudes possibly unwrapped) as GeoJSON-ready geometry.

    Longitudes are brought back to [-180, 180]; where the line crosses the antimeridian it is
    cut there (the crossing latitude interpolated) and a MultiLineString is returned.
    """
    lons = unwrap_lons(lons)
    lats = np.asarray(lats, float)
    parts: list[list[tuple[float, float]]] = []
    # shift so that the first point lies in [-180, 180]
    shift = np.floor((lons[0] + 180.0) / 360.0) * 360.0
    lons = lons - shift
    current: list[tuple[float, float]] = [(float(lons[0]), float(lats[0]))]
    for i in range(1, len(lons)):
        x0, y0, x1, y1 = lons[i - 1], lats[i - 1], lons[i], lats[i]
        k0 = np.floor((x0 + 180.0) / 360.0)
        k1 = np.floor((x1 + 180.0) / 360.0)
        if k0 == k1:
            current.append((float(x1 - k0 * 360.0), float(y1)))
            continue
        edge = 180.0 + 360.0 * min(k0, k1)  # the meridian crossed, in unwrapped space
        t = (edge - x0) / (x1 - x0)
        y = float(y0 + t * (y1 - y0))
        if x1 > x0:
            current.append((180.0, y))
            parts.append(current)
            current = [(-180.0, y), (float(x1 - k1 * 360.0), float(y1))]
        else:
            current.append((-180.0, y))
            parts.append(current)
            current = [(180.0, y), (float(x1 - k1 * 360.0), float(y1))]
    parts.append(current)
    parts = [p for p in parts if len(p) >= 2]
    if len(parts) == 1:
        return LineString(parts[0])
    return MultiLineString(parts)


def prepare_shared(geoms: np.ndarray, lines: bool = True) -> np.ndarray:
    """Prepare polygons that threads will share, and build their lazy indexes now.

    GEOS builds a prepared polygon's point-in-area index and its segment-intersection index
    on first use, and that build is not thread-safe (two threads querying a fresh prepared
    polygon at once corrupted the heap in ``tests/test_hardening.py``). One point test and one
    line test per polygon, here and in one thread, build both; ``lines=False`` builds the
    point index only, for polygons that are only ever tested against points
    (``intersects_xy``, ``contains_xy``: GEOS answers those from the point index alone).
    """
    geoms = np.asarray(geoms, dtype=object)
    if not len(geoms):
        return geoms
    shapely.prepare(geoms)
    b = shapely.bounds(geoms)
    ok = ~np.isnan(b).any(axis=1)
    g, b = geoms[ok], b[ok]
    shapely.intersects_xy(g, (b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
    if not lines:
        return geoms
    pad = 1.0
    diagonal = shapely.linestrings(
        np.stack([np.column_stack([b[:, 0] - pad, b[:, 1] - pad]),
                  np.column_stack([b[:, 2] + pad, b[:, 3] + pad])], axis=1))
    shapely.intersects(g, diagonal)
    return geoms
