"""``refuel.chain_to`` (pruned search, issue 16) against ``refuel.chains`` (the plain Dijkstra
search over every (place, hops) state): the same chain, stops, hops and added places on random
candidate sets with random time-dependent synthetic hop functions.

The hop functions keep the promise both searches rely on (``geodesic_bound``): no hop is
shorter than the geodesic over ``GEODESIC_SLACK``, so a pair farther apart than the range has
no hop. Lengths are rounded up to coarse steps so that equal totals (ties) are common, hops
depend on ``after_km`` (the time they are sailed), some pairs have no route at all, and some
places sit on top of each other or on the target.
"""

from __future__ import annotations

import math
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.layers.catalogue import Place
from planner.layers.geodesy import geodesic_km
from planner.routing.refuel import GEODESIC_SLACK, chain_to, chains
from planner.routing.route import Route


def _place(pid: str, lat: float, lon: float) -> Place:
    return Place(pid, pid, "port", lat, lon, None)


def _hop_fn(seed: int, step_km: float, no_route: float, calls: list,
            factors=(1.0, 1.0, 1.0, 1.1, 1.4)):
    """A deterministic hop function: ``geodesic / slack`` (never shorter) times a factor drawn
    per (a, b, 1,000 km band of ``after_km``), rounded up to ``step_km``; ``no_route`` of the
    pairs raise ValueError as the routers do."""
    def hop(a: Place, b: Place, after_km: float) -> Route:
        calls.append((a.id, b.id, after_km))
        rng = random.Random(f"{seed}:{a.id}:{b.id}:{int(after_km // 1000)}")
        if rng.random() < no_route:
            raise ValueError("no route")
        geo = geodesic_km(a.lat, a.lon, b.lat, b.lon)
        km = math.ceil(geo / GEODESIC_SLACK * rng.choice(factors) / step_km)
        km = max(km * step_km, geo / GEODESIC_SLACK)
        return Route(a.id, b.id, "sea", km, [a.lon, b.lon], [a.lat, b.lat])
    return hop


@st.composite
def _problem(draw):
    """Places in a box about 3,500 km wide (``scale`` 1) or 14,000 km (``scale`` 4), the
    origin at its west end and the target at its east end, so that chains of several stops,
    chains that need an added place and no chain at all all come up."""
    scale = draw(st.sampled_from([1.0, 1.0, 4.0]))
    n = draw(st.integers(2, 24) | st.integers(12, 24))
    pts = [("p0", draw(st.floats(0, 20)), draw(st.floats(0, 4))),
           ("p1", draw(st.floats(0, 20)), draw(st.floats(24, 28)) * scale)]
    for i in range(2, n):
        if draw(st.integers(0, 9)) == 0:  # on top of an earlier place
            lat, lon = pts[draw(st.integers(0, len(pts) - 1))][1:]
        else:
            lat, lon = draw(st.floats(-2, 22)), draw(st.floats(-2, 30)) * scale
        pts.append((f"p{i}", lat, lon))
    places = [_place(*p) for p in pts]
    origin, target = places[0], places[1]
    rest = places[2:]
    roles = [draw(st.sampled_from(["stop", "stop", "extra", "extra", "none"])) for _ in rest]
    cands = [p for p, r in zip(rest, roles, strict=True) if r == "stop"]
    extra = [p for p, r in zip(rest, roles, strict=True) if r == "extra"]
    if draw(st.integers(0, 3)) == 0:
        cands.append(target)  # the target may also be a stop
    if draw(st.integers(0, 5)) == 0:
        extra.append(cands[0] if cands else origin)  # an extra that is already usable
    return dict(origin=origin, target=target, cands=cands, extra=extra,
                range_km=draw(st.sampled_from([1000.0, 1500.0, 2200.0, 3500.0])) * scale,
                max_stops=draw(st.sampled_from([0, 1, 2, 3, 4, 4, 4])),
                seed=draw(st.integers(0, 10**6)),
                step_km=draw(st.sampled_from([1.0, 100.0, 400.0])) * scale,
                no_route=draw(st.sampled_from([0.0, 0.05, 0.2])),
                with_extra=draw(st.integers(0, 3)) > 0)


