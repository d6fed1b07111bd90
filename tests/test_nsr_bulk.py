"""The bulk ``NSR_ICE`` check (issue 16) against a plain per-leg reference.

:func:`planner.checks.nsr.nsr_findings` works per template (asset routing figures, places,
the call's options, the leg's route) and per departure signature of the NSR runs, checking
one leg of a signature when it gives nothing. The reference below is the per-leg code it
replaced: every warship leg on its own, its NSR runs measured from the route's geometry, the
ice rules asked at every checkpoint (:func:`planner.layers.nsr_rules.admission`, no memo).
Both must give the same findings on a plan with legs over the NSR in and out of its season,
ice classes from none to Arc7, escorted and unescorted calls, departures off the minute and
arrivals faster than the planning speed (legs sailed at another speed than routed).
"""

from __future__ import annotations

import calendar
import datetime as dt
import random

import numpy as np
import pandas as pd
import pytest

from planner import Plan
from planner.checks import nsr as ck
from planner.layers import nsr
from planner.layers.nsr_rules import CALENDAR_NOTE, admission, is_admissible
from planner.model.findings import Finding
from planner.routing.hop_time import run_signature, unique_rows
from planner.routing.schedule import build_schedule, route_leg, sea_options
from planner.routing.sea import NoSeaRoute, sea_decision

ARCTIC = ["murmansk", "severomorsk", "dikson", "tiksi", "pevek", "vladivostok", "provideniya"]
SOUTH = ["mumbai", "singapore"]
CLASSES = ["none", "Ice2", "Arc4", "Arc5", "Arc7"]


def _plan(n_assets: int = 60, seed: int = 3) -> Plan:
    rng = random.Random(seed)
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    assets = []
    for a in range(n_assets):
        t = t0 + dt.timedelta(hours=rng.randrange(0, 24 * 365 * 3),
                              seconds=rng.choice([0, 0, 17, 59]))
        at = rng.choice(ARCTIC)
        itinerary = []
        for seq in range(8):
            stay = dt.timedelta(hours=rng.randrange(6, 72))
            call = {"at": at, "arrive": t.isoformat(), "depart": (t + stay).isoformat(),
                    "purpose": "exercise"}
            if seq == 0:
                del call["arrive"]
            if seq and rng.random() < 0.35:
                call["escort"] = "icebreaker"
            itinerary.append(call)
            # mostly slack, sometimes an arrival faster than the planning speed allows
            t += stay + dt.timedelta(hours=rng.choice([rng.randrange(24 * 12, 24 * 45),
                                                       rng.randrange(24 * 3, 24 * 8)]))
            at = rng.choice([p for p in ARCTIC + SOUTH if p != at]
                            if rng.random() < 0.2 else [p for p in ARCTIC if p != at])
        assets.append({"id": f"w{a}", "nation": ["IND", "RUS", "FRA"][a % 3], "kind": "warship",
                       "crew": 150, "speed_kn": rng.choice([12, 14, 16]), "range_nm": 20000,
                       "ice_class": rng.choice(CLASSES), "itinerary": itinerary})
    for a in range(30):  # a fleet of one template, mostly in season: legs share signatures
        t = dt.datetime(rng.choice([2026, 2027, 2028]), 7, 1, tzinfo=dt.UTC) + dt.timedelta(
            hours=rng.randrange(0, 24 * 45))
        itinerary = []
        for seq in range(8):
            # Ice3 escorted to Sabetta: admitted July-November, on unsourced cells in July
            # and November only
            itinerary.append({"at": ["murmansk", "sabetta"][seq % 2], "arrive": t.isoformat(),
                              "depart": (t + dt.timedelta(hours=12)).isoformat(),
                              "purpose": "exercise", "escort": "icebreaker"})
            t += dt.timedelta(hours=12 + rng.randrange(24 * 4, 24 * 20))
        del itinerary[0]["arrive"]
        assets.append({"id": f"f{a}", "nation": "RUS", "kind": "warship", "crew": 150,
                       "speed_kn": 14, "range_nm": 20000, "ice_class": "Ice3",
                       "itinerary": itinerary})
    return Plan.from_dict({"name": "nsr-bulk", "assets": assets})


