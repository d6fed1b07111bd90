"""Leg checks end to end: transit counting, RANGE with refuelling stops, NSR ice rules, and the
OVERFLIGHT/CLEARANCE findings, each against figures computed independently in the test."""

from __future__ import annotations

import csv
import datetime as dt

import pandas as pd
import pytest
from pyproj import Geod

from planner.core.paths import geodata_path
from planner.layers.catalogue import facilities
from planner.model.plan import Plan

WGS84 = Geod(ellps="WGS84")
UTC = dt.UTC


def km(a: str, b: str) -> float:
    cat = facilities()
    pa, pb = cat.loc[a], cat.loc[b]
    return WGS84.inv(pa.lon, pa.lat, pb.lon, pb.lat)[2] / 1000


def stay(aid, at, arrive, depart, nation="RUS"):
    return {"id": aid, "nation": nation, "kind": "warship", "crew": 100, "speed_kn": 14,
            "range_nm": 5000, "itinerary": [{"at": at, "arrive": arrive, "depart": depart,
                                             "purpose": "exercise"}]}


def test_transit_counts_a_passage_through_indian_territorial_sea():
    # Colombo -> Yangon by the shortest way (waters: any) passes inside India's 12 nm sea
    # round the Andaman Islands; with four Russian warships in Indian ports, the transiting
    # fifth and a sixth make 6 (waters: prefer would keep out of it)
    passer = {"id": "passer", "nation": "RUS", "kind": "warship", "crew": 250, "speed_kn": 15,
              "range_nm": 6000, "itinerary": [
                  {"at": "colombo", "depart": "2026-03-01T00:00Z"},
                  {"at": "16.7667,96.1667", "purpose": "exercise", "waters": "any"}]}
    ships = [stay(f"s{i}", "kochi", "2026-03-01", "2026-03-20") for i in range(5)]
    plan = Plan.from_dict({"name": "transit", "assets": [passer, *ships]})
    without = plan.check()
    assert "CAP_WARSHIPS" not in without.codes()
    with_transit = plan.check(transit=True)
    caps = [f for f in with_transit.finding_list if f.code == "CAP_WARSHIPS"]
    assert caps and all(f.host == "IND" and f.value == 6 for f in caps)
    assert all("passer" in f.assets for f in caps)
    # the transit happens on the way: after departure and before arrival at Yangon
    leg = with_transit.legs.iloc[0]
    for f in caps:
        assert leg.depart <= pd.Timestamp(f.start) < pd.Timestamp(f.end) <= leg.arrive
        assert f.start.second == 0  # to the minute
    # and where: the stretch inside Indian waters lies off the Andaman Islands
    inside = [f for f in with_transit.finding_list if f.code == "TERRITORIAL_SEA"
              and f.host == "IND"]
    assert inside
    for lon, lat in inside[0].segment:
        assert 91.5 <= lon <= 94.5 and 10.0 <= lat <= 16.0


def test_range_names_the_fewest_stops_found_by_brute_force():
    plane = {"id": "il76", "nation": "RUS", "kind": "aircraft", "crew": 7, "speed_kmh": 750,
             "range_km": 4400, "itinerary": [
                 {"at": "chkalovsky", "depart": "2026-03-18T02:00Z"},
                 {"at": "ins-dega", "purpose": "humanitarian"}]}
    report = Plan.from_dict({"name": "r", "assets": [plane]}).check()
    rng = [f for f in report.finding_list if f.code == "RANGE"]
    assert len(rng) == 1
    direct = km("chkalovsky", "ins-dega")
    assert direct > 4400
    assert rng[0].value == pytest.approx(direct, rel=0.002)
    # brute force: one stop at any IND/RUS air base with both hops within range, least total
    bases = facilities(kind="airbase")
    ok = {b: km("chkalovsky", b) + km(b, "ins-dega") for b in bases.index
          if bases.loc[b, "country"] in ("IND", "RUS") and b not in ("chkalovsky", "ins-dega")
          and km("chkalovsky", b) <= 4400 and km(b, "ins-dega") <= 4400}
    best = min(ok, key=ok.get)
    assert rng[0].extra["stops"] == [best]
    assert f"refuel at {best} (1 stop" in rng[0].message


