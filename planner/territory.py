"""Sovereign territory (land + 12 nm territorial sea) and where a route crosses it.

The layer is ``geodata/territory.parquet`` (built by ``geodata/build_territory.py`` from
Natural Earth 10m admin-0, German point of view; see ``geodata/SOURCES.md``).

Crossings are computed without looping over countries: the route is cut into straight lon/lat
segments (cut again at +/-180), the segments are matched against short chunks of every
country's boundary (sovereign and land) through an STRtree, and the points where they cross
become breakpoints along the route. Between two breakpoints the country cannot change, so one
point-in-polygon test (prepared geometries, again through an STRtree) per interval classifies
it. Distances along the route are geodesic: a breakpoint's position inside a segment is mapped
linearly onto that segment's WGS84 length (``Route.cumulative_km()``).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from .geo import GEOD
from .paths import geodata_path
from .route import Route

LAYER_FILE = "territory.parquet"
EDGE_NODE_CAPACITY = 10  # STRtree fan-out over boundary edges (speed only)
EPS_KM = 1e-6  # intervals shorter than this (1 mm) are numeric noise

_LOCK = threading.Lock()
_CACHE: dict[str, object] = {}


def load_territory() -> gpd.GeoDataFrame:
    """The sovereign territory layer (EPSG:4326), one row per Natural Earth admin-0 unit.

    Columns: ``iso3``, ``name``, ``sov_iso3`` (ISO3 of the sovereign state, e.g. ``DNK`` for
    Greenland), ``land`` (the land polygon) and ``geometry`` (land + 12 nm territorial sea).
    Loaded once per process (thread-safe) and shared: do not modify it in place.
    """
    gdf = _CACHE.get("gdf")
    if gdf is None:
        with _LOCK:
            gdf = _CACHE.get("gdf")
            if gdf is None:
                gdf = _read_layer()
                _CACHE["gdf"] = gdf
    return gdf  # type: ignore[return-value]


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


@dataclass(frozen=True)
class _Index:
    iso3: np.ndarray  # str per row
    sov: np.ndarray  # prepared sovereign polygons
    land: np.ndarray  # prepared land polygons
    sov_tree: shapely.STRtree
    land_tree: shapely.STRtree
    edges: np.ndarray  # (n, 4) x0, y0, x1, y1 of every sovereign and land boundary edge
    edge_tree: shapely.STRtree  # over those edges


def _boundary_edges(geoms: np.ndarray) -> np.ndarray:
    """Every edge of the polygons' rings as rows ``x0, y0, x1, y1``."""
    rings = shapely.get_parts(shapely.get_parts(shapely.boundary(geoms)))
    coords, ring_idx = shapely.get_coordinates(rings, return_index=True)
    same = ring_idx[1:] == ring_idx[:-1]
    e = np.column_stack([coords[:-1][same], coords[1:][same]])
    return e[(e[:, 0] != e[:, 2]) | (e[:, 1] != e[:, 3])]


def _index() -> _Index:
    idx = _CACHE.get("index")
    if idx is None:
        gdf = load_territory()
        with _LOCK:
            idx = _CACHE.get("index")
            if idx is None:
                sov = np.asarray(gdf.geometry.values, dtype=object).copy()
                land = np.asarray(gdf["land"].values, dtype=object).copy()
                sov = np.array([shapely.from_wkb(shapely.to_wkb(g)) for g in sov])
                land = np.array([shapely.from_wkb(shapely.to_wkb(g)) for g in land])
                shapely.prepare(sov)
                shapely.prepare(land)
                edges = np.vstack([_boundary_edges(sov), _boundary_edges(land)])
                lines = shapely.linestrings(edges.reshape(-1, 2),
                                            indices=np.repeat(np.arange(len(edges)), 2))
                idx = _Index(np.asarray(gdf["iso3"].values, dtype=object), sov, land,
                             shapely.STRtree(sov), shapely.STRtree(land), edges,
                             shapely.STRtree(lines, node_capacity=EDGE_NODE_CAPACITY))
                _CACHE["index"] = idx
    return idx  # type: ignore[return-value]


def _normalise_lon(lon: np.ndarray) -> np.ndarray:
    return (np.asarray(lon, float) + 180.0) % 360.0 - 180.0


def _classify(lons: np.ndarray, lats: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row index of the sovereign area and of the land containing each point (-1: none).

    Where sovereign areas overlap, the one whose land is nearest wins.
    """
    idx = _index()
    x = _normalise_lon(lons)
    y = np.asarray(lats, float)
    pts = shapely.points(x, y)
    out = []
    for geoms, tree, tie_break in ((idx.sov, idx.sov_tree, True),
                                   (idx.land, idx.land_tree, False)):
        res = np.full(len(x), -1, dtype=np.int64)
        pi, gi = tree.query(pts)
        hit = shapely.intersects_xy(geoms[gi], x[pi], y[pi])
        pi, gi = pi[hit], gi[hit]
        res[pi] = gi
        if tie_break and len(pi):
            counts = np.bincount(pi, minlength=len(x))
            multi = np.flatnonzero(counts > 1)
            for p in multi:
                cand = gi[pi == p]
                d = shapely.distance(idx.land[cand], pts[p])
                res[p] = cand[int(np.argmin(d))]
        out.append(res)
    return out[0], out[1]


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


def _breakpoints(lons, lats, cum_km, leg):
    """(leg, km) of every point where some leg crosses a sovereign or land boundary."""
    x0, y0, x1, y1, k0, k1, sl = _segments(lons, lats, cum_km, leg)
    moving = (x0 != x1) | (y0 != y1)
    x0, y0, x1, y1, k0, k1, sl = (a[moving] for a in (x0, y0, x1, y1, k0, k1, sl))
    if len(x0) == 0:
        return np.empty(0, np.int64), np.empty(0)
    coords = np.empty((2 * len(x0), 2))
    coords[0::2, 0], coords[0::2, 1] = x0, y0
    coords[1::2, 0], coords[1::2, 1] = x1, y1
    segs = shapely.linestrings(coords, indices=np.repeat(np.arange(len(x0)), 2))
    idx = _index()
    si, ei = idx.edge_tree.query(segs)  # bounding boxes only; exact test below
    if len(si) == 0:
        return np.empty(0, np.int64), np.empty(0)
    # segment p + t r against edge q + u s (2-D cross products); parallel pairs are skipped:
    # a route running along a border does not cross it there
    px, py, rx, ry = x0[si], y0[si], x1[si] - x0[si], y1[si] - y0[si]
    e = idx.edges[ei]
    qx, qy, sx, sy = e[:, 0], e[:, 1], e[:, 2] - e[:, 0], e[:, 3] - e[:, 1]
    den = rx * sy - ry * sx
    wx, wy = qx - px, qy - py
    with np.errstate(invalid="ignore", divide="ignore"):
        t = (wx * sy - wy * sx) / den
        u = (wx * ry - wy * rx) / den
    hit = (den != 0) & (t >= 0) & (t <= 1) & (u >= 0) & (u <= 1)
    s, t = si[hit], t[hit]
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


def crossings_table(routes: Sequence[Route]) -> pd.DataFrame:
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


def _utc(t: datetime | str | pd.Timestamp | None) -> pd.Timestamp | None:
    if t is None:
        return None
    ts = pd.Timestamp(t)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def crossings(route: Route, depart: datetime | str | pd.Timestamp | None = None,
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
    cum = route.cumulative_km()
    leg = np.zeros(len(lons), dtype=np.int64)
    df = _crossings_arrays(lons, lats, cum, leg, 1).drop(columns="leg")
    t0 = _utc(depart)
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
