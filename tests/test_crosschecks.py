"""Cross-checks that hold for any plan (issue 12): every command and API agree on the same leg,
no asset is counted in two places at once, a RANGE finding's advice applied removes it, and the
order of assets changes no finding.

They run on the realistic plans in ``tests/plans/`` (written from public figures; no other test
was built around them), on the bundled examples, and on generated plans (hypothesis).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import Plan, air_route, resolve_place, sea_route
from planner.checks.presence import call_intervals

HERE = Path(__file__).resolve().parent
PLANS = sorted((HERE / "plans").glob("*.yaml"))
EXAMPLES = sorted(p for p in (HERE.parent / "examples").glob("*.yaml")
                  if not p.stem.endswith("_meta"))
ALL = PLANS + EXAMPLES


def _ids(paths):
    return [p.stem for p in paths]


@pytest.fixture(scope="module")
def checked():
    """plan file -> (plan, report), checked once for the module."""
    out = {}
    for path in ALL:
        plan = Plan.load(path)
        out[path] = (plan, plan.check())
    return out


def _leg_key(asset, leg):
    """The options the plan gives the leg into call ``seq``."""
    call = asset.itinerary[leg["seq"]]
    return dict(avoid=tuple(call.avoid), deny=tuple(call.deny), escort=call.escort is not None)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_route_api_gives_the_plan_legs(checked, path):
    """``sea_route``/``air_route`` with the leg's own options (departure date, ice class,
    icebreaker escort, avoid, deny) return the distance and passages the check reports for
    that leg."""
    plan, report = checked[path]
    by_id = {a.id: a for a in plan.assets}
    places = plan.facilities
    for leg in report.legs.to_dict("records"):
        asset = by_id[leg["asset"]]
        opts = _leg_key(asset, leg)
        a, b = (resolve_place(leg[k], places) for k in ("from", "to"))
        if leg["mode"] == "sea":
            r = sea_route(a, b, avoid=opts["avoid"], ice_class=asset.ice_class,
                          date=leg["depart"].to_pydatetime(), escort=opts["escort"])
        else:
            r = air_route(a, b, deny=opts["deny"])
        assert r.distance_nm == pytest.approx(leg["distance_nm"], rel=1e-9), leg["asset"]
        assert list(r.passages) == list(leg["passages"])


@pytest.mark.parametrize("path", PLANS, ids=_ids(PLANS))
def test_cli_route_json_and_check_json_agree(relos, checked, path):
    """``relos route --date --ice-class --format json`` and ``relos check --format json`` give
    the same distance, passages and countries for every leg of the plan."""
    plan, _ = checked[path]
    res = relos("check", str(path), "--format", "json")
    assert res.returncode in (0, 1), res.stderr
    doc = json.loads(res.stdout)
    by_id = {a.id: a for a in plan.assets}
    for leg in doc["legs"]:
        asset = by_id[leg["asset"]]
        args = ["route", leg["from"], leg["to"], "--mode", leg["mode"], "--format", "json"]
        if leg["mode"] == "sea":
            args += ["--date", leg["depart"][:10], "--ice-class", asset.ice_class]
        out = relos(*args)
        assert out.returncode == 0, out.stderr
        route = json.loads(out.stdout)
        assert route["distance_nm"] == pytest.approx(leg["distance_nm"], abs=0.1)
        assert route["passages"] == leg["passages"]
        assert route["countries"] == leg["countries_crossed"]


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_map_draws_the_report_legs(checked, path):
    """The map's leg layers carry every leg of the report, with its distance."""
    from planner.render.maps import leg_features

    plan, report = checked[path]
    feats = leg_features(report.legs, -180.0, 0.0)
    drawn = sorted(f["properties"]["d"][0] for kind in ("sea", "air") for f in feats[kind])
    assert drawn == sorted(round(float(d)) for d in report.legs["distance_nm"])


def _assert_one_place_at_a_time(plan, report):
    iv = call_intervals(plan, plan.schedule())
    for who, g in iv[iv["source"] == "call"].groupby("who"):
        g = g.sort_values("start_us")
        assert (g["start_us"].to_numpy()[1:] >= g["end_us"].to_numpy()[:-1]).all(), who
    # no count above the number of such assets the plan has
    kind_of = {"warships": "warship", "aircraft": "aircraft"}
    for r in report.headroom.itertuples(index=False):
        if r.category in kind_of:
            n = sum(1 for a in plan.assets
                    if a.nation == r.nation and a.kind == kind_of[r.category])
            assert r.peak <= n, (r.host, r.nation, r.category)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_no_asset_is_counted_in_two_places(checked, path):
    plan, report = checked[path]
    _assert_one_place_at_a_time(plan, report)


