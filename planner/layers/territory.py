"""Sovereign territory (land + 12 nm territorial sea) and where a route crosses it.

The layer is ``geodata/territory.parquet`` (built by ``geodata/build_territory.py`` from
Natural Earth 10m admin-0, German point of view; see ``geodata/SOURCES.md``).

Crossings are computed without looping over countries or building a geometry per segment:
the route is cut into straight lon/lat segments (cut again at +/-180); every edge of every
country's boundary (sovereign and land) is bucketed once into a ``GRID_DEG`` lon/lat grid, a
summed-area table of that grid drops the segments whose bounding box holds no boundary edge
(most of them: open sea and country interiors), and the remaining segment-edge pairs sharing
a cell are intersected exactly in numpy (only the cells a segment passes through; each pair
counted once). The points where they cross become breakpoints along the route.
Between two breakpoints the country cannot change, so one point classifies each interval:
a point in a grid cell that no boundary edge touches takes the cell's cached class (found once
per cell), others are tested against the prepared polygons through an STRtree. Distances
along the route are geodesic: a breakpoint's position inside a segment is mapped linearly onto
that segment's WGS84 length (``Route.cumulative_km()``). The index (grid, tiles, trees) is
built offline and shipped as ``geodata/territory_index.npz`` (see
:mod:`planner.layers.territory_index`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from planner.core.caches import frozen, once
from planner.core.paths import geodata_path
from planner.core.units import to_timestamp, wrap_lon
from planner.layers.geodesy import GEOD, Polyline
from planner.layers.territory_index import (
    CLASS_OFFSET,
    GRID_DEG,
    LAYER_FILE,
    NX,
    Index,
    cell_slots,
    from_arrays,
    index_arrays,
    near_edges,
    read_index,
    read_land,
)
from planner.layers.territory_index import cells as _cells

CELL_PAD = 1e-9  # degrees: a segment grazing a cell's corner still visits that cell
EPS_KM = 1e-6  # intervals shorter than this (1 mm) are numeric noise

@once("layers.territory.load_territory")
def load_territory() -> gpd.GeoDataFrame:
    """The sovereign territory layer (EPSG:4326), one row per Natural Earth admin-0 unit.

    Columns: ``iso3``, ``name``, ``sov_iso3`` (ISO3 of the sovereign state, e.g. ``DNK`` for
    Greenland), ``land`` (the land polygon) and ``geometry`` (land + 12 nm territorial sea).
    Loaded once per process (thread-safe) and shared: do not modify it in place.
    """
    return _read_layer()


def _read_layer() -> gpd.GeoDataFrame:
    """Read the GeoParquet file directly with pyarrow + shapely (geopandas' reader parses
    the PROJJSON CRS, which alone costs ~0.4 s; the layer is EPSG:4326 by construction)."""
    import pyarrow.parquet as pq
    from pyproj import CRS

    table = pq.read_table(geodata_path(LAYER_FILE))
    crs = CRS.from_epsg(4326)
    cols = {c: table.column(c).to_numpy(zero_copy_only=False)
            for c in table.column_names if c not in ("land", "geometry")}
    land = shapely.from_wkb(table.column("land").to_numpy(zero_copy_only=False))
    geom = shapely.from_wkb(table.column("geometry").to_numpy(zero_copy_only=False))
    cols["land"] = gpd.GeoSeries(land, crs=crs)
    return gpd.GeoDataFrame(cols, geometry=gpd.GeoSeries(geom, crs=crs), crs=crs)


@once("layers.territory.land_polygons")
def land_polygons() -> np.ndarray:
    """The land polygon of each row of :func:`load_territory` (equal geometries, not the same
    objects), read from the shipped index when it is current (no parquet read), else from
    the layer. Shared and read-only: copy before preparing."""
    land = read_land()
    if land is None:
        land = np.asarray(load_territory()["land"].values, dtype=object)
    return frozen(land)


@once("layers.territory.index")
def _index() -> Index:
    """The crossing index (boundary-edge grid, prepared polygons, STRtrees), once per process:
    read from the shipped ``geodata/territory_index.npz`` when it was built from this very
    layer, else built from the layer."""
    return read_index() or from_arrays(index_arrays(load_territory()))


def _classify_exact(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Row index of the sovereign area and of the land containing each (normalised) point
    (-1: none), and whether several sovereign areas contain it.

    Where sovereign areas overlap, the one whose land is nearest wins.
    """
    idx = _index()
    pts = shapely.points(x, y)
    out = []
    multi_pt = np.zeros(len(x), bool)
    for parts, part_row, tree, tie_break in (
            (idx.sov_parts, idx.sov_part_row, idx.sov_tree, True),
            (idx.land_parts, idx.land_part_row, idx.land_tree, False)):
        res = np.full(len(x), -1, dtype=np.int64)
        pi, gi = tree.query(pts)
        hit = shapely.intersects_xy(parts[gi], x[pi], y[pi])
        pi, gi = pi[hit], part_row[gi[hit]]
        if len(pi):  # a point in several pieces of one row counts once
            key = np.unique(pi * len(idx.iso3) + gi)
            pi, gi = key // len(idx.iso3), key % len(idx.iso3)
        res[pi] = gi
        if tie_break and len(pi):
            counts = np.bincount(pi, minlength=len(x))
            multi = np.flatnonzero(counts > 1)
            multi_pt[multi] = True
            for p in multi:
                cand = gi[pi == p]
                d = shapely.distance(idx.land[cand], pts[p])
                res[p] = cand[int(np.argmin(d))]
        out.append(res)
    return out[0], out[1], multi_pt


