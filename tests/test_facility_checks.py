"""``FACILITY`` (planner.checks.facility): calls an asset cannot make there (CONTRACT §4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from planner.checks.facility import COAST_TOLERANCE_KM, is_inland, on_land
from planner.model.plan import Plan

FT_M = 0.3048  # international foot, exactly
REPO = Path(__file__).resolve().parents[1]


def warship(at_list, draught_m=None, **kw):
    asset = {"id": "talwar", "name": "INS Talwar", "nation": "IND", "kind": "warship",
             "crew": 180, "speed_kn": 14, "range_nm": 4850, **kw,
             "itinerary": [{"at": at_list[0], "depart": "2026-03-01T00:00Z"}]
             + [{"at": a, "purpose": "exercise"} for a in at_list[1:]]}
    if draught_m is not None:
        asset["draught_m"] = draught_m
    return asset


def aircraft(at_list, runway_m=None):
    asset = {"id": "il76", "name": "Il-76MD", "nation": "RUS", "kind": "aircraft", "crew": 7,
             "speed_kmh": 750, "range_km": 6000,
             "itinerary": [{"at": at_list[0], "depart": "2026-03-01T00:00Z"}]
             + [{"at": a, "purpose": "humanitarian"} for a in at_list[1:]]}
    if runway_m is not None:
        asset["runway_m"] = runway_m
    return asset


def facility_findings(*assets, facilities=None):
    plan = {"name": "facility test", "horizon_end": "2026-06-30", "assets": list(assets)}
    if facilities:
        plan["facilities"] = facilities
    report = Plan.from_dict(plan).check()
    return [f for f in report.finding_list if f.code == "FACILITY"]


# --- kinds of place -------------------------------------------------------------------------

def test_warship_at_an_air_base():
    """Issue 14: a warship "sailed" to the inland naval air station at Arakkonam."""
    found = facility_findings(warship(["kochi", "ins-rajali"]))
    assert len(found) == 1
    f = found[0]
    assert f.severity == "error" and f.assets == ["talwar"] and f.facility == "ins-rajali"
    assert "air base" in f.message and "call 2" in f.message
    # Arakkonam lies ~65 km west of Chennai, the nearest port
    assert "nearest catalogue port is chennai" in f.message
    assert f.host == "IND" and f.start is not None and f.leg == 0


def test_aircraft_at_a_port_and_at_a_sea_area():
    area = [{"id": "bob-area", "name": "Bay of Bengal exercise area", "kind": "sea_area",
             "lat": 15.0, "lon": 86.0}]
    found = facility_findings(aircraft(["chkalovsky", "visakhapatnam", "bob-area"]),
                              facilities=area)
    by_place = {f.facility: f for f in found}
    assert set(by_place) == {"visakhapatnam", "bob-area"}
    # INS Dega is Visakhapatnam's airfield, 8 km from the port
    assert "nearest catalogue air base is ins-dega" in by_place["visakhapatnam"].message
    assert "a sea area" in by_place["bob-area"].message


def test_aircraft_at_an_alias_of_a_port_is_named_by_id():
    found = facility_findings(aircraft(["chkalovsky", "Vizag"]))
    assert [f.facility for f in found] == ["visakhapatnam"]


def test_right_kinds_give_nothing():
    area = [{"id": "bob-area", "name": "exercise area", "kind": "sea_area", "lat": 15.0,
             "lon": 86.0}]
    assert facility_findings(warship(["kochi", "bob-area", "visakhapatnam"]),
                             aircraft(["chkalovsky", "ins-dega"]), facilities=area) == []


def test_warship_at_an_inland_point():
    # 26.45 N 80.33 E is Kanpur, on the Ganges ~ 1,000 km from the sea
    found = facility_findings(warship(["kochi", "26.45,80.33"]))
    assert len(found) == 1 and "inland" in found[0].message
    assert found[0].facility == "26.45,80.33"


def test_warship_at_a_coastal_or_sea_point_is_fine():
    # 17.60 N 83.40 E: off Visakhapatnam, at sea; 17.70 N 83.30 E: the harbour shore itself
    assert facility_findings(warship(["kochi", "17.60,83.40", "17.70,83.30"])) == []


def test_aircraft_at_a_point_at_sea():
    found = facility_findings(aircraft(["hindon", "15.0,86.0"]))
    assert len(found) == 1 and "at sea" in found[0].message


def test_aircraft_at_a_point_on_land_is_accepted():
    # 28.61 N 77.21 E: New Delhi, on land (an airstrip outside the catalogue)
    assert facility_findings(aircraft(["hindon", "28.61,77.21"])) == []


def test_inland_needs_the_whole_ring_on_land():
    # Chennai's catalogue position (13.10 N 80.28 E) is on the shore: on land or not, it is
    # within COAST_TOLERANCE_KM of the sea, so never inland; Bengaluru (12.97 N 77.59 E) is
    assert not is_inland(13.1, 80.283333)
    assert is_inland(12.97, 77.59)
    assert COAST_TOLERANCE_KM >= 2.0  # at least the coastline's simplification (SOURCES.md)
    assert list(on_land([12.97, 15.0], [77.59, 86.0])) == [True, False]


# --- draught --------------------------------------------------------------------------------

# WPI 48990 Karwar: Maximum Vessel Draft 8.2 m (hand reading of the WPI record)
KARWAR_DRAUGHT_M = 8.2


def test_draught_above_the_ports():
    found = facility_findings(warship(["mumbai", "karwar"], draught_m=8.5))
    assert len(found) == 1
    f = found[0]
    assert (f.value, f.limit, f.unit) == (8.5, KARWAR_DRAUGHT_M, "m")
    assert "talwar" in f.message and "karwar" in f.message and "8.5 m" in f.message
    assert "WPI 48990" in f.message  # the source of the figure
    assert f.extra["rule"] == "draught"


def test_draught_equal_to_the_ports_is_fine():
    assert facility_findings(warship(["mumbai", "karwar"], draught_m=KARWAR_DRAUGHT_M)) == []


def test_no_draught_figure_no_check():
    # WPI 44200 Novorossiysk gives no maximum draught (0), so the catalogue leaves it blank
    assert facility_findings(warship(["port-said", "novorossiysk"], draught_m=15.0)) == []


def test_draught_checked_at_the_first_call_too():
    found = facility_findings(warship(["karwar", "mumbai"], draught_m=9.0))
    assert [f.facility for f in found] == ["karwar"]  # Mumbai: WPI 48840, 9.8 m
    assert found[0].leg is None  # no leg runs into a first call


# --- runway ---------------------------------------------------------------------------------

# OurAirports runways.csv, VOAT (Agatti) runway 04/22: 4,235 ft (hand reading)
AGATTI_RUNWAY_M = round(4235 * FT_M)


def test_runway_shorter_than_the_aircraft_needs():
    found = facility_findings(aircraft(["ins-garuda", "agatti"], runway_m=1500))
    assert len(found) == 1
    f = found[0]
    assert (f.value, f.limit) == (1500, AGATTI_RUNWAY_M)
    assert "il76" in f.message and "1,500 m" in f.message and f"{AGATTI_RUNWAY_M:,} m" in f.message
    assert "OurAirports" in f.message and "VOAT runway 04/22" in f.message


def test_runway_long_enough_is_fine():
    # the same aircraft needs no more than Agatti has; INS Garuda (VOCC 17/35, 5,960 ft) fits
    assert facility_findings(aircraft(["ins-garuda", "agatti"], runway_m=AGATTI_RUNWAY_M)) == []
    assert round(5960 * FT_M) >= AGATTI_RUNWAY_M


# --- through the command line ---------------------------------------------------------------

PLAN = """
name: relief airlift to the Lakshadweep
assets:
  - id: il76
    name: Il-76MD
    nation: RUS
    kind: aircraft
    crew: 7
    speed_kmh: 750
    range_km: 6000
    runway_m: 1700
    itinerary:
      - at: Trivandrum
        depart: 2026-05-01T02:00Z
      - at: VOAT
        purpose: humanitarian
        depart: 2026-05-01T08:00Z
      - at: cochin
        purpose: humanitarian
