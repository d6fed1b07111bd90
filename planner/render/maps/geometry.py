"""Map geometry: the 360-degree display window around the antimeridian, coordinate rounding
and simplification tolerances, leg midpoints and bearings."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import shapely
from shapely.geometry import box, mapping

from planner.core.units import wrap_lon
from planner.layers.geodesy import GEOD

#: Coordinates are rounded to this many decimals (0.001 deg is about 110 m).
DECIMALS = 3


def display_west(lons: Iterable[float]) -> float:
    """West edge (degrees) of the 360-degree longitude window the map shows.

    -180 unless the data crosses the antimeridian; then the middle of the widest longitude gap
    free of data, so the data lies continuously inside ``[west, west + 360)``.
    """
    a = np.asarray([x for x in lons if np.isfinite(x)], float)
    if a.size == 0:
        return -180.0
    a = np.unique(wrap_lon(a))
    gaps = np.diff(np.concatenate([a, [a[0] + 360.0]]))
    i = int(np.argmax(gaps))
    if i == len(a) - 1:  # the widest gap wraps through 180: the usual [-180, 180) window
        return -180.0
    mid = a[i] + gaps[i] / 2.0
    return wrap_lon(float(mid))


def shift_lon(lon: float, west: float) -> float:
    """``lon`` moved by a multiple of 360 into ``[west, west + 360)``."""
    return float(west + ((lon - west) % 360.0))


def shift_line(lons: Iterable[float], west: float) -> np.ndarray:
    """Unwrapped longitudes moved as a whole so that the first lies in the window."""
    arr = np.asarray(lons if isinstance(lons, np.ndarray) else list(lons), float)
    if arr.size == 0:
        return arr
    return arr + (shift_lon(arr[0], west) - arr[0])


def shift_geometry(geom, west: float):
    """A lon/lat geometry in [-180, 180] (e.g. split at the antimeridian) redrawn inside the
    window ``[west, west + 360)``: parts beyond the edge are moved by 360 degrees and pieces
    that meet at 180 are merged, so polygons stay continuous. Returns None if empty."""
    if geom is None or geom.is_empty:
        return None
    if west == -180.0:
        return geom
    window = box(west, -90.0, west + 360.0, 90.0)
    pieces = []
    for k in (-1, 0, 1):
        g = shapely.affinity.translate(geom, xoff=360.0 * k)
        if not g.intersects(window):
            continue
        minx, _, maxx, _ = g.bounds
        if minx >= west and maxx <= west + 360.0:
            pieces.append(g)
        else:
            pieces.append(shapely.make_valid(g).intersection(window))
    if not pieces:
        return None
    out = shapely.union_all(pieces) if len(pieces) > 1 else pieces[0]
    return None if out.is_empty else out


def _round_coords(geom, decimals: int = DECIMALS):
    return shapely.transform(geom, lambda c: np.round(c, decimals))


def _feature(geom, props: dict) -> dict | None:
    """A GeoJSON feature, polygons-only or lines-only parts kept, or None if empty."""
    if geom is None or geom.is_empty:
        return None
    return {"type": "Feature", "properties": props, "geometry": mapping(geom)}


def _polygonal(geom):
    """Only the polygon parts of a geometry (intersections may leave lines/points)."""
    if geom is None or geom.is_empty:
        return None
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", []) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else None


def area_feature(geom, west: float, tolerance_deg: float, props: dict) -> dict | None:
    """A polygon layer feature: simplified (``tolerance_deg``), shifted into the window and
    rounded to :data:`DECIMALS`."""
    if geom is None or geom.is_empty:
        return None
    g = shapely.simplify(geom, tolerance_deg, preserve_topology=True) if tolerance_deg else geom
    g = _polygonal(shift_geometry(g, west))
    if g is None:
        return None
    return _feature(_round_coords(g), props)


def line_coords(lons, lats, west: float, tolerance_deg: float) -> list[list[float]]:
    """An unwrapped polyline shifted into the window, simplified and rounded: ``[[lon, lat]]``."""
    x = shift_line(lons, west)
    y = np.asarray(lats, float)
    if len(x) >= 3 and tolerance_deg > 0:
        line = shapely.simplify(shapely.LineString(np.column_stack([x, y])), tolerance_deg,
                                preserve_topology=False)
        xy = np.asarray(line.coords)
    else:
        xy = np.column_stack([x, y]) if len(x) else np.zeros((0, 2))
    xy = np.round(xy, DECIMALS)
    if len(xy) > 1:
        keep = np.concatenate([[True], np.any(np.diff(xy, axis=0) != 0, axis=1)])
        xy = xy[keep]
    if len(xy) == 1:
        xy = np.vstack([xy, xy])
    return [[float(a), float(b)] for a, b in xy]


def midpoint_bearing(lons, lats) -> tuple[float, float, float]:
    """(lon, lat, bearing in degrees clockwise from north) at half the geodesic length of an
    unwrapped polyline; the bearing is the local direction of travel."""
    x = np.asarray(lons, float)
    y = np.asarray(lats, float)
    if len(x) < 2:
        return float(x[0]), float(y[0]), 0.0
    az, _, d = GEOD.inv(x[:-1], y[:-1], x[1:], y[1:])
    d = np.asarray(d, float)
    cum = np.concatenate([[0.0], np.cumsum(d)])
    half = cum[-1] / 2.0
    i = int(np.clip(np.searchsorted(cum, half) - 1, 0, len(d) - 1))
    if d[i] <= 0:
        return float(x[i]), float(y[i]), float(np.asarray(az)[i] % 360.0)
    az = np.asarray(az, float)
    lon, lat, _ = GEOD.fwd(x[i], y[i], az[i], half - cum[i])
    lon = x[i] + ((lon - x[i] + 180.0) % 360.0 - 180.0)  # keep it on the unwrapped line
    bearing = az[i]
    if cum[i + 1] - half > 1.0:  # direction from the midpoint on to the next vertex
        bearing = GEOD.inv(lon, lat, x[i + 1], y[i + 1])[0]
    return float(lon), float(lat), bearing % 360.0


def tolerance_for(lons: Iterable[float], lats: Iterable[float]) -> float:
    """Simplification tolerance in degrees for a view of the data: about a screen pixel at the
    zoom that fits it (span / 3000), clamped to [0.005, 0.05]."""
    x = np.asarray(list(lons), float)
    y = np.asarray(list(lats), float)
    if x.size == 0:
        return 0.05
    span = max(float(np.ptp(x)), float(np.ptp(y)) * 1.5, 1.0)
    return float(np.clip(span / 3000.0, 0.005, 0.05))


def area_tolerance(line_tolerance_deg: float) -> float:
    """Simplification tolerance (degrees) for territory and sea polygons: twice the line
    tolerance, within [0.01, 0.05] (at most about 5 km, well inside the 12 nm band)."""
    return float(np.clip(2.0 * line_tolerance_deg, 0.01, 0.05))
