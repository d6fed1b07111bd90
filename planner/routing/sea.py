"""Sea routing over the shipped maritime network (``geodata/sea_network.npz``, built from
Eurostat MARNET by ``geodata/build_sea_network.py``).

Shortest paths are scipy Dijkstra trees over the network, cached per (source node, avoided
passages), so a plan re-using a few dozen facilities routes thousands of legs from a handful
of trees. Catalogue ports and coastal facilities have their own node in the network, with
water-only approach edges (built by ``geodata/build_sea_network.py``); any other place is
joined by geodesic "snap" edges to its nearest nodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np
import shapely
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from planner.core.caches import cached, frozen, once
from planner.core.units import KM_PER_NM, KMH_PER_KN, MONTH_NAMES, to_timestamp
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
from planner.layers.territory import crossings_table, land_polygons
from planner.model.objects import WATERS
from planner.routing.route import Route
from planner.routing.waters import (
    ANY,
    STRAY_NM,
    Mode,
    Waters,
    edge_weights,
    in_canal,
    mode_for,
    path_waters,
    strait_names,
)

SNAP_CANDIDATES = 10  # nearest network nodes considered for a port
SNAP_KEEP = 3  # of which at most this many best are joined (one shortest-path tree each)
SNAP_SLACK_KM = 30.0  # a candidate may be this much (plus 50 %) farther than the nearest
SNAP_EXACT_KM = 0.05  # a node this close is the place's own node (built for catalogue places)
SNAP_LAND_PENALTY_KM = 500.0  # per degree of land under a snap edge (steers snaps off land)
#: Speed for NSR entry times when a date but no speed is given: the economical cruising speed
#: warship ranges are published at (Talwar class: 4,850 nm at 14 kn, Wikipedia
#: "Talwar-class frigate"), also the CONTRACT's example planning speed.
DEFAULT_SPEED_KN = 14.0
NO_DATE_NOTE = "the route sails the NSR; no date given, so the NSR ice rules were not applied"


class NoSeaRoute(ValueError):
    """No sea route exists with the passages avoided."""


CLOSED_KM = 1e9  # weight of a closed edge (passage avoided, or waters=avoid); never reached


@once("routing.sea._structure")
def _structure() -> tuple[csr_matrix, np.ndarray]:
    """The network as a CSR matrix over both directions of every edge, and the edge behind
    each stored entry, so that a weighting only swaps the data array."""
    g, entry = _entry_matrix()
    return g, frozen(entry % len(network().u))


@once("routing.sea._entry_matrix")
def _entry_matrix() -> tuple[csr_matrix, np.ndarray]:
    """The CSR matrix of :func:`_structure` and the entry behind each stored value: entry
    ``e < m`` is edge ``e`` from u to v, ``e >= m`` edge ``e - m`` from v to u."""
    net = network()
    m = len(net.u)
    n = len(net.lon)
    g = csr_matrix((np.arange(1.0, 2 * m + 1), (np.r_[net.u, net.v], np.r_[net.v, net.u])),
                   shape=(n, n))
    g.sort_indices()
    if g.nnz != 2 * m:  # two edges joining the same nodes would be summed into one entry
        raise ValueError("the sea network holds parallel edges")
    return g, (g.data - 1.0).astype(np.int64)


@cached("routing.sea._graph", maxsize=32)
def _graph(mask: int, mode: Mode = ANY) -> csr_matrix:
    """The network weighted for a waters ``mode`` (km), the ``mask`` passages closed."""
    net = network()
    g, edge = _structure()
    pos, base = _entries()
    data = base.copy()  # the lengths, changed only where the mode or the mask weighs more
    w = edge_weights(mode)
    changed = np.flatnonzero(w != net.km)
    data[pos[changed]] = np.minimum(w[changed], CLOSED_KM)[:, None]
    data[pos[_closed(mask)]] = CLOSED_KM
    return csr_matrix((data, g.indices, g.indptr), shape=g.shape, copy=False)


@once("routing.sea._entries")
def _entries() -> tuple[np.ndarray, np.ndarray]:
    """The two stored entries of each edge in :func:`_structure`'s matrix ((edges, 2)
    positions) and the entries' lengths (km)."""
    _, entry = _entry_matrix()
    m = len(network().u)
    where = np.empty(2 * m, np.int64)
    where[entry] = np.arange(2 * m)  # the inverse permutation, no sort
    _, edge = _structure()
    return frozen(np.column_stack([where[:m], where[m:]]), network().km[edge])


