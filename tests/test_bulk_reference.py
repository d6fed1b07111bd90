"""The bulk checks (issue 16) against a plain per-leg reference.

``crossing_findings`` and ``range_findings`` work per distinct thing: crossings per distinct
route and own countries, times placed for all legs in one vectorised step, clearances in
bulk; refuelling searches shared by the legs of one (origin, destination, asset, options)
leaving in the window of departures where every hop is routed the same way. The reference
below is the straightforward computation, leg by leg: every leg's crossings grouped on their
own, each time from :func:`~planner.routing.schedule.time_at_km`, each clearance looked up on
its own, and one full Dijkstra refuelling search (:func:`~planner.routing.refuel.chains`)
per out-of-range leg, routed at that leg's own time. Both must give the same findings on a
1,000-call plan with three nations, air and sea legs, third-country crossings, range
problems, in-flight refuelling and legs over the NSR in and out of its season.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter

import pandas as pd
import pytest

from planner import Plan
from planner.checks import crossings as cx
from planner.checks import range as rg
from planner.checks.tankers import tanker_advice, topups
from planner.core.units import KM_PER_NM, fmt_minute, to_datetime
from planner.layers.register import passage_rule, rule_text
from planner.model.findings import Finding
from planner.routing.refuel import chain_to, chains
from planner.routing.schedule import time_at_km
from planner.routing.waters import in_canal

PORTS_IND = ["mumbai", "kochi", "visakhapatnam", "chennai"]
PORTS_RUS = ["vladivostok", "severomorsk", "novorossiysk", "baltiysk"]
THIRD = ["singapore", "port-said", "djibouti", "colombo"]
BASES_IND = ["hindon", "jamnagar", "ins-hansa", "ins-rajali", "car-nicobar"]
BASES_RUS = ["chkalovsky", "olenya", "khabarovsk", "yelizovo", "kubinka"]


def _plan(n_calls: int = 1000, seed: int = 5) -> Plan:
    rng = random.Random(seed)
    t0 = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    assets = []
    n = 0
    a = 0
    while n < n_calls:
        kind = "aircraft" if a % 3 == 2 else "warship"
        nation = ["IND", "RUS", "FRA"][a % 5 % 3]
        t = t0 + dt.timedelta(hours=rng.randrange(0, 24 * 365 * 3))
        if kind == "warship":
            places = PORTS_IND + PORTS_RUS + THIRD
            asset = {"id": f"w{a}", "nation": nation, "kind": "warship", "crew": 150,
                     "speed_kn": rng.choice([12, 14, 16]),
                     "range_nm": rng.choice([4000] + [12000] * 7),
                     "ice_class": rng.choice(["none", "none", "Arc4", "Arc7"])}
            hop_h = (24 * 8, 24 * 40)
        else:
            places = BASES_IND + BASES_RUS
            asset = {"id": f"a{a}", "nation": nation if nation != "FRA" else "IND",
                     "kind": "aircraft", "crew": 4, "speed_kmh": 800,
                     "range_km": rng.choice([3500] + [9000] * 5)}
            hop_h = (6, 48)
        itinerary = []
        at = rng.choice(places)
        for seq in range(10):
            stay = rng.randrange(6, 72)
            call = {"at": at, "arrive": t.isoformat(), "depart": (t + dt.timedelta(
                hours=stay)).isoformat(), "purpose": "exercise"}
            if seq == 0:
                del call["arrive"]
            itinerary.append(call)
            t += dt.timedelta(hours=stay + rng.randrange(*hop_h))
            at = rng.choice([p for p in places if p != at])
        assets.append({**asset, "itinerary": itinerary})
        n += 10
        a += 1
    # tankers: one Indian tanker flying with a receiver, one listed that does not
    assets.append({"id": "tk1", "nation": "IND", "kind": "aircraft", "crew": 6,
                   "speed_kmh": 750, "range_km": 7300, "itinerary": [
                       {"at": "jamnagar", "depart": "2026-08-03T02:00Z"},
                       {"at": "chkalovsky", "arrive": "2026-08-03T09:00Z",
                        "purpose": "exercise"}]})
    assets.append({"id": "su1", "nation": "IND", "kind": "aircraft", "crew": 2,
                   "speed_kmh": 750, "range_km": 3000, "itinerary": [
                       {"at": "jamnagar", "depart": "2026-08-03T02:30Z"},
                       {"at": "chkalovsky", "arrive": "2026-08-03T09:00Z",
                        "purpose": "exercise", "refuel_by": ["tk1"]}]})
    assets.append({"id": "su2", "nation": "IND", "kind": "aircraft", "crew": 2,
                   "speed_kmh": 750, "range_km": 3000, "itinerary": [
                       {"at": "hindon", "depart": "2026-09-03T02:30Z"},
                       {"at": "chkalovsky", "arrive": "2026-09-03T09:00Z",
                        "purpose": "exercise", "refuel_by": ["tk1"]}]})
    assets.append({"id": "su3", "nation": "IND", "kind": "aircraft", "crew": 2,
                   "speed_kmh": 750, "range_km": 2000, "itinerary": [
                       {"at": "jamnagar", "depart": "2026-08-03T02:40Z"},
                       {"at": "chkalovsky", "arrive": "2026-08-03T09:00Z",
                        "purpose": "exercise", "refuel_by": ["tk1"]}]})
    return Plan.from_dict({"name": "bulk reference", "agreement": {"in_force": "2026-01-01"},
                           "friendly": ["singapore"], "assets": assets})


# -- the reference: leg by leg ----------------------------------------------------------------

def reference_crossings(plan, schedule, register=None) -> list[Finding]:
    legs = schedule.legs
    host = {(c.asset, c.seq): c.host for c in schedule.calls.itertuples(index=False)}
    out: list[Finding] = []
    for i, leg in enumerate(legs.itertuples(index=False)):
        rows = cx.crossings_table([leg.route])
        own = {leg.nation, host.get((leg.asset, leg.seq - 1)), host.get((leg.asset, leg.seq))}
        rows = rows[~rows["iso3"].isin(own)]
        if len(rows):
            out += _reference_leg(leg, i, rows, register)
    for c in schedule.calls.itertuples(index=False):
        if not isinstance(c.host, str) or c.host == c.nation:
            continue
        if c.seq == 0 and not c.arrive_given:
            continue
        friendly = {cx.resolve_place(p, plan.facilities).id for p in plan.friendly}
        if not (c.depart > c.arrive or c.open_ended or c.facility_kind in ("port", "airbase")
                or c.at in friendly):
            continue
        event = "port_call" if c.kind == "warship" else "landing"
        f = cx.clearance_finding(c.host, c.kind, event, c.arrive, nation=c.nation,
                                 asset=c.asset, what=f"{event.replace('_', ' ')} at {c.at}",
                                 register=register, facility=c.at)
        if f:
            out.append(f)
    return out


def _reference_leg(leg, i, rows, register) -> list[Finding]:
    out: list[Finding] = []

    def at(km):
        return time_at_km(leg.depart, leg.sail_kmh, km).round("min")

    name = f"{leg._asdict()['_5']} -> {leg.to}"
    straits: dict[str, list] = {}
    plain = []
    if leg.kind == "warship":  # a canal is passed under its convention, not territorial sea
        rows = rows[~in_canal(leg.route, rows["entry_km"].to_numpy(), rows["exit_km"].to_numpy())]
    for row in rows.itertuples(index=False):
        if leg.kind == "warship" and cx._beyond_breadth(leg, row):
            continue
        strait = cx._strait_for(leg, row) if leg.kind == "warship" else None
        if strait:
            straits.setdefault(strait, []).append(row)
        else:
            plain.append(row)
    by_country: dict[str, list] = {}
    for row in plain:
        by_country.setdefault(row.iso3, []).append(row)
    for iso3, grp in by_country.items():
        entry = at(min(r.entry_km for r in grp))
        exit_ = at(max(r.exit_km for r in grp))
        inside = sum(r.distance_km for r in grp)
        stretches = f", {len(grp)} stretches" if len(grp) > 1 else ""
        if leg.kind == "aircraft":
            out.append(Finding(
                "OVERFLIGHT", "warning",
                f"{leg.asset} ({leg.nation}) flies through {iso3} airspace on {name} from "
                f"{fmt_minute(entry)} to {fmt_minute(exit_)} "
                f"({inside:,.0f} km inside{stretches}); diplomatic overflight clearance needed",
                host=iso3, nation=leg.nation, start=to_datetime(entry), end=to_datetime(exit_),
                value=round(inside, 1), unit="km", assets=[leg.asset], leg=i))
            c = cx.clearance_finding(iso3, "aircraft", "overflight", entry, nation=leg.nation,
                                     asset=leg.asset, what=f"overflight on {name}",
                                     register=register, leg=i)
        else:
            out.append(Finding(
                "TERRITORIAL_SEA", "warning",
                f"{leg.asset} ({leg.nation}) passes through {iso3} territorial sea on {name} "
                f"from {fmt_minute(entry)} to {fmt_minute(exit_)} "
                f"({inside / KM_PER_NM:,.0f} nm inside{stretches}): "
                f"innocent passage; {rule_text(iso3, 'warship', 'territorial_sea', register)}",
                host=iso3, nation=leg.nation, start=to_datetime(entry), end=to_datetime(exit_),
                value=round(inside / KM_PER_NM, 1), unit="nm", assets=[leg.asset], leg=i,
                extra={"rule": passage_rule(iso3, "warship", "territorial_sea", register).kind}))
            c = cx.clearance_finding(iso3, "warship", "territorial_sea", entry,
                                     nation=leg.nation, asset=leg.asset,
                                     what=f"passage on {name}", register=register, leg=i)
        if c:
            out.append(c)
    for strait, parts in straits.items():
        states = sorted({p.iso3 for p in parts})
        inside_nm = sum(p.distance_km for p in parts) / KM_PER_NM
        entry, exit_ = at(min(p.entry_km for p in parts)), at(max(p.exit_km for p in parts))
        out.append(Finding(
            "TERRITORIAL_SEA", "info",
            f"{leg.asset} ({leg.nation}) transits the "
            f"{cx.STRAIT_BY_KEY[strait].name.removeprefix('the ')} on {name} "
            "from "
            f"{fmt_minute(entry)} to {fmt_minute(exit_)} "
            f"({inside_nm:,.0f} nm inside the territorial seas of {', '.join(states)}): "
            f"{cx.REGIME_TEXT[cx.STRAIT_BY_KEY[strait].regime]}",
            host=states[0], nation=leg.nation, start=to_datetime(entry), end=to_datetime(exit_),
            value=round(inside_nm, 1), unit="nm", assets=[leg.asset], leg=i,
            extra={"strait": strait, "states": states}))
        if cx.STRAIT_BY_KEY[strait].regime == "montreux":  # art. 13: notified beforehand
            c = cx.clearance_finding(
                states[0], "warship", "strait_transit", entry, nation=leg.nation,
                asset=leg.asset, register=register, leg=i,
                what=f"transit of the {cx.STRAIT_BY_KEY[strait].name.removeprefix('the ')} "
                     f"on {name}")
            if c:
                out.append(c)
    return out


def reference_range(plan, schedule, register=None) -> list[Finding]:
    out = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.distance_km <= leg.range_km:
            continue
        asset = by_id[leg.asset]
        call_from, call_to = asset.itinerary[leg.seq - 1], asset.itinerary[leg.seq]
        tankers, refused = (topups(schedule, call_from.at, call_to.at, leg.depart, leg.asset,
                                   call_to.refuel_by) if call_to.refuel_by else ([], []))
        if leg.distance_km <= leg.range_km * (1 + len(tankers)):
            continue
        unit = "nm" if leg.mode == "sea" else "km"
        scale = 1 / KM_PER_NM if unit == "nm" else 1.0
        depart = pd.Timestamp(leg.depart).to_pydatetime()
        usable = rg.refuel_candidates(plan, asset.nation, asset.kind)
        hop = rg.hop_router(asset, call_to, depart)
        o, d = call_from.place, call_to.place
        found = chains(o, leg.range_km, list(usable.values()), hop, max_stops=rg.MAX_STOPS,
                       targets=[d]).get(d.id)
        extra: dict = {"stops": None}
        if found is not None:
            rows = rg.stop_clearances(found, asset, depart, register)
            fix = (f"refuel at {rg._chain_text(found, leg.distance_km, scale, unit)}"
                   + rg._clearance_text(rows))
            extra = {"stops": found.stop_ids, "stop_clearances": rows,
                     "chain_km": round(found.distance_km, 3)}
        else:
            more = rg.third_country_candidates(plan, asset.nation, asset.kind, usable)
            opened = chains(o, leg.range_km, list(usable.values()), hop,
                            max_stops=rg.MAX_STOPS, targets=[d], extra=more).get(d.id)
            fix = ("no chain of refuelling stops at places this nation may use (own, partner, "
                   "plan's friendly list) makes it")
            if opened is not None:
                fix += (f"; adding {' and '.join(p.id for p in opened.added)} to `friendly` "
                        f"gives {rg._chain_text(opened, leg.distance_km, scale, unit)}"
                        + rg._clearance_text(rg.stop_clearances(opened, asset, depart,
                                                                register)))
                extra["friendly_to_add"] = [p.id for p in opened.added]
                extra["stops_if_added"] = opened.stop_ids
            else:
                fix += "; no third-country port or base in reach would either: add a tanker"
        if leg.mode == "air":
            fix += tanker_advice(plan, schedule, call_from.at, call_to.at, leg.depart,
                                 leg.asset, asset.nation, leg.distance_km, leg.range_km)
        if call_to.refuel_by:
            fix += (f"; in-flight refuelling from {', '.join(tankers)} gives "
                    f"{leg.range_km * (1 + len(tankers)) * scale:,.0f} {unit}"
                    if tankers else "") + "".join(f"; {why}" for why in refused)
            extra["tankers"] = tankers
        out.append(Finding(
            "RANGE", "error",
            f"{leg.asset}: {call_from.at} -> {call_to.at} is {leg.distance_km * scale:,.0f} "
            f"{unit}, beyond its range of {leg.range_km * scale:,.0f} {unit}; {fix}",
            nation=leg.nation, start=to_datetime(leg.depart), end=to_datetime(leg.arrive),
            value=round(leg.distance_km * scale, 1), limit=round(leg.range_km * scale, 1),
            unit=unit, assets=[leg.asset], leg=i, extra=extra))
    return out


# -- the comparison ---------------------------------------------------------------------------

def _key(f: Finding) -> tuple:
    return (f.code, f.severity, tuple(f.assets), f.leg, f.facility, f.host, f.nation,
            f.start, f.end, f.value, f.limit, f.unit, f.message, repr(sorted(f.extra.items())))


@pytest.fixture(scope="module")
def checked():
    plan = _plan()
    return plan, plan.schedule()


def test_the_plan_has_what_the_comparison_needs(checked):
    plan, schedule = checked
    legs = schedule.legs
    assert sum(len(a.itinerary) for a in plan.assets) >= 1000
    assert set(legs["nation"]) == {"IND", "RUS", "FRA"}
    assert set(legs["mode"]) == {"sea", "air"}
    assert (legs["distance_km"] > legs["range_km"]).sum() > 30


def test_crossings_bulk_equals_per_leg_reference(checked):
    plan, schedule = checked
    bulk = cx.crossing_findings(plan, schedule)
    ref = reference_crossings(plan, schedule)
    codes = {f.code for f in ref}
    assert {"OVERFLIGHT", "TERRITORIAL_SEA", "CLEARANCE"} <= codes
    assert any(f.code == "TERRITORIAL_SEA" and f.severity == "info" for f in ref)  # a strait
    assert Counter(map(_key, bulk)) == Counter(map(_key, ref))
    assert len(bulk) == len(ref)


def test_range_bulk_equals_per_leg_reference(checked):
    plan, schedule = checked
    bulk = rg.range_findings(plan, schedule)
    ref = reference_range(plan, schedule)
    assert len(ref) > 30
    assert any(f.extra.get("stops") for f in ref)  # chains found
    assert any("friendly_to_add" in f.extra or "add a tanker" in f.message for f in ref)
    assert any("in-flight refuelling from tk1 gives 4,000 km" in f.message for f in ref)
    assert any("tk1 does not fly hindon -> chkalovsky" in f.message for f in ref)
    assert [_key(f) for f in bulk] == [_key(f) for f in ref]


def test_layered_search_equals_dijkstra(checked):
    """refuel.chain_to (layered, stopping early) finds the chain refuel.chains does."""
    plan, _ = checked
    rng = random.Random(3)
    asset = next(a for a in plan.assets if a.kind == "warship" and a.ice_class == "none")
    usable = list(rg.refuel_candidates(plan, asset.nation, asset.kind).values())
    more = rg.third_country_candidates(plan, asset.nation, asset.kind,
                                       {p.id: p for p in usable})
    for _ in range(12):
        o, d = rng.sample(usable + more, 2)
        depart = dt.datetime(2026, rng.randrange(1, 13), 5, tzinfo=dt.UTC)
        hop = rg.hop_router(asset, asset.itinerary[1], depart)
        for range_km, extra in ((4000.0, ()), (7000.0, ()), (2500.0, more)):
            a = chains(o, range_km, usable, hop, targets=[d], extra=extra).get(d.id)
            b = chain_to(o, d, range_km, usable, hop, extra=extra)
            assert (a is None) == (b is None)
            if a is not None:
                assert (a.stop_ids, a.distance_km) == (b.stop_ids, b.distance_km)