def _classify(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index of the sovereign area and of the land containing each point (-1: none).

    Where sovereign areas overlap, the one whose land is nearest wins. A point in a grid cell
    that no boundary edge touches has the class of the whole cell (cached per cell; cells
    where sovereign areas overlap are always tested exactly).
    """
    idx = _index()
    x = wrap_lon(lons)
    y = np.asarray(lats, float)
    ix, iy, _, _ = _cells(x, y, x, y)
    cell = iy * NX + ix
    free = cell_slots(idx, cell)[1] == 0
    cls = idx.cell_class  # row + CLASS_OFFSET; 0: not known yet
    unknown = np.unique(cell[free & (cls[cell, 0] == 0)])
    if len(unknown):
        cx = (unknown % NX + 0.5) * GRID_DEG - 180.0
        cy = (unknown // NX + 0.5) * GRID_DEG - 90.0
        s_, l_, m_ = _classify_exact(cx, cy)
        cls[unknown, 0] = np.where(m_, -3, s_) + CLASS_OFFSET  # -3: overlap, never cached
        cls[unknown, 1] = l_ + CLASS_OFFSET
    sov = np.full(len(x), -1, np.int64)
    land = np.full(len(x), -1, np.int64)
    cached = free & (cls[cell, 0] != -3 + CLASS_OFFSET)
    sov[cached] = cls[cell[cached], 0] - CLASS_OFFSET
    land[cached] = cls[cell[cached], 1] - CLASS_OFFSET
    rest = np.flatnonzero(~cached)
    if len(rest):
        sov[rest], land[rest], _ = _classify_exact(x[rest], y[rest])
    return sov, land


def country_at(lat: float, lon: float) -> str | None:
    """ISO3 of the sovereign area (land + 12 nm) containing a point; None at sea.

    If several areas contain it (where neighbours' seas were not fully split), the country
    whose land is nearest is returned.
    """
    sov, _ = _classify(np.array([lon], float), np.array([lat], float))
    return None if sov[0] < 0 else str(_index().iso3[sov[0]])


def _segments(lons: np.ndarray, lats: np.ndarray, cum_km: np.ndarray, leg: np.ndarray):
    """Straight lon/lat segments of all legs in [-180, 180], cut at the antimeridian.

    Returns arrays x0, y0, x1, y1, km0, km1, leg for every (sub)segment.
    """
    same = leg[1:] == leg[:-1]
    x0, y0, x1, y1 = lons[:-1][same], lats[:-1][same], lons[1:][same], lats[1:][same]
    k0, k1 = cum_km[:-1][same], cum_km[1:][same]
    sl = leg[:-1][same]
    jump = x1 - x0  # tolerate wrapped input: a step never spans more than 180 degrees
    x1 = x0 + np.where(jump > 180.0, jump - 360.0, np.where(jump < -180.0, jump + 360.0, jump))
    shift = np.floor((x0 + 180.0) / 360.0) * 360.0
    x0, x1 = x0 - shift, x1 - shift
    cross = (x1 > 180.0) | (x1 < -180.0)
    if not cross.any():
        return x0, y0, x1, y1, k0, k1, sl
    edge = np.where(x1 > 180.0, 180.0, -180.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(cross, (edge - x0) / (x1 - x0), 1.0)
    yc = y0 + t * (y1 - y0)
    kc = k0 + t * (k1 - k0)
    c = cross
    # first piece: up to the antimeridian; second piece: from the other side
    ax0, ay0 = x0, y0
    ax1, ay1 = np.where(c, edge, x1), np.where(c, yc, y1)
    ak0, ak1 = k0, np.where(c, kc, k1)
    bx0, by0 = -edge[c], yc[c]
    bx1 = x1[c] - 2.0 * edge[c]
    by1 = y1[c]
    bk0, bk1 = kc[c], k1[c]
    return (np.r_[ax0, bx0], np.r_[ay0, by0], np.r_[ax1, bx1], np.r_[ay1, by1],
            np.r_[ak0, bk0], np.r_[ak1, bk1], np.r_[sl, sl[c]])


def _segment_cells(x0, y0, x1, y1, ix0, iy0, ix1, iy1) -> tuple[np.ndarray, np.ndarray]:
    """(segment, cell id) of the grid cells each straight segment passes through (cells
    grazed within ``CELL_PAD`` included), column by column: within a column the segment spans
    a y-range, and the cells of that range are the ones it visits."""
    ncol = ix1 - ix0 + 1
    seg = np.repeat(np.arange(len(x0)), ncol)
    col = ix0[seg] + (np.arange(int(ncol.sum())) - np.repeat(np.cumsum(ncol) - ncol, ncol))
    sx0, sy0, sx1, sy1 = x0[seg], y0[seg], x1[seg], y1[seg]
    left = col * GRID_DEG - 180.0
    xa = np.maximum(np.minimum(sx0, sx1), left)
    xb = np.minimum(np.maximum(sx0, sx1), left + GRID_DEG)
    dx = sx1 - sx0
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = np.where(dx != 0, (sy1 - sy0) / dx, 0.0)
    ya = np.where(dx != 0, sy0 + (xa - sx0) * slope, np.minimum(sy0, sy1))
    yb = np.where(dx != 0, sy0 + (xb - sx0) * slope, np.maximum(sy0, sy1))
    lo = np.maximum(np.minimum(ya, yb) - CELL_PAD, np.minimum(sy0, sy1))
    hi = np.minimum(np.maximum(ya, yb) + CELL_PAD, np.maximum(sy0, sy1))
    r0 = np.clip(np.floor((lo + 90.0) / GRID_DEG), iy0[seg], iy1[seg]).astype(np.int64)
    r1 = np.clip(np.floor((hi + 90.0) / GRID_DEG), iy0[seg], iy1[seg]).astype(np.int64)
    r1 = np.maximum(r1, r0)
    nrow = r1 - r0 + 1
    k = np.repeat(np.arange(len(seg)), nrow)
    row = r0[k] + (np.arange(int(nrow.sum())) - np.repeat(np.cumsum(nrow) - nrow, nrow))
    return seg[k], row * NX + col[k]


def _breakpoints(lons, lats, cum_km, leg):
    """(leg, km) of every point where some leg crosses a sovereign or land boundary."""
    x0, y0, x1, y1, k0, k1, sl = _segments(lons, lats, cum_km, leg)
    moving = (x0 != x1) | (y0 != y1)
    x0, y0, x1, y1, k0, k1, sl = (a[moving] for a in (x0, y0, x1, y1, k0, k1, sl))
    if len(x0) == 0:
        return np.empty(0, np.int64), np.empty(0)
    idx = _index()
    ix0, iy0, ix1, iy1 = _cells(np.minimum(x0, x1), np.minimum(y0, y1),
                                np.maximum(x0, x1), np.maximum(y0, y1))
    near = np.flatnonzero(near_edges(ix0, iy0, ix1, iy1, idx.block_sat))
    owner, cell = _segment_cells(x0[near], y0[near], x1[near], y1[near],
                                 ix0[near], iy0[near], ix1[near], iy1[near])
    start, n_e = cell_slots(idx, cell)
    has = n_e > 0
    owner, start, n_e = owner[has], start[has], n_e[has]
    si = near[np.repeat(owner, n_e)]
    k = np.arange(int(n_e.sum())) - np.repeat(np.cumsum(n_e) - n_e, n_e)
    pos = np.repeat(start, n_e) + k  # into the cell-ordered edge arrays
    if len(si) == 0:
        return np.empty(0, np.int64), np.empty(0)
    # segment p + t r against edge q + u s (2-D cross products); parallel pairs are skipped:
    # a route running along a border does not cross it there
    px, py = x0[si], y0[si]
    rx, ry = x1[si] - px, y1[si] - py
    qx, qy, sx, sy = (a[pos] for a in idx.cell_xy)
    den = rx * sy - ry * sx
    wx, wy = qx - px, qy - py
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (wx * sy - wy * sx) / den
        u = (wx * ry - wy * rx) / den
    hit = (den != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    si, t, ei = si[hit], t[hit], idx.cell_edges[pos[hit]]
    # a pair found in several cells counts once
    _, first = np.unique(si * len(idx.edges) + ei, return_index=True)
    s, t = si[first], t[first]
    return sl[s], k0[s] + t * (k1[s] - k0[s])


def _position(km: np.ndarray, leg_of: np.ndarray, lons, lats, cum_km, leg):
    """Unwrapped lon/lat at distance ``km`` along leg ``leg_of`` (linear within a segment)."""
    first = np.searchsorted(leg, leg_of, side="left")
    last = np.searchsorted(leg, leg_of, side="right") - 1
    # global key: leg offset + km; cum_km restarts at 0 for each leg
    key = leg.astype(float) * 1e9 + cum_km
    q = leg_of.astype(float) * 1e9 + km
    j = np.clip(np.searchsorted(key, q, side="right") - 1, first, np.maximum(last - 1, first))
    j1 = np.minimum(j + 1, last)
    span = cum_km[j1] - cum_km[j]
    with np.errstate(invalid="ignore", divide="ignore"):
        t = np.where(span > 0, (km - cum_km[j]) / span, 0.0)
    t = np.clip(t, 0.0, 1.0)
    return lons[j] + t * (lons[j1] - lons[j]), lats[j] + t * (lats[j1] - lats[j])


def crossings_table(routes: Sequence[Polyline]) -> pd.DataFrame:
    """Sovereign areas crossed by many routes at once (vectorised over all of them).

    One row per stay inside a country, ordered by leg then distance: ``leg`` (position in
    ``routes``), ``iso3``, ``entry_km``, ``exit_km``, ``distance_km``, ``in_land``.
    """
    if not routes:
        return _crossings_arrays(np.empty(0), np.empty(0), np.empty(0),
                                 np.empty(0, np.int64), 0)
    lons = np.concatenate([np.asarray(r.lons, float) for r in routes])
    lats = np.concatenate([np.asarray(r.lats, float) for r in routes])
    leg = np.repeat(np.arange(len(routes)), [len(r.lons) for r in routes])
    return crossings_many(lons, lats, leg)


def crossings_many(lons: np.ndarray, lats: np.ndarray, leg: np.ndarray,
                   cum_km: np.ndarray | None = None) -> pd.DataFrame:
    """:func:`crossings_table` for legs given as concatenated vertex arrays (``leg`` holds
    each vertex's leg number 0..n-1, non-decreasing; longitudes unwrapped per leg).
    ``cum_km`` (geodesic km from each leg's start) is computed when not given."""
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    leg = np.asarray(leg, np.int64)
    n_legs = int(leg[-1]) + 1 if len(leg) else 0
    if cum_km is None:
        cum_km = cumulative_km_many(lons, lats, leg)
    return _crossings_arrays(lons, lats, np.asarray(cum_km, float), leg, n_legs)


def cumulative_km_many(lons: np.ndarray, lats: np.ndarray, leg: np.ndarray) -> np.ndarray:
    """Geodesic distance in km from each leg's first point to each point (one vectorised
    WGS84 call for all legs; ``leg`` is non-decreasing)."""
    if len(lons) < 2:
        return np.zeros(len(lons))
    _, _, d = GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    d = np.where(leg[1:] == leg[:-1], np.asarray(d) / 1000.0, 0.0)
    total = np.r_[0.0, np.cumsum(d)]
    start = np.searchsorted(leg, leg, side="left")
    return total - total[start]


def _crossings_arrays(lons, lats, cum_km, leg, n_legs: int) -> pd.DataFrame:
    if n_legs == 0:
        return pd.DataFrame({"leg": np.array([], np.int64), "iso3": np.array([], dtype=str),
                             "entry_km": [], "exit_km": [], "distance_km": [],
                             "in_land": np.array([], bool)})
    bl, bk = _breakpoints(lons, lats, cum_km, leg)
    last = np.searchsorted(leg, np.arange(n_legs), side="right") - 1
    total = cum_km[last]
    # breakpoints per leg, with both ends
    all_leg = np.r_[bl, np.arange(n_legs), np.arange(n_legs)]
    all_km = np.r_[bk, np.zeros(n_legs), total]
    order = np.lexsort((all_km, all_leg))
    all_leg, all_km = all_leg[order], all_km[order]
    same = all_leg[1:] == all_leg[:-1]
    a_km, b_km, i_leg = all_km[:-1][same], all_km[1:][same], all_leg[:-1][same]
    zero_len = total[i_leg] <= 0
    keep = ((b_km - a_km) > EPS_KM) | zero_len
    a_km, b_km, i_leg = a_km[keep], b_km[keep], i_leg[keep]
    # zero-length legs: one interval at the origin
    mid = (a_km + b_km) / 2
    mx, my = _position(mid, i_leg, lons, lats, cum_km, leg)
    sov, land = _classify(mx, my)
    inside = sov >= 0
    # runs of the same sovereign area within a leg
    new_run = np.r_[True, (i_leg[1:] != i_leg[:-1]) | (sov[1:] != sov[:-1])]
    run_id = np.cumsum(new_run) - 1
    n_runs = run_id[-1] + 1 if len(run_id) else 0
    run_leg = i_leg[new_run]
    run_sov = sov[new_run]
    run_entry = a_km[new_run]
    run_exit = np.zeros(n_runs)
    np.maximum.at(run_exit, run_id, b_km)
    run_land = np.zeros(n_runs, bool)
    np.logical_or.at(run_land, run_id, (land == sov) & inside)
    ok = run_sov >= 0
    iso = _index().iso3
    return pd.DataFrame({
        "leg": run_leg[ok],
        "iso3": iso[run_sov[ok]].astype(str) if ok.any() else np.array([], dtype=str),
        "entry_km": run_entry[ok],
        "exit_km": run_exit[ok],
        "distance_km": run_exit[ok] - run_entry[ok],
        "in_land": run_land[ok],
    })


def crossings(route: Polyline, depart: datetime | str | pd.Timestamp | None = None,
              speed_kmh: float | None = None) -> pd.DataFrame:
    """Sovereign areas (land + 12 nm) a route passes through, in order along the route.

    Columns: ``iso3``; ``entry_km``, ``exit_km``, ``distance_km`` (geodesic, from the
    origin); ``entry``, ``exit`` (UTC Timestamps at constant ``speed_kmh`` from ``depart``,
    NaT unless both are given); ``in_land`` (the stay passes over that country's land, not
    only its territorial sea); ``lons``, ``lats`` (the points of the route inside, entry and
    exit included, longitudes unwrapped like ``route.lons``, for drawing).

    A country entered twice gives two rows.
    """
    lons = np.asarray(route.lons, float)
    lats = np.asarray(route.lats, float)
    leg = np.zeros(len(lons), dtype=np.int64)
    cum = cumulative_km_many(lons, lats, leg)
    df = _crossings_arrays(lons, lats, cum, leg, 1).drop(columns="leg")
    t0 = to_timestamp(depart)
    if t0 is not None and speed_kmh is not None:
        if speed_kmh <= 0:
            raise ValueError("speed_kmh must be > 0")
        df["entry"] = t0 + pd.to_timedelta(df["entry_km"] / speed_kmh, unit="h")
        df["exit"] = t0 + pd.to_timedelta(df["exit_km"] / speed_kmh, unit="h")
    else:
        df["entry"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
        df["exit"] = pd.Series(pd.NaT, index=df.index, dtype="datetime64[ns, UTC]")
    seg_lons, seg_lats = [], []
    for a, b in zip(df["entry_km"], df["exit_km"], strict=True):
        inner = (cum > a) & (cum < b)
        ends = np.array([a, b])
        ex, ey = _position(ends, np.zeros(2, np.int64), lons, lats, cum, leg)
        seg_lons.append([float(ex[0]), *lons[inner].tolist(), float(ex[1])])
        seg_lats.append([float(ey[0]), *lats[inner].tolist(), float(ey[1])])
    df["lons"] = seg_lons
    df["lats"] = seg_lats
    cols = ["iso3", "entry_km", "exit_km", "distance_km", "entry", "exit", "in_land",
            "lons", "lats"]
    return df[cols].reset_index(drop=True)