@cached("routing.sea._closed", maxsize=32)
def _closed(mask: int) -> np.ndarray:
    """Indices of the edges in the ``mask`` passages (read-only)."""
    return frozen(np.flatnonzero(network().mask & mask))


@cached("routing.sea._tree", maxsize=1024)
def _tree(snaps: tuple[tuple[int, float], ...], mask: int, mode: Mode = ANY
          ) -> tuple[np.ndarray, np.ndarray]:
    """Dijkstra tree from a place in ``mode``, grown from all its snap nodes at once (a
    virtual source joined to each snap node by its snap km, so one search serves every snap
    node; a place on its own node needs none). Cost (km-equivalent, snap km included) and
    predecessors of every network node (-9999 at the snap node a path leaves the place by).
    Read-only."""
    g = _graph(mask, mode)
    n = g.shape[0]
    if len(snaps) == 1:
        node, k = snaps[0]
        dist, pred = dijkstra(g, directed=True, indices=node, return_predecessors=True,
                              limit=CLOSED_KM / 2)
        dist += k
    else:
        nodes = np.array([s for s, _ in snaps], g.indices.dtype)
        km = np.array([k for _, k in snaps], float) + 1e-9  # explicit zeros are no edges
        g2 = csr_matrix((np.concatenate([g.data, km]), np.concatenate([g.indices, nodes]),
                         np.concatenate([g.indptr, [g.indptr[-1] + len(nodes)]])),
                        shape=(n + 1, n + 1))
        dist, pred = dijkstra(g2, directed=True, indices=n, return_predecessors=True,
                              limit=CLOSED_KM / 2)
        dist, pred = dist[:n], pred[:n]
        pred[pred == n] = -9999
    # nodes only reached through a closed edge are not searched (the limit): no route
    dist[dist >= CLOSED_KM] = np.inf
    return frozen(dist, pred)


@once("routing.sea._land_tree")
def _land_tree():
    """STRtree over the territory layer's land polygons (copies: the shared layer's geometries
    are never prepared in place), built and queried once so that threads only read it."""
    land = land_polygons()
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
    """Nodes from the tree's root to ``target`` along the predecessors ``pred``."""
    item = pred.item
    out = [target]
    p = item(target)
    while p >= 0:
        out.append(p)
        p = item(p)
    out.reverse()
    return out


@cached("routing.sea._routed", maxsize=65536)
def _routed(o: Place, d: Place, mask: int, waters: str, nation: str | None
            ) -> tuple[Route, Waters]:
    """Shortest route in a waters mode and the third-country waters along it: the best join
    of the origin's tree (its country's waters free) and the destination's (its country's
    free); one tree when both are alike. ``route.straits`` names the straits and canals
    passed; the territorial seas are added by :func:`_finished`."""
    net = network()
    so, sd = _snap(o.lat, o.lon), _snap(d.lat, d.lon)
    direct = geodesic_km(o.lat, o.lon, d.lat, d.lon)
    free = frozenset(_exclude(o, d, nation))
    if direct <= min(k for _, k in so) + min(k for _, k in sd):  # same harbour
        w = path_waters([], free)
        return _make(o, d, [o.lon, d.lon], [o.lat, d.lat], direct, [], w, waters), w
    mo, md = mode_for(waters, nation, o.country), mode_for(waters, nation, d.country)
    if mo == md:
        dist, pred = _tree(so, mask, mo)
        cost = [dist[n_d] + k_d for n_d, k_d in sd]
        i = int(np.argmin(cost))
        best = (float(cost[i]), None, sd[i][0])
        nodes = _path(pred, sd[i][0]) if np.isfinite(best[0]) else []
    else:
        best, nodes = _join(so, sd, mask, mo, md)
    if not np.isfinite(best[0]):
        raise NoSeaRoute(f"no sea route from {o.id} to {d.id}"
                         + (" with those passages avoided" if mask else "")
                         + _closed_why(waters))
    path = np.asarray(nodes, np.int64)
    lons = np.concatenate([[o.lon], net.lon[path], [d.lon]])
    lats = np.concatenate([[o.lat], net.lat[path], [d.lat]])
    edges = _edges_of(path)
    km = _snap_km(so, nodes[0]) + float(net.km[edges].sum()) + _snap_km(sd, nodes[-1])
    w = path_waters(edges, free)
    return _make(o, d, lons, lats, km, edges, w, waters), w