def _same(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return (a.stop_ids == b.stop_ids and [p.id for p in a.added] == [p.id for p in b.added]
            and [r.distance_km for r in a.hops] == [r.distance_km for r in b.hops]
            and [(r.origin, r.destination) for r in a.hops]
            == [(r.origin, r.destination) for r in b.hops])


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problem())
def test_pruned_chain_equals_full_dijkstra(pb):
    extra = pb["extra"] if pb["with_extra"] else ()
    ref_calls: list = []
    new_calls: list = []
    ref = chains(pb["origin"], pb["range_km"], pb["cands"],
                 _hop_fn(pb["seed"], pb["step_km"], pb["no_route"], ref_calls),
                 max_stops=pb["max_stops"], targets=[pb["target"]], extra=extra
                 ).get(pb["target"].id)
    new = chain_to(pb["origin"], pb["target"], pb["range_km"], pb["cands"],
                   _hop_fn(pb["seed"], pb["step_km"], pb["no_route"], new_calls),
                   max_stops=pb["max_stops"], extra=extra)
    assert _same(ref, new), (ref, new)
    # every hop the pruned search routes, the full search routes at the same distance out
    assert set(new_calls) <= set(ref_calls)


def test_pruned_search_routes_fewer_hops():
    """Places strung along a line 1,000 km apart, range 1,500 km: the chain is the line; the
    pruned search routes far fewer hops than the full one."""
    line = [_place(f"q{i}", 0.0, 9.0 * i) for i in range(12)]
    ref_calls: list = []
    new_calls: list = []
    ref = chains(line[0], 1500.0, line[1:], _hop_fn(1, 1.0, 0.0, ref_calls, (1.0,)),
                 targets=[line[5]]).get("q5")
    new = chain_to(line[0], line[5], 1500.0, line[1:], _hop_fn(1, 1.0, 0.0, new_calls, (1.0,)))
    assert ref is not None and _same(ref, new)
    assert ref.stop_ids == ["q1", "q2", "q3", "q4"]
    assert len(set(new_calls)) < len(set(ref_calls)) / 2


def _inflation(seed: int, a: Place, b: Place) -> float:
    """A factor of one pair at every time (a coastal state's seas kept out of on that pair
    only): pairs so inflated break the triangle inequality of routed lengths (a bound of a
    whole chain taken from them would be wrong: this test fails on it)."""
    return random.Random(f"g{seed}:{a.id}:{b.id}").choice((1.0, 1.0, 3.0))


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_problem())
def test_a_per_hop_floor_keeps_the_chain(pb):
    """``floor_fn`` (the hop table's routed lengths in the RANGE check) bounds each hop tightly,
    even where routed lengths break the triangle inequality: the chain is still the full
    search's."""
    extra = pb["extra"] if pb["with_extra"] else ()
    seed, step = pb["seed"], pb["step_km"]
    base = _hop_fn(seed, step, pb["no_route"], [])

    def hop(a, b, after_km):
        r = base(a, b, after_km)
        return Route(a.id, b.id, "sea", r.distance_km * _inflation(seed, a, b), r.lons, r.lats)

    def floor(a, b):  # the smallest the hop can be at any time (factor 1, rounded up)
        if random.Random(f"f{seed}:{a.id}:{b.id}").random() < 0.2:
            return None  # a pair the table does not hold
        geo = geodesic_km(a.lat, a.lon, b.lat, b.lon) / GEODESIC_SLACK
        return max(math.ceil(geo / step) * step, geo) * _inflation(seed, a, b)

    ref = chains(pb["origin"], pb["range_km"], pb["cands"], hop, max_stops=pb["max_stops"],
                 targets=[pb["target"]], extra=extra).get(pb["target"].id)
    new = chain_to(pb["origin"], pb["target"], pb["range_km"], pb["cands"], hop,
                   max_stops=pb["max_stops"], extra=extra, floor_fn=floor)
    assert _same(ref, new), (ref, new)
