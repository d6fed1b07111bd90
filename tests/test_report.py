"""The text and Markdown reports: summary first (errors by code, caps' peaks and headroom,
clearances owed by country with the earliest file-by date), details by asset and leg,
crossings one line per country per leg, a table by code and country; the progress bar."""

from __future__ import annotations

import copy
import io
import json
import re

import pytest

from planner.model.plan import Plan
from planner.render.progress import Progress

#: Ten Il-76MD from Chkalovsky to Hindon and back (the public Il-76MD figures: cruise about
#: 750 km/h, range with 40 t about 4,000 km; 9,000 km ferry range here so no RANGE finding).
TEN_AIRCRAFT = {
    "name": "Ten aircraft airlift",
    "horizon_end": "2026-06-30",
    "assets": [
        {"id": f"il76-{k:02d}", "name": f"Il-76MD {k}", "nation": "RUS", "kind": "aircraft",
         "crew": 7, "speed_kmh": 750, "range_km": 9000,
         "itinerary": [
             {"at": "chkalovsky", "depart": "2026-04-01T02:00Z"},
             {"at": "hindon", "depart": "2026-04-03T02:00Z", "purpose": "humanitarian"},
             {"at": "chkalovsky"}]}
        for k in range(1, 11)],
}


@pytest.fixture(scope="module")
def ten():
    plan = Plan.from_dict(copy.deepcopy(TEN_AIRCRAFT))
    return plan, plan.check()


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(title))
    out = []
    for line in lines[start + 1:]:
        if not line.strip():
            break
        out.append(line)
    return out


def test_summary_comes_first_with_hand_computed_file_by(base_plan):
    # one warship at Visakhapatnam from 2026-03-05 08:00Z: the register's planner-default port
    # call lead time is 30 days, so the port call clearance is due 2026-02-03 08:00Z
    plan = Plan.from_dict(base_plan)
    text = plan.check().to_text()
    lines = text.splitlines()
    assert lines[0] == "Plan: test plan" and lines[3] == "Summary"
    summary = _section(text, "Summary")
    assert summary[0] == "  errors by code: none"
    assert ("    IND (India): 1 (port call), earliest file by 2026-02-03 08:00Z; from India "
            "(IND), diplomatic port call clearance") in summary
    # one warship of 210 crew present against 5 warships and 3,000 personnel
    assert any("RUS in IND: warships peak 1 of 5 (headroom 4)" in s
               and "personnel peak 210 of 3,000 (headroom 2,790)" in s for s in summary)


def test_errors_by_code_and_details_under_their_leg(base_plan):
    plan_dict = copy.deepcopy(base_plan)
    plan_dict["assets"][0]["itinerary"][0]["purpose"] = "tourism"  # not a RELOS purpose
    text = Plan.from_dict(plan_dict).check().to_text()
    assert "  errors by code: PURPOSE 1" in text
    assert "Findings by code and country:" in text
    row = next(line for line in _section(text, "Findings by code and country:")
               if line.split()[0] == "PURPOSE")
    assert row.split() == ["PURPOSE", "error", "IND", "1"]


def test_ten_aircraft_print_one_line_per_country_per_leg(ten):
    plan, report = ten
    text = report.to_text()
    doc = json.loads(report.to_json())
    over = [f for f in doc["findings"] if f["code"] == "OVERFLIGHT"]
    countries_out = {f["host"] for f in over if f["leg"] % 2 == 0}
    assert len(countries_out) >= 3  # Kazakhstan, Uzbekistan, ... on the way to Delhi
    assert len(over) == 10 * 2 * len(countries_out)  # JSON keeps one finding per event
    crossing = _section(text, "Crossings and clearances")
    # two legs (out, back) times the countries, plus the landing at Hindon
    assert len(crossing) == 2 * len(countries_out) + 1
    assert len(text.splitlines()) < len(doc["findings"]) / 2
    kaz = [line for line in crossing if line.startswith("  KAZ (Kazakhstan) chkalovsky -> hindon")]
    assert len(kaz) == 1
    assert "clearance from Kazakhstan (KAZ), diplomatic overflight clearance" in kaz[0]
    assert "10 assets: il76-01" in kaz[0]
    # the earliest overflight clearance is 7 days (planner default) before the first entry
    first = min((f for f in doc["findings"] if f["code"] == "CLEARANCE" and f["host"] == "KAZ"),
                key=lambda f: f["start"])
    assert first["file_by"][:10] == "2026-03-25"
    assert "file by 2026-03-25" in kaz[0]
    # the ten aircraft have the same legs and no finding of their own: printed once
    details = _section(text, "Details by asset and leg:")
    assert details[0].startswith("  il76-01, il76-02") and details[0].endswith("(RUS)")
    assert len(details) == 3


