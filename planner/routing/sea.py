"""Sea routing over the shipped maritime network (``geodata/sea_network.npz``, built from
Eurostat MARNET by ``geodata/build_sea_network.py``).

Shortest paths are scipy Dijkstra trees over the network, cached per (source node, avoided
passages), so a plan re-using a few dozen facilities routes thousands of legs from a handful
of trees. Catalogue ports and coastal facilities have their own node in the network, with
water-only approach edges (built by ``geodata/build_sea_network.py``); any other place is
joined by geodesic "snap" edges to its nearest nodes.
"""

from __future__ import annotations

import calendar
import dataclasses
from collections.abc import Iterable

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.core.caches import cached, frozen, once
from planner.core.units import KM_PER_NM, month_of
from planner.layers import nsr
from planner.layers.catalogue import Place, resolve_place
from planner.layers.geodesy import geodesic_km, geodesic_km_many, prepare_shared, unwrap_lons
from planner.layers.sea_network import (
    NSR_PASSAGES,
    PRETTY,
    avoid_mask,
    network,
    unit_xyz,
)
from planner.layers.territory import load_territory
from planner.routing.route import Route
from planner.routing.waters import (
    ANY,
    STRAY_NM,
    Mode,
    check_waters,
    edge_weights,
    mode_for,
    path_waters,
    strait_names,
)

SNAP_CANDIDATES = 10  # nearest network nodes considered for a port
SNAP_KEEP = 3  # of which at most this many best are joined (one shortest-path tree each)
SNAP_SLACK_KM = 30.0  # a candidate may be this much (plus 50 %) farther than the nearest
SNAP_EXACT_KM = 0.05  # a node this close is the place's own node (built for catalogue places)
SNAP_LAND_PENALTY_KM = 500.0  # per degree of land under a snap edge (steers snaps off land)


class NoSeaRoute(ValueError):
    """No sea route exists with the passages avoided."""


CLOSED_KM = 1e9  # weight of a closed edge (passage avoided, or waters=avoid); never reached


@once("routing.sea._structure")
def _structure() -> tuple[csr_matrix, np.ndarray]:
    """The network as a CSR matrix over both directions of every edge, and the edge behind
    each stored entry, so that a weighting only swaps the data array."""
    net = network()
    m = len(net.u)
    n = len(net.lon)
    edge = np.arange(2 * m) % m
    g = csr_matrix((edge + 1.0, (np.r_[net.u, net.v], np.r_[net.v, net.u])), shape=(n, n))
    g.sort_indices()
    return g, (g.data - 1.0).astype(np.int64)


@cached("routing.sea._graph", maxsize=32)
def _graph(mask: int, mode: Mode = ANY) -> csr_matrix:
    """The network weighted for a waters ``mode``, masked passages closed."""
    net = network()
    weight = np.where((net.mask & mask) == 0, edge_weights(mode), CLOSED_KM)
    weight = np.minimum(weight, CLOSED_KM)
    g, edge = _structure()
    return csr_matrix((weight[edge], g.indices, g.indptr), shape=g.shape)


@cached("routing.sea._tree", maxsize=512)
def _tree(node: int, mask: int, mode: Mode = ANY) -> tuple[np.ndarray, np.ndarray]:
    dist, pred = dijkstra(_graph(mask, mode), directed=True, indices=node,
                          return_predecessors=True)
    dist[dist >= CLOSED_KM] = np.inf  # only through a closed edge: no route
    return frozen(dist, pred)


@once("routing.sea._land_tree")
def _land_tree():
    """STRtree over the territory layer's land polygons (copies: the shared layer's geometries
    are never prepared in place), built and queried once so that threads only read it."""
    land = np.asarray(load_territory()["land"].values)
    land = prepare_shared(shapely.from_wkb(shapely.to_wkb(land[~shapely.is_empty(land)])))
    tree = shapely.STRtree(land)
    tree.query(shapely.points(0.0, 0.0))  # GEOS builds the tree on first query
    return tree, land


