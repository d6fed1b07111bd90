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
             geodesic_bound: bool = True,
             floor_fn: Callable[[Place, Place], float | None] | None = None) -> Chain | None:
    """``chains(...).get(target.id)`` for one target, routing only the hops that can decide
    it (issue 16).

    :func:`chains` gives each (place, hops) state its best label (added places, km) over the
    states one hop before it, popped in (added, km, id) order, a label replaced only by a
    strictly smaller one; a hop is routed at the km of its start's label. Here the label of
    (target, ``L``) is worked out on demand for ``L = 1 .. max_stops + 1``, each state from
    its possible predecessors in order of a lower bound of what they can give:

    * a predecessor ``x`` of ``y`` gives at least (``x``'s penalty, ``geodesic(origin, x) +
      geodesic(x, y)`` over ``GEODESIC_SLACK``): no hop beats the geodesic by more than the
      slack (the promise of ``geodesic_bound``), and the geodesic obeys the triangle
      inequality. Once a candidate label is found, predecessors whose bound exceeds it cannot
      give it or tie with it and are not looked at (their labels are not worked out, their
      hops not routed); among those that give the smallest label, the first in (added, km,
      id) order wins, as in the Dijkstra search;
    * a place ``x`` can be a predecessor after ``n`` hops only if ``geodesic(origin, x)`` and
      ``geodesic(x, y)`` allow ``n`` hops and one more (each at most ``range_km`` times the
      slack), and, after a stop, only if it is a stop;
    * the choice is the fewest added places, then the fewest hops, then the shortest km: the
      first ``L`` reached with no added place settles it; else later ``L`` are searched only
      for labels with fewer added places than the best so far (a label is exact whenever it
      is below that budget, since its best predecessor is too).

    So the labels worked out, the hops routed (a subset of those :func:`chains` routes, each
    at the same ``after_km``) and the chain chosen are the full search's.

    ``floor_fn(a, b)``, with ``geodesic_bound``, is a tighter lower bound of one hop
    ``a -> b`` (km; None: none known), e.g. the routed length between two catalogue ports
    in the hop table: it bounds that hop only (a hop's last leg in the bounds above, and
    which pairs may hop at all), never a chain of hops (routed lengths need not obey the
    triangle inequality: each hop frees its own ends' waters), which keeps the geodesic's.
    """
    if target.id == origin.id:
        return None
    stops = {p.id: p for p in candidates if p.id != origin.id}
    penalty = {p.id: 1 for p in extra if p.id != origin.id and p.id not in stops}
    stops.update({p.id: p for p in extra if p.id in penalty})
    nodes = {origin.id: origin, **stops, target.id: target}
    ids = list(nodes)
    at = {pid: i for i, pid in enumerate(ids)}
    reach_km = range_km * GEODESIC_SLACK
    if geodesic_bound:
        lats = np.array([p.lat for p in nodes.values()], float)
        lons = np.array([p.lon for p in nodes.values()], float)
        n_ids = len(ids)
        geo = geodesic_km_many(np.repeat(lats, n_ids), np.repeat(lons, n_ids),
                               np.tile(lats, n_ids), np.tile(lons, n_ids)
                               ).reshape(n_ids, n_ids)
        geo_km = geo.tolist()
        # a hair off the bounds: rounding must never cut a chain
        floor = geo / GEODESIC_SLACK * (1 - 1e-9)
        chain_floor = floor[at[origin.id]].tolist()  # of a whole chain: the geodesic's only
        near_a = geo <= reach_km * (1 + 1e-9) + 1e-6
        tight = np.zeros_like(geo)
        if floor_fn is not None:
            places = list(nodes.values())
            for i, a in enumerate(places):
                for j, b in enumerate(places):
                    if i != j and (km := floor_fn(a, b)) is not None:
                        tight[i, j] = km
            floor = np.maximum(floor, tight * (1 - 1e-9))
            near_a &= tight <= range_km * (1 + 1e-9) + 1e-6
        floor_km = floor.tolist()  # of one hop
        near = near_a.tolist()
        from_origin = geo[at[origin.id]].tolist()
    else:  # hop_fn may beat the geodesic: every pair may hop, at any length
        floor_km = [[0.0] * len(ids) for _ in ids]
        near = [[True] * len(ids) for _ in ids]
        from_origin = [0.0] * len(ids)
        chain_floor = from_origin
    hop_cache: dict[tuple[str, str, float], Route | None] = {}

    def hop(a: Place, b: Place, after_km: float) -> Route | None:
        if geodesic_bound and (geo_km[at[a.id]][at[b.id]] > range_km * GEODESIC_SLACK
                               or not near[at[a.id]][at[b.id]]):
            return None  # the bounds of the pair, as worked out above
        key = (a.id, b.id, round(after_km, 3))
        if key not in hop_cache:
            try:
                r = hop_fn(a, b, after_km)
            except ValueError:  # no route (NoSeaRoute, NoRoute)
                r = None
            hop_cache[key] = r if r is not None and r.distance_km <= range_km else None
        return hop_cache[key]

    def hops_allow(x: str, n: int) -> bool:
        """Whether ``x`` may be ``n`` hops from the origin by the geodesic bound."""
        return not geodesic_bound or from_origin[at[x]] <= n * reach_km * (1 + 1e-9) + 1e-6

    # (place id, hops) -> (budget it was worked out under, label or None); a label is
    # (added, km, predecessor id, route of the last hop)
    memo: dict[tuple[str, int], tuple[float, tuple[int, float, str, Route] | None]] = {}

    def label(y: str, n: int, budget: float) -> tuple[int, float, str, Route] | None:
        """The full search's label of ``(y, n)`` if it has fewer than ``budget`` added
        places, else None."""
        if (y, n) in memo:
            under, lab = memo[(y, n)]
            if budget <= under:
                return lab if lab is not None and lab[0] < budget else None
        iy = at[y]
        if n == 1:
            preds = [(0, 0.0, origin.id)]
        else:
            preds = sorted(
                (penalty.get(x, 0), chain_floor[at[x]] + floor_km[at[x]][iy], x)
                for x in stops if x != y and near[at[x]][iy] and hops_allow(x, n - 1)
                and penalty.get(x, 0) < budget)
        best: tuple[int, float] | None = None
        chosen: tuple | None = None
        for low_add, low_km, x in preds:
            if best is not None and (low_add, low_km) > best:
                break  # neither this nor any later predecessor gives or ties the best
            if n == 1:
                added, km, cost = 0, 0.0, 0
            else:
                lx = label(x, n - 1, budget)
                if lx is None:
                    continue
                added, km = lx[0], lx[1]
                cost = added + penalty.get(x, 0)
                if cost >= budget:
                    continue
            r = hop(nodes[x], nodes[y], km)
            if r is None:
                continue
            cand = (cost, km + r.distance_km)
            tie = (cand, added, km, x)  # the Dijkstra search's pop order breaks ties
            if chosen is None or tie < chosen[0]:
                chosen = (tie, r)
            if best is None or cand < best:
                best = cand
        lab = None if chosen is None else (*chosen[0][0], chosen[0][3], chosen[1])
        memo[(y, n)] = (budget, lab)
        return lab

    goal: tuple[int, int] | None = None  # (added, hops)
    for hops in range(1, max_stops + 2):
        if not hops_allow(target.id, hops):
            continue
        lab = label(target.id, hops, math.inf if goal is None else goal[0])
        if lab is not None:
            goal = (lab[0], hops)
            if goal[0] == 0:
                break  # nothing beats no added place and the fewest hops
    if goal is None:
        return None
    path_stops, routes = [], []
    y, n = target.id, goal[1]
    while n > 0:
        lab = memo[(y, n)][1]
        routes.append(lab[3])
        y, n = lab[2], n - 1
        if n > 0:
            path_stops.append(nodes[y])
    path_stops.reverse()
    routes.reverse()
    return Chain(tuple(path_stops), tuple(routes), tuple(p for p in path_stops if p.id in penalty))


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