def test_clearance_text_names_country_and_register_authority(tmp_path):
    # a register row of the user's own (not a planner default) names its authority
    reg = tmp_path / "reg.csv"
    reg.write_text("country,applies_to,event,lead_days,authority,source\n"
                   "KAZ,aircraft,overflight,14,Ministry of Foreign Affairs of Kazakhstan,"
                   "test row\n", encoding="utf-8")
    from planner.layers.register import with_overrides

    plan = Plan.from_dict(copy.deepcopy(TEN_AIRCRAFT))
    report = plan.check(register=with_overrides(reg))
    text = report.to_text()
    line = next(s for s in _section(text, "Crossings and clearances")
                if s.startswith("  KAZ (Kazakhstan) chkalovsky -> hindon"))
    assert ("clearance from Kazakhstan (KAZ), overflight clearance: Ministry of Foreign Affairs "
            "of Kazakhstan") in line
    assert "(14 days, register)" in line


def test_headroom_without_a_cap_says_no_cap(relos, tmp_path, base_plan):
    import yaml

    plan = tmp_path / "plan.yaml"
    plan.write_text(yaml.safe_dump(base_plan), encoding="utf-8")
    partial = tmp_path / "partial.yaml"
    partial.write_text("name: partial\nparties: [IND, RUS]\ncaps: {warships: 1}\n"
                       "in_force: 2026-01-01\n", encoding="utf-8")
    res = relos("check", str(plan), "--agreement", str(partial))
    assert res.returncode == 0, res.stderr
    assert "warships peak 1 of 1 (headroom 0)" in res.stdout
    assert "personnel peak 210, no cap" in res.stdout
    assert "nan" not in res.stdout and "1.0" not in res.stdout
    empty = tmp_path / "empty.yaml"
    empty.write_text("name: none\nparties: [IND, RUS]\ncaps: {}\nin_force: 2026-01-01\n",
                     encoding="utf-8")
    for fmt in ("text", "json", "markdown"):
        res = relos("check", str(plan), "--agreement", str(empty), "--format", fmt)
        assert res.returncode == 0, res.stderr
    assert "warships peak 1, no cap" in res.stdout


def test_markdown_brief_escapes_plan_text(ten):
    plan, report = ten
    report.plan_name = "Airlift | <script>alert(1)</script>"
    md = report.to_markdown()
    assert md.startswith("# Airlift \\| &lt;script&gt;alert(1)&lt;/script&gt;\n")
    assert "<script>" not in md
    assert "## Summary" in md and "## Crossings and clearances" in md
    table = md.split("## Findings by code and country")[1].strip().splitlines()
    assert table[0] == "| code | severity | country | count |"
    counts = {(r.split("|")[1].strip(), r.split("|")[3].strip()): int(r.split("|")[4])
              for r in table[2:]}
    n_kaz = sum(1 for f in report.finding_list if f.code == "OVERFLIGHT" and f.host == "KAZ")
    assert counts[("OVERFLIGHT", "KAZ")] == n_kaz == 20


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_only_on_a_terminal():
    piped = io.StringIO()
    bar = Progress(3, stream=piped)
    bar.step("routing")
    bar.close()
    assert piped.getvalue() == ""
    tty = _Tty()
    bar = Progress(2, stream=tty)
    bar.step("routing 1,000 calls")
    assert re.search(r"\[\.{30}\] 1/2 routing 1,000 calls", tty.getvalue())
    bar.step("checking")
    assert re.search(r"\[#{15}\.{15}\] 2/2 checking", tty.getvalue())
    bar.close()
    assert tty.getvalue().endswith("\r" + " " * 80 + "\r")


def test_long_check_json_has_no_progress(relos, tmp_path):
    # 1,000 calls shuttling between two ports: a long plan, piped, so no bar on stderr
    rows = ["asset,nation,kind,crew,speed,speed_unit,range,range_unit,ice_class,seq,at,"
            "arrive,depart,purpose"]
    import datetime as dt

    t = dt.datetime(2026, 2, 1, tzinfo=dt.UTC)
    for k in range(1000):
        at = "visakhapatnam" if k % 2 else "chennai"
        rows.append(f"tabar,IND,warship,300,18,kn,4500,nm,none,{k},{at},,"
                    f"{(t + dt.timedelta(days=2 * k)):%Y-%m-%dT%H:%MZ},exercise")
    plan = tmp_path / "long.csv"
    plan.write_text("\n".join(rows) + "\n", encoding="utf-8")
    res = relos("check", str(plan), "--format", "json")
    assert res.returncode in (0, 1), res.stderr
    json.loads(res.stdout)
    assert "[" not in res.stderr and "routing" not in res.stderr
