"""Leg checks end to end: transit counting, RANGE with refuelling stops, NSR ice rules, and the
OVERFLIGHT/CLEARANCE findings, each against figures computed independently in the test."""

from __future__ import annotations

import copy
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


def _rule(area: str, month: int, ice_class: str) -> str:
    """The outcome read by hand from the two shipped tables: the calendar's ice type, then the
    admission cells (independent first), and the 1 July - 15 November season of footnote 1."""
    if ice_class in ("none", "Ice1", "Ice2", "Ice3") and not 7 <= month <= 11:
        return "no"
    with open(geodata_path("nsr_ice_calendar.csv")) as fh:
        ice = next(r["ice"] for r in csv.DictReader(fh)
                   if r["area"] == area and int(r["month"]) == month)
    with open(geodata_path("nsr_admission.csv")) as fh:
        cells = {r["mode"]: r[ice] for r in csv.DictReader(fh)
                 if r["area"] == area and r["ice_class"] == ice_class}
    return ("independent" if cells["independent"] == "yes" else
            "escort" if cells["escort"] == "yes" else "no")


def nsr_voyage(depart: str, ice: str, nation: str = "IND"):
    ship = {"id": "tushil", "nation": nation, "kind": "warship", "crew": 180, "speed_kn": 14,
            "range_nm": 20000, "ice_class": ice, "itinerary": [
                {"at": "murmansk", "depart": depart},
                {"at": "vladivostok", "purpose": "exercise"}]}
    return Plan.from_dict({"name": "nsr", "assets": [ship]}).check()


def test_nsr_ice_in_february_reroutes_and_says_why():
    assert _rule("east-siberian-sw", 2, "none") == "no"  # what the shipped tables say
    report = nsr_voyage("2026-02-01T00:00Z", "none")
    ice = [f for f in report.finding_list if f.code == "NSR_ICE"]
    assert len(ice) == 1 and ice[0].severity == "warning"
    assert "Kara Sea, north-eastern part" in ice[0].message
    # no ice class: outside the season of footnote 1, whatever the ice
    assert "1 July - 15 November season" in ice[0].message
    assert "planning assumption" in ice[0].message
    leg = report.legs.iloc[0]
    assert "suez" in leg.passages and "nsr" not in leg.passages
    # Murmansk-Yokohama via Suez is published as 12,840 nm against 5,770 nm via the NSR
    # (Valdai Club); the Vladivostok leg round Suez must likewise be far longer than the NSR
    assert leg.distance_nm > 1.8 * ice[0].extra["nsr_nm"]
    assert not [f for f in report.finding_list if f.code == "CLEARANCE"
                and f.extra["event"] == "nsr_transit"]


def _one_nsr_ice(origin: str, destination: str, depart: str):
    """The one NSR_ICE finding of an Indian warship of no ice class on one leg."""
    ship = {"id": "tushil", "nation": "IND", "kind": "warship", "crew": 180, "speed_kn": 14,
            "range_nm": 20000, "ice_class": "none", "itinerary": [
                {"at": origin, "depart": depart}, {"at": destination, "purpose": "exercise"}]}
    report = Plan.from_dict({"name": "nsr", "assets": [ship]}).check()
    (ice,) = [f for f in report.finding_list if f.code == "NSR_ICE"]
    return ice


def test_nsr_ice_error_when_no_route_avoids_a_closed_sea():
    # Dikson lies in the Kara Sea, closed to ships of no ice class in February
    assert _rule("kara-sw", 2, "none") == _rule("kara-ne", 2, "none") == "no"
    ice = _one_nsr_ice("murmansk", "dikson", "2026-02-01T00:00Z")
    assert ice.severity == "error" and set(ice.extra["seas"]) <= {"kara-sw", "kara-ne"}
    assert "no route avoiding the NSR exists" in ice.message
    # what would make it: another month (the season) is named
    assert "sailing it in" in ice.message or "no month" in ice.message


def test_nsr_remedy_names_each_sea_once_and_never_offers_no_month_as_a_remedy():
    # a ship of no ice class Vladivostok -> Severomorsk in March: the whole NSR closed
    ice = _one_nsr_ice("vladivostok", "severomorsk", "2026-03-20T00:00Z")
    assert len(ice.extra["seas"]) >= 4
    remedy = ice.message.split("kn; ", 1)[1]
    assert remedy.count("no month of the ice calendar") <= 1
    assert "would open with" not in remedy or "would open with no month" not in remedy
    assert ": no month" not in remedy  # a sea is never followed by "no month" as its remedy