@once("routing.sea._edge_keys")
def _edge_keys() -> tuple[np.ndarray, np.ndarray]:
    """Sorted keys ``a * n + b`` of both directions of every edge, and the edge of each: the
    :func:`_structure` matrix's entries in their stored order (rows, then sorted columns)."""
    g, edge = _structure()
    n = g.shape[0]
    rows = np.repeat(np.arange(n, dtype=np.int64) * n, np.diff(g.indptr))
    return frozen(rows + g.indices, edge)


def _edges_of(nodes: np.ndarray) -> np.ndarray:
    """The network edges between consecutive ``nodes`` of a path."""
    keys, edge = _edge_keys()
    n = len(network().lon)
    return edge[np.searchsorted(keys, nodes[:-1] * n + nodes[1:])]


def _snap_km(snaps: tuple[tuple[int, float], ...], node: int) -> float:
    """The snap km of ``node`` among a place's snaps."""
    return next(k for n, k in snaps if n == node)


def _join(so, sd, mask: int, mo: Mode, md: Mode):
    """Best path origin -> x -> destination over all nodes x, the first part on the origin's
    tree (mode ``mo``), the second on the destination's (``md``): ((cost, None, None), nodes)."""
    a, pa = _tree(so, mask, mo)
    b, pb = _tree(sd, mask, md)
    total = a + b
    x = int(np.argmin(total))
    if not np.isfinite(total[x]):
        return (np.inf, None, None), []
    first = _path(pa, x)
    second = _path(pb, x)
    return (float(total[x]), None, None), first + second[::-1][1:]


def _closed_why(waters: str) -> str:
    if waters != "avoid":
        return ""
    return ("; waters=avoid closes third-country territorial seas outside straits used for "
            "international navigation, and no way through international waters remains "
            "(waters=prefer allows the passage)")


def _make(o: Place, d: Place, lons, lats, km: float, edges: list[int], w: Waters,
          waters: str) -> Route:
    net = network()
    seen: list[str] = []
    if len(edges):
        masks = net.mask[np.asarray(edges)]
        present = int(np.bitwise_or.reduce(masks))
        first = []
        for i, name in enumerate(net.passages):
            if (present >> i) & 1:
                first.append((int(np.argmax((masks >> i) & 1)), i, name))
        seen = [name for _, _, name in sorted(first)]
    lons, lats = np.asarray(lons, float), np.asarray(lats, float)
    keep = np.ones(len(lons), bool)
    keep[1:] = (np.diff(lons) != 0) | (np.diff(lats) != 0)
    if keep.sum() < 2:
        keep[:] = True
    return Route(o.id, d.id, "sea", km, unwrap_lons(lons[keep]), lats[keep], tuple(seen),
                 waters=waters, straits=strait_names(w))


def _via(route: Route) -> str:
    major = [PRETTY[p] for p in route.passages if p in PRETTY]
    return "via " + ", ".join(major) if major else "by open water"


