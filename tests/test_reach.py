"""Refuelling stops and reach."""

from __future__ import annotations

import numpy as np
import pytest
from shapely.geometry import Point

from planner.layers.catalogue import Place
from planner.layers.geodesy import GEOD
from planner.routing.reach import air_ring, reach, reach_area
from planner.routing.refuel import fewest_stops
from planner.routing.route import Route


def _line_fn(a: Place, b: Place) -> Route:
    """Toy route: distance = |x difference| * 100 km (places on a line, lat = 0)."""
    km = abs(a.lon - b.lon) * 100.0
    return Route(a.id, b.id, "sea", km, np.array([a.lon, b.lon]), np.array([0.0, 0.0]))


def _p(pid: str, x: float) -> Place:
    return Place(pid, pid, "port", 0.0, x)


A, B, C, D, E = _p("a", 0), _p("b", 3), _p("c", 5), _p("d", 6), _p("e", 10)


def test_direct_hop():
    assert fewest_stops(A, E, 1000, [B, C, D], _line_fn) == ([], 1000.0)


def test_fewest_stops_hand_computed():
    # range 500 km: a(0)->c(5)->e(10) is 2 hops, 1 stop; a->b->d->e would be 2 stops
    assert fewest_stops(A, E, 500, [B, C, D], _line_fn) == (["c"], 1000.0)
    # range 400 km: a->b(3)->d(6)->e(10): 2 stops (c then needs 5->10 = 500 > 400)
    assert fewest_stops(A, E, 400, [B, C, D], _line_fn) == (["b", "d"], 1000.0)


def test_unreachable_and_max_stops():
    assert fewest_stops(A, E, 250, [B, C, D], _line_fn) is None
    assert fewest_stops(A, E, 400, [B, C, D], _line_fn, max_stops=1) is None


def test_reach_sea_with_stops():
    # 2,000 nm unrefuelled from Visakhapatnam: Mumbai (~1,700-1,900 nm round Sri Lanka) in,
    # Vladivostok (~4,500 nm) only with stops
    df = reach("visakhapatnam", 2000 * 1.852, mode="sea", stops=0)
    assert "mumbai" in set(df["id"]) and "vladivostok" not in set(df["id"])
    # 3,500 nm: Vladivostok (~4,600 nm) needs a stop (Singapore ~1,580 + ~3,000 nm)
    df2 = reach("visakhapatnam", 3500 * 1.852, mode="sea", stops=2).set_index("id")
    assert "vladivostok" in df2.index and len(df2.loc["vladivostok", "stops"]) >= 1
    assert (df2["distance_km"] > 0).all()


def test_air_ring_is_true_geodesic():
    lat, lon, r_km = 17.7, 83.3, 3000.0
    ring = air_ring(lat, lon, r_km)
    for az in (0, 90, 200):
        x, y, _ = GEOD.fwd(lon, lat, az, (r_km - 50) * 1000)
        assert ring.contains(Point(x, y))
        x, y, _ = GEOD.fwd(lon, lat, az, (r_km + 50) * 1000)
        assert not ring.contains(Point(x, y))


def test_air_ring_pole_and_antimeridian():
    ring = air_ring(69.0, 33.0, 3000.0)  # Murmansk: the pole is 2,330 km away
    assert ring.contains(Point(0, 89.9)) and ring.is_valid
    ring2 = air_ring(64.7, 177.7, 1000.0)  # Anadyr: crosses 180
    assert ring2.contains(Point(-179.0, 65.0)) and ring2.contains(Point(179.0, 65.0))
    assert ring2.bounds[0] >= -180 and ring2.bounds[2] <= 180


def test_sea_area_network_isochrone():
    area = reach_area("visakhapatnam", 1500.0, "sea")
    assert area.contains(Point(83.5, 16.5))  # off Vizag
    assert area.intersects(Point(80.29, 13.1).buffer(1.0))  # Chennai, ~700 km by sea
    assert not area.intersects(Point(72.84, 19.05).buffer(1.0))  # Mumbai, ~3,300 km by sea
    with pytest.raises(ValueError):
        reach_area("visakhapatnam", 100.0, "rail")
