"""Fewest refuelling stops between two places for a ship or aircraft of limited range.

Generic over sea and air: hop distances come from a ``route_fn(a, b) -> Route``. Pairwise hop
distances among the places are computed once per call (and ``route_fn`` may cache its own).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from planner.layers.catalogue import Place, resolve_place
from planner.layers.geodesy import geodesic_km
from planner.routing.route import Route


def hop_matrix(places: Sequence, route_fn: Callable[[object, object], Route],
               max_km: float | None = None) -> dict[tuple[str, str], float]:
    """Route distance in km between every ordered pair of places (unroutable pairs omitted;
    with ``max_km``, pairs whose geodesic alone exceeds it are omitted without routing)."""
    resolved = [p if isinstance(p, Place) else resolve_place(p) for p in places]
    out: dict[tuple[str, str], float] = {}
    for a in resolved:
        for b in resolved:
            if a.id == b.id:
                continue
            # no route is shorter than the geodesic (1% slack for rounding): skip hopeless
            # pairs rather than route them; routing every pair (deny detours especially) made
            # one RANGE finding take minutes (issue 7 fuzzing)
            if max_km is not None and geodesic_km(a.lat, a.lon, b.lat, b.lon) > max_km * 1.01:
                continue
            try:
                out[(a.id, b.id)] = float(route_fn(a, b).distance_km)
            except ValueError:  # no route (e.g. NoSeaRoute)
                continue
    return out


def fewest_stops(origin, destination, range_km: float, candidates: Sequence,
                 route_fn: Callable[[object, object], Route], max_stops: int = 4,
                 geodesic_bound: bool = False) -> tuple[list[str], float] | None:
    """The fewest refuelling stops among ``candidates`` (then the shortest total distance) such
    that every hop is at most ``range_km``.

    Returns ``(stop_ids, total_km)`` (``stop_ids`` empty for a direct hop) or None if no chain
    of at most ``max_stops`` stops exists. ``geodesic_bound``: ``route_fn`` never beats the
    geodesic (true of the real sea and air routers), so pairs farther apart than the range
    are skipped without routing them.
    """
    o = origin if isinstance(origin, Place) else resolve_place(origin)
    d = destination if isinstance(destination, Place) else resolve_place(destination)
    cands = [c if isinstance(c, Place) else resolve_place(c) for c in candidates]
    cands = [c for c in cands if c.id not in (o.id, d.id)]
    hops = hop_matrix([o, *cands, d], route_fn, max_km=range_km if geodesic_bound else None)
    ids = [o.id, *[c.id for c in cands], d.id]
    # lexicographic Dijkstra on (stops, km): state = place id
    best: dict[str, tuple[int, float]] = {o.id: (0, 0.0)}
    prev: dict[str, str] = {}
    heap = [(0, 0.0, o.id)]
    while heap:
        stops, km, here = heapq.heappop(heap)
        if best.get(here, (1 << 30, 0.0)) < (stops, km):
            continue
        if here == d.id:
            path = []
            node = prev.get(here)
            while node is not None and node != o.id:
                path.append(node)
                node = prev.get(node)
            return path[::-1], km
        for nxt in ids:
            h = hops.get((here, nxt))
            if h is None or h > range_km or nxt == o.id:
                continue
            ns = stops + (0 if nxt == d.id else 1)
            if ns > max_stops:
                continue
            cand = (ns, km + h)
            if cand < best.get(nxt, (1 << 30, float("inf"))):
                best[nxt] = cand
                prev[nxt] = here
                heapq.heappush(heap, (ns, km + h, nxt))
    return None