@cached("routing.sea._shortest", maxsize=65536)
def _shortest(o: Place, d: Place, mask: int, waters: str, nation: str | None) -> Route:
    """The shortest route in the ``waters`` mode with the ``mask`` passages closed, without
    its territorial seas. A ``prefer`` route that still spends more than
    :data:`~planner.routing.waters.STRAY_NM` in third-country seas outside straits says why
    in its notes (no way through international waters, or what keeping out would add)."""
    route, w = _routed(o, d, mask, waters, nation)
    stray = sum(w.outside_straits_nm.values())
    if waters != "prefer" or stray <= STRAY_NM:
        return route
    seas = ", ".join(f"{k} {v:,.0f} nm" for k, v in w.outside_straits_nm.items())
    why = f"in third-country territorial seas outside straits ({seas})"
    alt_km = _keep_out_km(o, d, mask, nation)
    if not np.isfinite(alt_km):
        return replace(route, notes=(*route.notes,
                                     f"{why}: no way through international waters exists"))
    extra = alt_km - route.distance_km
    return replace(route, notes=(*route.notes, f"{why}: keeping out (waters=avoid) adds "
                                 f"{extra / KM_PER_NM:,.0f} nm "
                                 f"({extra / route.distance_km:.0%})"))


def _keep_out_km(o: Place, d: Place, mask: int, nation: str | None) -> float:
    """Length (km) of the ``waters=avoid`` route (inf if none), from the trees alone: the
    best join of the two ends' trees, without building the path (avoid weights are km)."""
    so, sd = _snap(o.lat, o.lon), _snap(d.lat, d.lon)
    mo, md = mode_for("avoid", nation, o.country), mode_for("avoid", nation, d.country)
    a = _tree(so, mask, mo)[0]
    if mo == md:
        return float(min(a[n] + k for n, k in sd))
    return float(np.min(a + _tree(sd, mask, md)[0]))


@cached("routing.sea._runs", maxsize=65536)
def _runs(o: Place, d: Place, mask: int, waters: str, nation: str | None
          ) -> tuple[nsr.SeaRun, ...]:
    """The NSR sea runs of :func:`_shortest` (computed once per path). A path on no NSR
    edge has none unless a snap edge at either end reaches into an NSR sea."""
    route = _shortest(o, d, mask, waters, nation)
    if "nsr" not in route.passages and not (_near_nsr(o.lat, o.lon) or _near_nsr(d.lat, d.lon)):
        return ()
    return tuple(nsr.sea_runs(route))


@cached("routing.sea._near_nsr", maxsize=4096)
def _near_nsr(lat: float, lon: float) -> bool:
    """Whether a place's snap edges may reach into an NSR sea: the place or one of its snap
    nodes lies in one (then a path on no NSR edge may still have an NSR run)."""
    net = network()
    nodes = [n for n, _ in _snap(lat, lon)]
    lons = np.array([lon, *net.lon[nodes]])
    lats = np.array([lat, *net.lat[nodes]])
    return bool(any(nsr.segment_seas(np.repeat(lons, 2), np.repeat(lats, 2))))


def _exclude(o: Place, d: Place, nation: str | None) -> tuple[str, ...]:
    """Own and host waters: the nation's and those of the two ends of the leg."""
    return tuple(sorted({c for c in (nation, o.country, d.country) if c}))


@cached("routing.sea._finished", maxsize=65536)
def _finished(o: Place, d: Place, mask: int, waters: str, nation: str | None,
              notes: tuple[str, ...], territory: bool = True) -> Route:
    """:func:`_shortest` with ``notes`` and (``territory``) the third countries' territorial
    seas it crosses, in order of first entry, with the km inside each (own and host waters
    and the canals excluded; straits used for international navigation included, and named
    in ``route.straits``). Refuelling hops skip the territory: only their way and length
    matter."""
    route = _shortest(o, d, mask, waters, nation)
    if not territory:
        return replace(route, notes=(*route.notes, *notes)) if notes else route
    w = _routed(o, d, mask, waters, nation)[1]
    inside = tuple((c, nm * KM_PER_NM) for c, nm in w.territorial_nm.items())
    return replace(route, countries=w.countries, territorial_km=inside,
                   notes=(*route.notes, *notes))


