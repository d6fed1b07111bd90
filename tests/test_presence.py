"""Presence, caps, term and purpose against hand-computed timelines (issue 3)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.checks.presence import Interval, sweep
from planner.model.agreement import RELOS
from planner.model.plan import Plan

UTC = dt.UTC


def T(day: int, hour: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=UTC)


def stay(aid, at, arrive, depart, *, nation="RUS", kind="warship", crew=200,
         purpose="exercise"):
    """An asset that only stays at one place (no legs, so no routing is involved)."""
    speed = {"speed_kn": 14, "range_nm": 4000} if kind == "warship" else {
        "speed_kmh": 750, "range_km": 4000}
    return {"id": aid, "nation": nation, "kind": kind, "crew": crew, **speed,
            "itinerary": [{"at": at, "arrive": arrive, "depart": depart, "purpose": purpose}]}


def check(assets, detachments=(), **top):
    plan = Plan.from_dict({"name": "t", "assets": list(assets),
                           "detachments": list(detachments), **top})
    return plan.check()


def caps(report):
    return [f for f in report.finding_list if f.code.startswith("CAP_")]


def test_five_warships_fine_sixth_trips_it():
    ships = [stay(f"s{i}", "visakhapatnam", "2026-03-01", "2026-03-20") for i in range(5)]
    assert caps(check(ships)) == []
    sixth = stay("s5", "mumbai", "2026-03-10T12:00Z", "2026-03-25")
    found = caps(check(ships + [sixth]))
    # by hand: six present from the sixth's arrival (10 Mar 12:00) until the first five
    # leave (20 Mar 00:00); the host is India, the peak 6 and all six present at the peak
    assert len(found) == 1
    f = found[0]
    assert (f.code, f.host, f.nation, f.value, f.limit) == ("CAP_WARSHIPS", "IND", "RUS", 6, 5)
    assert (f.start, f.end) == (T(10, 12), T(20))
    assert f.assets == ["s0", "s1", "s2", "s3", "s4", "s5"]
    # drawn at the host facility holding most of them: five at Visakhapatnam, one at Mumbai
    assert f.facility == "visakhapatnam"


def test_swap_at_the_same_minute_is_not_a_violation():
    ships = [stay(f"s{i}", "visakhapatnam", "2026-03-01", "2026-03-20") for i in range(4)]
    ships.append(stay("leaving", "kochi", "2026-03-01", "2026-03-10T06:00Z"))
    ships.append(stay("arriving", "chennai", "2026-03-10T06:00Z", "2026-03-15"))
    report = check(ships)
    assert caps(report) == []
    wh = report.headroom.set_index(["host", "category"]).loc[("IND", "warships")]
    assert (wh["peak"], wh["headroom"]) == (5, 0)


def test_detachments_push_personnel_over_3000_with_ships_fine():
    ships = [stay("a", "visakhapatnam", "2026-03-01", "2026-03-20", crew=300),
             stay("b", "visakhapatnam", "2026-03-01", "2026-03-20", crew=300)]
    dets = [{"id": "d1", "nation": "RUS", "strength": 1500, "at": "visakhapatnam",
             "from": "2026-03-05", "to": "2026-03-12", "purpose": "exercise"},
            {"id": "d2", "nation": "RUS", "strength": 1000, "at": "port-blair",
             "from": "2026-03-08", "to": "2026-03-15", "purpose": "training"}]
    found = caps(check(ships, dets))
    # by hand: 600 crew all along; +1500 from 5 Mar = 2100; +1000 from 8 Mar = 3100 > 3000
    # until d1 leaves on 12 Mar (2 ships + d2 = 1600)
    assert [(f.code, f.value, f.start, f.end) for f in found] == [
        ("CAP_PERSONNEL", 3100, T(8), T(12))]
    assert found[0].assets == ["a", "b", "d1", "d2"]


def test_indian_assets_in_russia_count_for_host_rus_only():
    ind = [stay(f"i{i}", "severomorsk", "2026-03-01", "2026-03-10", nation="IND")
           for i in range(6)]
    home = [stay(f"h{i}", "mumbai", "2026-03-01", "2026-03-10", nation="IND")
            for i in range(6)]
    third = [stay(f"c{i}", "colombo", "2026-03-01", "2026-03-10") for i in range(6)]
    found = caps(check(ind + home + third))
    assert [(f.host, f.nation, f.value) for f in found] == [("RUS", "IND", 6)]


def test_aircraft_cap_is_ten():
    planes = [stay(f"p{i}", "ins-dega", "2026-03-01", "2026-03-05", kind="aircraft", crew=5)
              for i in range(11)]
    found = caps(check(planes))
    assert [(f.code, f.value, f.limit) for f in found] == [("CAP_AIRCRAFT", 11, 10)]


def test_stay_straddling_the_term_end_and_the_extension():
    # in force 2026-01-01: a 5-year term ends 2031-01-01
    s = stay("late", "visakhapatnam", "2030-12-20", "2031-01-10")
    r = check([s], agreement={"in_force": "2026-01-01"})
    out = [f for f in r.finding_list if f.code == "OUTSIDE_TERM"]
    assert len(out) == 1
    assert out[0].start == dt.datetime(2031, 1, 1, tzinfo=UTC)
    assert out[0].end == dt.datetime(2031, 1, 10, tzinfo=UTC)
    r2 = check([s], agreement={"in_force": "2026-01-01", "extended": True})
    assert "OUTSIDE_TERM" not in r2.codes()
    early = stay("early", "visakhapatnam", "2025-12-30", "2026-01-02")
    out = [f for f in check([early]).finding_list if f.code == "OUTSIDE_TERM"]
    assert [(f.start, f.end) for f in out] == [
        (dt.datetime(2025, 12, 30, tzinfo=UTC), dt.datetime(2026, 1, 1, tzinfo=UTC))]


def test_purpose_missing_or_not_permitted():
    r = check([stay("a", "visakhapatnam", "2026-03-01", "2026-03-02", purpose="sightseeing"),
               stay("b", "visakhapatnam", "2026-03-01", "2026-03-02", purpose=None),
               stay("c", "visakhapatnam", "2026-03-01", "2026-03-02", purpose="training"),
               stay("d", "colombo", "2026-03-01", "2026-03-02", purpose=None)])
    bad = sorted(f.assets[0] for f in r.finding_list if f.code == "PURPOSE")
    assert bad == ["a", "b"]


def test_open_ended_last_call_runs_to_horizon():
    s = stay("a", "visakhapatnam", "2026-03-01", None)
    del s["itinerary"][0]["depart"]
    ships = [s] + [stay(f"s{i}", "kochi", "2026-06-01", "2026-06-10") for i in range(5)]
    found = caps(check(ships, horizon_end="2026-06-05"))
    assert [(f.start, f.end, f.value) for f in found] == [
        (dt.datetime(2026, 6, 1, tzinfo=UTC), dt.datetime(2026, 6, 5, tzinfo=UTC), 6)]


def test_presence_frame_is_tidy():
    r = check([stay("a", "visakhapatnam", "2026-03-01", "2026-03-03", crew=100),
               stay("b", "visakhapatnam", "2026-03-02", "2026-03-04", crew=50)])
    w = r.presence[(r.presence.host == "IND") & (r.presence.category == "warships")]
    assert list(zip(w["start"].dt.day, w["end"].dt.day, w["count"], strict=True)) == [
        (1, 2, 1), (2, 3, 2), (3, 4, 1)]
    p = r.presence[(r.presence.host == "IND") & (r.presence.category == "personnel")]
    assert list(p["count"]) == [100, 150, 50]


# -- property test: the sweep agrees with brute force at every event time ---------------

def _brute(intervals, t):
    here = [iv for iv in intervals if iv.start <= t < iv.end]
    return (sum(iv.warships for iv in here), sum(iv.aircraft for iv in here),
            sum(iv.personnel for iv in here))


@st.composite
def interval_sets(draw):
    n = draw(st.integers(1, 40))
    out = []
    for i in range(n):
        start = draw(st.integers(0, 60))
        length = draw(st.integers(1, 20))
        kind = draw(st.sampled_from(["warship", "aircraft", "det"]))
        out.append(Interval("IND", "RUS", f"x{i}", T(1) + dt.timedelta(hours=start),
                            T(1) + dt.timedelta(hours=start + length),
                            int(kind == "warship"), int(kind == "aircraft"),
                            draw(st.integers(0, 900)), "call"))
    return out


@settings(max_examples=150, deadline=None)
@given(interval_sets())
def test_sweep_matches_brute_force(intervals):
    res = sweep(intervals, RELOS)
    events = sorted({iv.start for iv in intervals} | {iv.end for iv in intervals})
    cats = {"warships": 0, "aircraft": 1, "personnel": 2}
    limits = RELOS.caps
    for t in events:
        counts = _brute(intervals, t)
        for cat, k in cats.items():
            inside = [f for f in res.findings if f.code == f"CAP_{cat.upper()}"
                      and f.start <= t < f.end]
            assert (counts[k] > limits[cat]) == bool(inside), (t, cat, counts)
            if inside:
                assert inside[0].value >= counts[k]
        pres = res.presence
        if len(pres):
            for cat, k in cats.items():
                rows = pres[(pres.category == cat) & (pres.start <= t) & (pres.end > t)]
                assert int(rows["count"].sum()) == counts[k]
    # peaks are the true maxima
    for f in res.findings:
        cat = f.code.removeprefix("CAP_").lower()
        assert f.value == max(_brute(intervals, t)[cats[cat]] for t in events
                              if f.start <= t < f.end)


def test_open_ended_stays_count_until_the_end_of_the_term():
    """Issue 12.6: six warships sail to Chennai and stay. CONTRACT section 1: a last call
    without depart lasts until horizon_end, by default the end of the agreement's term (RELOS:
    5 years from entry into force, 2026-01-01 -> 2031-01-01)."""
    ships = [{"id": f"s{i}", "nation": "RUS", "kind": "warship", "crew": 200, "speed_kn": 14,
              "range_nm": 6000, "itinerary": [
                  {"at": "vladivostok", "depart": "2026-03-01"},
                  {"at": "chennai", "purpose": "exercise"}]} for i in range(6)]
    plan = Plan.from_dict({"name": "t", "assets": ships})
    report = plan.check()
    (cap,) = caps(report)
    arrival = plan.calls.loc[plan.calls["at"] == "chennai", "arrive"].max()
    assert (cap.code, cap.value, cap.limit) == ("CAP_WARSHIPS", 6, 5)
    assert cap.start == arrival.to_pydatetime()
    assert cap.end == dt.datetime(2031, 1, 1, tzinfo=UTC)
    stays = [f for f in report.finding_list if f.code == "OPEN_STAY"]
    assert sorted(f.assets[0] for f in stays) == [f"s{i}" for i in range(6)]
    assert all("2031-01-01 00:00Z" in f.message and f.facility == "chennai" for f in stays)
    head = report.headroom.set_index(["host", "nation", "category"])
    assert head.loc[("IND", "RUS", "warships"), "peak"] == 6


def test_arrival_after_the_horizon_is_not_counted_and_says_so():
    s = stay("a", "visakhapatnam", "2026-03-01", None)
    del s["itinerary"][0]["depart"]
    r = check([s], horizon_end="2026-02-01")
    (f,) = [f for f in r.finding_list if f.code == "OPEN_STAY"]
    assert "not counted" in f.message
    assert r.presence.empty or r.presence["count"].max() == 0


def test_an_asset_is_counted_in_one_place_at_a_time():
    """Issue 12.7: overlapping stays (bad times) give a SCHEDULE error, never a double count."""
    ship = {"id": "a", "nation": "RUS", "kind": "warship", "crew": 200, "speed_kn": 14,
            "range_nm": 4000, "itinerary": [
                {"at": "chennai", "arrive": "2026-03-01", "depart": "2026-03-10",
                 "purpose": "exercise"},
                {"at": "visakhapatnam", "arrive": "2026-03-05", "depart": "2026-03-20",
                 "purpose": "exercise"}]}
    r = check([ship])
    assert "SCHEDULE" in r.codes()
    head = r.headroom.set_index(["host", "nation", "category"])
    assert head.loc[("IND", "RUS", "warships"), "peak"] == 1
    assert head.loc[("IND", "RUS", "personnel"), "peak"] == 200
    # the second stay counts from the moment the first ended
    ind = r.presence[(r.presence["category"] == "warships") & (r.presence["count"] > 0)]
    assert ind["start"].min() == pd.Timestamp("2026-03-01", tz="UTC")
    assert ind["end"].max() == pd.Timestamp("2026-03-20", tz="UTC")
    assert ind["count"].max() == 1


def test_transit_window_with_a_late_arrival_by_hand():
    """A ship given an arrival three days later than its planning speed needs sails at that
    speed and waits at the end: each stretch inside the host's territorial sea is entered at
    depart + km / (14 kn), and the stretch that reaches Chennai lasts until the arrival."""
    import pandas as pd

    from planner.checks.presence import transit_intervals
    from planner.layers.territory import crossings

    depart = dt.datetime(2026, 3, 1, tzinfo=UTC)
    ship = {"id": "late", "nation": "RUS", "kind": "warship", "crew": 250, "speed_kn": 14,
            "range_nm": 4000, "itinerary": [
                {"at": "colombo", "depart": "2026-03-01T00:00Z"},
                {"at": "chennai", "arrive": "2026-03-06T00:00Z", "depart": "2026-03-08T00:00Z",
                 "purpose": "exercise"}]}
    plan = Plan.from_dict({"name": "late", "assets": [ship]})
    schedule = plan.schedule()
    leg = schedule.legs.iloc[0]
    kmh = 14 * 1.852  # 14 kn: 1 nm = 1,852 m
    assert leg.distance_km / kmh < 2 * 24  # Colombo-Chennai (611 nm, Pub. 151) < 2 days
    assert leg.sail_kmh == kmh
    cx = crossings(leg.route)
    india = cx[cx.iso3 == "IND"]
    assert len(india)
    got = transit_intervals(plan, schedule)
    got = got[got.host == "IND"].sort_values("start")
    total = float(leg.route.cumulative_km()[-1])
    want = []
    for row in india.itertuples():
        start = depart + dt.timedelta(hours=row.entry_km / kmh)
        end = (dt.datetime(2026, 3, 6, tzinfo=UTC) if row.exit_km >= total - 1e-6
               else depart + dt.timedelta(hours=row.exit_km / kmh))
        want.append((pd.Timestamp(start).floor("min"), pd.Timestamp(end).floor("min")))
    want = [(a, b) for a, b in want if b > a]
    assert list(zip(got.start, got.end, strict=True)) == want
    assert want[-1][1] == pd.Timestamp("2026-03-06T00:00Z")  # waits off Chennai until then
    # TERRITORIAL_SEA findings run on the same clock: Colombo -> Yangon by the shortest way
    # (`waters: any`) passes India's Andaman and Nicobar waters (a third country's for a
    # Russian ship between Sri Lanka and Myanmar)
    ship["itinerary"] = [{"at": "colombo", "depart": "2026-03-01T00:00Z"},
                         {"at": "yangon", "arrive": "2026-03-12T00:00Z", "waters": "any"}]
    report = Plan.from_dict({"name": "late2", "assets": [ship]}).check(transit=True)
    leg2 = report.legs.iloc[0]
    assert leg2.distance_km / kmh < 7 * 24  # ~1,250 nm: under 6 days, given 11
    ind = crossings(leg2.route)
    ind = ind[ind.iso3 == "IND"]
    (f,) = [f for f in report.finding_list if f.code == "TERRITORIAL_SEA" and f.host == "IND"]
    assert f.start == (pd.Timestamp(depart) + pd.Timedelta(
        hours=ind.entry_km.min() / kmh)).round("min").to_pydatetime()
    assert f.end == (pd.Timestamp(depart) + pd.Timedelta(
        hours=ind.exit_km.max() / kmh)).round("min").to_pydatetime()
