"""Maps a planner reads at a glance (issue 15): self-contained by default, place labels, the NSR
layer only near the NSR, a legend true to what is drawn, dashed air legs that stay dashed out
and back, the reach map as one sea area, a print view on one A4/A3 page; every example's
default map rendered in Chromium with the network off."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point

from planner.core.paths import geodata_path
from planner.model.plan import Plan
from planner.render import maps
from planner.render.maps import build as map_build
from planner.render.maps import layers as map_layers

sys.path.insert(0, str(Path(__file__).parent))
import browser  # noqa: E402
from test_maps import _legs, layers, payloads, synthetic  # noqa: E402,F401

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p for p in (REPO / "examples").glob("*.yaml") if "meta" not in p.name)
needs_chromium = pytest.mark.skipif(browser.chromium_path() is None,
                                    reason="Chromium not installed at /usr/bin/chromium")
EXTERNAL = re.compile(r"<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//")

VIEW = {
    "layers": "Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
              ".map(l => l.textContent.trim())",
    "labels": "Array.from(document.querySelectorAll('.relos-label:not(.relos-minor)'))"
              ".map(l => l.textContent)",
    "legend": "Array.from(document.querySelectorAll('.relos-panel')).map(p => p.innerText)"
              ".join('\\n')",
    "title": "(document.querySelector('.relos-title') || {}).innerText || ''",
    "scale": "document.querySelectorAll('.leaflet-control-scale-line').length",
}


def _legend(text: str) -> str:
    """The legend panel's HTML in a rendered map."""
    return next(p for p in re.findall(r'"html":\s*"((?:[^"\\]|\\.)*)"', text)
                if "sea leg" in p or "air leg" in p or "reach area" in p)


def test_legend_lists_only_what_is_drawn(layers):  # noqa: F811
    plan, report = synthetic()
    report.legs = report.legs[report.legs["mode"] == "sea"].reset_index(drop=True)
    report.findings = report.findings.iloc[:1]
    text = maps.map_html(maps.plan_map(plan, report))
    legend = _legend(text)
    assert "sea leg" in legend and "air leg" not in legend
    assert "finding (1)" in legend and "unplaced" not in legend
    # sea legs of the synthetic plan cross IDN; RUS and IND are the agreement's parties
    assert "RUS legs, crossing IDN" in legend


def test_nsr_layer_only_when_the_plan_comes_near_it():
    demo = Plan.load(geodata_path("demo_plan.yaml"))  # Vladivostok - Vizag, Moscow - Vizag
    text = maps.map_html(demo.map())
    assert "Northern Sea Route seas (ice class, plan months)" not in payloads(text)
    assert "NSR:" not in _legend(text)
    nsr = Plan.load(REPO / "examples" / "indian_frigate_nsr_summer.yaml")
    text = maps.map_html(nsr.map())
    assert "Northern Sea Route seas (ice class, plan months)" in payloads(text)
    assert "NSR: permitted" in _legend(text)


def test_out_and_back_air_legs_are_drawn_the_same_way():
    legs = _legs([("il76", "RUS", "aircraft", "chkalovsky", "ins-dega", "air",
                   "2026-03-18T02:00", "2026-03-18T10:00"),
                  ("il76", "RUS", "aircraft", "ins-dega", "chkalovsky", "air",
                   "2026-03-20T02:00", "2026-03-20T10:00")])
    feats = map_layers.leg_features(legs, -180.0, 0.0)["air"]
    out, back = feats
    # the same line, drawn west to east both times, so the dashes coincide
    a, b = out["geometry"]["coordinates"], back["geometry"]["coordinates"]
    assert len(a) == len(b)
    assert [x for p in a for x in p] == pytest.approx([x for p in b for x in p], abs=0.002)
    assert out["geometry"]["coordinates"][0][0] < out["geometry"]["coordinates"][-1][0]
    assert "r" not in out["properties"] and back["properties"]["r"] == 1
    # the arrows still point the way each leg is flown: south-east out, north-west back
    assert 90 < out["properties"]["b"] < 180 and 270 < back["properties"]["b"] < 360


def test_findings_at_a_point_call_are_placed():
    import pandas as pd

    f = pd.DataFrame([{"code": "CAP_WARSHIPS", "severity": "error", "message": "6 warships",
                       "facility": "15.0,86.0", "leg": None, "lat": None, "lon": None,
                       "segment": None, "assets": ["a"]}])
    lines, points, unplaced = map_layers.finding_features(f, None, -180.0, 0.0)
    assert unplaced == [] and (points[0]["x"], points[0]["y"]) == (86.0, 15.0)


