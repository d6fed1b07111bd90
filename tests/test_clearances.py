"""The clearance lead-time register: shipped rows, fallback to defaults, user overrides."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from planner.layers.register import (
    RegisterError,
    clearance_rows,
    file_by,
    lead_days,
    load_register,
)


def test_shipped_register_is_sourced():
    reg = load_register()
    assert list(reg.columns) == ["country", "applies_to", "event", "lead_days", "authority",
                                 "source", "rule", "note"]
    assert (reg["source"].str.len() > 10).all()
    defaults = reg[reg["country"] == "*"]
    assert defaults["source"].str.startswith("planner default").all()
    assert set(reg["rule"]) <= {"none", "notice", "authorization", "unknown"}


def test_every_state_of_the_reference_list_has_a_row():
    """shared/reference/warship_passage_rules.csv lists 23 states; each gets a row, and
    'none found' there reads 'unknown' here, never 'none'."""
    import csv
    from pathlib import Path

    ref = Path(__file__).resolve().parents[1] / ".." / ".." / "shared" / "reference"
    states = ["IND", "LKA", "IDN", "MYS", "SGP", "CHN", "KOR", "JPN", "VNM", "PHL", "OMN",
              "YEM", "DJI", "EGY", "IRN", "PAK", "BGD", "MMR", "THA", "MDV", "NOR", "USA",
              "RUS"]
    path = ref / "warship_passage_rules.csv"
    if path.exists():
        with open(path, newline="") as fh:
            rows = {r["country"]: r for r in csv.DictReader(fh)}
        assert sorted(rows) == sorted(states)
    reg = load_register()
    assert set(states) <= set(reg["country"])
    ts = reg[reg["event"] == "territorial_sea"].set_index("country")["rule"]
    for c in ("IDN", "SGP", "JPN", "DJI", "THA"):  # "none found"
        assert ts[c] == "unknown"


@pytest.mark.parametrize("country,kind,days,stated", [
    # hand reading of each law (shared/reference/warship_passage_rules.csv)
    ("KOR", "notice", 3, True),          # Enforcement Decree art. 4: 3 days
    ("CHN", "authorization", 30, False),  # 1992 Law art. 6: approval, no lead time
    ("OMN", "authorization", 30, False),  # UNCLOS declaration: prior authorization
    ("IRN", "authorization", 30, False),  # 1993 Act art. 9
    ("BGD", "notice", 30, False),         # 1974 Act s.3A: prior notice
    ("USA", "none", 0, False),
    ("NOR", "none", 0, False),
    ("ESP", "unknown", 30, False),        # no row: the '*' row, unknown, planner default
])
def test_territorial_sea_rule_kinds(country, kind, days, stated):
    from planner.layers.register import passage_rule, rule_text

    r = passage_rule(country, "warship", "territorial_sea")
    assert r.kind == kind and r.stated == stated
    assert lead_days(country, "warship", "territorial_sea")[0] == days
    text = rule_text(country, "warship", "territorial_sea")
    if kind == "unknown":
        assert text == "no public rule found; ask the desk officer"
    elif kind == "authorization":
        assert text.startswith("prior authorization")


def test_unknown_state_gets_a_clearance_saying_ask_the_desk_officer():
    from planner.checks.crossings import clearance_finding

    f = clearance_finding("ESP", "warship", "territorial_sea", "2026-05-01T00:00Z",
                          nation="IND", asset="x", what="passage")
    assert f is not None and f.extra["rule"] == "unknown"
    assert "no public rule found" in f.message and "desk officer" in f.message
    assert f.extra["default_lead_time"] and f.extra["lead_days"] == 30
    g = clearance_finding("OMN", "warship", "territorial_sea", "2026-05-01T00:00Z",
                          nation="IND", asset="x", what="passage")
    assert "request permission (prior authorization)" in g.message
    assert clearance_finding("USA", "warship", "territorial_sea", "2026-05-01T00:00Z",
                             nation="IND", asset="x", what="passage") is None


def test_russia_nsr_warship_permission_is_90_days():
    # 510-FZ of 5 Dec 2022: permission requested via diplomatic channels >= 90 days ahead
    days, row = lead_days("RUS", "warship", "nsr_transit")
    assert days == 90 and row["rule"] == "authorization"
    assert "90 days" in row["source"] and "510-FZ" in row["source"]
    assert "diplomatic channels" in row["authority"]


def test_india_territorial_sea_prior_notice():
    from planner.layers.register import passage_rule

    days, row = lead_days("ind", "warship", "territorial_sea")
    assert days == 30  # the Act states no lead time: the '*' row's planner default
    assert "s.4" in row["source"] and row["rule"] == "notice"
    assert not passage_rule("IND", "warship", "territorial_sea").stated


def test_fallback_to_default_row():
    days, row = lead_days("KAZ", "aircraft", "overflight")
    assert days == 7 and row["country"] == "*"


def test_user_register_overrides(tmp_path):
    p = tmp_path / "reg.csv"
    p.write_text("country,applies_to,event,lead_days,authority,source\n"
                 "KAZ,aircraft,overflight,12,MFA Kazakhstan,my note\n"
                 "*,any,overflight,3,-,planner default\n")
    reg = load_register(p)
    assert lead_days("KAZ", "aircraft", "overflight", reg)[0] == 12
    assert lead_days("UZB", "aircraft", "overflight", reg)[0] == 3
    assert lead_days("UZB", "warship", "port_call", reg) == (None, None)


def test_bad_register_is_refused_with_line(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("country,applies_to,event,lead_days,authority,source\n"
                 "KAZ,plane,overflight,-1,x,y\n")
    with pytest.raises(RegisterError) as e:
        load_register(p)
    msg = str(e.value)
    assert "bad.csv:2" in msg and "applies_to" in msg and "lead_days" in msg


def test_clearance_rows_file_by():
    ev = pd.DataFrame({
        "country": ["RUS", "PAK"], "asset_kind": ["warship", "aircraft"],
        "event": ["nsr_transit", "overflight"],
        "start": [pd.Timestamp("2026-08-01T00:00Z"), pd.Timestamp("2026-03-01T06:00Z")],
    })
    out = clearance_rows(ev)
    # 90 days before 1 Aug 2026 is 3 May 2026; 7 days before 1 Mar 2026 06:00 is 22 Feb
    assert out["file_by"].iloc[0] == pd.Timestamp("2026-05-03T00:00Z")
    assert out["file_by"].iloc[1] == pd.Timestamp("2026-02-22T06:00Z")
    assert list(out["default"]) == [False, True]
    assert file_by("2026-01-10", 9) == pd.Timestamp("2026-01-01T00:00Z")


def test_clearance_message_names_the_country_and_the_authority():
    """Issue 12.13: the finding's own text (JSON ``message``) says from whom: the country by
    its ISO 3166-1 name, and the authority of a country's own register row."""
    from planner import Plan

    plan = Plan.from_dict({"name": "m", "assets": [
        {"id": "il76", "nation": "RUS", "kind": "aircraft", "crew": 7, "speed_kmh": 750,
         "range_km": 6000, "itinerary": [
             {"at": "chkalovsky", "depart": "2027-11-02T04:00Z"},
             {"at": "hindon", "depart": "2027-11-04T04:00Z", "purpose": "disaster_relief"}]},
        {"id": "varyag", "nation": "RUS", "kind": "warship", "crew": 485, "speed_kn": 15,
         "range_nm": 7500, "itinerary": [
             {"at": "vladivostok", "depart": "2027-02-01T00:00Z"},
             {"at": "chennai", "depart": "2027-03-10T06:00Z", "purpose": "exercise"}]}]})
    msgs = [f.message for f in plan.check().finding_list if f.code == "CLEARANCE"]
    # Kazakhstan has no row of its own: the planner default names the kind of clearance
    assert any("diplomatic overflight clearance from Kazakhstan (KAZ)" in m for m in msgs)
    # India's port-call row is the default too; its landing at Hindon likewise
    assert any("port call clearance from India (IND)" in m for m in msgs)
    assert not any("from host state" in m or "from state overflown" in m for m in msgs)


def test_file_by_is_the_lead_time_before_the_event_in_utc():
    """``file_by`` by hand, whatever form the event time comes in."""
    want = pd.Timestamp("2026-02-22T04:41:30Z")
    ist = dt.timezone(dt.timedelta(hours=5, minutes=30))
    for t in (dt.datetime(2026, 3, 1, 4, 41, 30, tzinfo=dt.UTC),
              dt.datetime(2026, 3, 1, 10, 11, 30, tzinfo=ist),
              dt.datetime(2026, 3, 1, 4, 41, 30),  # naive: taken as UTC
              pd.Timestamp("2026-03-01T04:41:30Z"), "2026-03-01T10:11:30+05:30"):
        got = file_by(t, 7)
        assert isinstance(got, pd.Timestamp) and got == want and str(got.tz) == "UTC", t
    # across the end of February in a leap year
    assert file_by(dt.datetime(2028, 3, 2, tzinfo=dt.UTC), 2) == pd.Timestamp("2028-02-29T00:00Z")