# -- the reference: the per-leg code the bulk check replaced ----------------------------------

def _plain_runs(route) -> list:
    return nsr._sea_runs(route)  # from the geometry, no memo on the route


def _plain_admissions(runs, ice_class, depart, speed_kmh):
    start = pd.Timestamp(depart).to_pydatetime()
    c = nsr.normalise_ice_class(ice_class)
    out = []
    for run in runs:
        entry = start + dt.timedelta(hours=run.start_km / speed_kmh)
        leave = start + dt.timedelta(hours=run.end_km / speed_kmh)
        out.append([(when, admission(c, run.sea, when.month, when))
                    for when in nsr._checkpoints(entry, leave, c)])
    return out


def _plain_closures(route, ice_class, depart, speed_kmh, escort) -> list:
    out = []
    for checks in _plain_admissions(_plain_runs(route), ice_class, depart, speed_kmh):
        for when, a in checks:
            if not is_admissible(a.outcome, escort):
                out.append(nsr.Closure(a.area, when.month, a.outcome, when, a.ice, a.reason,
                                       a.unsourced))
                break
    return out


def _plain_unsourced(leg, i, asset, depart, arrive) -> list[Finding]:
    seen, uses = set(), []
    for checks in _plain_admissions(_plain_runs(leg.route), asset.ice_class, depart,
                                    leg.sail_kmh):
        for when, a in checks:
            key = (a.area, a.ice, a.unsourced)
            if a.unsourced and key not in seen:
                seen.add(key)
                uses.append((when, a))
    if not uses:
        return []
    planned = {"independent": "admitted", "escort": "escort only", "no": "not admitted"}
    texts = [f"{ck._cell_text(a.ice_class, a.ice, a.area, a.unsourced)} (planned as "
             f"{planned[a.outcome]}, {calendar.month_name[a.month]})" for _, a in uses]
    return [Finding(
        "NSR_ICE", "warning",
        f"{leg.asset} (ice class {asset.ice_class}) on the leg to {leg.to}: its NSR "
        f"passage rests on planning assumptions: {'; '.join(texts)} ({CALENDAR_NOTE})",
        nation=leg.nation, start=uses[0][0], end=arrive, assets=[leg.asset], leg=i,
        extra={"seas": [a.area for _, a in uses], "ice": [a.ice for _, a in uses],
               "unsourced": [list(a.unsourced) for _, a in uses]})]