def _comparable(report) -> list[str]:
    """Findings as text with the leg index replaced by the leg itself (it depends on the order
    of assets), sorted."""
    legs = report.legs
    out = []
    for f in report.finding_list:
        d = {k: getattr(f, k) for k in ("code", "severity", "host", "nation", "start", "end",
                                         "value", "limit", "message", "facility")}
        d["assets"] = sorted(f.assets)
        if f.leg is not None:
            row = legs.iloc[f.leg]
            d["leg"] = (row["asset"], row["seq"])
        out.append(json.dumps(d, default=str, sort_keys=True))
    return sorted(out)


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_asset_order_changes_no_finding(checked, path):
    plan, report = checked[path]
    data = yaml.safe_load(path.read_text())
    data["assets"] = list(reversed(data["assets"]))
    again = Plan.from_dict(data, source=str(path)).check()
    assert _comparable(again) == _comparable(report)


def _with_stops(data: dict, asset_id: str, seq: int, stops: list[str]) -> dict:
    """The plan with refuelling calls inserted before call ``seq`` of an asset (times
    computed by the schedule: the stops take no time)."""
    data = copy.deepcopy(data)
    for a in data["assets"]:
        if a["id"] == asset_id:
            into = a["itinerary"][seq]
            new = [{"at": s, "avoid": list(into.get("avoid", [])),
                    "deny": list(into.get("deny", []))} for s in stops]
            for c in new:
                for k in ("avoid", "deny"):
                    if not c[k]:
                        del c[k]
            a["itinerary"][seq:seq] = new
    return data


@pytest.mark.parametrize("path", ALL, ids=_ids(ALL))
def test_range_advice_applied_removes_the_finding(checked, path):
    """Every RANGE finding that names refuelling stops: insert them, and that asset has no
    RANGE and no NSR_ICE left on those legs."""
    plan, report = checked[path]
    data = yaml.safe_load(path.read_text())
    advised = [f for f in report.finding_list if f.code == "RANGE" and f.extra.get("stops")]
    for f in advised:
        leg = report.legs.iloc[f.leg]
        fixed = _with_stops(data, leg["asset"], int(leg["seq"]), f.extra["stops"])
        again = Plan.from_dict(fixed, source=str(path)).check()
        seqs = range(int(leg["seq"]), int(leg["seq"]) + len(f.extra["stops"]) + 1)
        left = [g for g in again.finding_list if g.code in ("RANGE", "NSR_ICE")
                and leg["asset"] in g.assets and again.legs.iloc[g.leg]["seq"] in seqs]
        assert left == [], (path.stem, f.message, [g.message for g in left])


# --------------------------------------------------------------------------- generated plans

PORTS_IND = ["mumbai", "kochi", "chennai", "visakhapatnam", "port-blair"]
PORTS_RUS = ["vladivostok", "petropavlovsk-kamchatsky"]


@st.composite
def generated_plans(draw):
    n = draw(st.integers(2, 7))
    assets = []
    for i in range(n):
        nation = draw(st.sampled_from(["RUS", "IND"]))
        home, away = (PORTS_RUS, PORTS_IND) if nation == "RUS" else (PORTS_IND, PORTS_RUS)
        stops = draw(st.lists(st.sampled_from(away), min_size=1, max_size=3))
        start = pd.Timestamp("2027-03-01", tz="UTC") + pd.Timedelta(
            hours=draw(st.integers(0, 24 * 40)))
        itin = [{"at": draw(st.sampled_from(home)), "depart": start.isoformat()}]
        t = start + pd.Timedelta(days=20)
        for s in stops:
            stay_h = draw(st.integers(0, 24 * 15))
            # some given arrivals overlap the previous stay on purpose (bad times)
            arrive = t - pd.Timedelta(hours=draw(st.integers(0, 48)))
            itin.append({"at": s, "arrive": arrive.isoformat(),
                         "depart": (arrive + pd.Timedelta(hours=stay_h)).isoformat(),
                         "purpose": "exercise"})
            t = arrive + pd.Timedelta(hours=stay_h) + pd.Timedelta(days=2)
        if draw(st.booleans()):
            del itin[-1]["depart"]  # an open-ended stay
        assets.append({"id": f"a{i}", "nation": nation, "kind": "warship", "crew": 150,
                       "speed_kn": 16, "range_nm": 12000, "itinerary": itin})
    return {"name": "generated", "assets": assets}


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(generated_plans())
def test_generated_plans_hold_the_invariants(data):
    plan = Plan.from_dict(data)
    report = plan.check()
    _assert_one_place_at_a_time(plan, report)
    rev = dict(data, assets=list(reversed(data["assets"])))
    assert _comparable(Plan.from_dict(rev).check()) == _comparable(report)
