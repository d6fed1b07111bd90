"""NSR seas, the ice-class table and ice-aware sea routing."""

from __future__ import annotations

import pytest
from shapely.geometry import Point

from planner.layers.nsr import (
    ICE_CLASSES,
    ice_violations,
    nsr_legs,
    nsr_seas,
    nsr_transit,
    nsr_violations,
    permitted,
)
from planner.routing.sea import sea_route


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
    assert r.notes and f"NSR closed to ice class {ice_class} in February" in r.notes[0]
    assert "routed via" in r.notes[0] and "Suez" in r.notes[0]
    nsr = sea_route("murmansk", "vladivostok")
    assert ("kara", 2) in nsr_violations(nsr, ice_class, 2)
    assert ice_violations(nsr, ice_class, "2026-02-10") == nsr_violations(nsr, ice_class, 2)


def test_nsr_legs_sum_close_to_nsr_length():
    r = sea_route("murmansk", "vladivostok")
    km = sum(k for _, k in nsr_legs(r))
    # Kara Gate/Cape Zhelaniya to Cape Dezhnev is ~2,200-2,900 nm depending on the track
    assert 2200 * 1.852 < km < 3200 * 1.852


def test_non_nsr_route_has_no_legs():
    r = sea_route("mumbai", "colombo")
    assert nsr_legs(r) == [] and not nsr_transit(r)
