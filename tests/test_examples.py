"""The plans in examples/: each loads, checks, and gives the findings worked out by hand in its
header comment (times from the plan, caps and lead times from the agreement and
geodata/clearances.csv)."""

from __future__ import annotations

import ast
import copy
import csv
import datetime as dt
import textwrap
from pathlib import Path

import pytest
import yaml

from planner import Plan, sea_route

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
UTC = dt.UTC


def T(text: str) -> dt.datetime:
    """'2026-03-19 12:00' -> aware UTC datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=UTC)


def errors(report) -> set[str]:
    return {f.code for f in report.finding_list if f.severity == "error"}


def of(report, code: str) -> list:
    return [f for f in report.finding_list if f.code == code]


def headroom(report, host: str, nation: str, category: str):
    h = report.headroom
    row = h[(h.host == host) & (h.nation == nation) & (h.category == category)]
    assert len(row) == 1
    return row.iloc[0]


def file_by(f) -> dt.datetime:
    return dt.datetime.fromisoformat(f.extra["file_by"].replace("Z", "+00:00"))


_cache: dict[str, object] = {}


def check(name: str, **kw):
    """Load and check an example once per test session."""
    if name not in _cache:
        _cache[name] = Plan.load(EXAMPLES / name, **kw).check()
    return _cache[name]


TASK_GROUP = ["admiral-panteleyev", "admiral-tributs", "admiral-vinogradov", "gromkiy",
              "sovershenny"]


def test_every_example_has_a_header_and_a_test():
    names = sorted(p.name for p in EXAMPLES.glob("*.yaml"))
    assert len(names) >= 8
    # a test checks the example when it calls check("NAME") (a comment naming it is no test)
    tree = ast.parse(Path(__file__).read_text(encoding="utf-8"))
    checked = {node.args[0].value for node in ast.walk(tree)
               if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "check"
               and node.args and isinstance(node.args[0], ast.Constant)}
    for name in names:
        text = (EXAMPLES / name).read_text(encoding="utf-8")
        assert text.startswith("# "), name
        assert "Expected" in text and ("Wikipedia" in text or "Public figures" in text), name
        # a CSV plan's meta file is checked with its CSV
        assert name in checked or name.replace("_meta.yaml", ".csv") in checked, name


# -- Russian task group -------------------------------------------------------------------


def test_task_group_within_warship_cap():
    r = check("russian_task_group_port_call.yaml")
    assert errors(r) == set()
    # five ships, all at Visakhapatnam [03-17 06:00, 03-22 06:00) and Mumbai [03-28, 04-01)
    w = headroom(r, "IND", "RUS", "warships")
    assert (w.peak, w.headroom) == (5, 0)
    assert w.peak_at == T("2026-03-17 06:00")
    assert headroom(r, "IND", "RUS", "personnel").peak == 3 * 300 + 2 * 100
    p = r.presence
    ships = p[(p.host == "IND") & (p.category == "warships")]
    spans = {(s.start.to_pydatetime(), s.end.to_pydatetime(), s["count"])
             for _, s in ships.iterrows()}
    assert spans == {(T("2026-03-17 06:00"), T("2026-03-22 06:00"), 5),
                     (T("2026-03-28 06:00"), T("2026-04-01 06:00"), 5)}
    # port-call notice 30 days before each arrival, in India and at Singapore (a third
    # country: the register's default row), out and home
    calls = [f for f in of(r, "CLEARANCE") if f.extra["event"] == "port_call"]
    india = [f for f in calls if f.host == "IND"]
    assert len(india) == 10
    due = {(f.facility, file_by(f)) for f in india}
    assert due == {("visakhapatnam", T("2026-02-15 06:00")), ("mumbai", T("2026-02-26 06:00"))}
    singapore = [f for f in calls if f.host == "SGP"]
    assert len(singapore) == 5 * 2 and {f.facility for f in singapore} == {"singapore"}
    assert all(file_by(f) == f.start - dt.timedelta(days=30) for f in singapore)


def test_task_group_sixth_warship_trips_the_cap():
    r = check("russian_task_group_sixth_warship.yaml")
    assert errors(r) == {"CAP_WARSHIPS"}
    (cap,) = of(r, "CAP_WARSHIPS")
    assert (cap.host, cap.nation, cap.value, cap.limit) == ("IND", "RUS", 6, 5)
    # Marshal Shaposhnikov is at Visakhapatnam [03-19 12:00, 03-21 00:00), inside the
    # group's stay [03-17 06:00, 03-22 06:00): six ships for exactly that stretch
    assert cap.start == T("2026-03-19 12:00")
    assert cap.end == T("2026-03-21 00:00")
    assert sorted(cap.assets) == sorted(TASK_GROUP + ["marshal-shaposhnikov"])
    assert headroom(r, "IND", "RUS", "personnel").peak == 1100 + 300
    assert not of(r, "CAP_PERSONNEL")


# -- Indian frigate through the NSR -------------------------------------------------------


def _calendar(path: Path) -> dict[tuple[str, int], str]:
    """An ice calendar read by hand: (area, month) -> ice type."""
    with path.open(encoding="utf-8") as fh:
        return {(r["area"], int(r["month"])): r["ice"] for r in csv.DictReader(fh)}


SHIPPED_CALENDAR = Path(__file__).resolve().parents[1] / "geodata" / "nsr_ice_calendar.csv"
WHATIF_LIGHT = EXAMPLES / "nsr_ice_whatif_light_september.csv"


def _nsr_areas() -> list[str]:
    """The areas of Appendix 2 the Severomorsk - Provideniya NSR track crosses, in order (north
    of Novaya Zemlya, the Vilkitsky and Sannikov straits, the East Siberian Sea, the Chukchi
    Sea), read from the track an Arc9 ship would sail."""
    from planner.layers.nsr import sea_runs

    r = sea_route("severomorsk", "provideniya", ice_class="Arc9", date="2026-09-02")
    assert "nsr" in r.passages
    areas = list(dict.fromkeys(run.sea for run in sea_runs(r)))
    assert areas[0].startswith("kara") and areas[-1] == "chukchi"
    return areas


SUMMER_NSR_AREAS = _nsr_areas()


def test_frigate_nsr_summer_escorted_is_kept_out_by_typical_ice():
    """Appendix 2 (hand reading, consultant.ru cons_doc_LAW_145233): a ship of no ice class is
    admitted under icebreaker escort in light ice only, never on her own. The shipped calendar's
    September ice on the leg is heavy or medium everywhere but the Chukchi Sea, so even escorted
    the NSR is closed: routed round, and her range and given arrival then fail."""
    r = check("indian_frigate_nsr_summer.yaml")
    nsr_leg = r.legs[(r.legs["from"] == "severomorsk") & (r.legs["to"] == "provideniya")]
    assert len(nsr_leg) == 1 and "nsr" not in nsr_leg.iloc[0].passages
    typical = _calendar(SHIPPED_CALENDAR)
    closed = [a for a in SUMMER_NSR_AREAS if typical[(a, 9)] != "light"]
    assert closed[0] == "kara-ne" and "chukchi" not in closed
    (ice,) = of(r, "NSR_ICE")
    assert ice.severity == "warning" and ice.start.month == 9
    # the areas the escort cannot open, each with its ice; the Chukchi Sea (light) it does
    assert ice.extra["seas"] == closed
    assert ice.extra["ice"] == [typical[(a, 9)] for a in closed]
    assert "Kara Sea, north-eastern part" in ice.message and "heavy ice" in ice.message
    assert "Chukchi" not in ice.message.split("; +")[0]
    assert "planning assumption" in ice.message
    assert not [f for f in of(r, "CLEARANCE") if f.extra["event"] == "nsr_transit"]
    assert errors(r) == {"RANGE", "SCHEDULE"}


def test_frigate_nsr_summer_without_escort_is_closed_in_the_chukchi_sea_too():
    data = yaml.safe_load((EXAMPLES / "indian_frigate_nsr_summer.yaml").read_text("utf-8"))
    for call in data["assets"][0]["itinerary"]:
        call.pop("escort", None)
    r = Plan.from_dict(data, source="summer, no escort").check()
    (ice,) = of(r, "NSR_ICE")
    # on her own a ship of no ice class is admitted nowhere, whatever the ice
    assert ice.extra["seas"] == SUMMER_NSR_AREAS


def test_frigate_nsr_summer_on_a_light_ice_forecast_sails_the_nsr_escorted():
    """With the what-if calendar (light ice in every area in September) standing in for the
    official forecast, the escorted leg is admitted on sourced cells only (no NSR_ICE), and
    510-FZ asks for permission 90 days before the NSR entry."""
    assert {_calendar(WHATIF_LIGHT)[(a, 9)] for a in SUMMER_NSR_AREAS} == {"light"}
    r = Plan.load(EXAMPLES / "indian_frigate_nsr_summer.yaml").check(ice_calendar=WHATIF_LIGHT)
    leg = r.legs[(r.legs["from"] == "severomorsk") & (r.legs["to"] == "provideniya")].iloc[0]
    assert "nsr" in leg.passages
    assert not of(r, "NSR_ICE") and errors(r) == set()
    # REGRESSION BOUND: the published NSR length is ~3,000 nm+ (Severomorsk - Provideniya)
    assert 3_000 < leg.distance_nm < 3_700
    (permit,) = [f for f in of(r, "CLEARANCE") if f.extra["event"] == "nsr_transit"]
    assert permit.host == "RUS" and permit.extra["rule"] == "authorization"
    assert permit.extra["lead_days"] == 90 and not permit.extra["default_lead_time"]
    assert file_by(permit) == permit.start - dt.timedelta(days=90)
    # the NSR entry north of Novaya Zemlya: 760-990 nm from Severomorsk at 14 kn
    hours = (permit.start - T("2026-08-31 00:00")).total_seconds() / 3600
    assert 760 / 14 <= hours <= 990 / 14
    assert "pilotage" in permit.message and "diplomatic channels" in permit.message
    assert not of(r, "NSR_LIMIT")  # one foreign warship


# -- WHAT-IF Arc4 frigates in company through the NSR ---------------------------------------

PAIR = "indian_frigates_nsr_pair_whatif.yaml"


def _pair(**changes):
    data = yaml.safe_load((EXAMPLES / PAIR).read_text(encoding="utf-8"))
    for asset in data["assets"]:
        asset["itinerary"] = copy.deepcopy(asset["itinerary"])
    for asset_id, fn in changes.items():
        fn(next(a for a in data["assets"] if a["id"] == asset_id))
    return data


def test_pair_in_company_trips_the_one_foreign_warship_limit():
    r = check("indian_frigates_nsr_pair_whatif.yaml")
    assert errors(r) == {"NSR_LIMIT"}
    (lim,) = of(r, "NSR_LIMIT")
    assert (lim.host, lim.nation, lim.value, lim.limit) == ("RUS", "IND", 2, 1)
    assert sorted(lim.assets) == ["ins-tamal", "ins-tushil"]
    permits = [f for f in of(r, "CLEARANCE") if f.extra["event"] == "nsr_transit"]
    assert sorted(f.assets[0] for f in permits) == ["ins-tamal", "ins-tushil"]
    # both enter together (the limit starts at the NSR entry, 760-990 nm out at 14 kn) and
    # leave together before Provideniya
    assert {f.start for f in permits} == {lim.start}
    hours = (lim.start - T("2026-10-01 00:00")).total_seconds() / 3600
    assert 760 / 14 <= hours <= 990 / 14
    arrive = r.calls[(r.calls.asset == "ins-tushil") & (r.calls["at"] == "provideniya")].iloc[0]
    assert lim.end < arrive.arrive
    assert all(file_by(f) == f.start - dt.timedelta(days=90) for f in permits)


def test_pair_escort_and_unsourced_cells():
    r = check("indian_frigates_nsr_pair_whatif.yaml")
    ices = of(r, "NSR_ICE")
    assert sorted(f.assets[0] for f in ices) == ["ins-tamal", "ins-tushil"]
    assert all(f.severity == "warning" for f in ices)
    # every Arc4 cell of the table is a planning assumption: each use is named
    assert all("not found in the public text of the Rules" in f.message for f in ices)
    typical = _calendar(SHIPPED_CALENDAR)
    assert typical[("kara-ne", 10)] == "medium"  # Arc4 needs escort in medium ice
    # without the escort the Kara Sea NE closes the NSR to Arc4 in October: routed round
    data = _pair(**{a: (lambda x: [c.pop("escort", None) for c in x["itinerary"]])
                    for a in ("ins-tushil", "ins-tamal")})
    alone = Plan.from_dict(data, source="pair, no escort").check()
    legs = alone.legs[alone.legs["to"] == "provideniya"]
    assert not any("nsr" in p for p in legs.passages)
    assert not of(alone, "NSR_LIMIT")


def test_pair_staggered_by_her_nsr_time_is_within_the_limit():
    r = check("indian_frigates_nsr_pair_whatif.yaml")
    (lim,) = of(r, "NSR_LIMIT")
    in_nsr = lim.end - lim.start  # each ship's time in the NSR's internal waters

    def staggered(days: float):
        data = _pair()
        tamal = next(a for a in data["assets"] if a["id"] == "ins-tamal")
        tamal["itinerary"] = [
            {"at": "severomorsk", "depart": (T("2026-10-01 00:00") + dt.timedelta(days=days))
             .strftime("%Y-%m-%dT%H:%MZ")},
            {"at": "provideniya", "escort": "icebreaker", "purpose": "mutually_agreed"}]
        return Plan.from_dict(data, source=f"pair, Tamal {days} days later").check()

    assert in_nsr > dt.timedelta(days=6)
    clear = staggered(in_nsr.total_seconds() / 86400 + 0.1)
    assert not of(clear, "NSR_LIMIT")
    overlap = staggered(in_nsr.total_seconds() / 86400 - 0.5)
    (lim2,) = of(overlap, "NSR_LIMIT")
    assert lim2.value == 2 and lim2.end == lim.end  # until Tushil leaves


def test_pair_not_counted_when_the_agreement_exempts_the_partner():
    from dataclasses import replace

    from planner.model.agreement import RELOS

    exempt = replace(RELOS, nsr_limit_counts_partner=False)
    r = Plan.load(EXAMPLES / PAIR, agreement=exempt).check()
    assert not of(r, "NSR_LIMIT")
    # the 510-FZ permission is still owed for each ship
    assert len([f for f in of(r, "CLEARANCE") if f.extra["event"] == "nsr_transit"]) == 2


def test_pair_home_by_malacca_names_the_rule_of_each_coastal_state():
    r = check("indian_frigates_nsr_pair_whatif.yaml")
    sea = [f for f in of(r, "CLEARANCE") if f.extra["event"] == "territorial_sea"]
    # home by Malacca in `prefer`: the straits are transit passage (UNCLOS arts. 38 and 44: no
    # notice, no authorization), and no third-country sea is entered outside them
    assert not sea
    transits = [f for f in of(r, "TERRITORIAL_SEA") if f.host in ("IDN", "MYS", "SGP")]
    assert transits and all("transit passage" in f.message for f in transits)
    # Myanmar: the goodwill call at Yangon is a port call by diplomatic clearance
    calls = [f for f in of(r, "CLEARANCE") if f.host == "MMR"]
    assert {f.extra["event"] for f in calls} == {"port_call"} and len(calls) == 2


def test_shortest_way_up_the_red_sea_needs_yemen_s_authorization():
    """Yemen's UNCLOS declarations ask prior permission for foreign warships in its territorial
    sea (register row YEM; no lead time stated). With `waters: any` the shortest way from
    Mumbai to Port Said runs inside Yemen's sea outside the Bab-el-Mandeb: a CLEARANCE of rule
    `authorization` on a 30-day planner default; in `prefer` the route keeps out of it."""
    def plan(waters: str) -> Plan:
        return Plan.from_dict({"name": "red sea", "assets": [{
            "id": "tabar", "nation": "IND", "kind": "warship", "crew": 180, "speed_kn": 14,
            "range_nm": 4850, "itinerary": [
                {"at": "mumbai", "depart": "2027-03-01T00:00Z"},
                {"at": "port-said", "waters": waters}]}]}, source=f"red sea {waters}")
    r = plan("any").check()
    (yem,) = [f for f in of(r, "CLEARANCE") if f.host == "YEM"]
    assert yem.extra["rule"] == "authorization" and yem.extra["default_lead_time"]
    assert yem.extra["lead_days"] == 30 and "permission" in yem.message
    (ts,) = [f for f in of(r, "TERRITORIAL_SEA") if f.host == "YEM" and f.severity == "warning"]
    assert "prior authorization" in ts.message
    assert not [f for f in of(plan("prefer").check(), "CLEARANCE") if f.host == "YEM"]


def test_frigate_nsr_february_is_routed_round_and_refused():
    r = check("indian_frigate_nsr_february.yaml")
    # the NSR is closed to her in February, so the leg is routed the way every command
    # routes it (relos route --date 2026-02-10 --ice-class none): round by Panama, which
    # her range and the given arrival cannot make
    assert errors(r) == {"RANGE", "SCHEDULE"}
    (ice,) = of(r, "NSR_ICE")
    assert ice.severity == "warning" and ice.assets == ["ins-tushil"]
    assert ice.extra["seas"][0] == "kara-ne" and ice.extra["seas"][-1] == "chukchi"
    assert ice.start.month == 2
    assert "February" in ice.message and "ice class none" in ice.message
    leg = r.legs[(r.legs["from"] == "severomorsk") & (r.legs["to"] == "provideniya")].iloc[0]
    assert "nsr" not in leg.passages and "panama" in leg.passages
    # REGRESSION BOUNDS: from the routed distances (Pub. 151 gives no Severomorsk-Provideniya
    # figure); the ~3,360 nm NSR leg matches the NSR's published length of about 3,000 nm+
    assert 11_000 < leg.distance_nm < 12_500
    assert 3_000 < ice.extra["nsr_nm"] < 3_700  # the ~3,360 nm NSR leg it could not take
    (rng,) = [f for f in of(r, "RANGE") if f.leg == ice.leg]
    assert rng.value == pytest.approx(leg.distance_nm, abs=0.1) and rng.limit == 4850
    # no NSR transit, so no NSR-transit notice
    assert not [f for f in of(r, "CLEARANCE") if f.extra["event"] == "nsr_transit"]


# -- Air ------------------------------------------------------------------------------------


def test_disaster_relief_airlift_overflights_and_landings():
    r = check("disaster_relief_airlift.yaml")
    assert errors(r) == set()
    over = of(r, "OVERFLIGHT")
    assert {f.host for f in over} == {"KAZ", "TJK", "KGZ", "AFG", "PAK"}
    # each aircraft enters each of the five airspaces once out and once home
    assert len(over) == 3 * 5 * 2
    clear = {(f.host, f.assets[0], f.start): f for f in of(r, "CLEARANCE")
             if f.extra["event"] == "overflight"}
    for f in over:
        c = clear[(f.host, f.assets[0], f.start)]
        assert file_by(c) == f.start - dt.timedelta(days=7)
        assert f.end > f.start
    landings = [f for f in of(r, "CLEARANCE") if f.extra["event"] == "landing"]
    india = [f for f in landings if f.host == "IND"]
    assert len(india) == 3 * 3
    assert {f.facility for f in india} == {"hindon", "car-nicobar"}
    # Tashkent is a third-country landing (Uzbekistan), out and home: the default 7 days
    uzb = [f for f in landings if f.host == "UZB"]
    assert len(uzb) == 3 * 2 and {f.facility for f in uzb} == {"tashkent"}
    assert len(landings) == len(india) + len(uzb)
    assert all(file_by(f) == f.start - dt.timedelta(days=7) for f in landings)
    a = headroom(r, "IND", "RUS", "aircraft")
    assert (a.peak, a.headroom) == (3, 7)
    assert headroom(r, "IND", "RUS", "personnel").peak == 3 * 7 + 120
    assert all(c.purpose == "disaster_relief" for c in r.calls.itertuples()
               if c.host == "IND")


def test_indian_air_detachment_headroom():
    r = check("indian_air_detachment_olenya.yaml")
    assert errors(r) == set()
    a = headroom(r, "RUS", "IND", "aircraft")
    assert (a.peak, a.limit, a.headroom) == (5, 10, 5)
    p = headroom(r, "RUS", "IND", "personnel")
    assert (p.peak, p.headroom) == (4 * 2 + 6 + 260 + 2700, 3000 - 2974)
    assert p.peak_at == T("2026-08-03 09:00")  # the first given arrival at Chkalovsky
    assert {f.host for f in of(r, "OVERFLIGHT")} == {"IRN", "TKM", "KAZ"}
    assert not any("PAK" in c or "AFG" in c for c in r.legs.countries_crossed)
    landings = {(f.facility, f.start) for f in of(r, "CLEARANCE")
                if f.extra["event"] == "landing"}
    assert landings == {("chkalovsky", T("2026-08-03 09:00")), ("olenya", T("2026-08-04 07:00")),
                        ("chkalovsky", T("2026-08-18 07:00"))}


def test_relief_flights_lakshadweep_facility_errors_and_fix():
    r = check("relief_flights_lakshadweep.yaml")
    assert errors(r) == {"FACILITY"}
    fac = {f.facility: f for f in of(r, "FACILITY")}
    assert set(fac) == {"agatti", "kochi"}
    # OurAirports runways.csv, VOAT runway 04/22: 4,235 ft (hand reading) against 1,700 m
    agatti = fac["agatti"]
    assert agatti.assets == ["il76-no1"]
    assert (agatti.value, agatti.limit) == (1700, round(4235 * 0.3048))
    assert "OurAirports" in agatti.message and "VOAT runway 04/22" in agatti.message
    # "Cochin" is an alias of the port of Kochi: an aircraft cannot call at a port
    kochi = fac["kochi"]
    assert kochi.assets == ["il76-no2"] and "is a port" in kochi.message
    assert "nearest catalogue air base is ins-garuda" in kochi.message
    # Pakistan: state aircraft over its territory need prior authorization
    pak = [f for f in of(r, "CLEARANCE") if f.host == "PAK" and f.extra["event"] == "overflight"]
    assert len(pak) == 2 * 2 and all(f.extra["rule"] == "authorization" for f in pak)
    # the fix: both land at INS Garuda (VOCC 17/35, 5,960 ft = 1,817 m >= 1,700 m)
    data = yaml.safe_load((EXAMPLES / "relief_flights_lakshadweep.yaml").read_text("utf-8"))
    for asset in data["assets"]:
        asset["itinerary"][3]["at"] = "ins-garuda"
    fixed = Plan.from_dict(data, source="relief flights, fixed").check()
    assert round(5960 * 0.3048) >= 1700
    assert errors(fixed) == set() and not of(fixed, "FACILITY")
    landings = {f.facility for f in of(fixed, "CLEARANCE") if f.extra["event"] == "landing"
                and f.host == "IND"}
    assert landings == {"hindon", "ins-garuda"}


# -- Term -----------------------------------------------------------------------------------


def test_five_year_programme_runs_past_the_term():
    r = check("five_year_programme.yaml")
    assert errors(r) == {"OUTSIDE_TERM"}
    spans = {(f.assets[0], f.start, f.end) for f in of(r, "OUTSIDE_TERM")}
    assert spans == {
        ("admiral-tributs", T("2031-03-10 06:00"), T("2031-03-17 06:00")),
        ("naval-infantry-2031", T("2031-03-10 00:00"), T("2031-03-17 00:00")),
    }


def test_five_year_programme_extended_is_clean():
    data = yaml.safe_load((EXAMPLES / "five_year_programme.yaml").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["agreement"]["extended"] = True
    plan = Plan.from_dict(data, source="five_year_programme (extended)")
    assert plan.agreement.term_end == T("2036-01-01 00:00")
    r = plan.check()
    assert errors(r) == set()
    assert not of(r, "OUTSIDE_TERM")


# -- CSV ------------------------------------------------------------------------------------

EQUIVALENT_YAML = """
name: INDRA Navy 2026 - Eastern Fleet frigates to Vladivostok (CSV)
agreement: {in_force: 2026-01-01}
horizon_end: 2026-08-31
friendly: [singapore]
assets:
  - id: ins-tabar
    name: INS Tabar (F44)
    nation: IND
    kind: warship
    crew: 180
    speed_kn: 14
    range_nm: 4850
    ice_class: none
    itinerary: &calls
      - {at: visakhapatnam, depart: 2026-07-01T00:00Z}
      - {at: singapore, depart: 2026-07-07T00:00Z}
      - {at: vladivostok, arrive: 2026-07-16T06:00Z, depart: 2026-07-23T06:00Z,
         purpose: exercise}
      - {at: singapore, depart: 2026-08-03T00:00Z}
      - {at: visakhapatnam}
  - id: ins-teg
    name: INS Teg (F45)
    nation: IND
    kind: warship
    crew: 180
    speed_kn: 14
    range_nm: 4850
    ice_class: none
    itinerary: *calls