def test_escort_on_the_call_opens_the_seas_open_under_escort():
    # Arc4 in October: every area on the way to Tiksi (Laptev E) in medium ice, where the
    # table admits Arc4 only under escort
    areas = ("kara-ne", "laptev-w", "laptev-e")
    assert [_rule(a, 10, "Arc4") for a in areas] == ["escort"] * 3
    ship = {"id": "s", "nation": "IND", "kind": "warship", "crew": 180, "speed_kn": 14,
            "range_nm": 20000, "ice_class": "Arc4", "itinerary": [
                {"at": "murmansk", "depart": "2026-10-01T00:00Z"},
                {"at": "tiksi", "purpose": "exercise"}]}
    alone = Plan.from_dict({"name": "a", "assets": [ship]}).check()
    ship["itinerary"][1]["escort"] = "icebreaker"
    escorted = Plan.from_dict({"name": "e", "assets": [ship]}).check()
    # Tiksi is in the Laptev Sea: alone there is no way; with escort the NSR is admissible
    (ice,) = [f for f in alone.finding_list if f.code == "NSR_ICE"]
    assert ice.severity == "error" and "escort: icebreaker" in ice.message
    assert "medium ice" in ice.message
    assert not [f for f in escorted.finding_list if f.code == "NSR_ICE"
                and f.severity == "error"]
    assert "nsr" in escorted.legs.iloc[0].passages
    # the Arc4 escort cells are not in the public text: said so, never silently allowed
    (doubt,) = [f for f in escorted.finding_list if f.code == "NSR_ICE"]
    assert doubt.severity == "warning"
    assert "admission of Arc4 in medium ice" in doubt.message
    assert "not found in the public text" in doubt.message
    assert "confirm with the NSR administration" in doubt.message