def reference_nsr(plan, schedule) -> list[Finding]:
    out: list[Finding] = []
    by_id = {a.id: a for a in plan.assets}
    for i, leg in enumerate(schedule.legs.itertuples(index=False)):
        if leg.kind != "warship":
            continue
        asset = by_id[leg.asset]
        frm, to = asset.itinerary[leg.seq - 1], asset.itinerary[leg.seq]
        depart = pd.Timestamp(leg.depart).to_pydatetime()
        arrive = pd.Timestamp(leg.arrive).to_pydatetime()
        escort = to.escort is not None
        bad = _plain_closures(leg.route, asset.ice_class, depart, leg.sail_kmh, escort)
        try:
            decision = sea_decision(frm.place, to.place, **sea_options(
                asset, when=depart, avoid=to.avoid, waters=to.waters, escort=to.escort))
        except (NoSeaRoute, ValueError):
            decision = None
        if bad:
            alt = decision.route if decision is not None else None
            same = alt is not None and alt.passages == tuple(leg.passages) and abs(
                alt.distance_km - leg.distance_km) < 1e-6
            if alt is not None and not same and not _plain_closures(
                    alt, asset.ice_class, depart, asset.speed_kmh, escort):
                extra_days = (alt.distance_km - leg.distance_km) / asset.speed_kmh / 24
                via = ", ".join(p for p in alt.passages) or "open water"
                alt_text = (f"the best alternative avoiding the NSR is {alt.distance_nm:,.0f} nm "
                            f"via {via} ({alt.distance_nm - leg.distance_nm:+,.0f} nm, "
                            f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn)")
                alt_extra = {"alternative_nm": round(alt.distance_nm, 1),
                             "alternative_passages": list(alt.passages)}
            else:
                alt_text, alt_extra = "no route avoiding the NSR exists", {}
            how, doubts = ck._remedies(bad, asset.ice_class, escort, "it would make it with")
            out.append(Finding(
                "NSR_ICE", "error",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} would sail "
                f"the {ck._where(bad)}: the NSR admission criteria do not permit that ice class "
                f"there then; {how}; or the way round: {alt_text}"
                f"{''.join('; ' + d for d in doubts)} ({CALENDAR_NOTE})",
                nation=leg.nation, start=bad[0].when, end=arrive, assets=[leg.asset], leg=i,
                extra={"seas": [c.sea for c in bad], "ice": [c.ice for c in bad],
                       "reasons": [c.reason for c in bad],
                       "unsourced": [list(c.unsourced) for c in bad], **alt_extra}))
        elif (decision is not None and decision.rerouted
              and tuple(leg.passages) == decision.route.passages
              and abs(leg.distance_km - decision.route.distance_km) < 1e-6):
            short = decision.shortest
            extra_days = (leg.distance_km - short.distance_km) / asset.speed_kmh / 24
            how, doubts = ck._remedies(decision.closed, asset.ice_class, escort,
                                       "the NSR would open with")
            out.append(Finding(
                "NSR_ICE", "warning",
                f"{leg.asset} (ice class {asset.ice_class}) on {frm.at} -> {to.at} is routed via "
                f"{', '.join(leg.passages) or 'by open water'} ({leg.distance_nm:,.0f} nm): "
                f"the NSR ({short.distance_nm:,.0f} nm) is closed to it in the "
                f"{ck._where(decision.closed)}; {leg.distance_nm - short.distance_nm:+,.0f} nm, "
                f"{extra_days:+,.1f} days at {asset.speed_kn:,.0f} kn; "
                f"{how}{''.join('; ' + d for d in doubts)} ({CALENDAR_NOTE})",
                nation=leg.nation, start=decision.closed[0].when, end=arrive,
                assets=[leg.asset], leg=i,
                extra={"seas": [c.sea for c in decision.closed],
                       "ice": [c.ice for c in decision.closed], "rerouted": True,
                       "unsourced": [list(c.unsourced) for c in decision.closed],
                       "nsr_nm": round(short.distance_nm, 1)}))
        if not bad:
            out += _plain_unsourced(leg, i, asset, depart, arrive)
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
    through = [bool(nsr._sea_runs(r)) for r in legs["route"]]
    months = pd.to_datetime(legs["depart"]).dt.month
    assert sum(through) > 40  # legs sailing the NSR ...
    assert set(months[through]) & {7, 8, 9, 10} and set(months[through]) & {12, 1, 2, 3}
    assert (legs["sail_kmh"] > legs["speed_kmh"] + 1e-9).sum() > 10  # sailed faster
    escorted = [a.itinerary[s].escort is not None for a, s in zip(
        [next(x for x in plan.assets if x.id == i) for i in legs["asset"]], legs["seq"],
        strict=True)]
    assert 0 < sum(escorted) < len(legs)
    assert len({a.ice_class for a in plan.assets}) == len(CLASSES) + 1


