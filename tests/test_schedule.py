"""The schedule (planner.routing.schedule) on a great-circle router, by hand: computed
arrivals, the speed a given arrival needs, open-ended last calls. The ``router=`` seam keeps
these tests apart from sea routing."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from pyproj import Geod

from planner.model.plan import Plan
from planner.routing.schedule import build_schedule

WGS84 = Geod(ellps="WGS84")
UTC = dt.UTC
CHENNAI = (13.0827, 80.2707)  # not the catalogue's points: the plan's own places
COLOMBO = (6.9497, 79.8428)


def _plan(arrive=None, depart_last=None, horizon_end=None) -> Plan:
    last = {"at": "colombo-anchorage", "purpose": "exercise"}
    if arrive:
        last["arrive"] = arrive
    if depart_last:
        last["depart"] = depart_last
    data = {"name": "s", "facilities": [
        {"id": "chennai-anchorage", "kind": "sea_area", "lat": CHENNAI[0], "lon": CHENNAI[1]},
        {"id": "colombo-anchorage", "kind": "sea_area", "lat": COLOMBO[0], "lon": COLOMBO[1]}],
        "assets": [{"id": "ship", "nation": "RUS", "kind": "warship", "crew": 100,
                    "speed_kn": 15, "range_nm": 4000, "itinerary": [
                        {"at": "chennai-anchorage", "depart": "2026-03-01T00:00Z"}, last]}]}
    if horizon_end:
        data["horizon_end"] = horizon_end
    return Plan.from_dict(data)


def _hand_hours() -> float:
    _, _, metres = WGS84.inv(CHENNAI[1], CHENNAI[0], COLOMBO[1], COLOMBO[0])
    return metres / 1852.0 / 15.0  # nautical miles at 15 kn


def test_computed_arrival_is_depart_plus_distance_over_speed(gc_router):
    sched = build_schedule(_plan(depart_last="2026-03-10T00:00Z"), router=gc_router)
    arrive = sched.calls.iloc[1]["arrive"].to_pydatetime()
    minutes = math.ceil(_hand_hours() * 60)  # the schedule rounds up to the whole minute
    assert arrive == dt.datetime(2026, 3, 1, tzinfo=UTC) + dt.timedelta(minutes=minutes)
    assert sched.findings == []


def test_a_given_arrival_too_early_needs_a_speed_said_in_knots(gc_router):
    sched = build_schedule(_plan(arrive="2026-03-01T12:00Z", depart_last="2026-03-10T00:00Z"),
                           router=gc_router)
    (f,) = sched.findings
    need_kn = _hand_hours() * 15 / 12  # the same miles in 12 hours
    assert f.code == "SCHEDULE" and f.unit == "kn"
    assert f.value == pytest.approx(need_kn, abs=0.05) and f.limit == 15


def test_open_ended_last_call_lasts_to_horizon_end(gc_router):
    sched = build_schedule(_plan(horizon_end="2026-06-30"), router=gc_router)
    last = sched.calls.iloc[1]
    assert bool(last["open_ended"]) is True
    assert last["depart"].to_pydatetime() == dt.datetime(2026, 6, 30, tzinfo=UTC)
