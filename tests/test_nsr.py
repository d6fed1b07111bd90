"""NSR seas, the ice-class table, the one admissibility test (``closures``) and ice-aware sea
routing. Expected outcomes come from the shipped table read here with the csv module, times
from pyproj distances and hand arithmetic."""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np
import pytest
from pyproj import Geod
from shapely.geometry import Point

from planner.core.paths import geodata_path
from planner.layers.nsr import (
    ICE_CLASSES,
    admissible,
    closures,
    ice_violations,
    nsr_legs,
    nsr_seas,
    nsr_transit,
    nsr_violations,
    permitted,
    sea_runs,
)
from planner.routing.route import Route
from planner.routing.sea import sea_decision, sea_route

WGS84 = Geod(ellps="WGS84")
UTC = dt.UTC
KMH_14KN = 14 * 1.852  # 14 kn in km/h (1 nm = 1,852 m exactly)


def table_rule(sea: str, month: int, ice: str) -> str:
    """The shipped table's outcome, read independently of planner.layers.nsr."""
    with open(geodata_path("nsr_ice_rules.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            if row["sea"] == sea and int(row["month"]) == month:
                return row[ice]
    raise KeyError((sea, month))


def straight(lon0, lat0, lon1, lat1) -> Route:
    """A two-point route with its pyproj geodesic length."""
    km = WGS84.inv(lon0, lat0, lon1, lat1)[2] / 1000.0
    return Route("a", "b", "sea", km, np.array([lon0, lon1]), np.array([lat0, lat1]))


def test_four_seas_contain_known_points():
    seas = nsr_seas().set_index("sea")
    # Dikson (Kara), Tiksi Bay (Laptev), Pevek (East Siberian), Wrangel-Chukotka strait (Chukchi)
    for sea, lon, lat in [("kara", 80.5, 73.6), ("laptev", 129.5, 72.0),
                          ("east-siberian", 170.3, 69.9), ("chukchi", -175.0, 69.5)]:
        assert seas.geometry[sea].contains(Point(lon, lat)), sea
    # Barents Sea (west of Novaya Zemlya) and the Gulf of Anadyr are outside
    for lon, lat in [(45.0, 72.0), (-178.0, 64.0)]:
        assert not seas.geometry.contains(Point(lon, lat)).any()


def test_ice_table_monotone_in_class():
    for sea in ["kara", "laptev", "east-siberian", "chukchi"]:
        for month in range(1, 13):
            ok = [permitted(c, sea, month) for c in ICE_CLASSES]
            assert ok == sorted(ok), (sea, month)  # a stronger class is never refused more
            assert permitted("Arc9", sea, month)


def test_no_ice_class_only_in_late_summer():
    assert permitted("none", "kara", 9)
    assert not permitted("none", "kara", 2)
    assert not permitted("Arc4", "east-siberian", 2)
    assert permitted("Arc7", "east-siberian", 8)


def test_admissible_follows_the_table_and_the_escort():
    for sea in ["kara", "laptev", "east-siberian", "chukchi"]:
        for month in range(1, 13):
            for ice in ICE_CLASSES:
                outcome = table_rule(sea, month, ice)
                assert admissible(ice, sea, month) == (outcome == "independent")
                assert admissible(ice, sea, month, escort=True) == (
                    outcome in ("independent", "escort"))


def test_closure_judged_in_every_month_the_ship_is_inside_a_sea():
    # a straight run across the Kara Sea, 70E 75N -> 90E 76N, sailed in 48 h
    r = straight(70.0, 75.0, 90.0, 76.0)
    assert [s for s, *_ in sea_runs(r)] == ["kara"]
    speed = r.distance_km / 48.0
    assert table_rule("kara", 9, "none") == "independent"
    assert table_rule("kara", 10, "none") == "no"
    # in by 30 Sep 18:00, out by 2 Oct 18:00: the ship is in the Kara Sea in October too
    (c,) = closures(r, "none", "2026-09-30T18:00Z", speed)
    assert (c.sea, c.month, c.rule) == ("kara", 10, "no")
    assert c.when == dt.datetime(2026, 10, 1, tzinfo=UTC)
    # leaving 28 Sep it is out by 30 Sep 00:00: September only, admissible
    assert closures(r, "none", "2026-09-28T00:00Z", speed) == []
    # Arc4: October is independent, so both are admissible
    assert table_rule("kara", 10, "Arc4") == "independent"
    assert closures(r, "Arc4", "2026-09-30T18:00Z", speed) == []
    # no date: nothing is judged
    assert closures(r, "none", None, speed) == []


def test_escort_opens_the_seas_open_under_escort():
    r = straight(70.0, 75.0, 90.0, 76.0)
    assert table_rule("kara", 7, "Arc4") == "escort"
    (c,) = closures(r, "Arc4", "2026-07-10T00:00Z", KMH_14KN)
    assert c.rule == "escort"
    assert closures(r, "Arc4", "2026-07-10T00:00Z", KMH_14KN, escort=True) == []


def test_arc7_in_august_sails_the_nsr():
    r = sea_route("murmansk", "vladivostok", ice_class="Arc7", date="2026-08-15")
    suez = sea_route("murmansk", "vladivostok", avoid=["nsr"])
    assert "nsr" in r.passages and not r.notes
    assert r.distance_km < 0.6 * suez.distance_km
    assert nsr_transit(r)
    assert [s for s, _ in nsr_legs(r)] == ["kara", "laptev", "east-siberian", "chukchi"]
    assert not nsr_violations(r, "Arc7", 8)


@pytest.mark.parametrize("ice_class", ["none", "Arc4"])
def test_winter_refused_and_rerouted_via_suez(ice_class):
    r = sea_route("murmansk", "vladivostok", ice_class=ice_class, date="2026-02-10")
    assert "nsr" not in r.passages and "suez" in r.passages
    assert r.notes and f"NSR closed to ice class {ice_class}" in r.notes[0]
    assert "Kara Sea in February" in r.notes[0]
    assert "routed via" in r.notes[0] and "Suez" in r.notes[0]
    nsr = sea_route("murmansk", "vladivostok")
    assert ("kara", 2) in nsr_violations(nsr, ice_class, 2)
    assert ice_violations(nsr, ice_class, "2026-02-10") == nsr_violations(nsr, ice_class, 2)


def test_each_sea_judged_when_the_ship_gets_there_not_at_departure():
    """A departure in September does not open the NSR for October (issue 12 item 19)."""
    for sea in ("kara", "laptev", "east-siberian", "chukchi"):
        assert table_rule(sea, 9, "none") == "independent"
        assert table_rule(sea, 10, "none") == "no"
    # Severomorsk to the Chukchi Sea is at least the geodesic to its western limit (180 E,
    # 70 N): at 14 kn that many hours at least, so leaving 25 Sep the ship is there in October
    geo_km = WGS84.inv(33.4167, 69.0733, 180.0, 70.0)[2] / 1000.0
    earliest = dt.datetime(2026, 9, 25, tzinfo=UTC) + dt.timedelta(hours=geo_km / KMH_14KN)
    assert earliest.month == 10 or earliest > dt.datetime(2026, 9, 28, tzinfo=UTC)
    late = sea_decision("severomorsk", "vladivostok", ice_class="none",
                        date="2026-09-25", speed_kn=14)
    assert "nsr" not in late.route.passages and late.rerouted
    assert any(c.month == 10 for c in late.closed)
    # leaving 1 Sep the whole NSR route (< 6,000 nm, < 18 days at 14 kn) is sailed in September
    early = sea_route("severomorsk", "vladivostok", ice_class="none", date="2026-09-01")
    assert "nsr" in early.passages and early.distance_nm < 6000
    assert early.distance_nm / 14 / 24 < 18


def test_a_date_without_ice_class_means_none():
    """A January date never silently returns the NSR (issue 12 item 8)."""
    jan = sea_route("murmansk", "vladivostok", date="2026-01-15")
    assert jan.passages == sea_route("murmansk", "vladivostok", ice_class="none",
                                     date="2026-01-15").passages
    assert "nsr" not in jan.passages
    bare = sea_route("murmansk", "vladivostok")  # no date: shortest, with a note
    assert "nsr" in bare.passages and any("no date given" in n for n in bare.notes)


def test_the_five_nsr_passages_are_closed_together():
    r = sea_route("murmansk", "vladivostok", ice_class="none", date="2026-02-10")
    assert not {"nsr", "kara-gate", "vilkitsky", "sannikov", "dmitry-laptev"} & set(r.passages)
    assert sea_runs(r) == []


def test_no_route_avoids_a_port_inside_a_closed_sea():
    d = sea_decision("severomorsk", "dikson", ice_class="none", date="2026-01-15")
    assert not d.admissible and "nsr" in d.route.passages
    assert "no route avoids it" in d.route.notes[-1]


def test_nsr_legs_sum_close_to_nsr_length():
    r = sea_route("murmansk", "vladivostok")
    km = sum(k for _, k in nsr_legs(r))
    # Kara Gate/Cape Zhelaniya to Cape Dezhnev is ~2,200-2,900 nm depending on the track; the
    # shortest track, past Cape Zhelaniya (76 57'N 68 35'E), through the Vilkitsky (77 55'N
    # 104 E) and Sannikov (74 40'N 140 E) straits to Cape Dezhnev (66 05'N 169 40'W), is no
    # shorter than the geodesics between those points
    pts = [(76.95, 68.58), (77.92, 104.0), (74.67, 140.0), (66.08, -169.67)]
    g = Geod(ellps="WGS84")
    legs = zip(pts[:-1], pts[1:], strict=True)
    least_km = sum(g.inv(a[1], a[0], b[1], b[0])[2] for a, b in legs) / 1000
    assert 0.98 * least_km < km < 3200 * 1.852


def test_non_nsr_route_has_no_legs():
    r = sea_route("mumbai", "colombo")
    assert nsr_legs(r) == [] and not nsr_transit(r)