def test_nsr_bulk_equals_per_leg_reference(checked, monkeypatch):
    plan, schedule = checked
    checked_legs = []
    leg_findings = ck._leg_findings
    monkeypatch.setattr(ck, "_leg_findings", lambda leg, i, *a: checked_legs.append(i)
                        or leg_findings(leg, i, *a))
    bulk = ck.nsr_findings(plan, schedule)
    ref = reference_nsr(plan, schedule)
    # legs sharing a quiet signature were not checked one by one, those with findings were
    assert {f.leg for f in ref} <= set(checked_legs)
    assert len(checked_legs) < (schedule.legs["kind"] == "warship").sum() - 100
    sev = {(f.severity, "rerouted" in f.extra) for f in ref}
    # errors, rerouted warnings and unsourced-cell warnings are all there
    assert {("error", False), ("warning", True), ("warning", False)} <= sev
    assert len(ref) > 50
    assert [_key(f) for f in bulk] == [_key(f) for f in ref]


def test_shared_answers_hold_for_every_leg_of_a_signature(checked):
    """Legs clear of the signature's edges that share one get the same closures (but for
    their times) whatever their departure: the premise of checking one leg per signature."""
    plan, schedule = checked
    legs = schedule.legs
    depart_s = legs["depart"].to_numpy(dtype="datetime64[us]").astype(np.int64) / 1e6
    seen: dict = {}
    compared = 0
    for i, (route, kmh) in enumerate(zip(legs["route"], legs["sail_kmh"], strict=True)):
        runs = nsr._sea_runs(route)
        if not runs:
            continue
        asset = next(a for a in plan.assets if a.id == legs["asset"].iat[i])
        sig, clear = run_signature(runs, depart_s[i:i + 1], kmh)
        if not clear[0]:
            continue
        depart = pd.Timestamp(legs["depart"].iat[i]).to_pydatetime()
        for escort in (False, True):
            got = [c[:3] + c[4:] for c in _plain_closures(route, asset.ice_class, depart, kmh,
                                                          escort)]
            key = (tuple(runs), asset.ice_class, escort, sig[0].tobytes())
            if key in seen:
                compared += 1
                assert seen[key] == got
            seen[key] = got
    assert compared > 20


def test_schedule_shared_routes_equal_routing_every_leg(checked):
    """build_schedule looks a leg's route up per template (and, over the NSR, per departure
    signature); a router of its own makes it route every leg: both give the same schedule."""
    plan, schedule = checked
    routed = []

    def every_leg(*args, **kwargs):
        routed.append(1)
        return route_leg(*args, **kwargs)

    plain = build_schedule(plan, router=every_leg)
    assert len(routed) == len(plain.legs)
    pd.testing.assert_frame_equal(schedule.legs.drop(columns=["route"]),
                                  plain.legs.drop(columns=["route"]))
    pd.testing.assert_frame_equal(schedule.calls, plain.calls)
    assert [(r.distance_km, r.passages, r.notes, r.countries, r.territorial_km)
            for r in schedule.legs["route"]] == [
        (r.distance_km, r.passages, r.notes, r.countries, r.territorial_km)
        for r in plain.legs["route"]]
    assert [_key(f) for f in schedule.findings] == [_key(f) for f in plain.findings]


def test_unique_rows_is_numpy_unique_by_rows():
    """The packed-key unique of HopTiming.window gives numpy's own axis-0 answer (rows in
    lexicographic order, same inverse), negative values and wide columns included."""
    rng = np.random.default_rng(16)
    for _ in range(300):
        n, k = int(rng.integers(1, 200)), int(rng.integers(1, 20))
        a = rng.integers(-5, int(rng.integers(1, 40)), size=(n, k)).astype(np.int64)
        sig, inv = np.unique(a, axis=0, return_inverse=True)
        got_sig, got_inv = unique_rows(a)
        assert got_sig.dtype == sig.dtype and np.array_equal(got_sig, sig)
        assert np.array_equal(got_inv, inv.ravel())
    wide = np.array([[0, 2**40], [2**40, 0], [0, 2**40]] * 3, np.int64).repeat(2, axis=1)
    sig, inv = np.unique(wide, axis=0, return_inverse=True)  # too wide to pack: falls back
    got_sig, got_inv = unique_rows(wide)
    assert np.array_equal(got_sig, sig) and np.array_equal(got_inv, inv.ravel())
