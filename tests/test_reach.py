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
from planner.routing.sea import sea_route


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


def _brute_force(origin: str, target: str, range_km: float, ports: list[str],
                 max_stops: int) -> tuple[int, float] | None:
    """Fewest stops, then least km, by trying every ordered chain of distinct ports (hop
    lengths from sea_route, each at most the range)."""
    from itertools import permutations

    km = {}

    def hop(a, b):
        if (a, b) not in km:
            km[(a, b)] = sea_route(a, b).distance_km
        return km[(a, b)]

    mids = [p for p in ports if p not in (origin, target)]
    for n in range(max_stops + 1):
        best = None
        for chain in permutations(mids, n):
            legs = list(zip((origin, *chain), (*chain, target), strict=True))
            if all(hop(a, b) <= range_km for a, b in legs):
                total = sum(hop(a, b) for a, b in legs)
                best = total if best is None else min(best, total)
        if best is not None:
            return n, best
    return None


def test_reach_sea_with_stops_matches_brute_force():
    # 2,000 nm unrefuelled from Visakhapatnam: Mumbai (~1,700-1,900 nm round Sri Lanka) in,
    # Vladivostok (~4,500 nm) only with stops
    df = reach("visakhapatnam", 2000 * 1.852, mode="sea", stops=0)
    assert "mumbai" in set(df["id"]) and "vladivostok" not in set(df["id"])
    # 3,500 nm and up to 2 stops, over the Indian Ocean and Pacific ports: every chain tried
    ports = ["visakhapatnam", "chennai", "colombo", "port-blair", "campbell-bay",
             "singapore", "vladivostok", "petropavlovsk-kamchatsky", "mumbai", "kochi"]
    range_km = 3500 * 1.852
    df2 = reach("visakhapatnam", range_km, mode="sea", stops=2,
                candidates=ports).set_index("id")
    for target in ports[1:]:
        expect = _brute_force("visakhapatnam", target, range_km, ports, 2)
        if expect is None:
            assert target not in df2.index
            continue
        n, km = expect
        assert len(df2.loc[target, "stops"]) == n, target
        assert df2.loc[target, "distance_km"] == pytest.approx(km, rel=1e-9), target
    assert len(df2.loc["vladivostok", "stops"]) == 1  # Singapore ~1,580 + ~3,000 nm


def test_reach_takes_range_nm_like_the_cli():
    a = reach("visakhapatnam", range_nm=2000, mode="sea")
    b = reach("visakhapatnam", 2000 * 1.852, mode="sea")
    assert list(a["id"]) == list(b["id"])
    with pytest.raises(ValueError, match="exactly one"):
        reach("visakhapatnam", 3704.0, range_nm=2000)
    with pytest.raises(ValueError, match="exactly one"):
        reach("visakhapatnam")


def _rule(area: str, month: int, ice_class: str) -> str:
    """The outcome read by hand from the shipped calendar and admission table (independent
    first, then escort; the 1 July - 15 November season for no class and Ice1-Ice3)."""
    import csv

    from planner.core.paths import geodata_path

    if ice_class in ("none", "Ice1", "Ice2", "Ice3") and not 7 <= month <= 11:
        return "no"
    with open(geodata_path("nsr_ice_calendar.csv"), newline="") as fh:
        ice = next(r["ice"] for r in csv.DictReader(fh)
                   if r["area"] == area and int(r["month"]) == month)
    with open(geodata_path("nsr_admission.csv"), newline="") as fh:
        cells = {r["mode"]: r[ice] for r in csv.DictReader(fh)
                 if r["area"] == area and r["ice_class"] == ice_class}
    return ("independent" if cells["independent"] == "yes" else
            "escort" if cells["escort"] == "yes" else "no")


def test_reach_meets_the_season():
    """``reach`` with a date and ice class uses the NSR only where that class may sail it
    then (CONTRACT section 3); dikson, tiksi and pevek lie inside NSR seas. The sea network
    labels its edges by sea: a sea counts as its most restrictive area."""
    assert _rule("kara-sw", 1, "none") == "no"
    assert _rule("kara-ne", 10, "Arc4") == "escort"
    assert _rule("kara-sw", 10, "Arc4") == "independent"
    winter = set(reach("severomorsk", range_nm=3500, date="2026-01-15")["id"])
    autumn = set(reach("severomorsk", range_nm=3500, date="2026-10-01", ice_class="Arc4",
                       escort=True)["id"])
    assert {"dikson", "tiksi", "pevek"} <= autumn
    assert not {"dikson", "tiksi", "pevek"} & winter
    assert {"murmansk", "arkhangelsk"} <= winter  # the Barents and White Seas stay open
    # Arc4 in October alone: the Kara Sea (its north-eastern part) only under escort
    alone = set(reach("severomorsk", range_nm=3500, date="2026-10-01", ice_class="Arc4")["id"])
    assert "dikson" in autumn and "dikson" not in alone


