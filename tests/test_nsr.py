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
from planner.layers import nsr_rules
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
    unsourced_uses,
)
from planner.routing.route import Route
from planner.routing.sea import sea_decision, sea_route

WGS84 = Geod(ellps="WGS84")
UTC = dt.UTC
KMH_14KN = 14 * 1.852  # 14 kn in km/h (1 nm = 1,852 m exactly)


def table_cell(area: str, ice_class: str, mode: str, ice: str) -> tuple[str, str]:
    """(admitted yes/no, sourced yes/no) of the shipped table, read with the csv module."""
    with open(geodata_path("nsr_admission.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            if (row["area"], row["ice_class"], row["mode"]) == (area, ice_class, mode):
                return row[ice], row["sourced"]
    raise KeyError((area, ice_class, mode))


AREAS7 = ("kara-sw", "kara-ne", "laptev-w", "laptev-e", "east-siberian-sw",
          "east-siberian-ne", "chukchi")


def straight(lon0, lat0, lon1, lat1) -> Route:
    """A two-point route with its pyproj geodesic length."""
    km = WGS84.inv(lon0, lat0, lon1, lat1)[2] / 1000.0
    return Route("a", "b", "sea", km, np.array([lon0, lon1]), np.array([lat0, lat1]))


def test_seven_areas_contain_known_points():
    seas = nsr_seas().set_index("sea")
    assert sorted(seas.index) == sorted(AREAS7)
    # Yenisei Gulf, off Severnaya Zemlya, Khatanga Gulf mouth, Tiksi Bay, Pevek, north of the
    # De Long Islands, the Wrangel-Chukotka strait
    for sea, lon, lat in [("kara-sw", 82.0, 72.0), ("kara-ne", 95.0, 78.5),
                          ("laptev-w", 112.0, 74.5), ("laptev-e", 129.5, 72.0),
                          ("east-siberian-sw", 170.3, 69.9), ("east-siberian-ne", 160.0, 76.0),
                          ("chukchi", -175.0, 69.5)]:
        assert seas.geometry[sea].contains(Point(lon, lat)), sea
    # Barents Sea (west of Novaya Zemlya) and the Gulf of Anadyr are outside
    for lon, lat in [(45.0, 72.0), (-178.0, 64.0)]:
        assert not seas.geometry.contains(Point(lon, lat)).any()


def test_table_rows_as_read_from_the_2013_text():
    """Hand reading of Appendix 2 (consultant.ru cons_doc_LAW_145233, 2017 wording), columns
    heavy / medium / light per area: no class: independent never, escorted light only; Ice1:
    light only both ways; Ice2: independent light, escorted medium + light in both Kara areas
    and light elsewhere; Ice3: independent light."""
    for area in AREAS7:
        kara = area.startswith("kara")
        expected = {
            ("none", "independent"): "no no no", ("none", "escort"): "no no yes",
            ("Ice1", "independent"): "no no yes", ("Ice1", "escort"): "no no yes",
            ("Ice2", "independent"): "no no yes",
            ("Ice2", "escort"): "no yes yes" if kara else "no no yes",
            ("Ice3", "independent"): "no no yes",
        }
        for (cls, mode), want in expected.items():
            got = [table_cell(area, cls, mode, ice) for ice in ("heavy", "medium", "light")]
            assert " ".join(g[0] for g in got) == want, (area, cls, mode)
            assert all(g[1] == "yes" for g in got)
            for ice, (yes, _) in zip(("heavy", "medium", "light"), got, strict=True):
                assert nsr_rules.cell(area, cls, mode, ice) == (yes == "yes", True)
        # the rest of the table was not in the public text: flagged as unsourced
        for cls in ("Arc4", "Arc5", "Arc6", "Arc7", "Arc8", "Arc9"):
            for mode in ("independent", "escort"):
                assert table_cell(area, cls, mode, "heavy")[1] == "no"
        assert table_cell(area, "Ice3", "escort", "heavy")[1] == "no"


def test_season_1_july_to_15_november_for_no_class_and_ice1_to_ice3():
    """Footnote 1: no ice class and Ice1-Ice3 prohibited 16 Nov - 30 Jun."""
    def at(y, m, d, h=0):
        return dt.datetime(y, m, d, h, tzinfo=UTC)
    for cls in ("none", "Ice1", "Ice2", "Ice3"):
        a = nsr_rules.admission(cls, "kara-sw", 11, at(2026, 11, 15, 23), ice="light")
        assert a.outcome in ("independent", "escort") and a.reason == "ice"
        b = nsr_rules.admission(cls, "kara-sw", 11, at(2026, 11, 16), ice="light")
        assert (b.outcome, b.reason) == ("no", "season")
        assert nsr_rules.admission(cls, "kara-sw", 6, at(2026, 6, 30, 23),
                                   ice="light").reason == "season"
        assert nsr_rules.admission(cls, "kara-sw", 7, at(2026, 7, 1),
                                   ice="light").outcome != "no"
    # Arc classes are not season-limited
    assert nsr_rules.admission("Arc9", "kara-sw", 1, at(2026, 1, 10)).outcome == "independent"


def test_ice_table_monotone_in_class():
    for sea in AREAS7:
        for month in range(1, 13):
            ok = [permitted(c, sea, month) for c in ICE_CLASSES]
            assert ok == sorted(ok), (sea, month)  # a stronger class is never refused more
            assert permitted("Arc9", sea, month)
    assert ICE_CLASSES[:4] == ("none", "Ice1", "Ice2", "Ice3")


def test_no_ice_class_never_independent():
    """The 2013 table: a ship of no ice class never sails the NSR on its own, whatever the
    ice; the old table's 'ice-free' months are gone."""
    for sea in AREAS7:
        for month in range(1, 13):
            assert not admissible("none", sea, month)
    assert "ice-free" not in set(nsr_rules.ice_calendar()["ice"])


def test_typical_ice_calendar_east_siberian_and_ne_kara_covered_in_september():
    """INSROP: NE Kara and the East Siberian Sea are widely ice-covered at the end of
    September; no area reliably ice-free."""
    for area in ("kara-ne", "east-siberian-sw", "east-siberian-ne"):
        assert nsr_rules.typical_ice(area, 9)[0] in ("medium", "heavy")
        assert "planning assumption" in nsr_rules.typical_ice(area, 9)[1]


def _calendar_file(tmp_path, ice: str):
    p = tmp_path / "ice.csv"
    p.write_text("area,month,ice\n" + "".join(f"{a},{m},{ice}\n" for a in
                                               ("kara", "laptev", "east-siberian", "chukchi")
                                               for m in range(1, 13)))
    return p


def test_closure_on_16_november_for_ice1(tmp_path):
    r = straight(62.0, 71.0, 75.0, 71.5)  # inside the Kara Sea, south-western part
    assert [s.sea for s in sea_runs(r)] == ["kara-sw"]
    speed = r.distance_km / 24.0
    with nsr_rules.ice_calendar_in_force(_calendar_file(tmp_path, "light")):
        assert nsr_rules.typical_ice("kara-sw", 11)[0] == "light"
        assert closures(r, "Ice1", "2026-11-14T00:00Z", speed) == []
        (c,) = closures(r, "Ice1", "2026-11-15T12:00Z", speed)
        assert (c.sea, c.reason, c.when) == ("kara-sw", "season",
                                             dt.datetime(2026, 11, 16, tzinfo=UTC))
        assert closures(r, "Arc4", "2026-11-15T12:00Z", speed) == []
    assert nsr_rules.calendar_path() is None  # restored after the block


def test_user_calendar_refused_with_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("area,month,ice\nkara-sw,13,light\nlaptev-w,1,ice-free\n")
    with pytest.raises(nsr_rules.CalendarError) as e:
        nsr_rules.set_ice_calendar(p)
    assert "bad.csv:2: month" in str(e.value) and "bad.csv:3: ice" in str(e.value)
    assert nsr_rules.calendar_path() is None


def test_closure_judged_in_every_month_the_ship_is_inside_a_sea():
    # a straight run across the north-eastern Kara Sea, sailed in 48 h
    r = straight(70.0, 78.0, 95.0, 78.5)
    assert [s for s, *_ in sea_runs(r)] == ["kara-ne"]
    speed = r.distance_km / 48.0
    # calendar: heavy in September, medium in October; Arc4 escorted: medium yes, heavy no
    assert nsr_rules.typical_ice("kara-ne", 9)[0] == "heavy"
    assert nsr_rules.typical_ice("kara-ne", 10)[0] == "medium"
    assert table_cell("kara-ne", "Arc4", "escort", "medium")[0] == "yes"
    assert table_cell("kara-ne", "Arc4", "escort", "heavy")[0] == "no"
    # in by 29 Sep 18:00, out by 1 Oct 18:00: in September too, closed then
    (c,) = closures(r, "Arc4", "2026-09-29T18:00Z", speed, escort=True)
    assert (c.sea, c.month, c.rule, c.ice) == ("kara-ne", 9, "no", "heavy")
    assert c.unsourced == ("independent", "escort")
    assert closures(r, "Arc4", "2026-10-01T00:00Z", speed, escort=True) == []
    # without escort: October is escort-only for Arc4 in medium ice
    (c,) = closures(r, "Arc4", "2026-10-01T00:00Z", speed)
    assert c.rule == "escort"
    assert closures(r, "Arc4", None, speed) == []


def test_arc7_in_august_sails_the_nsr():
    r = sea_route("murmansk", "vladivostok", ice_class="Arc7", date="2026-08-15")
    suez = sea_route("murmansk", "vladivostok", avoid=["nsr"])
    assert "nsr" in r.passages and not r.notes
    assert r.distance_km < 0.6 * suez.distance_km
    assert nsr_transit(r)
    assert [s for s, _ in nsr_legs(r)][-1] == "chukchi"
    assert {s for s, _ in nsr_legs(r)} <= set(AREAS7)
    assert not nsr_violations(r, "Arc7", 8)
    # every answer on the way rests on an unsourced Arc7 cell: reported, not silent
    assert unsourced_uses(sea_runs(r), "Arc7", "2026-08-15", KMH_14KN)


@pytest.mark.parametrize("ice_class", ["none", "Arc4"])
def test_winter_refused_and_rerouted_via_suez(ice_class):
    r = sea_route("murmansk", "vladivostok", ice_class=ice_class, date="2026-02-10")
    assert "nsr" not in r.passages and "suez" in r.passages
    assert r.notes and f"NSR closed to ice class {ice_class}" in r.notes[0]
    assert "Kara Sea, north-eastern part in February" in r.notes[0]
    assert "routed via" in r.notes[0] and "Suez" in r.notes[0]
    nsr = sea_route("murmansk", "vladivostok")
    assert ("kara-ne", 2) in nsr_violations(nsr, ice_class, 2)
    assert ice_violations(nsr, ice_class, "2026-02-10") == nsr_violations(nsr, ice_class, 2)


def test_each_sea_judged_when_the_ship_gets_there_not_at_departure():
    """A departure in an open month does not open the NSR for the next (issue 12 item 19):
    Arc4 under escort, open in October (medium/light ice everywhere), not in November."""
    for area in AREAS7:
        assert nsr_rules.typical_ice(area, 10)[0] in ("medium", "light")
    assert nsr_rules.typical_ice("chukchi", 11)[0] == "heavy"
    late = sea_decision("severomorsk", "vladivostok", ice_class="Arc4", date="2026-10-25",
                        speed_kn=14, escort=True)
    assert "nsr" not in late.route.passages and late.rerouted
    assert any(c.month == 11 for c in late.closed)
    early = sea_route("severomorsk", "vladivostok", ice_class="Arc4", date="2026-10-01",
                      escort=True)
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


def test_user_ice_calendar_on_the_cli_and_in_the_api(tmp_path, capsys):
    """An all-light calendar (the user's) opens the NSR to an Arc4 ship in August, which the
    shipped calendar (heavy ice in the NE Kara Sea then) closes; the shipped one is back
    after."""
    import json

    from planner import Plan
    from planner import sea_route as api_route
    from planner.cli import main

    light = _calendar_file(tmp_path, "light")
    args = ["route", "murmansk", "vladivostok", "--ice-class", "Arc4", "--date",
            "2026-08-10", "--format", "json"]
    assert main(args) == 0
    assert "nsr" not in json.loads(capsys.readouterr().out)["passages"]
    assert main(args + ["--ice-calendar", str(light)]) == 0
    assert "nsr" in json.loads(capsys.readouterr().out)["passages"]
    assert nsr_rules.calendar_path() is None
    r = api_route("murmansk", "vladivostok", ice_class="Arc4", date="2026-08-10",
                  ice_calendar=light)
    assert "nsr" in r.passages
    ship = {"id": "s", "nation": "RUS", "kind": "warship", "crew": 100, "speed_kn": 14,
            "range_nm": 20000, "ice_class": "Arc4", "itinerary": [
                {"at": "murmansk", "depart": "2026-08-10T00:00Z"},
                {"at": "vladivostok"}]}
    plan = Plan.from_dict({"name": "c", "assets": [ship]})
    assert "nsr" not in plan.check().legs.iloc[0].passages
    assert "nsr" in plan.check(ice_calendar=light).legs.iloc[0].passages
    bad = tmp_path / "bad.csv"
    bad.write_text("area,month,ice\nkara-sw,1,slush\n")
    assert main(args + ["--ice-calendar", str(bad)]) == 2
    assert "bad.csv:2: ice" in capsys.readouterr().err


def test_nsr_seas_read_as_geopandas_reads_it():
    """The json + shapely reader gives the frame GDAL's reader (gpd.read_file) gives."""
    import geopandas as gpd
    from geopandas.testing import assert_geodataframe_equal
    from shapely import to_wkb

    ref = gpd.read_file(geodata_path("nsr_seas.geojson"))
    got = nsr_seas()
    assert_geodataframe_equal(got, ref)
    assert to_wkb(got.geometry.values).tolist() == to_wkb(ref.geometry.values).tolist()
