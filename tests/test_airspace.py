"""OVERFLIGHT warnings and routing round airspace closed by NOTAM (planner.checks.airspace,
planner.routing.schedule.route_leg): an Indian aircraft keeps out of Pakistan after 24 Apr
2025, a Russian one does not, and the CLI says the same."""

from __future__ import annotations

import json

from pyproj import Geod

from planner.layers.catalogue import resolve_place
from planner.model.plan import Plan


def _flight(nation, depart, deny=None):
    call = {"at": "chkalovsky", "purpose": "exercise"}
    if deny:
        call["deny"] = deny
    return {"id": f"lift-{nation.lower()}", "nation": nation, "kind": "aircraft", "crew": 8,
            "speed_kmh": 800, "range_km": 8000,
            "itinerary": [{"at": "hindon", "depart": depart}, call]}


def _check(*assets, horizon="2026-12-31"):
    return Plan.from_dict({"name": "lift", "horizon_end": horizon, "assets": list(assets)}).check()


def _closed(rep):
    return [f for f in rep.finding_list if f.code == "OVERFLIGHT" and f.extra.get("closed_by")]


def test_indian_aircraft_is_routed_round_pakistan_and_told_why():
    rep = _check(_flight("IND", "2026-09-01T02:00Z"))
    leg = rep.legs.iloc[0]
    assert "PAK" not in leg["countries_crossed"]
    assert not [f for f in rep.finding_list if f.host == "PAK" and not f.extra.get("closed_by")]
    (w,) = _closed(rep)
    assert w.severity == "warning" and w.host == "PAK" and w.extra["rule"] == "pakistan-notam"
    # the direct way is the WGS84 geodesic between the two bases (computed here independently)
    h, c = resolve_place("hindon"), resolve_place("chkalovsky")
    geodesic_km = Geod(ellps="WGS84").inv(h.lon, h.lat, c.lon, c.lat)[2] / 1000
    assert abs(w.extra["direct_km"] - geodesic_km) < 2
    assert w.extra["routed_km"] == round(leg["distance_km"], 1) > geodesic_km
    assert "routed round PAK (Pakistan)" in w.message and "NOTAM" in w.message


def test_before_the_notam_and_for_russian_aircraft_pakistan_is_overflown():
    for rep in (_check(_flight("IND", "2024-09-01T02:00Z"), horizon="2024-12-31"),
                _check(_flight("RUS", "2026-09-01T02:00Z"))):
        assert "PAK" in rep.legs.iloc[0]["countries_crossed"]
        assert _closed(rep) == []
        assert any(f.code == "OVERFLIGHT" and f.host == "PAK" for f in rep.finding_list)


def test_a_plan_that_already_denies_pakistan_gets_no_warning():
    rep = _check(_flight("IND", "2026-09-01T02:00Z", deny=["PAK", "AFG"]))
    assert _closed(rep) == []
    assert not {"PAK", "AFG"} & set(rep.legs.iloc[0]["countries_crossed"])


def test_text_report_puts_the_warning_under_the_leg():
    text = _check(_flight("IND", "2026-09-01T02:00Z")).to_text()
    details = text.split("Details by asset and leg:")[1].split("Crossings and clearances")[0]
    assert "WARNING OVERFLIGHT: lift-ind (IND) on hindon -> chkalovsky is routed round PAK" \
        in details
    assert "PAK (Pakistan) hindon" not in text


def test_route_command_agrees_with_the_check(relos):
    out = relos("route", "hindon", "chkalovsky", "--mode", "air", "--nation", "IND",
                "--date", "2026-09-01")
    assert "note: routed round PAK" in out.stdout and "PAK" not in out.stdout.split(
        "countries crossed:")[1].splitlines()[0]
    js = json.loads(relos("route", "hindon", "chkalovsky", "--mode", "air", "--nation", "IND",
                          "--date", "2026-09-01", "--format", "json").stdout)
    rep = _check(_flight("IND", "2026-09-01T02:00Z"))
    assert abs(js["distance_km"] - rep.legs.iloc[0]["distance_km"]) < 0.1  # JSON: 0.1 km
    assert [c["country"] for c in js["closed_airspace"]] == ["PAK"]
    before = relos("route", "hindon", "chkalovsky", "--mode", "air", "--nation", "IND",
                   "--date", "2024-09-01")
    assert "routed round" not in before.stdout and "PAK" in before.stdout


def test_range_is_judged_on_the_way_the_leg_can_fly_on_its_date():
    """A 4,400 km aircraft on Hindon - Chkalovsky: over Pakistan (2024, the 4,327 km
    geodesic) it makes it; round Pakistan (2026, 4,467 km) it does not, and the two legs of
    one route at two dates share no search."""
    def short(aid, depart):
        return {**_flight("IND", depart), "id": aid, "range_km": 4400}

    rep = _check(short("early", "2024-09-01T02:00Z"), short("late", "2026-09-01T02:00Z"))
    rng = {f.assets[0]: f for f in rep.finding_list if f.code == "RANGE"}
    legs = rep.legs.set_index("asset")
    assert legs.loc["early", "distance_km"] < 4400 < legs.loc["late", "distance_km"]
    assert set(rng) == {"late"}
    assert rng["late"].value == round(legs.loc["late", "distance_km"], 1)


def test_python_air_route_with_nation_routes_as_the_plan_does():
    from planner import air_route

    rep = _check(_flight("IND", "2026-09-01T02:00Z"))
    r = air_route("hindon", "chkalovsky", nation="IND", date="2026-09-01T02:00Z")
    assert abs(r.distance_km - rep.legs.iloc[0]["distance_km"]) < 1e-6
    assert "PAK" not in r.countries and any(n.startswith("routed round PAK") for n in r.notes)
    plain = air_route("hindon", "chkalovsky")
    assert "PAK" in plain.countries and not any("routed round" in n for n in plain.notes)
    assert "PAK" in air_route("hindon", "chkalovsky", nation="IND", date="2024-09-01").countries