def test_overflight_and_clearances_for_each_third_country():
    plane = {"id": "il76", "nation": "RUS", "kind": "aircraft", "crew": 7, "speed_kmh": 750,
             "range_km": 8000, "itinerary": [
                 {"at": "chkalovsky", "depart": "2026-03-18T02:00Z"},
                 {"at": "hindon", "purpose": "humanitarian"}]}
    report = Plan.from_dict({"name": "o", "assets": [plane]}).check()
    over = [f for f in report.finding_list if f.code == "OVERFLIGHT"]
    route_countries = list(report.legs.iloc[0]["countries_crossed"])
    third = [c for c in route_countries if c not in ("RUS", "IND")]
    assert sorted({f.host for f in over}) == sorted(set(third))
    assert {"KAZ", "PAK"} <= set(third)  # Moscow-Delhi flies over Kazakhstan and Pakistan
    # entry times follow the order along the route and lie within the flight
    leg = report.legs.iloc[0]
    entries = sorted(over, key=lambda f: f.start)
    assert [f.host for f in entries] == list(dict.fromkeys(third))
    for f in over:
        assert leg.depart <= pd.Timestamp(f.start) <= pd.Timestamp(f.end) <= leg.arrive
    clear = {f.host: f for f in report.finding_list if f.code == "CLEARANCE"
             and f.extra["event"] == "overflight"}
    for f in over:  # shipped register: 7 days for overflights (planner default row)
        assert clear[f.host].extra["file_by"] == (
            f.start - dt.timedelta(days=7)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _rule(sea: str, month: int, ice: str) -> str:
    with open(geodata_path("nsr_ice_rules.csv")) as fh:
        for row in csv.DictReader(fh):
            if row["sea"] == sea and int(row["month"]) == month:
                return row[ice]
    raise KeyError(sea)


def nsr_voyage(depart: str, ice: str, nation: str = "IND"):
    ship = {"id": "tushil", "nation": nation, "kind": "warship", "crew": 180, "speed_kn": 14,
            "range_nm": 20000, "ice_class": ice, "itinerary": [
                {"at": "murmansk", "depart": depart},
                {"at": "vladivostok", "purpose": "exercise"}]}
    return Plan.from_dict({"name": "nsr", "assets": [ship]}).check()


def test_nsr_ice_in_february_names_seas_and_the_alternative():
    assert _rule("east-siberian", 2, "none") == "no"  # what the shipped table says
    report = nsr_voyage("2026-02-01T00:00Z", "none")
    ice = [f for f in report.finding_list if f.code == "NSR_ICE"]
    assert len(ice) == 1
    assert "February" in ice[0].message and "East Siberian Sea" in ice[0].message
    assert "suez" in ice[0].extra["alternative_passages"]
    # Murmansk-Yokohama via Suez is published as 12,840 nm against 5,770 nm via the NSR
    # (Valdai Club); the Vladivostok alternative must likewise be far longer
    assert ice[0].extra["alternative_nm"] > 1.8 * report.legs.iloc[0]["distance_nm"]


def test_nsr_in_september_for_arc4_is_clean_but_needs_90_days_notice():
    for sea in ("kara", "laptev", "east-siberian", "chukchi"):
        assert _rule(sea, 9, "Arc4") in ("independent", "escort")
    report = nsr_voyage("2026-09-01T00:00Z", "Arc4")
    assert "NSR_ICE" not in report.codes()
    notice = [f for f in report.finding_list if f.code == "CLEARANCE"
              and f.extra["event"] == "nsr_transit"]
    assert len(notice) == 1
    f = notice[0]
    assert f.host == "RUS" and f.nation == "IND" and f.extra["lead_days"] == 90
    # Murmansk to Kara Gate is ~ 500-700 nm: the ship enters the NSR 1-3 days out
    assert dt.datetime(2026, 9, 2, tzinfo=UTC) <= f.start <= dt.datetime(2026, 9, 4, tzinfo=UTC)
    assert f.extra["file_by"] == (f.start - dt.timedelta(days=90)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    # a Russian ship needs no such notice
    own = nsr_voyage("2026-09-01T00:00Z", "Arc4", nation="RUS")
    assert not [f for f in own.finding_list if f.code == "CLEARANCE"
                and f.extra.get("event") == "nsr_transit"]


def test_schedule_flags_impossible_arrival():
    ship = {"id": "fast", "nation": "IND", "kind": "warship", "crew": 100, "speed_kn": 14,
            "range_nm": 5000, "itinerary": [
                {"at": "mumbai", "depart": "2026-03-01T00:00Z"},
                {"at": "kochi", "arrive": "2026-03-01T12:00Z"}]}
    report = Plan.from_dict({"name": "s", "assets": [ship]}).check()
    sched = [f for f in report.finding_list if f.code == "SCHEDULE"]
    assert len(sched) == 1
    dist_nm = report.legs.iloc[0]["distance_nm"]
    # Mumbai-Kochi is ~ 560-600 nm by sea (the straight line is 520 nm): 12 h needs ~ 47 kn
    assert 520 < dist_nm < 640
    assert sched[0].value == pytest.approx(dist_nm / 12, rel=0.01)
    assert sched[0].limit == 14