"""


def test_cli_check_reports_facility_errors(relos, write_plan):
    res = relos("check", str(write_plan(PLAN)), "--format", "json")
    assert res.returncode == 1, res.stderr
    doc = json.loads(res.stdout)
    found = [f for f in doc["findings"] if f["code"] == "FACILITY"]
    assert {(f["facility"], f["severity"]) for f in found} == {("agatti", "error"),
                                                               ("kochi", "error")}
    runway = next(f for f in found if f["facility"] == "agatti")
    assert (runway["value"], runway["limit"]) == (1700, AGATTI_RUNWAY_M)
    assert "nearest catalogue air base is ins-garuda" in next(
        f["message"] for f in found if f["facility"] == "kochi")


@pytest.mark.parametrize("name", ["disaster_relief_airlift", "indian_air_detachment_olenya",
                                  "russian_task_group_port_call", "five_year_programme"])
def test_examples_make_only_calls_their_assets_can(name):
    plan = Plan.load(REPO / "examples" / f"{name}.yaml")
    assert [f for f in plan.check().finding_list if f.code == "FACILITY"] == []


def _russian_ship(sid: str, at: str, depart: str) -> dict:
    return {"id": sid, "nation": "RUS", "kind": "warship", "crew": 100, "speed_kn": 16,
            "range_nm": 8000, "itinerary": [
                {"at": "singapore", "depart": "2026-11-10T00:00Z"},
                {"at": at, "depart": depart, "purpose": "disaster_relief"},
                {"at": "singapore", "depart": "2026-12-10T00:00Z"}]}


@pytest.mark.parametrize("lon, country, warned", [
    # Paradip port is at 20.26 N 86.67 E (World Port Index); 20.20 N 86.80 E is ~13.6 km
    # (7.3 nm) east of it by hand (0.13 deg x 111.32 km x cos 20.2 deg): inside India's 12 nm
    (86.80, None, True),
    (86.80, "IND", False),  # the country given: nothing to warn about
    (88.00, None, False),   # 1.33 deg (~139 km, ~75 nm) out in the Bay of Bengal
])
def test_plan_facility_without_country_inside_a_territorial_sea_is_named(lon, country,
                                                                        warned):
    area = {"id": "relief-anchorage", "name": "Relief anchorage", "kind": "sea_area",
            "lat": 20.20, "lon": lon}
    if country:
        area["country"] = country
    plan = Plan.from_dict({
        "name": "anchorage", "horizon_end": "2026-12-31", "facilities": [area],
        "assets": [_russian_ship("sovershenny", "relief-anchorage", "2026-11-25T00:00Z"),
                   _russian_ship("gromkiy", "relief-anchorage", "2026-11-26T00:00Z")]})
    report = plan.check()
    found = [f for f in report.finding_list
             if f.code == "FACILITY" and f.extra.get("rule") == "country"]
    assert bool(found) == warned
    if warned:
        (f,) = found
        assert f.severity == "warning" and f.host == "IND" and f.facility == "relief-anchorage"
        assert "country: IND" in f.message and f.assets == ["gromkiy", "sovershenny"]
    # with the country given, both ships count in India while at the anchorage (they are
    # there together from arrival to 25 Nov): peak 2; taken as international waters: none
    rows = report.headroom.query("host == 'IND' and nation == 'RUS' and "
                                 "category == 'warships'")["peak"]
    assert (int(rows.max()) if len(rows) else 0) == (2 if country == "IND" else 0)
