"""The clearance lead-time register: shipped rows, fallback to defaults, user overrides."""

from __future__ import annotations

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
                                 "source"]
    assert (reg["source"].str.len() > 10).all()
    defaults = reg[reg["country"] == "*"]
    assert defaults["source"].str.startswith("planner default").all()


def test_russia_nsr_warship_notice_is_90_days():
    # Federal Law of 5 Dec 2022: request via diplomatic channels >= 90 days before passage
    days, row = lead_days("RUS", "warship", "nsr_transit")
    assert days == 90
    assert "90 days" in row["source"]


def test_india_territorial_sea_prior_notice():
    days, row = lead_days("ind", "warship", "territorial_sea")
    assert days == 30
    assert "s.4" in row["source"] and "planner default" in row["source"]


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