def test_reach_area_is_one_sea_area():
    from planner.routing.reach import reach_area

    raw = reach_area("visakhapatnam", 4000 * 1.852, mode="sea")
    region = map_build.reach_region(raw, "sea")
    from shapely.geometry import Polygon

    land = map_build._land()
    # the open sea between network lanes (holes of the buffered lanes, not land) is filled
    holes = [Polygon(r).representative_point() for p in getattr(raw, "geoms", [raw])
             for r in p.interiors]
    sea_holes = [h for h in holes if not land.contains(h)]
    assert len(sea_holes) >= 10
    assert all(region.contains(h) for h in sea_holes)
    assert not region.intersects(Point(77.59, 12.97))  # Bangalore, inland
    parts = list(getattr(region, "geoms", [region]))
    big = [p for p in parts if p.area > 1.0]
    assert len(big) == 1  # one area, not a tangle of lanes
    assert sum(len(p.interiors) for p in big) < sum(
        len(p.interiors) for p in getattr(raw, "geoms", [raw]))
    ring = map_build.reach_region(raw, "air")
    assert ring is raw  # an air range ring is drawn as it is


def test_self_contained_unless_cdn(relos, tmp_path):
    plan = Plan.load(geodata_path("demo_plan.yaml"))
    path = tmp_path / "saved.html"
    maps.save_map(plan.map(), path)
    assert not EXTERNAL.search(path.read_text(encoding="utf-8"))
    cdn = tmp_path / "cdn.html"
    res = relos("map", str(geodata_path("demo_plan.yaml")), "--cdn", "-o", str(cdn))
    assert res.returncode == 0, res.stderr
    text = cdn.read_text(encoding="utf-8")
    assert "cdn.jsdelivr.net/npm/leaflet@1.9.4" in text
    assert cdn.stat().st_size < path.stat().st_size - 100_000  # Leaflet not inlined
    res = relos("map", str(geodata_path("demo_plan.yaml")), "--cdn", "--offline")
    assert res.returncode == 2


def _check_page(path: Path, r: browser.PageResult) -> None:
    assert r.console_errors == [], path
    assert r.requests == [], path  # nothing from the network
    variance, colours = browser.pixel_stats(r.screenshot)
    assert variance > 50 and colours > 20, path  # land, sea, legs: not a white page
    assert r.checks["scale"] >= 1


@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("example", [p.name for p in EXAMPLES] + ["exercise_calls.csv"])
def test_every_example_default_map_renders_offline(relos, tmp_path, example):
    args = [str(REPO / "examples" / example)]
    if example.endswith(".csv"):
        args += ["--meta", str(REPO / "examples" / "exercise_calls_meta.yaml")]
    out = tmp_path / "map.html"
    res = relos("map", *args, "-o", str(out))
    assert res.returncode == 0, res.stderr  # written: exit 0 even with errors in the plan
    assert not EXTERNAL.search(out.read_text(encoding="utf-8"))
    r = browser.open_page(out, VIEW)
    _check_page(out, r)
    assert "Sea legs" in r.checks["layers"] or "Air legs" in r.checks["layers"]
    assert any(name.startswith("Findings (") for name in r.checks["layers"])
    assert len(r.checks["labels"]) >= 2  # the places the plan uses are named
    assert "unplaced" not in r.checks["legend"]


@pytest.mark.browser
@needs_chromium
def test_demo_and_reach_default_maps_render_offline(relos, tmp_path):
    demo = tmp_path / "demo.html"
    res = relos("demo", "-o", str(demo))
    assert res.returncode == 0, res.stderr
    r = browser.open_page(demo, VIEW)
    _check_page(demo, r)
    assert {"Sea legs", "Air legs"} <= set(r.checks["layers"])
    assert "Visakhapatnam (Eastern Naval Command)" in r.checks["labels"]
    reach = tmp_path / "reach.html"
    res = relos("reach", "visakhapatnam", "--range-nm", "1500", "-o", str(reach))
    assert res.returncode == 0, res.stderr
    r = browser.open_page(reach, VIEW)
    _check_page(reach, r)
    assert {"Reach area", "Origin"} <= set(r.checks["layers"])


@pytest.mark.browser
@needs_chromium
def test_print_view_fits_one_a4_or_a3_page(tmp_path):
    plan = Plan.load(geodata_path("demo_plan.yaml"))
    path = tmp_path / "demo.html"
    maps.save_map(plan.map(), path)
    a4 = {"paperWidth": 11.69, "paperHeight": 8.27, "printBackground": True,
          "preferCSSPageSize": True}
    a3 = {"paperWidth": 16.54, "paperHeight": 11.69, "printBackground": True}
    for paper in (a4, a3):
        r = browser.open_page(path, VIEW, width=1123, height=794, media="print", pdf=paper)
        assert r.console_errors == [] and r.requests == []
        assert browser.pdf_pages(r.pdf) == 1
    # what the printed page holds: title with the date range, legend, scale; no controls
    assert r.checks["title"].startswith("INDRA-2026 naval phase (demo)\n01 Mar 2026 to ")
    assert "sea leg" in r.checks["legend"] and "air leg" in r.checks["legend"]
    assert r.checks["scale"] >= 1
    assert browser.pixel_stats(r.screenshot)[0] > 50
