"""In-flight refuelling (issue 17 item 3, CONTRACT ``refuel_by``) against hand computations:
Hindon -> Chkalovsky is a WGS84 geodesic of about 4,327 km (pyproj, below)."""

from __future__ import annotations

import copy

import pytest
from pyproj import Geod

from planner.layers.catalogue import facilities
from planner.model.plan import Plan


def _leg_km() -> float:
    cat = facilities()
    a, b = cat.loc["hindon"], cat.loc["chkalovsky"]
    _, _, m = Geod(ellps="WGS84").inv(a["lon"], a["lat"], b["lon"], b["lat"])
    return m / 1000.0


def aircraft(aid, range_km, depart="2026-08-03T02:00Z", refuel_by=None):
    call = {"at": "chkalovsky", "purpose": "exercise"}
    if refuel_by is not None:
        call["refuel_by"] = refuel_by
    # Russian aircraft (Su-30SM, Il-78M): an Indian one is routed round Pakistan since its
    # NOTAM of 24 Apr 2025 (planner.layers.airspace_closures) and the leg is no geodesic
    return {"id": aid, "nation": "RUS", "kind": "aircraft", "crew": 2, "speed_kmh": 800,
            "range_km": range_km, "itinerary": [{"at": "hindon", "depart": depart}, call]}


BASE = {"name": "tankers", "horizon_end": "2026-08-10", "assets": [
    aircraft("su30", 3000, refuel_by=["il78"]), aircraft("il78", 7300)]}


def _range(plan_dict, asset):
    report = Plan.from_dict(plan_dict).check()
    return [f for f in report.finding_list if f.code == "RANGE" and f.assets == [asset]]


def test_one_tanker_on_the_same_leg_tops_the_fighter_up():
    km = _leg_km()
    assert 3000 < km <= 2 * 3000  # out of range alone, in range with one top-up
    assert _range(BASE, "su30") == []
    assert _range(BASE, "il78") == []  # the tanker's own leg is within its 7,300 km


def test_a_tanker_three_hours_behind_is_no_top_up():
    late = copy.deepcopy(BASE)
    late["assets"][1] = aircraft("il78", 7300, depart="2026-08-03T05:00Z")
    (f,) = _range(late, "su30")
    assert "il78 leaves hindon at 2026-08-03 05:00Z, 3.0 h from su30" in f.message
    assert f.value == pytest.approx(_leg_km(), abs=0.1) and f.limit == 3000


def test_two_top_ups_need_two_tankers():
    """A 2,000 km receiver over ~4,327 km needs ceil(4327 / 2000) - 1 = 2 top-ups."""
    one = {"name": "t", "horizon_end": "2026-08-10", "assets": [
        aircraft("mig", 2000, refuel_by=["il78"]), aircraft("il78", 7300)]}
    (f,) = _range(one, "mig")
    assert "in-flight refuelling from il78 gives 4,000 km" in f.message
    two = copy.deepcopy(one)
    two["assets"][0] = aircraft("mig", 2000, refuel_by=["il78", "il78b"])
    two["assets"].append(aircraft("il78b", 7300))
    assert _range(two, "mig") == []


def test_range_advice_suggests_the_plans_tanker():
    plan = copy.deepcopy(BASE)
    plan["assets"].append(aircraft("su30b", 3000))  # no refuel_by: out of range
    (f,) = _range(plan, "su30b")
    assert "or refuel in flight: `refuel_by: [il78]` on this call (1 top-up of 3,000 km)" \
        in f.message


def test_refuel_by_a_warship_or_unknown_id_is_bad_input():
    from planner.model.plan import PlanError

    bad = copy.deepcopy(BASE)
    bad["assets"][0]["itinerary"][1]["refuel_by"] = ["il87"]
    with pytest.raises(PlanError, match="did you mean 'il78'"):
        Plan.from_dict(bad)
