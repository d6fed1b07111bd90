"""What is reachable from a place within a range: facilities (with refuelling stops) and the
reachable area (sea: network isochrone; air: geodesic range ring)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString, Polygon, box

from planner.core.units import KM_PER_NM, KMH_PER_KN, to_datetime, to_timestamp
from planner.layers import nsr
from planner.layers.airspace_closures import closed_countries
from planner.layers.catalogue import Place, facilities, resolve_place
from planner.layers.geodesy import GEOD
from planner.layers.passage_closures import behind, behind_many, closure_for, shut_side
from planner.routing.air import air_route
from planner.routing.refuel import chains
from planner.routing.route import Route
from planner.routing.sea import (
    DEFAULT_SPEED_KN,
    NoSeaRoute,
    _snap,
    avoid_mask,
    network,
    sea_decision,
)

AREA_BUFFER_DEG = 0.25  # sea isochrone drawn as network edges buffered by ~25 km
RING_AZIMUTHS = 360  # one vertex per degree of azimuth


def _hop_fn(mode: str, *, date, speed_kn: float | None, ice_class: str | None,
            escort: bool, avoid: tuple[str, ...], deny: tuple[str, ...], nation: str | None):
    """``hop_fn`` of :func:`~planner.routing.refuel.chains` for reach: sea hops by
    :func:`~planner.routing.sea.sea_route` leaving when the ship gets there at ``speed_kn``
    from ``date`` (so each hop meets the NSR ice rules when it is sailed), air hops by
    :func:`~planner.routing.air.air_route`."""
    if mode == "sea":
        kn = DEFAULT_SPEED_KN if speed_kn is None else float(speed_kn)
        start = to_timestamp(date)

        def sea_hop(a: Place, b: Place, after_km: float) -> Route:
            when = None if start is None else start + pd.Timedelta(
                hours=after_km / (kn * KMH_PER_KN))
            shut, _, _ = closure_for(nation, a, b, None if when is None else to_datetime(when))
            if shut is not None and shut.severity == "error":
                raise NoSeaRoute(f"{a.id} -> {b.id}: {shut.text}")
            decision = sea_decision(a, b, avoid=avoid, ice_class=ice_class, date=when,
                                    speed_kn=kn, nation=nation, escort=escort,
                                    territory=False)
            if not decision.admissible:
                raise NoSeaRoute(decision.route.notes[-1])
            return decision.route
        return sea_hop
    if mode == "air":  # airspace closed to the nation by NOTAM at the date: kept out of
        shut = closed_countries(nation, to_datetime(date) if date is not None else None)
        return lambda a, b, _km: air_route(a, b, deny=tuple(deny) + shut)
    raise ValueError(f"mode must be 'sea' or 'air', not {mode!r}")


def _default_candidates(mode: str) -> list[Place]:
    kind = "port" if mode == "sea" else "airbase"
    return [resolve_place(i) for i in facilities(kind=kind).index]


def reach(origin, range_km: float | None = None, *, range_nm: float | None = None,
          mode: str = "sea", stops: int = 0, candidates=None, ice_class: str | None = None,
          date=None, speed_kn: float | None = None, escort: bool = False,
          avoid: tuple[str, ...] = (), deny: tuple[str, ...] = (),
          nation: str | None = None) -> gpd.GeoDataFrame:
    """Facilities reachable from ``origin`` with at most ``stops`` refuelling stops, each hop at
    most the range.

    Parameters
    ----------
    origin
        Catalogue id, ``"lat,lon"``, ``(lat, lon)`` or a Place.
    range_km, range_nm : float
        Unrefuelled range: exactly one of them (as ``relos reach --range-km/--range-nm``).
    mode : {"sea", "air"}
    stops : int
        Most refuelling stops (each at one of the ``candidates``).
    candidates : iterable, optional
        Places to reach and refuel at (default: the catalogue's ports for sea, air bases for
        air).
    ice_class, date, speed_kn, escort
        Sea: the NSR is used only where the ice rules admit ``ice_class`` (default ``none``
        with a date) at the time the ship would be in each NSR sea, leaving ``date`` and
        sailing at ``speed_kn`` (default 14 kn) without waiting at the stops; as
        :func:`~planner.routing.sea.sea_route`. Without a date the ice rules are not applied.
    avoid, deny, nation
        Passages avoided (sea), countries denied (air), the flag (own waters).

    Returns
    -------
    geopandas.GeoDataFrame
        ``id``, ``name``, ``kind``, ``country``, ``lat``, ``lon``, ``distance_km`` (total
        routed distance), ``distance_nm``, ``stops`` (list of stop ids), geometry (point).
    """
    if (range_km is None) == (range_nm is None):
        raise ValueError("give exactly one of range_km and range_nm")
    limit_km = float(range_km) if range_km is not None else float(range_nm) * KM_PER_NM
    if not limit_km > 0:
        raise ValueError("the range must be > 0")
    if stops < 0:
        raise ValueError("stops must be >= 0")
    o = resolve_place(origin)
    nsr.normalise_ice_class(ice_class)  # an unknown class is refused, not read as "no hop"
    if date is not None and to_timestamp(date) is None:
        raise ValueError(f"bad date {date!r}")
    hop = _hop_fn(mode, date=date, speed_kn=speed_kn, ice_class=ice_class, escort=escort,
                  avoid=tuple(avoid), deny=tuple(deny), nation=nation)
    cands = _default_candidates(mode) if candidates is None else [resolve_place(c)
                                                                   for c in candidates]
    found = chains(o, limit_km, cands, hop, max_stops=stops)
    rows = []
    for c in cands:
        chain = found.get(c.id)
        if c.id == o.id or chain is None:
            continue
        km = chain.distance_km
        rows.append({"id": c.id, "name": c.name, "kind": c.kind, "country": c.country,
                     "lat": c.lat, "lon": c.lon, "distance_km": km, "distance_nm": km / KM_PER_NM,
                     "stops": chain.stop_ids})
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


def _edge_graph(ok: np.ndarray) -> csr_matrix:
    net = network()
    u, v, w = net.u[ok], net.v[ok], net.km[ok]
    n = len(net.lon)
    return csr_matrix((np.concatenate([w, w]), (np.concatenate([u, v]), np.concatenate([v, u]))),
                      shape=(n, n))


def _network_km(snaps, ok: np.ndarray, range_km: float) -> np.ndarray:
    net = network()
    graph = _edge_graph(ok)
    dist = np.full(len(net.lon), np.inf)
    for n, k in snaps:
        d = dijkstra(graph, directed=True, indices=n, limit=range_km)
        dist = np.minimum(dist, d + k)
    return dist


def _closed_seas(dist: np.ndarray, ok: np.ndarray, range_km: float, ice_class: str | None,
                 depart: pd.Timestamp, speed_kmh: float, escort: bool) -> list[int]:
    """NSR seas (indices into the network's ``seas``) the ship would be in, within range,
    in a month the ice rules close them to it."""
    net = network()
    out = []
    for s_idx, sea in enumerate(net.seas):
        on = ok & (net.sea == s_idx)
        near = np.minimum(dist[net.u[on]], dist[net.v[on]])
        near = near[near <= range_km]
        if not near.size:
            continue
        far = min(float(np.max(np.maximum(dist[net.u[on]], dist[net.v[on]]))), range_km)
        run = nsr.SeaRun(sea, float(near.min()), max(far, float(near.min())))
        if nsr.closures_of_runs([run], ice_class, depart, speed_kmh, escort):
            out.append(s_idx)
    return out


def sea_area(lat: float, lon: float, range_km: float, *, ice_class: str | None = None,
             date=None, speed_kn: float | None = None, escort: bool = False,
             avoid: tuple[str, ...] = (), nation: str | None = None):
    """The part of the sea network within ``range_km`` of a point (network distance), as
    buffered lon/lat lines. With a ``date`` (departure) an NSR sea is left out when the ice
    rules (:func:`planner.layers.nsr.closures_of_runs`) close it to ``ice_class`` (default
    ``none``) in a month the ship, sailing at ``speed_kn`` (default 14 kn), would be in it.
    Water behind a passage closed to a warship of ``nation`` (the Black Sea, entered from
    outside; the rest of the world, left from inside it) is left out, as the reachable
    places are (:mod:`planner.layers.passage_closures`)."""
    net = network()
    mask = avoid_mask(avoid)
    ok = (net.mask & mask) == 0
    when = to_datetime(date) if date is not None else None
    for water, shut in shut_side(nation, lat, lon, when).items():
        if shut:
            side = behind_many(water, net.lat, net.lon)
            if not behind(water, lat, lon):
                ok &= ~(side[net.u] | side[net.v])  # no edge touching the water behind
            else:
                ok &= side[net.u] & side[net.v]  # only the water behind
    snaps = _snap(lat, lon)
    dist = _network_km(snaps, ok, range_km)
    start = to_timestamp(date)
    if start is not None:
        kmh = (DEFAULT_SPEED_KN if speed_kn is None else float(speed_kn)) * KMH_PER_KN
        ic = nsr.normalise_ice_class(ice_class)
        for _ in range(len(net.seas)):  # each pass closes at least one more sea, or stops
            closed = _closed_seas(dist, ok, range_km, ic, start, kmh, escort)
            if not closed:
                break
            ok = ok & ~np.isin(net.sea, closed)
            dist = _network_km(snaps, ok, range_km)
    du, dv = dist[net.u], dist[net.v]
    ok = ok & ((du <= range_km) | (dv <= range_km))
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


def reach_area(origin, range_km: float, mode: str = "sea", *, ice_class: str | None = None,
               date=None, speed_kn: float | None = None, escort: bool = False,
               avoid: tuple[str, ...] = (), nation: str | None = None):
    """Shapely lon/lat geometry of what is reachable without refuelling: the sea network
    isochrone (``mode="sea"``; with a ``date``, NSR seas closed to ``ice_class`` then are
    left out, as :func:`sea_area`) or the geodesic range ring (``mode="air"``)."""
    o = resolve_place(origin)
    if mode == "air":
        return air_ring(o.lat, o.lon, range_km)
    if mode == "sea":
        return sea_area(o.lat, o.lon, range_km, ice_class=ice_class, date=date,
                        speed_kn=speed_kn, escort=escort, avoid=avoid, nation=nation)
    raise ValueError(f"mode must be 'sea' or 'air', not {mode!r}")


__all__ = ["reach", "reach_area", "air_ring", "sea_area", "Route"]
