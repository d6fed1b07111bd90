"""Geometry helpers of ``build_sea_network.py``: lon/lat keys, the fixed global lattice,
land tests for many straight edges at once (build time only)."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Geod
from shapely.geometry import LineString

GEOD = Geod(ellps="WGS84")
EARTH_KM = 6371.0088  # mean Earth radius (IUGG), for lattice spacing and neighbour search
DETOUR_OFFSETS_DEG = (0.1, 0.2, 0.35, 0.5, 0.75, 1.0, 1.5, 2.0)  # tried to repair an edge


def norm_lon(x: float) -> float:
    """Longitude in [-180, 180)."""
    x = float(x)
    while x >= 180.0:
        x -= 360.0
    while x < -180.0:
        x += 360.0
    return x


def key(p) -> tuple[float, float]:
    return (round(norm_lon(p[0]), 6), round(float(p[1]), 6))


def edge_line(a, b) -> LineString:
    """The edge as a lon/lat segment, b's longitude unwrapped next to a's."""
    x0, y0 = a
    x1, y1 = b
    if x1 - x0 > 180:
        x1 -= 360
    elif x1 - x0 < -180:
        x1 += 360
    return LineString([(x0, y0), (x1, y1)])


def crosses_land(line: LineString, land_eroded) -> bool:
    for dx in (0.0, 360.0, -360.0):
        ln = shapely.affinity.translate(line, dx) if dx else line
        if land_eroded.intersects(ln):
            return True
    return False


def detour(a, b, land_eroded) -> tuple[float, float] | None:
    """A water point off the middle of a land-crossing edge such that a-point-b is clear."""
    line = edge_line(a, b)
    (x0, y0), (x1, y1) = line.coords
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    dx, dy = x1 - x0, y1 - y0
    norm = float(np.hypot(dx, dy)) or 1.0
    px, py = -dy / norm, dx / norm
    for off in DETOUR_OFFSETS_DEG:
        for sgn in (1.0, -1.0):
            m = (mx + sgn * off * px, my + sgn * off * py)
            if abs(m[1]) > 89:
                continue
            if not (crosses_land(LineString([(x0, y0), m]), land_eroded)
                    or crosses_land(LineString([m, (x1, y1)]), land_eroded)):
                return key(m)
    return None


def lattice(lon0: float, lat0: float, lon1: float, lat1: float, step_km: float) -> np.ndarray:
    """Points (lon, lat) of the global lattice of spacing ``step_km`` inside a box (lon0 may
    be > lon1 across the antimeridian; longitudes normalised). The lattice is fixed, so boxes
    of the same step share their points."""
    dlat = np.degrees(step_km / EARTH_KM)
    rows = np.arange(np.ceil(max(lat0, -89.0) / dlat), np.floor(min(lat1, 89.0) / dlat) + 1)
    span = (lon1 - lon0) % 360.0 or 360.0
    out = []
    for i in rows:
        lat = i * dlat
        n = max(int(round(360.0 / (dlat / max(np.cos(np.radians(lat)), 1e-6)))), 1)
        dlon = 360.0 / n
        j = np.arange(np.ceil((lon0 + 180.0) / dlon), np.floor((lon0 + span + 180.0) / dlon) + 1)
        lons = (j * dlon) % 360.0 - 180.0
        out.append(np.column_stack([lons, np.full(lons.size, lat)]))
    return np.round(np.vstack(out), 6) if out else np.empty((0, 2))


def around(lon: float, lat: float, radius_km: float, step_km: float) -> np.ndarray:
    """Lattice points within ``radius_km`` (geodesic) of a point."""
    dlat = np.degrees(radius_km / EARTH_KM)
    dlon = min(dlat / max(np.cos(np.radians(min(abs(lat) + dlat, 89.0))), 1e-6), 179.0)
    pts = lattice(lon - dlon, lat - dlat, lon + dlon, lat + dlat, step_km)
    _, _, d = GEOD.inv(np.full(len(pts), lon), np.full(len(pts), lat), pts[:, 0], pts[:, 1])
    return pts[np.asarray(d) <= radius_km * 1000.0]


def unit(xy: np.ndarray) -> np.ndarray:
    lo, la = np.radians(xy[:, 0]), np.radians(xy[:, 1])
    return np.column_stack([np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)])


class Tiles:
    """A polygonal layer cut into ``size``-degree tiles under an STRtree, so that testing
    hundreds of thousands of short lines against the world's land is fast."""

    def __init__(self, geoms, size: float = 2.0, grow: float = 0.0):
        parts = shapely.get_parts(np.atleast_1d(np.asarray(geoms, dtype=object)))
        b = shapely.bounds(parts)
        pieces = []
        for part, (x0, y0, x1, y1) in zip(parts, b, strict=True):
            xs = np.arange(np.floor(x0 / size) * size, x1, size)
            ys = np.arange(np.floor(y0 / size) * size, y1, size)
            if len(xs) * len(ys) <= 1:
                pieces.append(part)
                continue
            for x in xs:
                for y in ys:
                    pieces.append(shapely.clip_by_rect(part, x, y, x + size, y + size))
        pieces = np.array(pieces, dtype=object)
        pieces = pieces[~shapely.is_empty(pieces)]
        if grow:
            pieces = shapely.buffer(pieces, grow, quad_segs=2)
        shapely.prepare(pieces)
        self.tree = shapely.STRtree(pieces)


def lines_cross(a: np.ndarray, b: np.ndarray, geom) -> np.ndarray:
    """Whether each straight lon/lat segment a->b (b unwrapped next to a) meets ``geom`` (a
    geometry or :class:`Tiles`)."""
    x0, y0, x1, y1 = a[:, 0], a[:, 1], b[:, 0].copy(), b[:, 1]
    x1 = np.where(x1 - x0 > 180, x1 - 360, np.where(x1 - x0 < -180, x1 + 360, x1))
    coords = np.empty((2 * len(x0), 2))
    coords[0::2, 0], coords[0::2, 1], coords[1::2, 0], coords[1::2, 1] = x0, y0, x1, y1
    lines = shapely.linestrings(coords, indices=np.repeat(np.arange(len(x0)), 2))

    def meets(ln):
        if isinstance(geom, Tiles):
            out = np.zeros(len(ln), bool)
            out[np.unique(geom.tree.query(ln, predicate="intersects")[0])] = True
            return out
        return shapely.intersects(ln, geom)

    hit = meets(lines)
    for dx, side in ((360.0, np.minimum(x0, x1) < -180), (-360.0, np.maximum(x0, x1) > 180)):
        if side.any():
            moved = shapely.transform(lines[side], lambda c, dx=dx: c + [dx, 0.0])
            hit[side] |= meets(moved)
    return hit


def geodesic(p, q) -> float:
    """WGS84 geodesic km between two (lon, lat) points."""
    return GEOD.inv(p[0], p[1], q[0], q[1])[2] / 1000.0