detachments:
  - {id: marcos-team, name: MARCOS team for the boarding serials, nation: IND, strength: 30,
     at: vladivostok, from: 2026-07-17, to: 2026-07-22, purpose: exercise}
"""


def _summary(report):
    return [(f.code, f.severity, f.host, f.nation, f.start, f.end, f.value, tuple(f.assets),
             f.message) for f in report.finding_list]


def test_csv_plan_checks_like_yaml(tmp_path):
    r = check("exercise_calls.csv", meta=EXAMPLES / "exercise_calls_meta.yaml")
    assert errors(r) == set()
    w = headroom(r, "RUS", "IND", "warships")
    assert (w.peak, w.headroom) == (2, 3)
    p = headroom(r, "RUS", "IND", "personnel")
    assert (p.peak, p.headroom) == (2 * 180 + 30, 2610)
    assert p.peak_at == T("2026-07-17 00:00")
    port = {(f.assets[0], file_by(f)) for f in of(r, "CLEARANCE")
            if f.extra["event"] == "port_call" and f.host == "RUS"}
    assert port == {("ins-tabar", T("2026-06-16 06:00")), ("ins-teg", T("2026-06-16 06:00"))}
    # and a port call at Singapore (a third country) on the way out and home, per ship
    sgp = [f for f in of(r, "CLEARANCE") if f.extra["event"] == "port_call"
           and f.host == "SGP"]
    assert sorted(f.assets[0] for f in sgp) == ["ins-tabar"] * 2 + ["ins-teg"] * 2

    path = tmp_path / "exercise_calls.yaml"
    path.write_text(textwrap.dedent(EQUIVALENT_YAML), encoding="utf-8")
    y = Plan.load(path).check()
    assert _summary(y) == _summary(r)
    cols = ["asset", "from", "to", "distance_nm", "depart", "arrive", "passages"]
    assert y.legs[cols].to_dict("records") == r.legs[cols].to_dict("records")
    assert y.headroom.equals(r.headroom)


@pytest.mark.parametrize("name", ["exercise_calls.csv"])
def test_csv_plan_via_cli(relos, name):
    res = relos("check", str(EXAMPLES / name), "--meta",
                str(EXAMPLES / "exercise_calls_meta.yaml"), "--format", "json")
    assert res.returncode == 0, res.stderr
    assert '"ok": true' in res.stdout
