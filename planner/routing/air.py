"""Air routes: the WGS84 geodesic, or the shortest detour around denied airspace.

Deny-routing builds a visibility graph: its nodes are the origin, the destination and the
convex corners of the denied sovereign areas after buffering them outward by
``DENY_MARGIN_DEG`` and simplifying by ``DENY_SIMPLIFY_DEG`` (the simplified outline still
encloses every denied polygon); its edges are the densified geodesics between two nodes that
do not touch any denied polygon, weighted by their WGS84 length. Dijkstra
(``scipy.sparse.csgraph``) gives the shortest path, which therefore stays out of the denied
countries' land and 12 nm territorial sea, and is never shorter than the direct geodesic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

import numpy as np
import shapely
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.affinity import translate

from planner.core.caches import cached, once
from planner.core.units import to_datetime
from planner.layers.airspace_closures import closed_to
from planner.layers.catalogue import Place, resolve_place
from planner.layers.geodesy import GEOD, line_length_km, prepare_shared, unwrap_lons
from planner.layers.territory import country_at, crossings_table, load_territory
from planner.routing.route import Route

STEP_KM = 100.0  # lon/lat chords of <= 100 km: off the geodesic by <= 0.54 km at 70N, 1.1 km at 80N
DENY_MARGIN_DEG = 0.25  # corners of denied areas are placed this far outside them
DENY_SIMPLIFY_DEG = 0.1  # < DENY_MARGIN_DEG, so the simplified outline still encloses them
MAX_NODES = 800  # above this, corners are simplified harder (speed)


class NoRoute(ValueError):
    """No air route satisfies the constraints (origin/destination in a denied country, or
    the denied countries close every way)."""


def geodesic_paths(lat1, lon1, lat2, lon2, step_km: float = STEP_KM, *,
                   with_km: bool = False) -> tuple[np.ndarray, ...]:
    """Densified WGS84 geodesics for many point pairs in one vectorised call.

    Each geodesic gets ``ceil(distance / step_km)`` equal steps. Returns ``(lons, lats, leg)``
    concatenated over all pairs in order (``leg`` is the pair index), plus ``cum_km`` (km
    from the pair's first point) if ``with_km``; longitudes are unwrapped within each pair,
    starting from ``lon1``.
    """
    lat1, lon1, lat2, lon2 = (np.atleast_1d(np.asarray(a, float)) for a in (lat1, lon1, lat2, lon2))
    az, _, dist_m = GEOD.inv(lon1, lat1, lon2, lat2)
    az, dist_m = np.asarray(az), np.asarray(dist_m)
    n_steps = np.maximum(np.ceil(dist_m / 1000.0 / step_km).astype(np.int64), 1)
    n_pts = n_steps + 1
    leg = np.repeat(np.arange(len(lat1)), n_pts)
    start = np.r_[0, np.cumsum(n_pts)[:-1]]
    k = np.arange(len(leg)) - np.repeat(start, n_pts)
    frac = k / np.repeat(n_steps, n_pts)
    lons, lats, _ = GEOD.fwd(lon1[leg], lat1[leg], az[leg], dist_m[leg] * frac)
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    end = start + n_steps
    lons[start], lats[start] = lon1, lat1  # exact ends
    lons[end], lats[end] = lon2, lat2
    # unwrap within each leg: accumulate jumps, reset at leg starts
    d = np.diff(lons)
    d = np.where(d > 180.0, d - 360.0, np.where(d < -180.0, d + 360.0, d))
    d[start[1:] - 1] = 0.0
    steps = np.r_[0.0, np.cumsum(d)]
    steps -= np.repeat(steps[start], n_pts)
    lons = np.repeat(lon1, n_pts) + steps
    if with_km:
        return lons, lats, leg, dist_m[leg] * frac / 1000.0
    return lons, lats, leg


def _deny_codes(deny: Iterable[str]) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(str(c).strip().upper() for c in deny if str(c).strip()))
    if not codes:
        return codes
    unknown = [c for c in codes if c not in _known_codes()]
    if unknown:
        raise ValueError(f"deny: unknown country code(s) {', '.join(unknown)} (ISO3 expected)")
    return codes


@once("routing.air._known_codes")
def _known_codes() -> frozenset[str]:
    return frozenset(load_territory()["iso3"].tolist())


def _shifted(geom) -> list:
    """A lon/lat geometry and its copies shifted by -360 and +360 degrees."""
    return [geom, translate(geom, xoff=-360.0), translate(geom, xoff=360.0)]


def _hits(lines: np.ndarray, obstacles: list) -> np.ndarray:
    """Whether each (unwrapped lon/lat) line touches any obstacle copy."""
    hit = np.zeros(len(lines), bool)
    for ob in obstacles:
        hit |= shapely.intersects(lines, ob)
    return hit


def _corners(outline) -> np.ndarray:
    """Convex corners (lon, lat) of a polygonal outline's exterior rings, and all vertices of
    its holes (which are convex seen from inside)."""
    out = []
    for poly in shapely.get_parts(outline):
        ext = np.asarray(shapely.get_coordinates(shapely.orient_polygons(poly).exterior))[:-1]
        if len(ext) >= 3:
            prev, nxt = np.roll(ext, 1, axis=0), np.roll(ext, -1, axis=0)
            cross = ((ext[:, 0] - prev[:, 0]) * (nxt[:, 1] - ext[:, 1])
                     - (ext[:, 1] - prev[:, 1]) * (nxt[:, 0] - ext[:, 0]))
            out.append(ext[cross > 0])  # counter-clockwise exterior: left turns are convex
        for hole in poly.interiors:
            out.append(np.asarray(hole.coords)[:-1])
    pts = np.vstack(out) if out else np.empty((0, 2))
    keep = (np.abs(pts[:, 1]) < 89.9) & (np.abs(pts[:, 0]) < 180.0)  # no cut-line corners
    return np.unique(pts[keep], axis=0)


@cached("routing.air._deny_graph", maxsize=64)
def _deny_graph(codes: tuple[str, ...]):
    """The part of the visibility graph that depends only on the denied countries: their
    obstacle (and its +-360 copies, prepared), the corner nodes, and the corner-to-corner
    edges that stay clear (``ii``, ``jj`` into ``corners``; ``km``).

    Cached per ``codes``: testing every corner pair costs seconds, and the RANGE check routes
    every pair of refuelling candidates with the same ``deny``; recomputing it per route made
    one aircraft leg beyond range with ``deny`` take over ten minutes (issue 7 fuzzing)."""
    gdf = load_territory()
    obstacle = shapely.union_all(gdf.geometry.values[gdf["iso3"].isin(codes).values])
    margin, tol = DENY_MARGIN_DEG, DENY_SIMPLIFY_DEG
    while True:
        outline = shapely.simplify(shapely.buffer(obstacle, margin, quad_segs=2), tol)
        corners = _corners(outline)
        if len(corners) <= MAX_NODES:
            break
        margin, tol = margin * 1.6, tol * 1.6
    obstacles = list(prepare_shared(np.array(_shifted(obstacle), dtype=object)))
    ii, jj, km = _clear_edges(corners, *np.triu_indices(len(corners), k=1), obstacles)
    return obstacle, obstacles, corners, ii, jj, km


def _clear_edges(nodes: np.ndarray, ii: np.ndarray, jj: np.ndarray, obstacles: list):
    """The node pairs (ii[k], jj[k]) whose geodesic touches no obstacle, with lengths in km."""
    if len(ii) == 0:
        return ii, jj, np.empty(0)
    lons, lats, leg = geodesic_paths(nodes[ii, 1], nodes[ii, 0], nodes[jj, 1], nodes[jj, 0])
    lines = shapely.linestrings(np.column_stack([lons, lats]), indices=leg)
    ok = ~_hits(lines, obstacles)
    _, _, dist_m = GEOD.inv(nodes[ii, 0], nodes[ii, 1], nodes[jj, 0], nodes[jj, 1])
    return ii[ok], jj[ok], np.asarray(dist_m)[ok] / 1000.0


def _detour(o: Place, d: Place, codes: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Shortest path (visibility graph) from o to d avoiding the ``codes`` countries."""
    _, obstacles, corners, cii, cjj, ckm = _deny_graph(codes)
    nodes = np.vstack([[o.lon, o.lat], [d.lon, d.lat], corners])
    n, m = len(nodes), len(corners)
    # only the edges from the origin and the destination are new for this route
    ends = np.r_[np.zeros(m + 1, int), np.ones(m, int)]
    others = np.r_[np.arange(2, n), 1, np.arange(2, n)]
    ei, ej, ekm = _clear_edges(nodes, ends, others, obstacles)
    ii, jj, w = np.r_[cii + 2, ei], np.r_[cjj + 2, ej], np.r_[ckm, ekm]
    graph = coo_matrix((np.r_[w, w], (np.r_[ii, jj], np.r_[jj, ii])), shape=(n, n)).tocsr()
    dist, pred = dijkstra(graph, directed=False, indices=0, return_predecessors=True)
    if not np.isfinite(dist[1]):
        raise NoRoute(f"no air route from {o.id} to {d.id} avoids the denied countries")
    path = [1]
    while path[-1] != 0:
        path.append(int(pred[path[-1]]))
    path.reverse()
    a, b = np.array(path[:-1]), np.array(path[1:])
    plons, plats, pleg = geodesic_paths(nodes[a, 1], nodes[a, 0], nodes[b, 1], nodes[b, 0])
    first = np.r_[True, pleg[1:] != pleg[:-1]]
    first[0] = False  # keep the origin; drop each later edge's repeated start vertex
    return unwrap_lons(plons[~first]), plats[~first]


def air_route(origin: str | tuple[float, float] | Place,
              destination: str | tuple[float, float] | Place,
              *, deny: Iterable[str] = (), nation: str | None = None, date=None) -> Route:
    """The air route between two places (catalogue id, ``"lat,lon"`` or ``(lat, lon)``).

    Without ``deny`` it is the WGS84 geodesic, densified every ``STEP_KM`` at most. With
    ``deny`` (ISO3 codes) it is the shortest path that stays out of those countries'
    sovereign areas (land + 12 nm); raises :class:`NoRoute` if the origin or destination lies
    inside one of them or no way round exists. ``countries`` lists the sovereign areas
    crossed, in order. With ``nation`` (the aircraft's, ISO3), the countries whose airspace is
    closed to it by NOTAM at ``date`` (the departure; without one, the closures still in
    force) are denied too, and a note names each (:mod:`planner.layers.airspace_closures`),
    as a plan's leg is routed.
    """
    o, d = resolve_place(origin), resolve_place(destination)
    shut = closed_to(str(nation).strip().upper(), to_datetime(date) if date is not None
                     else None)[0] if nation else ()
    route = _air_route_cached(o, d, _deny_codes(tuple(deny) + tuple(c.country for c in shut)))
    if not shut:
        return route
    return replace(route, notes=route.notes + tuple(
        f"routed round {c.country}: {c.text}" for c in shut))


@cached("routing.air._air_route_cached", maxsize=65536)
def _air_route_cached(o: Place, d: Place, codes: tuple[str, ...]) -> Route:
    """:func:`air_route` on resolved places, cached (routes are immutable)."""
    notes: list[str] = []
    lons, lats, _ = geodesic_paths(o.lat, o.lon, d.lat, d.lon)
    if codes:
        for p, role in ((o, "origin"), (d, "destination")):
            inside = {p.country, country_at(p.lat, p.lon)} & set(codes)
            if inside:
                raise NoRoute(f"{role} {p.id} lies in denied country {sorted(inside)[0]}")
        obstacles = _deny_graph(codes)[1]
        direct = shapely.linestrings(np.column_stack([lons, lats]))
        if _hits(np.array([direct]), obstacles)[0]:
            direct_km = line_length_km(lons, lats)
            lons, lats = _detour(o, d, codes)
            notes.append(f"detour avoiding {', '.join(codes)}: "
                         f"+{line_length_km(lons, lats) - direct_km:,.0f} km over the geodesic")
    lons = unwrap_lons(lons)
    route = Route(o.id, d.id, "air", line_length_km(lons, lats), lons, np.asarray(lats, float),
                  notes=tuple(notes))
    table = crossings_table([route])
    countries = tuple(dict.fromkeys(table["iso3"]))  # first entry order, no repeats
    return Route(route.origin, route.destination, "air", route.distance_km, route.lons,
                 route.lats, countries=countries, notes=route.notes)