def third_country_waters(route: Route, exclude: Iterable[str] = ()
                         ) -> tuple[tuple[str, ...], tuple[tuple[str, float], ...]]:
    """Third countries whose sovereign area (land + 12 nm territorial sea) a route crosses, in
    order of first entry, and the km inside each, leaving out the ``exclude`` countries (own
    and host waters), from the route's geometry (:func:`planner.layers.territory.
    crossings_table`, as the ``TERRITORIAL_SEA`` check reads); stretches in a canal are not
    territorial sea (:data:`planner.layers.straits.STRAITS`, regime ``canal``). The router
    itself reads the same figures per network edge (:func:`planner.routing.waters.
    path_waters`)."""
    table = crossings_table([route])
    table = table[~table["iso3"].isin(set(exclude))]
    if len(table):
        table = table[~in_canal(route, table["entry_km"].to_numpy(),
                                table["exit_km"].to_numpy())]
    km = table.groupby("iso3", sort=False)["distance_km"].sum()
    return tuple(km.index), tuple((str(c), float(v)) for c, v in km.items())


@dataclass(frozen=True)
class SeaDecision:
    """What the router decided for one leg: ``route`` (what :func:`sea_route` returns), the
    ``shortest`` route with the avoided passages, and ``closed``, the NSR seas on ``shortest``
    that the ice rules close to the ship then (empty: the shortest route is admissible, or no
    date was given). ``route`` avoids the NSR whenever ``closed`` is non-empty and some route
    does; otherwise it is ``shortest``."""

    route: Route
    shortest: Route
    closed: tuple[nsr.Closure, ...] = ()
    #: False when ``route`` still sails a closed NSR sea (no route avoids it)
    admissible: bool = True

    @property
    def rerouted(self) -> bool:
        """True when the ice rules sent the leg another way than its shortest route."""
        return bool(self.closed) and self.route.passages != self.shortest.passages


def _closed_text(ice_class: str, closed, escort: bool) -> str:
    seas = ", ".join(f"{nsr.sea_name(c.sea)} in {MONTH_NAMES[c.month]}"
                     + (" (icebreaker escort required)" if c.rule == "escort" and not escort
                        else "") for c in closed)
    return f"NSR closed to ice class {ice_class}{' with escort' if escort else ''}: {seas}"


@cached("routing.sea._decide", maxsize=65536)
def _decide(o: Place, d: Place, mask: int, waters: str, nation: str | None, ice_class: str,
            depart_min: int, speed_kmh: float, escort: bool, territory: bool) -> SeaDecision:
    depart = dt.datetime.fromtimestamp(depart_min * 60, dt.UTC)
    shortest = _finished(o, d, mask, waters, nation, (), territory)
    closed = tuple(nsr.closures_of_runs(list(_runs(o, d, mask, waters, nation)), ice_class,
                                        depart, speed_kmh, escort))
    if not closed:
        return SeaDecision(shortest, shortest)
    why = _closed_text(ice_class, closed, escort)
    nsr_mask = mask
    for p in NSR_PASSAGES:
        nsr_mask |= network().bit(p)
    try:
        alt_runs = _runs(o, d, nsr_mask, waters, nation)
    except NoSeaRoute:
        alt_runs = None
    if alt_runs is None or nsr.closures_of_runs(list(alt_runs), ice_class, depart, speed_kmh,
                                                escort):
        kept = _finished(o, d, mask, waters, nation, (f"{why}; no route avoids it",),
                         territory)
        return SeaDecision(kept, shortest, closed, admissible=False)
    alt = _shortest(o, d, nsr_mask, waters, nation)
    routed = _finished(o, d, nsr_mask, waters, nation, (f"{why}; routed {_via(alt)}",),
                       territory)
    return SeaDecision(routed, shortest, closed)


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


