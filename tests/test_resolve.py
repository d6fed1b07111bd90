"""``relos resolve`` / ``Plan.resolve``: hand-computed minimum shifts, the rules it keeps, a
brute-force proof of optimality on small cases, and a property test that its plans pass the
checks it promises to keep."""

from __future__ import annotations

import copy
import datetime as dt
import itertools
import math
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import Plan, resolve_plan, sea_route
from planner.core.units import KMH_PER_KN
from planner.layers.register import lead_days

REPO = Path(__file__).resolve().parents[1]
SIXTH = REPO / "examples" / "russian_task_group_sixth_warship.yaml"


def _t(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))


def _ship(sid: str, itinerary: list[dict], crew: int = 200) -> dict:
    return {"id": sid, "name": sid, "nation": "RUS", "kind": "warship", "crew": crew,
            "speed_kn": 14, "range_nm": 8000, "itinerary": itinerary}


def _five_at_vizag(fixed: bool = False) -> list[dict]:
    """Five Russian warships at Visakhapatnam over [03-05 08:00, 03-20 08:00): the cap full."""
    call = {"at": "visakhapatnam", "arrive": "2026-03-05T08:00Z",
            "depart": "2026-03-20T08:00Z", "purpose": "exercise"}
    if fixed:
        call["fixed"] = True
    return [_ship(f"ship-{i}", [dict(call)]) for i in range(5)]


def _plan(assets: list[dict], detachments: list[dict] | None = None) -> Plan:
    return Plan.from_dict({"name": "resolve test", "horizon_end": "2026-06-30",
                           "assets": assets, "detachments": detachments or []})


def _codes(plan: Plan) -> list[str]:
    return [f.code for f in plan.check().finding_list if f.severity == "error"]


# -- hand-computed cases ------------------------------------------------------------------


def test_sixth_warship_example_needs_66_hours():
    """The example's five ships are at Visakhapatnam over [03-17 06:00, 03-22 06:00); the
    sixth, Marshal Shaposhnikov, over [03-19 12:00, 03-21 00:00), inside it. Arrivals only
    move later and a stay keeps half its length, so the cheapest separation is one of the five
    leaving by the sixth's arrival: it cannot leave before 03-17 06:00 + 60 h = 03-19 18:00,
    so for a common time t in [03-19 18:00, 03-20 06:00] the cost is (03-22 06:00 - t) +
    (t - 03-19 12:00) = 66 h. The alternatives cost more: the sixth arriving after the five
    leave (+42 h) must also leave 18 h later (+48 h): 90 h; one of the five arriving after
    the sixth leaves needs +72 h."""
    plan = Plan.load(SIXTH)
    fixed = plan.resolve(max_shift_days=10)
    assert fixed is not None
    assert fixed.changes["shift_h"].abs().sum() == pytest.approx(66.0)
    assert fixed.resolution.optimal
    assert set(fixed.changes["field"]) == {"arrive", "depart"}
    assert "CAP_WARSHIPS" not in _codes(fixed)
    assert set(fixed.changes.columns) >= {"asset", "call", "field", "old", "new", "shift_h"}


def test_half_hour_overlap_needs_half_an_hour():
    """A sixth ship arriving at 03-20 07:30, half an hour before the five leave at 08:00:
    the smallest fix is 30 minutes, either its arrival later or one departure earlier."""
    sixth = _ship("sixth", [{"at": "visakhapatnam", "arrive": "2026-03-20T07:30Z",
                             "depart": "2026-03-25T08:00Z", "purpose": "exercise"}])
    plan = _plan(_five_at_vizag() + [sixth])
    assert "CAP_WARSHIPS" in _codes(plan)
    res = resolve_plan(plan)
    assert res.status == "resolved" and res.optimal
    assert res.shift_h == pytest.approx(0.5)
    assert len(res.changes) == 1
    assert "CAP_WARSHIPS" not in _codes(res.plan)


def _personnel_case() -> Plan:
    """RUS personnel in IND at two ports at once: 2,000 at Visakhapatnam over [03-10, 03-20),
    and at Mumbai 1,290 ashore plus the 210 crew of a frigate over [03-15, 03-25): 3,500 over
    [03-15, 03-20), against the cap of 3,000."""
    ship = _ship("frigate", [{"at": "mumbai", "arrive": "2026-03-15T00:00Z",
                              "depart": "2026-03-25T00:00Z", "purpose": "exercise"}], crew=210)
    dets = [{"id": "vizag-party", "nation": "RUS", "strength": 2000, "at": "visakhapatnam",
             "from": "2026-03-10", "to": "2026-03-20", "purpose": "exercise"},
            {"id": "mumbai-party", "nation": "RUS", "strength": 1290, "at": "mumbai",
             "from": "2026-03-15", "to": "2026-03-25", "purpose": "exercise"}]
    return _plan([ship], dets)


