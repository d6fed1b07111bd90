"""TERRITORIAL_SEA findings for the Turkish Straits closed under Montreux art. 19
(planner.checks.passage), and the refuelling advice and CLI that must agree with them."""

from __future__ import annotations

import json

from planner.model.plan import Plan


def _ship(aid, nation, stops, depart="2027-03-01T06:00Z", range_nm=4850):
    return {"id": aid, "nation": nation, "kind": "warship", "crew": 200, "speed_kn": 14,
            "range_nm": range_nm,
            "itinerary": [{"at": stops[0], "depart": depart}]
            + [{"at": s, "purpose": "exercise", "depart": None} for s in stops[1:]]}


def _report(*assets, horizon="2027-12-31"):
    for a in assets:
        for call in a["itinerary"]:
            if call.get("depart", "x") is None:
                call.pop("depart")
    return Plan.from_dict({"name": "straits", "horizon_end": horizon,
                           "assets": list(assets)}).check()


def _closed(report):
    return [f for f in report.finding_list
            if f.code == "TERRITORIAL_SEA" and f.extra.get("rule") in (
                "montreux-art19", "turkey-black-sea")]


def test_russian_warship_leaving_the_black_sea_is_refused_and_returning_warned():
    rep = _report(_ship("essen", "RUS", ["novorossiysk", "mumbai"]),
                  _ship("kasatonov", "RUS", ["mumbai", "novorossiysk"]))
    by = {f.assets[0]: f for f in _closed(rep)}
    assert by["essen"].severity == "error" and by["essen"].extra["direction"] == "leave"
    assert by["kasatonov"].severity == "warning" and by["kasatonov"].extra["direction"] == "enter"
    assert all(f.host == "TUR" for f in by.values())
    assert not rep.ok


def test_the_finding_is_timed_at_the_straits_like_the_transit_notice():
    rep = _report(_ship("essen", "RUS", ["novorossiysk", "mumbai"]))
    closed = _closed(rep)[0]
    transit = next(f for f in rep.finding_list if f.code == "TERRITORIAL_SEA"
                   and f.extra.get("strait") == "turkish-straits" and f.severity == "info")
    # Novorossiysk to the Bosporus is ~450 nm: a day and a half at 14 kn, not at departure
    assert (closed.start - rep.legs["depart"].iloc[0].to_pydatetime()).total_seconds() > 86400
    assert abs((closed.start - transit.start).total_seconds()) < 3600
    assert abs((closed.end - transit.end).total_seconds()) < 3600


def test_indian_warship_entering_is_refused_leaving_is_not():
    rep = _report(_ship("tabar", "IND", ["mumbai", "novorossiysk", "mumbai"]))
    closed = _closed(rep)
    assert [(f.severity, f.extra["direction"], f.extra["rule"]) for f in closed] == [
        ("error", "enter", "turkey-black-sea")]


def test_before_the_war_nothing_is_closed():
    rep = _report(_ship("essen", "RUS", ["novorossiysk", "mumbai"], depart="2021-06-01T00:00Z"),
                  horizon="2021-12-31")
    assert _closed(rep) == []


def test_aircraft_and_ships_elsewhere_are_untouched():
    il76 = {"id": "il76", "nation": "RUS", "kind": "aircraft", "crew": 7, "speed_kmh": 750,
            "range_km": 6000, "itinerary": [{"at": "chkalovsky", "depart": "2027-03-01T00:00Z"},
                                            {"at": "hindon", "purpose": "humanitarian"}]}
    rep = _report(il76, _ship("talwar", "IND", ["mumbai", "port-said", "mumbai"]))
    assert _closed(rep) == []


def _range_messages(rep):
    return [f.message for f in rep.finding_list if f.code == "RANGE"]


def test_refuelling_advice_offers_no_stop_behind_the_closed_straits():
    """Mumbai -> Baltiysk (7,224 nm) is beyond a 4,850 nm range. Before the closure a stop at
    Novorossiysk (own partner's port) was offered; after it the only stop is outside."""
    later = _range_messages(_report(_ship("tabar", "IND", ["mumbai", "baltiysk"])))
    assert later and all("novorossiysk" not in m for m in later)
    earlier = _range_messages(_report(
        _ship("tabar", "IND", ["mumbai", "baltiysk"], depart="2021-05-01T00:00Z"),
        horizon="2021-12-31"))
    assert any("refuel at novorossiysk" in m for m in earlier)


def test_route_command_says_so(relos):
    out = relos("route", "novorossiysk", "mumbai", "--nation", "RUS", "--date", "2027-03-01")
    assert out.returncode == 0
    assert "error: a warship of RUS may not make this passage (leaving the Black Sea)" in out.stdout
    js = json.loads(relos("route", "mumbai", "novorossiysk", "--nation", "IND",
                          "--format", "json").stdout)
    assert js["closure"]["rule"] == "turkey-black-sea" and js["closure"]["direction"] == "enter"
    plain = json.loads(relos("route", "mumbai", "singapore", "--format", "json").stdout)
    assert "closure" not in plain


def test_reach_lists_what_is_shut(relos):
    out = relos("reach", "mumbai", "--range-nm", "4850")
    assert "not reachable by a warship at any range: novorossiysk" in out.stdout
    table = out.stdout.split("not reachable")[0]
    assert "novorossiysk" not in table


def test_text_report_gives_the_warning_its_own_line_under_the_leg():
    rep = _report(_ship("kasatonov", "RUS", ["mumbai", "novorossiysk"]))
    text = rep.to_text()
    details = text.split("Details by asset and leg:")[1].split("Crossings and clearances")[0]
    assert "WARNING TERRITORIAL_SEA: kasatonov (RUS) on mumbai -> novorossiysk enters the " \
           "Black Sea" in details
    tur = next(line for line in text.splitlines() if line.startswith("  TUR (T"))
    transit = next(f for f in rep.finding_list if f.extra.get("strait") == "turkish-straits"
                   and f.severity == "info")
    # the crossing line is the one transit notice's: its entry time, no span to the closure's
    assert f"entering {transit.start:%Y-%m-%d %H:%M}Z; clearance" in tur


def test_python_sea_route_notes_the_closure_as_the_cli_prints_it(relos):
    from planner import sea_route

    r = sea_route("novorossiysk", "mumbai", nation="RUS", date="2027-03-01")
    assert "bosporus" in r.passages  # routed all the same
    note = next(n for n in r.notes if "may not make this passage" in n)
    cli = relos("route", "novorossiysk", "mumbai", "--nation", "RUS", "--date", "2027-03-01")
    assert note in cli.stdout
    assert not any("may not" in n for n in sea_route("mumbai", "singapore", nation="IND").notes)
    assert not any("may not" in n for n in sea_route("novorossiysk", "mumbai", nation="RUS",
                                                     date="2021-06-01").notes)


def test_reach_with_a_nation_applies_its_own_rows(relos):
    shut = relos("reach", "novorossiysk", "--range-nm", "2500", "--nation", "RUS")
    assert shut.returncode == 0
    assert shut.stdout.startswith("0 facilities within")  # nothing outside the Black Sea
    assert "not reachable by a warship of RUS at any range:" in shut.stdout
    home = relos("reach", "mumbai", "--range-nm", "4850", "--nation", "RUS")
    assert "novorossiysk" in home.stdout.split("not reachable")[0]  # return to base: allowed
    assert "port-said" in relos("reach", "novorossiysk", "--range-nm", "2500").stdout