def sea_decision(origin, destination, *, avoid: Iterable[str] = (),
                 ice_class: str | None = None, date=None, speed_kn: float | None = None,
                 nation: str | None = None, waters: str | None = None,
                 escort: bool = False, territory: bool = True) -> SeaDecision:
    """The router's decision for one leg (:class:`SeaDecision`): the one place where the NSR
    ice rules choose the way. :func:`sea_route`, the schedule, the ``NSR_ICE`` check,
    refuelling advice and reach all call it.

    Parameters
    ----------
    origin, destination
        Catalogue id, plan :class:`~planner.layers.catalogue.Place`, ``"lat,lon"`` or
        ``(lat, lon)``.
    avoid : iterable of str
        Passages (:data:`~planner.layers.sea_network.PASSAGES`) kept closed.
    ice_class : str, optional
        ``none``, ``Arc4`` ... ``Arc9``; with a ``date`` and no ice class the ship is taken
        to have none (as a plan's warship without ``ice_class``).
    date : date, datetime, ISO text or Timestamp, optional
        Departure time (a bare date is 00:00 UTC). Without it the ice rules are not applied
        (the route's ``notes`` say so when it sails the NSR).
    speed_kn : float, optional
        Speed in knots, for the time the ship enters each NSR sea (default
        :data:`DEFAULT_SPEED_KN`).
    nation : str, optional
        ISO3 of the ship's flag: its own waters are not third-country waters.
    waters : {"prefer", "avoid", "any"}, optional
        Third-country territorial seas (CONTRACT section 1; default ``prefer``).
    escort : bool
        The NSR stretches are sailed under icebreaker escort: seas the rules open to the
        class only under escort are admissible.
    territory : bool
        Fill ``route.countries``/``territorial_nm`` (False for refuelling hops, which only
        need the way and the length).
    """
    o, d = _resolve(origin), _resolve(destination)
    key = tuple(sorted({str(a).strip().lower() for a in avoid}))
    mask = avoid_mask(key)
    w = _waters(waters)
    nat = None if nation is None else str(nation).strip().upper()
    ic = nsr.normalise_ice_class(ice_class)  # refused here even when no NSR is on the way
    if date is None:
        shortest = _finished(o, d, mask, w, nat, (), territory)
        # an edge of an NSR sea is a run; measure the runs only when a snap edge may hold one
        if "nsr" in shortest.passages or _runs(o, d, mask, w, nat):
            noted = _finished(o, d, mask, w, nat, (NO_DATE_NOTE,), territory)
            return SeaDecision(noted, shortest)
        return SeaDecision(shortest, shortest)
    depart = to_timestamp(date)
    kn = DEFAULT_SPEED_KN if speed_kn is None else float(speed_kn)
    if not kn > 0:
        raise ValueError(f"speed_kn must be > 0, not {speed_kn!r}")
    if not _runs(o, d, mask, w, nat):
        shortest = _finished(o, d, mask, w, nat, (), territory)
        return SeaDecision(shortest, shortest)
    return _decide(o, d, mask, w, nat, ic, int(depart.timestamp() // 60), kn * KMH_PER_KN,
                   bool(escort), bool(territory))


def sea_route(origin, destination, *, avoid: Iterable[str] = (), ice_class: str | None = None,
              date=None, speed_kn: float | None = None, nation: str | None = None,
              waters: str | None = None, escort: bool = False) -> Route:
    """Shortest admissible sea route between two places (catalogue id, ``"lat,lon"``,
    ``(lat, lon)`` or a :class:`~planner.layers.catalogue.Place`).

    ``avoid`` names passages from :data:`PASSAGES`. With a ``date`` (the departure time),
    each NSR sea on the way is judged at the time the ship gets there at ``speed_kn``
    (default 14 kn) against its ``ice_class`` (default ``none``) and ``escort``; a Northern
    Sea Route closed then is avoided, with the five NSR passages, and ``route.notes`` says
    why. ``route.countries`` and ``route.territorial_nm`` are the third countries'
    territorial seas crossed (own waters of ``nation`` and those of the two ends excluded).
    Parameters as :func:`sea_decision`, whose ``route`` this is. Raises :class:`NoSeaRoute`
    if the avoided passages leave no route, ValueError for an unknown passage, ice class or
    ``waters``.
    """
    return sea_decision(origin, destination, avoid=avoid, ice_class=ice_class, date=date,
                        speed_kn=speed_kn, nation=nation, waters=waters, escort=escort).route


def _waters(waters: str | None) -> str:
    w = "prefer" if waters is None else str(waters).strip().lower()
    if w not in WATERS:
        raise ValueError(f"unknown waters {waters!r}; use one of {', '.join(WATERS)}")
    return w