def test_personnel_over_the_cap_at_two_ports_needs_120_hours():
    """Moving the frigate alone leaves 3,290 > 3,000, so one party must go: the Vizag party
    ending at t and the Mumbai party starting at t (each keeping at least 5 of its 10 days)
    costs (03-20 - t) + (t - 03-15) = 5 days = 120 h, whatever t; moving both Mumbai stays
    costs twice that."""
    plan = _personnel_case()
    assert "CAP_PERSONNEL" in _codes(plan)
    res = resolve_plan(plan, max_shift_days=10)
    assert res.status == "resolved" and res.optimal
    assert res.shift_h == pytest.approx(120.0)
    assert "frigate" not in set(res.changes["asset"])
    assert "CAP_PERSONNEL" not in _codes(res.plan)


def test_no_fix_within_the_limits_names_the_blocking_cap():
    """With at most 2 days' shift the 5-day overlap above cannot be undone: the Vizag party
    can end no earlier than 03-18 and the Mumbai party start no later than 03-17."""
    res = resolve_plan(_personnel_case(), max_shift_days=2)
    assert res.status == "blocked" and res.plan is None
    text = " ".join(res.reasons)
    assert "CAP_PERSONNEL" in text and "--max-shift-days 2" in text
    assert _personnel_case().resolve(max_shift_days=2) is None


def test_leg_never_faster_than_the_planning_speed():
    """Five fixed ships hold Visakhapatnam to 03-20 08:00. A sixth there over [03-19 08:00,
    03-20 20:00) must arrive at 03-20 08:00 (+24 h), and keeping 18 h of its 36 h stay, leave
    at 03-21 02:00 (+6 h); its given arrival at Chennai, 03-22 00:00, then moves to the
    departure plus the leg at 14 kn (the sea route's length, rounded up to the minute)."""
    sixth = _ship("sixth", [
        {"at": "visakhapatnam", "arrive": "2026-03-19T08:00Z", "depart": "2026-03-20T20:00Z",
         "purpose": "exercise"},
        {"at": "chennai", "arrive": "2026-03-22T00:00Z", "depart": "2026-03-25T00:00Z",
         "purpose": "exercise"}])
    plan = _plan(_five_at_vizag(fixed=True) + [sixth])
    leg_h = math.ceil(sea_route("visakhapatnam", "chennai").distance_km
                      / (14 * KMH_PER_KN) * 60) / 60
    earliest = _t("2026-03-21T02:00Z") + dt.timedelta(hours=leg_h)
    late_h = max(0.0, (earliest - _t("2026-03-22T00:00Z")).total_seconds() / 3600)
    res = resolve_plan(plan)
    assert res.status == "resolved"
    assert res.shift_h == pytest.approx(24 + 6 + late_h, abs=1 / 60)
    assert set(res.changes["asset"]) == {"sixth"}
    assert not {"CAP_WARSHIPS", "SCHEDULE"} & set(_codes(res.plan))


def test_fixed_calls_never_move():
    """Shaposhnikov's call fixed: the five must give way, none of its times moves; with the
    group's Visakhapatnam call fixed as well nothing can, and the reason names the key."""
    data = yaml.safe_load(SIXTH.read_text())
    data["assets"][5]["itinerary"][1]["fixed"] = True
    res = resolve_plan(Plan.from_dict(copy.deepcopy(data)))
    assert res.status == "resolved"
    assert "marshal-shaposhnikov" not in set(res.changes["asset"])
    assert "CAP_WARSHIPS" not in _codes(res.plan)
    data["assets"][0]["itinerary"][2]["fixed"] = True  # shared by the five (YAML anchor)
    res = resolve_plan(Plan.from_dict(data))
    assert res.status == "blocked"
    assert "fixed: true" in " ".join(res.reasons)


def test_today_moves_a_late_clearance():
    """The port call of the one-ship plan needs clearance ``lead`` days ahead (the register);
    with today 2026-02-05 the arrival must move to today + lead, and nothing else."""
    plan = _plan([_ship("gorshkov", [{"at": "visakhapatnam", "arrive": "2026-03-05T08:00Z",
                                      "depart": "2026-03-20T08:00Z", "purpose": "exercise"}])])
    days, _ = lead_days("IND", "warship", "port_call")
    today = _t("2026-02-05T00:00Z")
    need = today + dt.timedelta(days=days)
    expected_h = max(0.0, (need - _t("2026-03-05T08:00Z")).total_seconds() / 3600)
    assert expected_h > 0
    res = resolve_plan(plan, today="2026-02-05")
    assert res.status == "resolved"
    assert res.shift_h == pytest.approx(expected_h)
    assert list(res.changes["field"]) == ["arrive"]
    assert res.changes["new"][0].to_pydatetime() == need
    assert not any("still late" in n for n in res.notes)


