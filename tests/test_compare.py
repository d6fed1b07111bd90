"""``relos compare`` / ``planner.compare``, and the ``relos resolve`` command, against hand
computations: a plan and its resolved version, and a plan and one with an extra leg."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from planner import Plan, air_route, compare
from planner.core.units import KM_PER_NM

REPO = Path(__file__).resolve().parents[1]
SIXTH = REPO / "examples" / "russian_task_group_sixth_warship.yaml"


def test_a_plan_against_its_resolved_version():
    """Resolving the sixth-warship example moves 66 h of times (test_resolve): one of the five
    leaves Visakhapatnam earlier and Marshal Shaposhnikov arrives later, so the legs out of and
    into Visakhapatnam last 66 h = 2.75 days longer in all, over the same routes; the RUS
    warship peak in IND falls from 6 (headroom -1) to 5 (headroom 0); the CAP_WARSHIPS error
    is the one finding only in A; both owe 21 clearances (6 at Visakhapatnam, 5 at Mumbai,
    10 at Singapore: each of the five calls there on the way out and back), the earliest due
    30 days (the register's default port-call lead time) before the first reaches Singapore."""
    a = Plan.load(SIXTH)
    b = a.resolve()
    cmp = compare(a, b)
    assert cmp.assets["distance_km_delta"].abs().max() == pytest.approx(0.0)
    assert cmp.assets["days_under_way_delta"].sum() == pytest.approx(66 / 24)
    row = cmp.caps[(cmp.caps["host"] == "IND") & (cmp.caps["category"] == "warships")].iloc[0]
    assert (row["peak_a"], row["headroom_a"], row["peak_b"], row["headroom_b"]) == (6, -1, 5, 0)
    assert list(cmp.only_a["code"]) == ["CAP_WARSHIPS"]
    assert len(cmp.only_b) == 0
    assert list(cmp.clearances["clearances"]) == [21, 21]
    first_sgp = a.calls.loc[a.calls["at"] == "singapore", "arrive"].min()
    due = first_sgp - pd.Timedelta(days=30)
    assert all(pd.Timestamp(t) == due for t in cmp.clearances["earliest_file_by"])
    doc = json.loads(cmp.to_json())
    assert doc["only_a"][0]["code"] == "CAP_WARSHIPS"
    assert "Findings only in A: 1" in cmp.to_text()


def _air_plan(extra_leg: bool) -> dict:
    itin = [{"at": "hindon", "depart": "2026-03-01T00:00Z"},
            {"at": "olenya", "arrive": "2026-03-01T12:00Z", "depart": "2026-03-05T00:00Z",
             "purpose": "exercise"}]
    if extra_leg:
        itin.append({"at": "hindon", "arrive": "2026-03-06T00:00Z"})
    return {"name": "air B" if extra_leg else "air A", "horizon_end": "2026-03-10",
            "assets": [{"id": "il-76", "name": "Il-76MD", "nation": "IND", "kind": "aircraft",
                        "crew": 7, "speed_kmh": 750, "range_km": 9000, "itinerary": itin}]}


def test_an_extra_leg_adds_its_distance_and_hours():
    """B flies back home: one more leg of the Olenya - Hindon air route's length, departing
    03-05 00:00 and arriving 03-06 00:00 (1 day), on top of A's 12 h out (0.5 day)."""
    a, b = Plan.from_dict(_air_plan(False)), Plan.from_dict(_air_plan(True))
    cmp = compare(a, b)
    row = cmp.assets.iloc[0]
    # an Indian aircraft keeps out of Pakistan since its NOTAM of 24 Apr 2025
    back = air_route("olenya", "hindon", deny=["PAK"]).distance_km
    assert row["distance_km_delta"] == pytest.approx(back)
    assert row["distance_nm_delta"] == pytest.approx(back / KM_PER_NM)
    assert (row["days_under_way_a"], row["days_under_way_b"]) == pytest.approx((0.5, 1.5))
    ind_air = cmp.caps[(cmp.caps["host"] == "RUS") & (cmp.caps["category"] == "aircraft")]
    assert list(ind_air[["peak_a", "peak_b"]].iloc[0]) == [1, 1]


PLAN_WITH_COMMENTS = """\
# A sixth ship half an hour too early (a comment resolve must keep)
name: half-hour overlap
horizon_end: 2026-06-30
assets:
"""


def _write_overlap_plan(tmp_path: Path) -> Path:
    text = PLAN_WITH_COMMENTS
    for i in range(6):
        arrive = "2026-03-20T07:30Z" if i == 5 else "2026-03-05T08:00Z"
        depart = "2026-03-25T08:00Z" if i == 5 else "2026-03-20T08:00Z"
        text += _asset_block(i, arrive, depart)
    path = tmp_path / "overlap.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _asset_block(i: int, arrive: str, depart: str) -> str:
    return (f"  - id: ship-{i}   # ship {i}\n    name: ship {i}\n    nation: RUS\n"
            "    kind: warship\n    crew: 200\n    speed_kn: 14\n    range_nm: 8000\n"
            "    itinerary:\n      - at: visakhapatnam\n"
            f"        arrive: \"{arrive}\"    # quoted on purpose\n"
            f"        depart: {depart}\n        purpose: exercise\n")


def test_cli_resolve_writes_the_fixed_plan_keeping_comments(tmp_path, relos):
    plan = _write_overlap_plan(tmp_path)
    out = tmp_path / "fixed.yaml"
    r = relos("resolve", str(plan), "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "0.50 h in total" in r.stdout and "sum of |shift| in hours" in r.stdout
    text = out.read_text()
    assert "# A sixth ship half an hour too early" in text
    assert text.count("# quoted on purpose") == 6
    assert len(re.findall(r'arrive: "2026-', text)) == 6  # quoting kept
    chk = relos("check", str(out), "--format", "json")
    assert chk.returncode == 0, chk.stdout
    assert not [f for f in json.loads(chk.stdout)["findings"] if f["code"].startswith("CAP_")]
    js = relos("resolve", str(plan), "-o", str(tmp_path / "again.yaml"), "--format", "json")
    doc = json.loads(js.stdout)
    assert doc["status"] == "resolved" and doc["shift_h"] == pytest.approx(0.5)
    assert len(doc["changes"]) == 1


def test_cli_resolve_exit_1_names_the_block_and_2_for_bad_input(tmp_path, relos):
    plan = _write_overlap_plan(tmp_path)
    text = plan.read_text().replace("depart: 2026-03-20T08:00Z",
                                    "depart: 2026-03-20T08:00Z\n        fixed: true")
    text = text.replace('arrive: "2026-03-20T07:30Z"    # quoted on purpose',
                        'arrive: "2026-03-20T07:30Z"\n        fixed: true')
    blocked = tmp_path / "blocked.yaml"
    blocked.write_text(text)
    r = relos("resolve", str(blocked), "-o", str(tmp_path / "x.yaml"))
    assert r.returncode == 1
    assert "No fix within the limits" in r.stdout and "CAP_WARSHIPS" in r.stdout
    assert "fixed: true" in r.stdout
    assert not (tmp_path / "x.yaml").exists()
    bad = relos("resolve", str(plan), "--today", "next tuesday")
    assert bad.returncode == 2 and "--today" in bad.stderr


def test_cli_compare_text_json_and_side_by_side_page(tmp_path, relos):
    plan = _write_overlap_plan(tmp_path)
    fixed = tmp_path / "fixed.yaml"
    assert relos("resolve", str(plan), "-o", str(fixed)).returncode == 0
    page = tmp_path / "cmp.html"
    r = relos("compare", str(plan), str(fixed), "--format", "json", "-o", str(page))
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [f["code"] for f in doc["only_a"]] == ["CAP_WARSHIPS"] and doc["only_b"] == []
    warships = [c for c in doc["caps"] if c["host"] == "IND" and c["category"] == "warships"]
    assert (warships[0]["peak_a"], warships[0]["peak_b"]) == (6, 5)
    html = page.read_text()
    assert html.count("<iframe") == 2
    assert not re.search(r"src=(&quot;|\")https?://", html)  # offline: nothing fetched
    t = relos("compare", str(plan), str(fixed))
    assert t.returncode == 0 and "Findings only in A: 1" in t.stdout
