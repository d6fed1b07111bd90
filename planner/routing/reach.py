"""What is reachable from a place within a range: facilities (with refuelling stops) and the
reachable area (sea: network isochrone; air: geodesic range ring)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Polygon, box

from planner.core.units import KM_PER_NM
from planner.layers.catalogue import Place, facilities, resolve_place
from planner.layers.geodesy import GEOD
from planner.routing.air import air_route
from planner.routing.refuel import fewest_stops
from planner.routing.route import Route
from planner.routing.sea import _graph, _snap, avoid_mask, network, sea_route

AREA_BUFFER_DEG = 0.25  # sea isochrone drawn as network edges buffered by ~25 km
RING_AZIMUTHS = 360  # one vertex per degree of azimuth


def _route_fn(mode: str):
    if mode == "sea":
        return lambda a, b: sea_route(a, b)
    if mode == "air":
        return lambda a, b: air_route(a, b)
    raise ValueError(f"mode must be 'sea' or 'air', not {mode!r}")


def _default_candidates(mode: str) -> list[Place]:
    kind = "port" if mode == "sea" else "airbase"
    return [resolve_place(i) for i in facilities(kind=kind).index]


def reach(origin, range_km: float, *, mode: str = "sea", stops: int = 0,
          candidates=None) -> gpd.GeoDataFrame:
    """Facilities reachable from ``origin`` with at most ``stops`` refuelling stops, each hop at
    most ``range_km``. Columns: ``id``, ``name``, ``kind``, ``country``, ``distance_km`` (total
    routed distance), ``distance_nm``, ``stops`` (list of stop ids), geometry (point)."""
    o = resolve_place(origin)
    route_fn = _route_fn(mode)
    cands = _default_candidates(mode) if candidates is None else [resolve_place(c)
                                                                   for c in candidates]
    rows = []
    for c in cands:
        if c.id == o.id:
            continue
        res = fewest_stops(o, c, range_km, cands, route_fn, max_stops=stops)
        if res is None:
            continue
        via, km = res
        rows.append({"id": c.id, "name": c.name, "kind": c.kind, "country": c.country,
                     "lat": c.lat, "lon": c.lon, "distance_km": km, "distance_nm": km / KM_PER_NM,
                     "stops": via})
    cols = ["id", "name", "kind", "country", "lat", "lon", "distance_km", "distance_nm", "stops"]
    df = gpd.GeoDataFrame(rows, columns=cols,
                          geometry=gpd.points_from_xy([r["lon"] for r in rows],
                                                      [r["lat"] for r in rows]),
                          crs="EPSG:4326")
    return df.sort_values("distance_km").reset_index(drop=True)


def air_ring(lat: float, lon: float, range_km: float):
    """The true geodesic range ring around a point as a lon/lat (Multi)Polygon, split at the
    antimeridian and closed over a pole it encloses."""
    az = np.linspace(0.0, 360.0, RING_AZIMUTHS, endpoint=False)
    lons, lats, _ = GEOD.fwd(np.full(az.size, lon), np.full(az.size, lat), az,
                             np.full(az.size, range_km * 1000.0))
    lons = np.degrees(np.unwrap(np.radians(lons)))
    span = lons[-1] - lons[0] + (lons[0] - lons[-1] + 180) % 360 - 180
    pole = abs(span) > 180.0  # the ring winds round a pole
    if pole:
        cap = 90.0 if GEOD.inv(lon, lat, 0, 90)[2] < GEOD.inv(lon, lat, 0, -90)[2] else -90.0
        order = np.argsort(lons)
        lons, lats = lons[order], lats[order]
        lons = np.concatenate([lons - 360, lons, lons + 360])
        lats = np.concatenate([lats, lats, lats])
        ring = [(lons[0], cap), *zip(lons, lats, strict=True), (lons[-1], cap)]
        poly = Polygon(ring)
    else:
        poly = Polygon(zip(lons, lats, strict=True))
    if not poly.is_valid:
        poly = shapely.make_valid(poly)
    parts = []
    for k in (-360.0, 0.0, 360.0):
        piece = shapely.affinity.translate(poly, -k).intersection(box(-180, -90, 180, 90))
        if not piece.is_empty:
            parts.append(piece)
    return shapely.union_all(parts)


def sea_area(lat: float, lon: float, range_km: float):
    """The part of the sea network within ``range_km`` of a point (network distance), as
    buffered lon/lat lines."""
    net = network()
    mask = avoid_mask(())
    from scipy.sparse.csgraph import dijkstra

    snaps = _snap(lat, lon)
    dist = np.full(len(net.lon), np.inf)
    for n, k in snaps:
        d = dijkstra(_graph(mask), directed=True, indices=n, limit=range_km)
        dist = np.minimum(dist, d + k)
    du, dv = dist[net.u], dist[net.v]
    ok = ((net.mask & mask) == 0) & ((du <= range_km) | (dv <= range_km))
    lines = []
    for a, b, da, db in zip(net.u[ok], net.v[ok], du[ok], dv[ok], strict=True):
        x0, y0, x1, y1 = net.lon[a], net.lat[a], net.lon[b], net.lat[b]
        if x1 - x0 > 180:
            x1 -= 360
        elif x1 - x0 < -180:
            x1 += 360
        if da > range_km or db > range_km:  # partial edge: keep the reachable fraction
            near, far = ((x0, y0), (x1, y1)) if da <= db else ((x1, y1), (x0, y0))
            length = net.km[net.edge_of[(int(a), int(b))]]
            t = min(max((range_km - min(da, db)) / max(length, 1e-9), 0.0), 1.0)
            x1, y1 = near[0] + t * (far[0] - near[0]), near[1] + t * (far[1] - near[1])
            x0, y0 = near
        lines.append(LineString([(x0, y0), (x1, y1)]))
    lines.append(LineString([(lon, lat), (lon, lat + 1e-6)]))
    # buffer edge by edge, then a cascaded union: buffering one huge MultiLineString makes
    # GEOS build every overlap at once (tens of GB on the densified network)
    pieces = shapely.buffer(np.array(lines, dtype=object), AREA_BUFFER_DEG, quad_segs=2)
    geom = shapely.union_all(shapely.simplify(pieces, AREA_BUFFER_DEG / 10))
    parts = []
    for k in (-360.0, 0.0, 360.0):
        piece = shapely.affinity.translate(geom, -k).intersection(box(-180, -90, 180, 90))
        if not piece.is_empty:
            parts.append(piece)
    return shapely.union_all(parts)


def reach_area(origin, range_km: float, mode: str = "sea"):
    """Shapely lon/lat geometry of what is reachable without refuelling: the sea network
    isochrone (``mode="sea"``) or the geodesic range ring (``mode="air"``)."""
    o = resolve_place(origin)
    if mode == "air":
        return air_ring(o.lat, o.lon, range_km)
    if mode == "sea":
        return sea_area(o.lat, o.lon, range_km)
    raise ValueError(f"mode must be 'sea' or 'air', not {mode!r}")


__all__ = ["reach", "reach_area", "air_ring", "sea_area", "Route"]
