"""Fewest refuelling stops between two places for a ship or aircraft of limited range.

Generic over sea and air: a hop is routed by ``hop_fn(a, b, after_km) -> Route``, where
``after_km`` is the distance already covered from the origin when the hop starts, so that a
caller can route each hop at the time it is sailed (the NSR ice rules depend on it). A chain
is found by a Dijkstra search over (place, hops so far) states ordered by (places that would
have to be added to the plan's ``friendly`` list, km): exact for the fewest added places,
then the fewest stops, then the shortest distance, within ``max_stops``.

Candidates are resolved :class:`~planner.layers.catalogue.Place` objects (catalogue, plan
facilities or ``"lat,lon"`` points alike): nothing here looks an id up.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from planner.layers.catalogue import Place
from planner.layers.geodesy import geodesic_km, geodesic_km_many
from planner.routing.route import Route

#: ``hop_fn(a, b, after_km)``: the route of one hop starting ``after_km`` from the origin.
HopFn = Callable[[Place, Place, float], Route]
#: Slack on the geodesic bound: no route is shorter than the geodesic (1 % for rounding).
GEODESIC_SLACK = 1.01


@dataclass(frozen=True)
class Chain:
    """A chain of refuelling stops: ``stops`` (places, in order), ``hops`` (the route of each
    hop, one more than the stops), ``added`` (stops that are not usable today: the
    ``extra_cost`` places)."""

    stops: tuple[Place, ...]
    hops: tuple[Route, ...]
    added: tuple[Place, ...] = ()

    @property
    def stop_ids(self) -> list[str]:
        """Ids of the stops, in order."""
        return [p.id for p in self.stops]

    @property
    def distance_km(self) -> float:
        """Total routed distance in km."""
        return float(sum(r.distance_km for r in self.hops))

    def arrive_km(self) -> list[float]:
        """Distance from the origin at which each stop is reached, in km."""
        out, km = [], 0.0
        for r in self.hops[:-1]:
            km += r.distance_km
            out.append(km)
        return out


def chains(origin: Place, range_km: float, candidates: Sequence[Place], hop_fn: HopFn, *,
           max_stops: int = 4, targets: Sequence[Place] | None = None,
           extra: Sequence[Place] = (), geodesic_bound: bool = True) -> dict[str, Chain]:
    """The best chain from ``origin`` to each target within ``range_km`` per hop.

    Parameters
    ----------
    origin : Place
    range_km : float
        Longest hop in km.
    candidates : sequence of Place
        Places where the asset may refuel.
    hop_fn : HopFn
        Routes one hop; a ``ValueError`` (no route) drops the hop.
    max_stops : int
        Most refuelling stops on a chain.
    targets : sequence of Place, optional
        Destinations (default: the candidates).
    extra : sequence of Place
        Places the asset may not use today (not on the ``friendly`` list): a chain through
        them is found only when none avoids them, with the fewest of them.
    geodesic_bound : bool
        ``hop_fn`` never beats the geodesic (true of the real routers): farther pairs are
        dropped unrouted.

    Returns
    -------
    dict
        Target id -> :class:`Chain` (targets without a chain are absent).
    """
    stops = {p.id: p for p in candidates if p.id != origin.id}
    penalty = {p.id: 1 for p in extra if p.id != origin.id and p.id not in stops}
    stops.update({p.id: p for p in extra if p.id in penalty})
    goal = {p.id: p for p in (candidates if targets is None else targets)}
    nodes = {origin.id: origin, **stops, **goal}
    hop_cache: dict[tuple[str, str, float], Route | None] = {}

    def hop(a: Place, b: Place, after_km: float) -> Route | None:
        if geodesic_bound and (geodesic_km(a.lat, a.lon, b.lat, b.lon)
                               > range_km * GEODESIC_SLACK):
            return None
        key = (a.id, b.id, round(after_km, 3))
        if key not in hop_cache:
            try:
                r = hop_fn(a, b, after_km)
            except ValueError:  # no route (NoSeaRoute, NoRoute)
                r = None
            hop_cache[key] = r if r is not None and r.distance_km <= range_km else None
        return hop_cache[key]

    # state: (place id, hops so far); label: (added places, km); prev: state -> (state, route)
    start = (origin.id, 0)
    best: dict[tuple[str, int], tuple[int, float]] = {start: (0, 0.0)}
    prev: dict[tuple[str, int], tuple[tuple[str, int], Route]] = {}
    heap: list[tuple[int, float, str, int]] = [(0, 0.0, origin.id, 0)]
    done: set[tuple[str, int]] = set()
    while heap:
        added, km, here, n = heapq.heappop(heap)
        state = (here, n)
        if state in done:
            continue
        done.add(state)
        if n > max_stops or (n > 0 and here not in stops):
            continue  # a destination only, or no stop left
        cost = added + penalty.get(here, 0) if n > 0 else 0
        for nid, nxt in nodes.items():
            if nid == here or nid == origin.id:
                continue
            r = hop(nodes[here], nxt, km)
            if r is None:
                continue
            cand = (cost, km + r.distance_km)
            key = (nid, n + 1)
            if cand < best.get(key, (1 << 30, float("inf"))):
                best[key] = cand
                prev[key] = (state, r)
                heapq.heappush(heap, (cand[0], cand[1], nid, n + 1))
    out: dict[str, Chain] = {}
    for gid in goal:
        if gid == origin.id:
            continue
        found = [(best[(gid, n)][0], n, best[(gid, n)][1], n) for n in range(1, max_stops + 2)
                 if (gid, n) in best]
        if not found:
            continue
        *_, n = min(found)
        path_stops, hops = [], []
        state = (gid, n)
        while state in prev:
            state, r = prev[state]
            hops.append(r)
            if state[1] > 0:
                path_stops.append(nodes[state[0]])
        path_stops.reverse()
        hops.reverse()
        out[gid] = Chain(tuple(path_stops), tuple(hops),
                         tuple(p for p in path_stops if p.id in penalty))
    return out


def chain_to(origin: Place, target: Place, range_km: float, candidates: Sequence[Place],
             hop_fn: HopFn, *, max_stops: int = 4, extra: Sequence[Place] = (),
             geodesic_bound: bool = True) -> Chain | None:
    """``chains(...).get(target.id)`` for one target, routing far fewer hops (issue 16).

    Searched by iterative deepening on the number of hops ``L = 1 .. max_stops + 1``; each
    pass is the layer-by-layer search of :func:`chains` (each (place, hops) state expanded
    with its best label (added, km), predecessors in the order the Dijkstra search pops them,
    (added, km, id), a label replaced only by a strictly smaller one) with two exact cuts:

    * geodesic: a hop ``x -> y`` exists only if ``geodesic(x, y) <= range_km *
      GEODESIC_SLACK`` (``R``), so a place more than ``k R`` from the target cannot start the
      last ``k`` hops of a chain (triangle inequality). After ``n`` of ``L`` hops, places
      farther than ``(L - n) R`` from the target are never entered; no hop leads from such a
      place to one that is kept, so every kept label is the full search's label, reached by
      the same hop routed at the same ``after_km``, and ties resolve the same way;
    * budget: once the target is reached with ``A`` added places by ``n`` hops, only a chain
      with fewer added places beats it (the choice is fewest added, then fewest hops, then
      km), so later passes expand no state whose cost reaches ``A``; a kept label is again
      the full search's (its best predecessor costs less than ``A``).

    The target's label after ``L`` hops is thus exact in pass ``L``; the answer is settled at
    the first pass reaching it with no added place, else after the last pass. The hops routed
    are the few that can lie on a chain (a one-stop chain routes the origin's hops to places
    in range of the target and their hops to it), not the whole catalogue from every stop.
    """
    if target.id == origin.id:
        return None
    stops = {p.id: p for p in candidates if p.id != origin.id}
    penalty = {p.id: 1 for p in extra if p.id != origin.id and p.id not in stops}
    stops.update({p.id: p for p in extra if p.id in penalty})
    nodes = {origin.id: origin, **stops, target.id: target}
    ids = list(nodes)
    lats = np.array([p.lat for p in nodes.values()], float)
    lons = np.array([p.lon for p in nodes.values()], float)
    reach_km = range_km * GEODESIC_SLACK
    if geodesic_bound:
        to_target = dict(zip(ids, geodesic_km_many(
            lats, lons, np.full(len(ids), target.lat), np.full(len(ids), target.lon)
        ).tolist(), strict=True))
    else:
        to_target = dict.fromkeys(ids, 0.0)  # any place may be a hop from any other
    neighbours: dict[str, list[str]] = {}
    hop_cache: dict[tuple[str, str, float], Route | None] = {}

    def within(hops_left: int) -> float:
        """Farthest a place may be from the target with ``hops_left`` hops to go, in km
        (a hair over ``hops_left * R``: rounding must not cut a chain)."""
        return hops_left * reach_km * (1 + 1e-9) + 1e-6 if geodesic_bound else math.inf

    def next_to(here: str) -> list[str]:
        """Places one hop may reach from ``here`` (in ``nodes`` order; a superset of the
        hops the geodesic bound of :func:`hop` lets through)."""
        if here not in neighbours:
            if geodesic_bound:
                p = nodes[here]
                d_km = geodesic_km_many(np.full(len(ids), p.lat), np.full(len(ids), p.lon),
                                        lats, lons)
                near = [nid for nid, d in zip(ids, d_km.tolist(), strict=True)
                        if d <= within(1)]
            else:
                near = ids
            neighbours[here] = [nid for nid in near if nid != here and nid != origin.id]
        return neighbours[here]

    def hop(a: Place, b: Place, after_km: float) -> Route | None:
        if geodesic_bound and (geodesic_km(a.lat, a.lon, b.lat, b.lon)
                               > range_km * GEODESIC_SLACK):
            return None
        key = (a.id, b.id, round(after_km, 3))
        if key not in hop_cache:
            try:
                r = hop_fn(a, b, after_km)
            except ValueError:  # no route (NoSeaRoute, NoRoute)
                r = None
            hop_cache[key] = r if r is not None and r.distance_km <= range_km else None
        return hop_cache[key]

    def deepen(hops: int, budget: float) -> tuple[int, Chain] | None:
        """``(added places, chain)`` of the full search's label of the target after exactly
        ``hops`` hops, if it has fewer than ``budget`` added places; else None."""
        if to_target[origin.id] > within(hops):
            return None
        # layer: place id -> (added, km); prev: (place id, hops) -> ((place id, hops), route)
        layer: dict[str, tuple[int, float]] = {origin.id: (0, 0.0)}
        prev: dict[tuple[str, int], tuple[tuple[str, int], Route]] = {}
        for n in range(hops):
            last = n == hops - 1
            limit_km = within(hops - n - 1)
            nxt: dict[str, tuple[int, float]] = {}
            for here in sorted(layer, key=lambda pid: (*layer[pid], pid)):
                added, km = layer[here]
                if n > 0 and here not in stops:
                    continue  # a destination only
                cost = added + penalty.get(here, 0) if n > 0 else 0
                if cost >= budget:
                    continue
                ahead = [target.id] if last else next_to(here)
                for nid in ahead:
                    if nid == here or to_target[nid] > limit_km:
                        continue
                    r = hop(nodes[here], nodes[nid], km)
                    if r is None:
                        continue
                    cand = (cost, km + r.distance_km)
                    if cand < nxt.get(nid, (1 << 30, math.inf)):
                        nxt[nid] = cand
                        prev[(nid, n + 1)] = ((here, n), r)
            layer = nxt
            if not layer:
                return None
        if target.id not in layer:
            return None
        path_stops, routes = [], []
        state = (target.id, hops)
        while state in prev:
            state, r = prev[state]
            routes.append(r)
            if state[1] > 0:
                path_stops.append(nodes[state[0]])
        path_stops.reverse()
        routes.reverse()
        return layer[target.id][0], Chain(tuple(path_stops), tuple(routes),
                                          tuple(p for p in path_stops if p.id in penalty))

    best: tuple[int, Chain] | None = None
    for hops in range(1, max_stops + 2):
        found = deepen(hops, math.inf if best is None else best[0])
        if found is not None:
            best = found
            if best[0] == 0:
                break  # nothing beats no added place and the fewest hops
    return None if best is None else best[1]


def fewest_stops(origin: Place, destination: Place, range_km: float,
                 candidates: Sequence[Place], route_fn: Callable[..., Route],
                 max_stops: int = 4, geodesic_bound: bool = False,
                 extra: Sequence[Place] = ()) -> tuple[list[str], float] | None:
    """The fewest refuelling stops among ``candidates`` (then the shortest total distance) such
    that every hop is at most ``range_km``.

    Returns ``(stop_ids, total_km)`` (``stop_ids`` empty for a direct hop) or None if no chain
    of at most ``max_stops`` stops exists. ``route_fn(a, b)`` routes a hop (time does not
    matter to it; :func:`chains` takes a time-aware one). ``geodesic_bound``: ``route_fn``
    never beats the geodesic, so pairs farther apart than the range are skipped unrouted.
    """
    found = chains(origin, range_km, candidates, lambda a, b, _km: route_fn(a, b),
                   max_stops=max_stops, targets=[destination], extra=extra,
                   geodesic_bound=geodesic_bound).get(destination.id)
    if found is None:
        return None
    return found.stop_ids, found.distance_km