def test_reach_area_leaves_out_closed_seas():
    r = sea_route("severomorsk", "dikson")
    point = Point(60.5382, 71.2908)  # a vertex of that route in the Kara Sea
    assert r.line.distance(point) < 0.01
    assert reach_area("severomorsk", 3500 * 1.852, date="2026-10-01", ice_class="Arc4",
                      escort=True).contains(point)
    assert not reach_area("severomorsk", 3500 * 1.852, date="2026-01-15").contains(point)


def test_reach_hop_distance_equals_the_route():
    """reach and route agree on a hop: one stop-free reach equals sea_route's distance."""
    for date, ice in [("2026-09-01", "none"), ("2026-01-15", None)]:
        df = reach("murmansk", 30000.0, candidates=["vladivostok"], date=date, ice_class=ice)
        r = sea_route("murmansk", "vladivostok", date=date, ice_class=ice)
        assert df.iloc[0]["distance_km"] == pytest.approx(r.distance_km, rel=1e-12)


def test_reach_command(capsys):
    from planner.cli import main

    rc = main(["reach", "severomorsk", "--range-nm", "3500", "--date", "2026-01-15",
               "--ice-class", "none", "--format", "csv"])
    out = capsys.readouterr().out
    assert rc == 0
    ids = {line.split(",")[0] for line in out.splitlines()[1:]}
    assert ids == set(reach("severomorsk", range_nm=3500, date="2026-01-15",
                            ice_class="none")["id"])
    assert "dikson" not in ids
    assert main(["reach", "severomorsk", "--range-nm", "3500", "--date", "2026-01-15",
                 "--ice-class", "Arc10"]) == 2


def test_chains_route_each_hop_at_its_distance_from_the_origin():
    from planner.routing.refuel import chains

    asked = []

    def hop(a, b, after_km):
        asked.append((a.id, b.id, after_km))
        return _line_fn(a, b)

    found = chains(A, 500, [B, C, D], hop, targets=[E], geodesic_bound=False)["e"]
    assert found.stop_ids == ["c"] and found.arrive_km() == [500.0]
    assert ("c", "e", 500.0) in asked  # the hop from c starts 500 km out
    assert ("a", "c", 0.0) in asked


def test_chains_name_the_fewest_places_to_add():
    from planner.routing.refuel import chains

    # range 350 km: a(0)->b(3)->d(6) then 400 km to e(10) is too far; x(8) is not usable today
    X = _p("x", 8)
    assert fewest_stops(A, E, 350, [B, D], _line_fn) is None
    found = chains(A, 350, [B, D], lambda a, b, _k: _line_fn(a, b), targets=[E],
                   extra=[X], geodesic_bound=False)["e"]
    assert found.stop_ids == ["b", "d", "x"] and [p.id for p in found.added] == ["x"]
    # a chain through usable places is preferred to a shorter one through added places
    Y = _p("y", 5)
    found = chains(A, 500, [C], lambda a, b, _k: _line_fn(a, b), targets=[E],
                   extra=[Y], geodesic_bound=False)["e"]
    assert found.stop_ids == ["c"] and found.added == ()


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


def test_drawn_sea_area_leaves_out_water_behind_a_closed_passage():
    """As the table does: from Mumbai the Black Sea is shut to warships entering since
    2022 (Türkiye), but not in 2021; a Russian warship at Novorossiysk reaches only the Black
    Sea (Montreux art. 19: belligerents' warships may not pass out)."""
    import shapely

    black_sea, aegean = (35.0, 43.0), (25.0, 38.0)  # lon, lat: mid Black Sea; south Aegean
    now = reach_area("mumbai", 9000, "sea", date="2026-06-01")
    assert not shapely.intersects_xy(now, *black_sea)
    assert shapely.intersects_xy(now, *aegean)
    before = reach_area("mumbai", 9000, "sea", date="2021-06-01")
    assert shapely.intersects_xy(before, *black_sea)
    home = reach_area("novorossiysk", 3000, "sea", nation="RUS", date="2026-06-01")
    assert shapely.intersects_xy(home, *black_sea) and not shapely.intersects_xy(home, *aegean)
    assert shapely.intersects_xy(reach_area("novorossiysk", 3000, "sea", nation="IND",
                                            date="2026-06-01"), *aegean)