def _land_deg(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Length (degrees) of land under each straight snap segment (wrapped near +-180)."""
    idx = _land_tree()
    out = np.zeros(len(lats))
    if idx is None:
        return out
    tree, land = idx
    for i, (y, x) in enumerate(zip(lats, lons, strict=True)):
        x = x - 360 if x - lon > 180 else x + 360 if x - lon < -180 else x
        seg = shapely.LineString([(lon, lat), (x, y)])
        shifts = [0.0] + ([-360.0] if max(x, lon) > 180 else []) + (
            [360.0] if min(x, lon) < -180 else [])
        for dx in shifts:
            moved = shapely.affinity.translate(seg, dx) if dx else seg
            hits = tree.query(moved, predicate="intersects")
            out[i] += sum(land[h].intersection(moved).length for h in hits)
    return out


@cached("routing.sea._snap", maxsize=4096)
def _snap(lat: float, lon: float) -> tuple[tuple[int, float], ...]:
    """Network nodes a point is joined to, with the geodesic snap distance in km: the nearest
    nodes whose straight snap edge crosses the least land (territory layer)."""
    net = network()
    _, idx = net.kdtree.query(unit_xyz([lat], [lon])[0], k=SNAP_CANDIDATES)
    idx = np.atleast_1d(idx)
    km = geodesic_km_many(np.full(idx.size, lat), np.full(idx.size, lon),
                          net.lat[idx], net.lon[idx])
    if km.min() <= SNAP_EXACT_KM:  # a catalogue facility: the network has its own approach
        i = int(np.argmin(km))
        return ((int(idx[i]), float(km[i])),)
    score = km + SNAP_LAND_PENALTY_KM * _land_deg(lat, lon, net.lat[idx], net.lon[idx])
    best = float(score.min())
    keep = [(c, int(i), float(k)) for i, k, c in zip(idx, km, score, strict=True)
            if c <= 1.5 * best + SNAP_SLACK_KM]
    return tuple((i, k) for _, i, k in sorted(keep)[:SNAP_KEEP])


def _path(pred: np.ndarray, target: int) -> list[int]:
    out = [target]
    while pred[out[-1]] >= 0:
        out.append(int(pred[out[-1]]))
    return out[::-1]


def _route(o: Place, d: Place, mask: int, nation: str | None = None,
           waters: str = "any") -> Route:
    """Shortest route in a waters mode (see :func:`_routed`)."""
    return _routed(o, d, mask, nation, waters)[0]


def _routed(o: Place, d: Place, mask: int, nation: str | None,
            waters: str) -> tuple[Route, list[int]]:
    """Shortest route in a waters mode and its network edges: the best join of the origin's
    tree (its country's waters free) and the destination's (its country's free); one tree
    when both are alike."""
    net = network()
    so, sd = _snap(o.lat, o.lon), _snap(d.lat, d.lon)
    direct = geodesic_km(o.lat, o.lon, d.lat, d.lon)
    if direct <= min(k for _, k in so) + min(k for _, k in sd):  # same harbour
        return _make(o, d, [o.lon, d.lon], [o.lat, d.lat], direct, [], nation, waters), []
    mo, md = mode_for(waters, nation, o.country), mode_for(waters, nation, d.country)
    if mo == md:
        best = (np.inf, None, None)
        for n_o, k_o in so:
            dist, _ = _tree(n_o, mask, mo)
            for n_d, k_d in sd:
                c = k_o + dist[n_d] + k_d
                if c < best[0]:
                    best = (c, n_o, n_d)
        if np.isfinite(best[0]):
            nodes = _path(_tree(best[1], mask, mo)[1], best[2])
    else:
        best, nodes = _join(so, sd, mask, mo, md)
    if not np.isfinite(best[0]):
        raise NoSeaRoute(f"no sea route from {o.id} to {d.id} with those passages avoided"
                         + _closed_why(waters))
    lons = [o.lon, *net.lon[nodes], d.lon]
    lats = [o.lat, *net.lat[nodes], d.lat]
    edges = [net.edge_of[(a, b)] for a, b in zip(nodes[:-1], nodes[1:], strict=True)]
    km = _snap_km(so, nodes[0]) + float(net.km[edges].sum()) + _snap_km(sd, nodes[-1])
    return _make(o, d, lons, lats, km, edges, nation, waters), edges


def _snap_km(snaps: tuple[tuple[int, float], ...], node: int) -> float:
    """The snap km of ``node`` among a place's snaps."""
    return next(k for n, k in snaps if n == node)


def _join(so, sd, mask: int, mo: Mode, md: Mode):
    """Best path origin -> x -> destination over all nodes x, the first part on the origin's
    trees (mode ``mo``), the second on the destination's (``md``): ((cost, n_o, n_d), nodes)."""
    a, ia = _reach(so, mask, mo)
    b, ib = _reach(sd, mask, md)
    total = a + b
    x = int(np.argmin(total))
    if not np.isfinite(total[x]):
        return (np.inf, None, None), []
    n_o, n_d = so[int(ia[x])][0], sd[int(ib[x])][0]
    first = _path(_tree(n_o, mask, mo)[1], x)
    second = _path(_tree(n_d, mask, md)[1], x)
    return (float(total[x]), n_o, n_d), first + second[::-1][1:]


@cached("routing.sea._reach", maxsize=256)
def _reach(snaps: tuple[tuple[int, float], ...], mask: int,
           mode: Mode) -> tuple[np.ndarray, np.ndarray]:
    """Cost from a place (its snap nodes and snap km) to every node in ``mode``, and which
    snap node each best path leaves by (read-only)."""
    dist = np.vstack([k + _tree(n, mask, mode)[0] for n, k in snaps])
    which = dist.argmin(axis=0).astype(np.int8)
    return frozen(dist[which, np.arange(dist.shape[1])], which)


def _closed_why(waters: str) -> str:
    if waters != "avoid":
        return ""
    return ("; waters=avoid closes third-country territorial seas outside straits used for "
            "international navigation and no way through international waters remains "
            "(waters=prefer allows the passage)")


def _make(o: Place, d: Place, lons, lats, km: float, edges: list[int],
          nation: str | None = None, waters: str | None = None) -> Route:
    net = network()
    seen: list[str] = []
    if edges:
        masks = net.mask[np.asarray(edges)]
        first = []
        for i, name in enumerate(net.passages):
            hit = np.flatnonzero((masks >> i) & 1)
            if hit.size:
                first.append((int(hit[0]), i, name))
        seen = [name for _, _, name in sorted(first)]
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    keep = np.ones(len(lons), bool)
    keep[1:] = (np.diff(lons) != 0) | (np.diff(lats) != 0)
    if keep.sum() < 2:
        keep[:] = True
    w = path_waters(edges, frozenset(c for c in (nation, o.country, d.country) if c))
    return Route(o.id, d.id, "sea", km, unwrap_lons(lons[keep]), lats[keep], tuple(seen),
                 w.countries, territorial_nm=w.territorial_nm, waters=waters,
                 straits=strait_names(w))


def _waters_route(o: Place, d: Place, mask: int, nation: str | None, waters: str) -> Route:
    """:func:`_route` in a waters mode; a ``prefer`` route that still spends more than
    ``STRAY_NM`` in third-country seas outside straits says why (no way out, or what keeping
    out would add)."""
    route, edges = _routed(o, d, mask, nation, waters)
    if waters != "prefer":
        return route
    w = path_waters(edges, frozenset(c for c in (nation, o.country, d.country) if c))
    if sum(w.outside_straits_nm.values()) <= STRAY_NM:
        return route
    seas = ", ".join(f"{k} {v:,.0f} nm" for k, v in w.outside_straits_nm.items())
    why = f"in third-country territorial seas outside straits ({seas})"
    try:
        alt = _route(o, d, mask, nation, "avoid")
    except NoSeaRoute:
        return _with_notes(route, f"{why}: no way through international waters exists")
    extra = alt.distance_km - route.distance_km
    return _with_notes(route, f"{why}: keeping out (waters=avoid) adds "
                              f"{extra / KM_PER_NM:,.0f} nm ({extra / route.distance_km:.0%})")


def _via(route: Route) -> str:
    major = [PRETTY[p] for p in route.passages if p in PRETTY]
    return "via " + ", ".join(major) if major else "by open water"


@cached("routing.sea._sea_route_cached", maxsize=65536)
def _sea_route_cached(o: Place, d: Place, avoid: tuple[str, ...], ice_class: str | None,
                      month: int | None, nation: str | None = None,
                      waters: str = "any") -> Route:

    mask = avoid_mask(avoid)
    route = _waters_route(o, d, mask, nation, waters)
    if ice_class is None or month is None or "nsr" not in route.passages:
        return route
    bad = nsr.nsr_violations(route, ice_class, month)
    if not bad:
        return route
    seas = ", ".join(nsr.sea_name(s) for s, _ in bad)
    why = f"NSR closed to ice class {ice_class} in {calendar.month_name[month]} ({seas})"
    nsr_mask = mask
    for p in NSR_PASSAGES:
        nsr_mask |= network().bit(p)
    try:
        alt = _waters_route(o, d, nsr_mask, nation, waters)
    except NoSeaRoute:
        return _with_notes(route, f"{why}; no route avoids it")
    return _with_notes(alt, f"{why}; routed {_via(alt)}")


def _with_notes(route: Route, note: str) -> Route:
    return dataclasses.replace(route, notes=(*route.notes, note))


@cached("routing.sea._resolve_cached", maxsize=4096)
def _resolve_cached(place) -> Place:
    return resolve_place(place)


def _resolve(place) -> Place:
    """resolve_place, cached for hashable catalogue ids and coordinates."""
    if isinstance(place, Place):
        return place
    if isinstance(place, list):
        place = tuple(place)
    try:
        return _resolve_cached(place)
    except TypeError:
        return resolve_place(place)


def sea_route(origin, destination, *, avoid: Iterable[str] = (), ice_class: str | None = None,
              date=None, nation: str | None = None, waters: str | None = None) -> Route:
    """Shortest sea route between two places (catalogue id, ``"lat,lon"``, ``(lat, lon)`` or a
    :class:`~planner.catalogue.Place`).

    ``avoid`` names passages from :data:`PASSAGES`. With ``ice_class`` (``none``, ``Arc4`` ...
    ``Arc9``) and ``date``, a Northern Sea Route closed to that class in that month is avoided
    and ``route.notes`` says why. Results are cached on (origin, destination, avoid, ice_class,
    month, nation, waters). Raises :class:`NoSeaRoute` if the avoided passages leave no route.

    ``waters`` (default ``prefer``) says what third countries' territorial seas cost:
    ``prefer`` keeps out of them where a modest detour allows, ``avoid`` never enters them
    (NoSeaRoute when no way remains), ``any`` takes the shortest way
    (:mod:`planner.routing.waters`). Own waters (``nation``, ISO3) and those of the origin's
    and destination's country are free; straits used for international navigation and the
    canals are open in every mode. ``route.countries`` and ``route.territorial_nm`` name the
    third-country seas crossed (straits included; ``route.straits`` names those passed).
    """
    o, d = _resolve(origin), _resolve(destination)
    key = tuple(sorted({str(a).strip().lower() for a in avoid}))
    ic = None if ice_class is None else str(ice_class)
    own = None if nation is None else str(nation).strip().upper() or None
    return _sea_route_cached(o, d, key, ic, month_of(date), own, check_waters(waters))