def test_a_clean_plan_needs_nothing():
    plan = _plan(_five_at_vizag())
    res = resolve_plan(plan)
    assert res.status == "clean" and res.shift_h == 0 and not len(res.changes)
    assert plan.resolve() is not None


# -- optimality against brute force --------------------------------------------------------

GRID_H = 6


def _brute_force(stays, cap: int, max_shift_h: int, share: float):
    """The least total shift over every combination of shifts on a 6 h grid (arrivals later
    by 0..max, departures either way by up to max, each stay keeping ``share`` of its length)
    such that at no start more than ``cap`` are present; None when there is none."""
    arr = range(0, max_shift_h + 1, GRID_H)
    dep = range(-max_shift_h, max_shift_h + 1, GRID_H)
    options = []
    for s, e, _ in stays:
        options.append([(s + a, e + d, a, d) for a in arr for d in dep
                        if (e + d) - (s + a) >= share * (e - s)])
    w = np.array([x[2] for x in stays])
    best = None
    for combo in itertools.product(*options):
        st_ = np.array([c[0] for c in combo])
        en = np.array([c[1] for c in combo])
        present = (st_[None, :] <= st_[:, None]) & (en[None, :] > st_[:, None])
        if (present @ w).max() <= cap:
            cost = sum(abs(c[2]) + abs(c[3]) for c in combo)
            best = cost if best is None else min(best, cost)
    return best


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 10), st.integers(1, 3),
                          st.sampled_from([800, 1200, 1600, 2000])),
                min_size=2, max_size=3))
def test_optimal_against_brute_force(raw):
    """Detachments on a 12 h grid (start, length, strength): the MILP's optimum equals the
    best shift found by trying every shift on a 6 h grid (the optimum of a programme whose
    data lie on a grid lies on it: with the order binaries fixed the rest is a network
    programme)."""
    t0 = _t("2026-03-01T00:00Z")
    stays, dets = [], []
    for i, (start, length, strength) in enumerate(raw):
        s_h, e_h = 12 * start, 12 * (start + 2 * length)
        stays.append((s_h, e_h, strength))
        dets.append({"id": f"party-{i}", "nation": "RUS", "strength": strength,
                     "at": "mumbai", "purpose": "exercise",
                     "from": (t0 + dt.timedelta(hours=s_h)).strftime("%Y-%m-%dT%H:%MZ"),
                     "to": (t0 + dt.timedelta(hours=e_h)).strftime("%Y-%m-%dT%H:%MZ")})
    plan = Plan.from_dict({"name": "brute", "assets": [], "detachments": dets})
    best = _brute_force(stays, 3000, 18, 0.5)
    res = resolve_plan(plan, max_shift_days=0.75)
    if best is None:
        assert res.status == "blocked"
    else:
        assert res.status in ("resolved", "clean")
        assert res.shift_h == pytest.approx(best)


# -- the property: resolve's plans pass the checks it keeps --------------------------------

PORTS = ["visakhapatnam", "chennai", "kochi"]


@st.composite
def crowded_plans(draw):
    n = draw(st.integers(5, 7))
    assets = []
    for i in range(n):
        calls = []
        t = _t("2026-03-01T00:00Z") + dt.timedelta(hours=6 * draw(st.integers(0, 16)))
        for _ in range(draw(st.integers(1, 2))):
            stay = dt.timedelta(hours=12 * draw(st.integers(1, 8)))
            calls.append({"at": draw(st.sampled_from(PORTS)), "purpose": "exercise",
                          "arrive": t.strftime("%Y-%m-%dT%H:%MZ"),
                          "depart": (t + stay).strftime("%Y-%m-%dT%H:%MZ")})
            t = t + stay + dt.timedelta(hours=6 * draw(st.integers(14, 24)))
        assets.append(_ship(f"s{i}", calls, crew=draw(st.sampled_from([150, 300, 600]))))
    return {"name": "generated", "horizon_end": "2026-06-30", "assets": assets}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(crowded_plans())
def test_resolved_plans_pass_caps_schedule_and_speed(data):
    plan = Plan.from_dict(data)
    assert "SCHEDULE" not in _codes(plan)  # legs of at least 84 h: the generator's promise
    res = resolve_plan(plan, max_shift_days=3)
    if res.status == "blocked":
        assert res.reasons
        return
    after = set(_codes(res.plan))
    assert not {c for c in after if c.startswith("CAP_")}
    assert "SCHEDULE" not in after
    for change in res.changes.itertuples(index=False):
        assert abs(change.shift_h) <= 3 * 24 + 1e-9
        if change.field == "arrive":
            assert change.shift_h > 0