def test_nsr_in_october_for_arc4_escorted_needs_510fz_permission():
    for area in ("kara-ne", "laptev-w", "laptev-e", "east-siberian-sw", "chukchi"):
        assert _rule(area, 10, "Arc4") in ("independent", "escort")
    ship = {"id": "tushil", "nation": "IND", "kind": "warship", "crew": 180, "speed_kn": 14,
            "range_nm": 20000, "ice_class": "Arc4", "itinerary": [
                {"at": "murmansk", "depart": "2026-10-01T00:00Z"},
                {"at": "vladivostok", "purpose": "exercise", "escort": "icebreaker"}]}
    report = Plan.from_dict({"name": "nsr", "assets": [ship]}).check()
    assert not [f for f in report.finding_list if f.code == "NSR_ICE" and f.severity == "error"]
    notice = [f for f in report.finding_list if f.code == "CLEARANCE"
              and f.extra["event"] == "nsr_transit"]
    assert len(notice) == 1
    f = notice[0]
    assert f.host == "RUS" and f.nation == "IND" and f.extra["lead_days"] == 90
    # 510-FZ: permission through diplomatic channels, compulsory pilotage
    assert "request permission" in f.message and "diplomatic channels" in f.message
    assert "compulsory pilotage" in f.message and f.extra["rule"] == "authorization"
    # Murmansk to Cape Zhelaniya is ~ 500-1,000 nm: the ship enters the NSR 1-3 days out
    assert dt.datetime(2026, 10, 2, tzinfo=UTC) <= f.start <= dt.datetime(2026, 10, 4,
                                                                           tzinfo=UTC)
    assert f.extra["file_by"] == (f.start - dt.timedelta(days=90)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    # a Russian ship needs no such permission
    ship["nation"] = "RUS"
    own = Plan.from_dict({"name": "nsr", "assets": [ship]}).check()
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


# -- RANGE advice: routed as the leg is, over any kind of place, and itself in range ------


def _apply_chain(plan_dict: dict, asset_id: str, seq: int, stops: list[str]) -> dict:
    """The plan with the stops inserted before call ``seq`` of the asset, each carrying the
    call's leg options (avoid, deny, waters, escort), no times."""
    out = copy.deepcopy(plan_dict)
    asset = next(a for a in out["assets"] if a["id"] == asset_id)
    call = asset["itinerary"][seq]
    opts = {k: call[k] for k in ("avoid", "deny", "waters", "escort") if k in call}
    asset["itinerary"][seq:seq] = [{"at": s, **opts} for s in stops]
    return out


def _range_property(plan_dict: dict):
    """Every RANGE chain, applied, is in range, legal for the NSR, and as long as advertised."""
    report = Plan.from_dict(plan_dict).check()
    rng = [f for f in report.finding_list if f.code == "RANGE" and f.extra["stops"]]
    assert rng, report.codes()
    for f in rng:
        leg = report.legs.iloc[f.leg]
        fixed = Plan.from_dict(_apply_chain(plan_dict, leg.asset, int(leg.seq),
                                            f.extra["stops"])).check()
        legs = fixed.legs[fixed.legs.asset == leg.asset]
        new = legs.iloc[int(leg.seq) - 1:int(leg.seq) + len(f.extra["stops"])]
        assert list(new["to"])[:-1] == f.extra["stops"]
        assert (new["distance_km"] <= new["range_km"]).all()
        assert new["distance_km"].sum() == pytest.approx(f.extra["chain_km"], abs=0.05)
        bad = [g for g in fixed.finding_list if g.code in ("RANGE", "NSR_ICE")
               and g.severity == "error" and g.assets == [leg.asset]
               and leg.seq <= fixed.legs.iloc[g.leg].seq < leg.seq + len(f.extra["stops"]) + 1]
        assert not bad, [g.message for g in bad]
        # the clearances the advice names are the ones the applied plan gets (same country,
        # same lead time, file-by within the minute rounding of computed arrivals)
        visits = {g.facility: g for g in fixed.finding_list if g.code == "CLEARANCE"
                  and g.assets == [leg.asset] and g.extra["event"] in ("port_call", "landing")}
        for row in f.extra["stop_clearances"]:
            g = visits[row["stop"]]
            assert (g.host, g.extra["lead_days"]) == (row["country"], row["lead_days"])
            told = dt.datetime.fromisoformat(row["file_by"].replace("Z", "+00:00"))
            got = dt.datetime.fromisoformat(g.extra["file_by"].replace("Z", "+00:00"))
            assert abs(got - told) <= dt.timedelta(minutes=len(f.extra["stops"]) + 1)
        foreign = [s for s in f.extra["stops"] if s in visits]
        assert [r["stop"] for r in f.extra["stop_clearances"]] == foreign
    return report, rng


def test_range_advice_in_winter_never_uses_the_closed_nsr():
    """A ship of no ice class in February is not told to refuel along the NSR leg NSR_ICE
    forbids (issue 12 item 5): the chain is routed as the leg is, round by Suez or Panama."""
    plan = {"name": "w", "friendly": ["port-said", "singapore"], "assets": [
        {"id": "tushil", "nation": "IND", "kind": "warship", "crew": 180, "speed_kn": 14,
         "range_nm": 4850, "ice_class": "none", "itinerary": [
             {"at": "severomorsk", "depart": "2026-02-10T00:00Z"},
             {"at": "vladivostok", "purpose": "exercise"}]}]}
    report, (f,) = _range_property(plan)
    assert not {"pevek", "tiksi", "dikson", "provideniya"} & set(f.extra["stops"])
    for r in report.legs.iloc[[f.leg]].itertuples():
        assert "nsr" not in r.passages


def test_range_advice_through_the_nsr_under_escort_is_admissible():
    plan = {"name": "s", "assets": [
        {"id": "arc", "nation": "RUS", "kind": "warship", "crew": 180, "speed_kn": 14,
         "range_nm": 2500, "ice_class": "Arc4", "itinerary": [
             {"at": "severomorsk", "depart": "2026-10-01T00:00Z"},
             {"at": "vladivostok", "escort": "icebreaker"}]}]}
    report, (f,) = _range_property(plan)
    assert "nsr" in report.legs.iloc[f.leg].passages
    assert set(f.extra["stops"]) <= {"dikson", "sabetta", "tiksi", "pevek", "provideniya",
                                     "anadyr", "petropavlovsk-kamchatsky", "dudinka"}


def test_range_with_plan_places_and_points_as_candidates():
    """Friendly places that are plan facilities or "lat,lon" points, and calls at plan places,
    no longer crash RANGE (issue 12 item 1); the chain is the one brute force finds."""
    aktobe = (50.245, 57.207)  # Aktobe airport (UATT), Kazakhstan: Wikipedia infobox
    tashkent = (41.258, 69.281)  # Tashkent International (UTTT): Wikipedia infobox
    plan = {"name": "p", "friendly": ["aktobe", f"{tashkent[0]},{tashkent[1]}"],
            "facilities": [
                {"id": "aktobe", "name": "Aktobe", "kind": "airbase", "lat": aktobe[0],
                 "lon": aktobe[1], "country": "KAZ"},
                {"id": "delhi-strip", "name": "Hindon", "kind": "airbase", "lat": 28.70579,
                 "lon": 77.342137, "country": "IND"}],
            "assets": [{"id": "an26", "nation": "RUS", "kind": "aircraft", "crew": 5,
                        "speed_kmh": 440, "range_km": 2000, "itinerary": [
                            {"at": "chkalovsky", "depart": "2026-03-01T00:00Z"},
                            {"at": "delhi-strip", "purpose": "humanitarian"}]}]}
    report, (f,) = _range_property(plan)
    # brute force over the same candidates with pyproj geodesics (air legs are geodesics)
    cat = facilities(kind="airbase")
    pts = {b: (cat.loc[b, "lat"], cat.loc[b, "lon"]) for b in cat.index
           if cat.loc[b, "country"] in ("RUS", "IND")}
    pts.pop("chkalovsky")
    pts.pop("hindon")
    pts["aktobe"] = aktobe
    pts["41.2580,69.2810"] = tashkent
    start, end = (55.8783, 38.0617), (28.70579, 77.342137)

    def g(a, b):
        return WGS84.inv(a[1], a[0], b[1], b[0])[2] / 1000

    best = None
    for x in pts:
        for y in pts:
            hops = [g(start, pts[x]), g(pts[x], pts[y]), g(pts[y], end)]
            if x != y and max(hops) <= 2000 and (best is None or sum(hops) < best[1]):
                best = ([x, y], sum(hops))
    assert not any(g(start, pts[x]) <= 2000 and g(pts[x], end) <= 2000 for x in pts)
    assert f.extra["stops"] == best[0]
    assert f.extra["chain_km"] == pytest.approx(best[1], rel=0.002)
    # the stops outside Russia need a landing clearance (7 days: the register's default)
    rows = {r["stop"]: r for r in f.extra["stop_clearances"]}
    assert set(rows) == {"aktobe", "41.2580,69.2810"}
    assert {r["country"] for r in rows.values()} == {"KAZ", "UZB"}
    assert all(r["lead_days"] == 7 and r["event"] == "landing" for r in rows.values())


def test_bundled_airlift_out_of_range_does_not_crash():
    """examples/disaster_relief_airlift.yaml (a plan facility in `friendly`) with a range too
    short for its Tashkent hop gives a RANGE finding, not an internal error."""
    from pathlib import Path

    import yaml

    path = Path(__file__).resolve().parents[1] / "examples" / "disaster_relief_airlift.yaml"
    plan = yaml.safe_load(path.read_text(encoding="utf-8"))
    for a in plan["assets"]:
        a["range_km"] = 2500  # Chkalovsky-Tashkent is ~2,780 km
    report = Plan.from_dict(plan).check()
    assert "RANGE" in report.codes()


def test_range_names_the_friendly_places_that_would_make_a_chain():
    """No chain at the places the nation may use: name the fewest third-country ports that
    would make one, found here by trying every set of them (issue 12 item 5). (An Indian ship
    now has its chain at Novorossiysk and Baltiysk, which the catalogue gained.)"""
    from itertools import combinations

    from planner.routing.sea import sea_route

    plan = {"name": "f", "assets": [
        {"id": "tushil", "nation": "FRA", "kind": "warship", "crew": 180, "speed_kn": 14,
         "range_nm": 4850, "ice_class": "none", "itinerary": [
             {"at": "mumbai", "depart": "2026-02-01T00:00Z"},
             {"at": "murmansk", "purpose": "exercise"}]}]}
    report = Plan.from_dict(plan).check()
    (f,) = [g for g in report.finding_list if g.code == "RANGE"]
    assert f.extra["stops"] is None
    ports = facilities(kind="port")
    # a French frigate (no RELOS party): no own or partner port in the catalogue, so every
    # stop is one the plan would have to add to ``friendly``
    usable: list[str] = []
    third = [p for p in ports.index if p not in ("mumbai", "murmansk")]
    range_km = 4850 * 1.852
    memo: dict = {}

    # the voyage runs February-April, when the table closes every NSR sea to her: the brute
    # force routes with the NSR passages closed
    assert all(_rule(s, m, "none") == "no" for s in ("kara-sw", "kara-ne", "laptev-w",
                                                      "laptev-e", "east-siberian-sw",
                                                      "east-siberian-ne", "chukchi")
               for m in (2, 3, 4))
    nsr = ("nsr", "kara-gate", "vilkitsky", "sannikov", "dmitry-laptev")

    def km_between(a, b):
        if km(a, b) > range_km * 1.01:  # no route beats the geodesic
            return float("inf")
        if (a, b) not in memo:
            try:
                memo[(a, b)] = sea_route(a, b, avoid=nsr).distance_km
            except ValueError:  # a port inside an NSR sea
                memo[(a, b)] = float("inf")
        return memo[(a, b)]

    def reachable(extra: tuple) -> bool:
        nodes = [p for p in [*usable, *extra, "murmansk"] if p != "mumbai"]
        seen, todo = {"mumbai"}, ["mumbai"]
        while todo:
            a = todo.pop()
            for b in nodes:
                if b in seen or km_between(a, b) > range_km:
                    continue
                if b == "murmansk":
                    return True
                seen.add(b)
                todo.append(b)
        return False

    need = next(set(c) for n in range(1, 3) for c in combinations(third, n) if reachable(c))
    assert set(f.extra["friendly_to_add"]) == need
    assert f"adding {' and '.join(f.extra['friendly_to_add'])} to `friendly` gives" in f.message
    plan["friendly"] = f.extra["friendly_to_add"]
    _range_property(plan)


# -- CLEARANCE for third-country calls (issue 12 item 9) ----------------------------------


def _register_row(country: str, applies: str, event: str) -> dict:
    with open(geodata_path("clearances.csv"), newline="") as fh:
        for row in csv.DictReader(fh):
            if (row["country"], row["applies_to"], row["event"]) == (country, applies, event):
                return row
    raise KeyError((country, applies, event))


def test_third_country_port_calls_and_landings_get_clearance():
    port_days = int(_register_row("*", "warship", "port_call")["lead_days"])
    land_days = int(_register_row("*", "any", "landing")["lead_days"])
    plan = {"name": "c", "facilities": [
                {"id": "tashkent", "name": "Tashkent", "kind": "airbase", "lat": 41.258,
                 "lon": 69.281, "country": "UZB"}],
            "assets": [
        {"id": "ship", "nation": "RUS", "kind": "warship", "crew": 200, "speed_kn": 14,
         "range_nm": 9000, "itinerary": [
             {"at": "vladivostok", "depart": "2026-03-01T00:00Z"},
             {"at": "singapore", "arrive": "2026-03-12T00:00Z", "depart": "2026-03-14T00:00Z"},
             {"at": "port-said"},  # a refuelling stop of no length is still a port call
             {"at": "severomorsk"}]},
        {"id": "il76", "nation": "RUS", "kind": "aircraft", "crew": 7, "speed_kmh": 750,
         "range_km": 4400, "itinerary": [
             {"at": "chkalovsky", "depart": "2026-03-01T00:00Z"},
             {"at": "tashkent", "depart": "2026-03-01T06:00Z"},
             {"at": "chkalovsky"}]}]}
    report = Plan.from_dict(plan).check()
    visits = {(f.host, f.facility): f for f in report.finding_list if f.code == "CLEARANCE"
              and f.extra["event"] in ("port_call", "landing")}
    assert set(visits) == {("SGP", "singapore"), ("EGY", "port-said"), ("UZB", "tashkent")}
    sgp = visits[("SGP", "singapore")]
    assert sgp.start == dt.datetime(2026, 3, 12, tzinfo=UTC)
    assert sgp.extra["file_by"] == "2026-02-10T00:00:00Z"  # 12 Mar - 30 days
    assert sgp.extra["lead_days"] == port_days == 30
    assert visits[("UZB", "tashkent")].extra["lead_days"] == land_days == 7
    calls = report.calls.set_index(["asset", "seq"])
    assert visits[("EGY", "port-said")].start == calls.loc[("ship", 2), "arrive"]


# -- sea legs' countries_crossed and territorial_nm (issue 12 item 10) ---------------------


def test_json_legs_countries_and_nm_come_from_the_territorial_sea_findings():
    plan = {"name": "t", "assets": [
        {"id": "tushil", "nation": "IND", "kind": "warship", "crew": 180, "speed_kn": 14,
         "range_nm": 9000, "itinerary": [
             {"at": "mumbai", "depart": "2026-06-20T00:00Z"},
             {"at": "port-said"}, {"at": "murmansk"}]}]}
    report = Plan.from_dict(plan).check()
    doc = report.to_dict()
    for i, leg in enumerate(doc["legs"]):
        found: dict[str, float] = {}
        order: list[tuple] = []
        for f in report.finding_list:
            if f.code != "TERRITORIAL_SEA" or f.leg != i:
                continue
            if "strait" in f.extra:
                order.append((f.start, f.extra["states"]))
                for s in f.extra["states"]:
                    found.setdefault(s, 0.0)
            else:
                found[f.host] = found.get(f.host, 0.0) + f.value
                order.append((f.start, [f.host]))
        assert leg["countries_crossed"], leg
        assert set(leg["countries_crossed"]) == set(found)
        assert set(leg["territorial_nm"]) == set(found)
        for iso3, nm in found.items():
            if nm:  # a country's own stretches, outside any strait
                assert leg["territorial_nm"][iso3] >= nm - 0.2
    legs = report.legs
    assert "EGY" not in legs.iloc[0]["countries_crossed"]  # host of the Port Said call
    assert "EGY" not in legs.iloc[1]["countries_crossed"]
    assert "EGY" in Plan.from_dict({**plan, "assets": [{**plan["assets"][0], "itinerary": [
        {"at": "mumbai", "depart": "2026-06-20T00:00Z"}, {"at": "murmansk"}]}]}
    ).check().legs.iloc[0]["countries_crossed"]


def _two_ships(second_nation: str, second_depart: str = "2026-10-02T00:00Z",
               first_nation: str = "IND") -> dict:
    def ship(i, nation, depart):
        return {"id": f"s{i}", "nation": nation, "kind": "warship", "crew": 180,
                "speed_kn": 14, "range_nm": 20000, "ice_class": "Arc4", "itinerary": [
                    {"at": "murmansk", "depart": depart},
                    {"at": "vladivostok", "purpose": "exercise", "escort": "icebreaker"}]}
    return {"name": "pair", "assets": [ship(1, first_nation, "2026-10-01T00:00Z"),
                                        ship(2, second_nation, second_depart)]}


def test_nsr_limit_two_foreign_warships_at_once():
    """155-FZ art. 14.3 (510-FZ): at most one foreign warship in the NSR's internal waters at
    a time. Two Indian ships a day apart on the same NSR passage overlap from the second's
    entry to the first's exit: the passage time less one day."""
    from planner.layers.nsr import sea_runs

    report = Plan.from_dict(_two_ships("IND")).check()
    (lim,) = [f for f in report.finding_list if f.code == "NSR_LIMIT"]
    assert lim.severity == "error" and lim.value == 2 and lim.limit == 1
    assert lim.assets == ["s1", "s2"] and lim.host == "RUS"
    # from the second ship's entry to the first ship's exit
    e1, e2 = sorted(f.start for f in report.finding_list
                    if f.code == "CLEARANCE" and f.extra["event"] == "nsr_transit")
    assert lim.start == e2 and lim.start - e1 == dt.timedelta(days=1)
    runs = sea_runs(report.legs.iloc[0].route)
    inside_h = (runs[-1].end_km - runs[0].start_km) / (14 * 1.852)  # km / (km/h at 14 kn)
    # no shorter than the geodesics Cape Zhelaniya - Vilkitsky Strait - Sannikov Strait -
    # Cape Dezhnev (the shortest NSR track), no longer than the longest coastal one
    from pyproj import Geod
    pts = [(76.95, 68.58), (77.92, 104.0), (74.67, 140.0), (66.08, -169.67)]
    least_km = sum(Geod(ellps="WGS84").inv(a[1], a[0], b[1], b[0])[2]
                   for a, b in zip(pts[:-1], pts[1:], strict=True)) / 1000
    assert 0.98 * least_km < runs[-1].end_km - runs[0].start_km < 3400 * 1.852
    want = dt.timedelta(hours=inside_h) - dt.timedelta(days=1)
    assert abs((lim.end - lim.start) - want) < dt.timedelta(seconds=1)
    # a Russian ship with a foreign one: one foreign warship, within the law
    assert "NSR_LIMIT" not in Plan.from_dict(_two_ships("RUS")).check().codes()


def test_nsr_limit_partner_exemption_is_a_setting_of_the_agreement(tmp_path):
    import dataclasses

    from planner.model.agreement import RELOS, load_agreement

    assert RELOS.nsr_limit_counts_partner is True  # the default: Russian law states none
    exempt = dataclasses.replace(RELOS, nsr_limit_counts_partner=False)
    plan = Plan.from_dict(_two_ships("IND"), agreement=exempt)
    assert "NSR_LIMIT" not in plan.check().codes()
    # a third state's warships still count
    assert "NSR_LIMIT" in Plan.from_dict(_two_ships("FRA", first_nation="FRA"),
                                         agreement=exempt).check().codes()
    p = tmp_path / "a.yaml"
    p.write_text("name: x\nparties: [IND, RUS]\ncaps: {warships: 5}\nin_force: 2026-01-01\n"
                 "nsr_limit_counts_partner: false\n")
    assert load_agreement(p).nsr_limit_counts_partner is False
    p.write_text(p.read_text().replace("false", "'no'"))
    with pytest.raises(ValueError):
        load_agreement(p)


def test_corridor_straits_are_innocent_passage_where_a_route_enters_the_sea():
    """UNCLOS art. 36: where a high-seas or EEZ route runs through a strait (Taiwan, Korea),
    transit passage does not apply; a warship keeping to the corridor enters no territorial
    sea, and one that cuts inside a coastal state's sea is in innocent passage there."""
    def plan(waters: str) -> Plan:
        return Plan.from_dict({"name": f"corridor {waters}", "assets": [{
            "id": "s1", "nation": "RUS", "kind": "warship", "crew": 200, "speed_kn": 14,
            "range_nm": 6000, "itinerary": [
                {"at": "vladivostok", "depart": "2027-03-01T00:00Z"},
                {"at": "visakhapatnam", "waters": waters}]}]})
    prefer = [f for f in plan("prefer").check().finding_list if f.code == "TERRITORIAL_SEA"]
    assert not [f for f in prefer if f.host in ("KOR", "JPN", "TWN", "CHN")]
    shortest = [f for f in plan("any").check().finding_list if f.code == "TERRITORIAL_SEA"]
    twn = [f for f in shortest if f.host == "TWN"]
    assert twn and all(f.severity == "warning" and "innocent passage" in f.message
                       and "transit passage" not in f.message for f in twn)


def test_turkish_straits_transit_is_notified_eight_days_ahead():
    """Montreux Convention art. 13: the transit of vessels of war is preceded by a
    notification to the Turkish Government through the diplomatic channel, normally eight
    days ahead. A Russian warship returning to Novorossiysk (its base: art. 19 lets it pass)."""
    ship = {"id": "essen", "nation": "RUS", "kind": "warship", "crew": 200, "speed_kn": 14,
            "range_nm": 4850, "itinerary": [{"at": "mumbai", "depart": "2027-03-20T06:00Z"},
                                            {"at": "novorossiysk", "purpose": "other"}]}
    rep = Plan.from_dict({"name": "home", "horizon_end": "2027-06-30",
                          "assets": [ship]}).check()
    transit = next(f for f in rep.finding_list if f.extra.get("strait") == "turkish-straits"
                   and f.severity == "info")
    (notice,) = [f for f in rep.finding_list if f.code == "CLEARANCE"
                 and f.extra.get("event") == "strait_transit"]
    assert notice.host == "TUR" and notice.extra["rule"] == "notice"
    assert notice.start == transit.start
    assert notice.extra["file_by"] == (transit.start - dt.timedelta(days=8)).strftime(
        "%Y-%m-%dT%H:%M:%SZ")
    assert "Montreux" in notice.extra.get("source", "") + notice.message + str(notice.extra)
    line = next(x for x in rep.to_text().splitlines() if x.startswith("  TUR (T"))
    assert "under the Montreux Convention" in line and "file by" in line  # one line
