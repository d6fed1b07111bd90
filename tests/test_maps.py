"""Maps: the payload behind each layer, escaping, antimeridian continuity, offline
self-containment and determinism; browser tests open the HTML in headless Chromium."""

from __future__ import annotations

import html.parser
import json
import re
import sys
from pathlib import Path
from types import SimpleNamespace

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import MultiPolygon, Polygon, box

from planner.layers.catalogue import facilities
from planner.layers.geodesy import geodesic_points, line_length_km, split_antimeridian
from planner.model.agreement import RELOS
from planner.render import maps
from planner.render.maps import build as map_build
from planner.render.maps import geometry
from planner.render.maps import layers as map_layers
from planner.routing.route import Route

sys.path.insert(0, str(Path(__file__).parent))
import browser  # noqa: E402

XSS_IMG = "<img src=x onerror=window.__pwned=1>"
XSS_SCRIPT = "</script><script>window.__pwned2=1</script>"


# --------------------------------------------------------------------------- synthetic plan


def _route(frm: str, to: str, mode: str) -> Route:
    fac = facilities()
    a, b = fac.loc[frm], fac.loc[to]
    lons, lats = geodesic_points(a.lat, a.lon, b.lat, b.lon, step_km=25.0)
    return Route(frm, to, mode, line_length_km(lons, lats), lons, lats,
                 passages=("malacca",) if mode == "sea" else (),
                 countries=("IDN",) if mode == "sea" else ("KAZ",))


def _legs(rows) -> gpd.GeoDataFrame:
    recs = []
    for asset, nation, kind, frm, to, mode, dep, arr in rows:
        r = _route(frm, to, mode)
        recs.append({"asset": asset, "nation": nation, "kind": kind, "from": frm, "to": to,
                     "mode": mode, "distance_nm": r.distance_nm, "distance_km": r.distance_km,
                     "depart": pd.Timestamp(dep, tz="UTC"), "arrive": pd.Timestamp(arr, tz="UTC"),
                     "passages": list(r.passages), "countries_crossed": list(r.countries),
                     "route": r, "geometry": r.geometry})
    return gpd.GeoDataFrame(recs, geometry="geometry", crs="EPSG:4326")


def synthetic(asset_name: str = "Admiral Tributs", plan_name: str = "Synthetic plan"):
    """A plan/report pair shaped like Plan and Report (docs/ARCHITECTURE.md)."""
    assets = [
        SimpleNamespace(id="tributs", name=asset_name, nation="RUS", kind="warship",
                        ice_class="Arc4"),
        SimpleNamespace(id="il76", name="Il-76MD", nation="RUS", kind="aircraft",
                        ice_class="none"),
        SimpleNamespace(id="kamchatka", name="Kamchatka patrol", nation="RUS", kind="warship",
                        ice_class="none"),
    ]
    legs = _legs([
        ("tributs", "RUS", "warship", "vladivostok", "visakhapatnam", "sea",
         "2026-03-01", "2026-03-15"),
        ("il76", "RUS", "aircraft", "chkalovsky", "ins-dega", "air",
         "2026-03-18T02:00", "2026-03-18T10:00"),
        ("kamchatka", "RUS", "warship", "petropavlovsk-kamchatsky", "provideniya", "sea",
         "2026-03-02", "2026-03-06"),
    ])
    seg = [(float(x), float(y)) for x, y in zip(legs.iloc[1].route.lons[20:40],
                                                legs.iloc[1].route.lats[20:40], strict=True)]
    findings = pd.DataFrame([
        {"code": "CAP_WARSHIPS", "severity": "error", "host": "IND", "nation": "RUS",
         "start": pd.Timestamp("2026-03-15", tz="UTC"), "end": pd.Timestamp("2026-03-20",
                                                                           tz="UTC"),
         "value": 6, "limit": 5, "assets": ["tributs"], "message": f"6 warships ({asset_name})",
         "leg": None, "facility": "visakhapatnam", "lat": None, "lon": None, "segment": None},
        {"code": "RANGE", "severity": "error", "host": None, "nation": "RUS", "start": None,
         "end": None, "value": None, "limit": None, "assets": ["il76"],
         "message": "leg exceeds range", "leg": 1, "facility": None, "lat": None, "lon": None,
         "segment": None},
        {"code": "OVERFLIGHT", "severity": "warning", "host": "KAZ", "nation": "RUS",
         "start": None, "end": None, "value": None, "limit": None, "assets": ["il76"],
         "message": "overflies KAZ", "leg": 1, "facility": None, "lat": None, "lon": None,
         "segment": seg},
    ])
    presence = pd.DataFrame([
        {"host": "IND", "nation": "RUS", "category": "warships",
         "start": pd.Timestamp("2026-03-15", tz="UTC"),
         "end": pd.Timestamp("2026-03-20", tz="UTC"), "count": 6},
        {"host": "IND", "nation": "RUS", "category": "personnel",
         "start": pd.Timestamp("2026-03-15", tz="UTC"),
         "end": pd.Timestamp("2026-03-20", tz="UTC"), "count": 1800},
    ])
    plan = SimpleNamespace(name=plan_name, assets=assets, facilities={}, agreement=RELOS)
    report = SimpleNamespace(legs=legs, findings=findings, presence=presence)
    return plan, report


def fake_territory() -> gpd.GeoDataFrame:
    """RUS split at the antimeridian (as Natural Earth has it) and a box for IND."""
    rus = MultiPolygon([box(100, 45, 180, 75), box(-180, 60, -168, 70)])
    return gpd.GeoDataFrame({"iso3": ["RUS", "IND", "BRA"], "name": ["Russia", "India", "Brazil"],
                             "land": [rus, box(70, 8, 90, 30), box(-60, -20, -40, 0)],
                             "geometry": [rus, box(69, 7, 91, 31), box(-61, -21, -39, 1)]},
                            crs="EPSG:4326")


def fake_nsr():
    seas = gpd.GeoDataFrame({"sea": ["Kara", "Chukchi"],
                             "geometry": [box(55, 68, 95, 80), box(-180, 66, -160, 75)]},
                            crs="EPSG:4326")

    def permitted(ice_class, sea, month):
        return ice_class == "Arc4" and sea == "Kara"

    return seas, permitted


@pytest.fixture
def layers(monkeypatch):
    monkeypatch.setattr(map_build, "_load_territory", fake_territory)
    monkeypatch.setattr(map_build, "_load_nsr", fake_nsr)


def payloads(text: str) -> dict[str, dict]:
    """Layer name -> JSON payload of each relos layer in a rendered map."""
    out = {}
    names = {}
    for var, body in re.findall(r'("[^"]*")\s*:\s*(relos_layer_\d+)', text):
        names[body] = json.loads(var)
    fns = dict(re.findall(r"var (relos_layer_\d+) = relos\.(\w+)\(", text))
    for var, payload in re.findall(
            r'<script type="application/json" id="(relos_layer_\d+)_data">(.*?)</script>',
            text, re.S):
        out[names.get(var, var)] = {"fn": fns[var], **json.loads(payload)}
    return out


# --------------------------------------------------------------------------- unit tests


def test_display_window_is_standard_unless_the_data_crosses_180():
    assert maps.display_west([30, 80, 131]) == -180.0
    west = maps.display_west([150, 170, 185 - 360, -170])
    shifted = [maps.shift_lon(x, west) for x in (150, 170, -175, -170)]
    assert all(west <= x < west + 360 for x in shifted)
    assert max(shifted) - min(shifted) == pytest.approx(40)  # kept together across 180


def test_antimeridian_leg_is_drawn_continuously(layers):
    plan, report = synthetic()
    text = maps.map_html(maps.plan_map(plan, report))
    sea = payloads(text)["Sea legs"]["fc"]["features"]
    kam = next(f for f in sea if f["properties"]["i"] == 2)
    xs = np.array([c[0] for c in kam["geometry"]["coordinates"]])
    assert kam["geometry"]["type"] == "LineString"
    assert np.abs(np.diff(xs)).max() < 5  # no jump of 360 at the antimeridian
    assert xs.max() > 180  # Provideniya drawn east of 180, next to Kamchatka
    # the whole map uses the same window: facilities and territory too
    ports = payloads(text)["Ports"]["pts"]
    prov = next(p for p in ports if "Provideniya" in p["t"])
    assert prov["x"] == pytest.approx(-173.2333 + 360, abs=1e-3)
    terr = payloads(text)["Sovereign territory and 12 nm territorial seas"]["fc"]["features"]
    rus = next(f for f in terr if "RUS" in f["properties"]["t"])
    assert rus["geometry"]["type"] == "Polygon"  # the two halves merged at 180
    rx = [c[0] for c in rus["geometry"]["coordinates"][0]]
    assert min(rx) == pytest.approx(99.99, abs=0.1) and max(rx) == pytest.approx(192, abs=0.1)


def test_shift_geometry_merges_parts_split_at_180():
    g = MultiPolygon([box(170, 60, 180, 70), box(-180, 60, -170, 70)])
    out = maps.shift_geometry(g, 0.0)
    assert out.geom_type == "Polygon"
    assert out.bounds == pytest.approx((170, 60, 190, 70))
    assert maps.shift_geometry(g, -180.0).equals(g)


def test_leg_features_follow_route_with_times_popups_and_arrows():
    _, report = synthetic()
    feats = maps.leg_features(report.legs, -180.0, 0.0,
                              asset_names={"tributs": "Admiral Tributs"},
                              asset_index={"tributs": 0, "il76": 1, "kamchatka": 2})
    assert [f["properties"]["i"] for f in feats["sea"]] == [0, 2]
    assert [f["properties"]["i"] for f in feats["air"]] == [1]
    leg0 = feats["sea"][0]
    r = report.legs.iloc[0].route
    assert leg0["geometry"]["coordinates"][0] == pytest.approx([r.lons[0], r.lats[0]], abs=1e-3)
    assert leg0["geometry"]["coordinates"][-1] == pytest.approx([r.lons[-1], r.lats[-1]],
                                                                abs=1e-3)
    p = leg0["properties"]
    assert p["s"] == "sea|RUS" and p["a"] == 0
    assert p["t1"] - p["t0"] == 14 * 24 * 60
    assert feats["tables"]["names"][p["a"]] == "Admiral Tributs"
    assert p["d"][0] == round(r.distance_nm) and "malacca" in p["ps"] and "IDN" in p["cc"]
    assert 180 < p["b"] < 270  # Vladivostok to Visakhapatnam heads south-west mid-leg
    styles = map_layers.leg_styles(["RUS"], {"RUS": "#123456"})
    assert "dashArray" in styles["air|RUS"] and "dashArray" not in styles["sea|RUS"]


def test_coordinates_are_rounded_and_simplified():
    _, report = synthetic()
    full = maps.leg_features(report.legs, -180.0, 0.0)["sea"][0]["geometry"]["coordinates"]
    simple = maps.leg_features(report.legs, -180.0, 0.05)["sea"][0]["geometry"]["coordinates"]
    assert len(simple) < len(full)
    for x, y in simple:
        assert round(x, 3) == x and round(y, 3) == y


def test_findings_drawn_at_facility_leg_and_segment():
    _, report = synthetic()
    lines, points, unplaced = maps.finding_features(report.findings, report.legs, -180.0, 0.0)
    assert unplaced == []
    vizag = facilities().loc["visakhapatnam"]
    assert [(p["x"], p["y"]) for p in points] == [(round(vizag.lon, 4), round(vizag.lat, 4))]
    assert "CAP_WARSHIPS" in points[0]["p"] and points[0]["c"] == "#d62728"
    rng, over = lines
    leg = report.legs.iloc[1].route
    assert rng["geometry"]["coordinates"][0] == pytest.approx([leg.lons[0], leg.lats[0]],
                                                              abs=1e-3)
    seg = report.findings.iloc[2]["segment"]
    assert over["geometry"]["coordinates"][0] == pytest.approx(list(seg[0]), abs=1e-3)
    assert len(over["geometry"]["coordinates"]) == len(seg)
    assert "OVERFLIGHT" in over["properties"]["p"]


def test_nsr_seas_shaded_by_ice_class_and_month():
    seas, permitted = fake_nsr()
    ships = [("Tributs", "Arc4"), ("Patrol", None)]
    feats = maps.nsr_features(seas, ships, [3, 4], permitted, -180.0)
    status = {f["properties"]["t"].split(":")[0]: f["properties"]["s"] for f in feats}
    assert status == {"Kara": "nsr|some", "Chukchi": "nsr|none"}
    assert map_layers.nsr_status("Kara", [("T", "Arc4")], [3], permitted)[0] == "all"
    assert map_layers.nsr_status("Kara", [], [3], permitted)[0] == "n/a"


def test_territory_only_for_relevant_countries(layers):
    plan, report = synthetic()
    text = maps.map_html(maps.plan_map(plan, report))
    terr = payloads(text)["Sovereign territory and 12 nm territorial seas"]["fc"]["features"]
    names = sorted(f["properties"]["t"] for f in terr)
    assert names == ["India (IND)", "Russia (RUS)"]  # no Brazil


def test_every_layer_is_in_the_layer_control(layers):
    plan, report = synthetic()
    text = maps.map_html(maps.plan_map(plan, report))
    for name in ("Land and sea (offline basemap)",
                 "Sovereign territory and 12 nm territorial seas",
                 "Northern Sea Route seas (ice class, plan months)", "Ports", "Air bases",
                 "Sea legs", "Air legs", "Findings (3)", "Assets over time (slider)"):
        assert json.dumps(name) in text, name
    p = payloads(text)
    assert p["Assets over time (slider)"]["step"] == 3600
    assert [a["n"] for a in p["Assets over time (slider)"]["assets"]] == [
        "Admiral Tributs", "Il-76MD", "Kamchatka patrol"]
    assert "data:image/png;base64," in text  # the cap timeline chart


@pytest.mark.parametrize("payload", [XSS_IMG, XSS_SCRIPT])
def test_plan_strings_are_escaped(layers, payload):
    plan, report = synthetic(asset_name=payload, plan_name=payload)
    text = maps.map_html(maps.plan_map(plan, report), offline=True)
    assert payload not in text
    assert "<img src=x" not in text and "<script>window.__pwned" not in text
    assert text.count("</script>") == text.count("<script")  # nothing closed early
    sea = payloads(text)["Sea legs"]
    assert maps.esc(payload) in sea["legs"]["names"][0]  # popups are built from these


def test_offline_html_is_self_contained(layers):
    plan, report = synthetic()
    text = maps.map_html(maps.plan_map(plan, report, offline=True))

    class Tags(html.parser.HTMLParser):
        def __init__(self):
            super().__init__()
            self.external = []

        def handle_starttag(self, tag, attrs):
            for k, v in attrs:
                if k in ("src", "href") and v and re.match(r"(https?:)?//", v):
                    self.external.append((tag, v))

    tags = Tags()
    tags.feed(text)
    assert tags.external == []
    assert "L.map(" in text and "Leaflet 1.9.4" in text
    assert "url(images/" not in text  # Leaflet CSS images inlined
    assert maps.map_html(maps.plan_map(plan, report)) == text  # self-contained by default
    online = maps.map_html(maps.plan_map(plan, report, offline=False))
    assert 'src="https://cdn.jsdelivr.net/npm/leaflet@1.9.4/dist/leaflet.js"' in online
    # the same map can be saved either way
    assert maps.map_html(maps.plan_map(plan, report, offline=False), offline=True) == text


def test_a_plain_folium_map_can_be_saved_offline():
    import folium

    m = folium.Map(location=[20, 80], zoom_start=4, tiles=None)
    folium.PolyLine([[10, 80], [20, 90]], popup="a leg").add_to(m)
    text = maps.map_html(m, offline=True)
    assert "jQuery v3.7.1" in text and "Leaflet 1.9.4" in text  # folium popups need jQuery
    assert not re.search(r"<(script|link)[^>]+(src|href)=\"https?:", text)


def test_maps_are_deterministic(layers, tmp_path):
    plan, report = synthetic()
    a = maps.save_map(maps.plan_map(plan, report), tmp_path / "a.html", offline=True)
    b = maps.save_map(maps.plan_map(plan, report), tmp_path / "b.html", offline=True)
    assert a == b
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()
    assert not re.search(r"_[0-9a-f]{32}", a)
    m = maps.plan_map(plan, report)
    assert maps.map_html(m) == maps.map_html(m)  # rendering twice changes nothing


def test_missing_times_and_empty_reports(layers):
    plan, report = synthetic()
    report.legs.loc[0, "arrive"] = pd.NaT  # e.g. a leg the schedule could not time
    p = payloads(maps.map_html(maps.plan_map(plan, report)))
    assert p["Sea legs"]["fc"]["features"][0]["properties"]["t1"] is None
    start = pd.Timestamp("2026-03-02", tz="UTC").timestamp()
    assert p["Assets over time (slider)"]["t0"] == start  # the untimed leg is left out
    empty = SimpleNamespace(legs=gpd.GeoDataFrame(), findings=pd.DataFrame(),
                            presence=pd.DataFrame())
    p = payloads(maps.map_html(maps.plan_map(plan, empty)))
    assert "Sea legs" not in p and "Ports" in p


def test_osm_tiles_option(layers):
    plan, report = synthetic()
    text = maps.map_html(maps.plan_map(plan, report, tiles="osm"))
    assert "tile.openstreetmap.org" in text and '"OpenStreetMap"' in text
    with pytest.raises(ValueError):
        maps.plan_map(plan, report, tiles="stamen")


def test_cap_chart_is_a_deterministic_png():
    _, report = synthetic()
    a = maps.cap_chart_png(report.presence, "IND", {"warships": 5})
    assert a[:8] == b"\x89PNG\r\n\x1a\n"
    assert a == maps.cap_chart_png(report.presence, "IND", {"warships": 5})


def test_reach_map_layers():
    reach = facilities(kind="port").iloc[:5][["name", "kind", "country", "geometry"]]
    reach = reach.assign(distance_nm=[100.0, 200.0, 300.0, 400.0, 500.0])
    area = split_antimeridian(*geodesic_points(10, 80, 10, 90)).buffer(5)
    text = maps.map_html(maps.reach_map("visakhapatnam", reach, area, offline=True))
    p = payloads(text)
    assert len(p["Reachable facilities (5)"]["pts"]) == 5
    assert "distance_nm" in p["Reachable facilities (5)"]["pts"][0]["p"]
    assert p["Reach area"]["fc"]["features"][0]["geometry"]["type"] == "Polygon"
    assert p["Origin"]["pts"][0]["t"].startswith("Visakhapatnam")


def test_reach_area_across_180_is_continuous():
    area = MultiPolygon([Polygon([(170, 50), (180, 50), (180, 60), (170, 60)]),
                         Polygon([(-180, 50), (-170, 50), (-170, 60), (-180, 60)])])
    text = maps.map_html(maps.reach_map("petropavlovsk-kamchatsky", None, area))
    geom = payloads(text)["Reach area"]["fc"]["features"][0]["geometry"]
    assert geom["type"] == "Polygon"


# --------------------------------------------------------------------------- browser tests

needs_chromium = pytest.mark.skipif(browser.chromium_path() is None,
                                    reason="Chromium not installed at /usr/bin/chromium")

CHECKS = {
    "panes": "document.querySelectorAll('.leaflet-pane').length",
    "canvases": "document.querySelectorAll('canvas').length",
    "layers": "Array.from(document.querySelectorAll('.leaflet-control-layers label'))"
              ".map(l => l.textContent.trim())",
    "markers": "document.querySelectorAll('.relos-fac').length",
    # click the first leg and hover it: its popup and tooltip go into the DOM
    "popup": "(() => { const map = window[document.querySelector('.folium-map').id];"
             " let leg = null; map.eachLayer(l => { if (!leg && l.feature &&"
             " l.feature.properties.i === 0) { leg = l; } }); if (!leg) { return null; }"
             " const ll = leg.getLatLngs()[1]; leg.fire('click', {latlng: ll}, true);"
             " leg.fire('mouseover', {latlng: ll}, true);"
             " const pc = document.querySelector('.leaflet-popup-content');"
             " const tt = document.querySelector('.leaflet-tooltip:not(.relos-label)');"
             " return [pc && pc.textContent, pc && pc.querySelectorAll('img,script').length,"
             " tt && tt.textContent]; })()",
    # the runtime's popups for the first sea and the first air leg, built from the payloads
    "leg_popups": "(() => { const ds = [...document.querySelectorAll("
                  "'script[type=\"application/json\"]')].map(s => JSON.parse(s.textContent))"
                  ".filter(d => d.legs);"
                  " return ds.map(d => [relos.legPopup(d.fc.features[0].properties, d.legs),"
                  " relos.legTip(d.fc.features[0].properties, d.legs)]); })()",
    "pwned": "new Promise(r => setTimeout(() =>"
             " r([window.__pwned || null, window.__pwned2 || null]), 200))",
    # where the time slider puts the first leg's asset halfway through the leg
    "halfway": "(() => { const l = relos.legs[0];"
               " return relos.where([l], (l.t0 + l.t1) / 2); })()",
    "slider": "(() => { const i = document.querySelector('.relos-time input');"
              " const lab = document.querySelector('.relos-time span').textContent;"
              " i.value = i.max; i.dispatchEvent(new Event('input'));"
              " return [lab, document.querySelector('.relos-time span').textContent]; })()",
}


@pytest.mark.browser
@needs_chromium
def test_plan_map_in_chromium(layers, tmp_path):
    plan, report = synthetic(asset_name=XSS_IMG + XSS_SCRIPT, plan_name=XSS_IMG)
    path = tmp_path / "plan.html"
    maps.save_map(maps.plan_map(plan, report, offline=True), path)
    r = browser.open_page(path, CHECKS)
    assert r.console_errors == []
    assert r.requests == []  # nothing fetched from the network
    assert r.checks["panes"] >= 7
    assert r.checks["canvases"] >= 3
    for name in ("Land and sea (offline basemap)", "Ports", "Air bases", "Sea legs",
                 "Air legs", "Findings (3)", "Assets over time (slider)",
                 "Sovereign territory and 12 nm territorial seas",
                 "Northern Sea Route seas (ice class, plan months)"):
        assert name in r.checks["layers"]
    text, tags, tip = r.checks["popup"]
    assert XSS_IMG + XSS_SCRIPT in text and "Vladivostok" in text and "depart" in text
    assert tags == 0  # the payload is text, not elements
    assert tip.startswith(XSS_IMG + XSS_SCRIPT + ": Vladivostok")
    assert r.checks["pwned"] == [None, None]
    (sea_popup, sea_tip), (air_popup, _) = r.checks["leg_popups"]
    leg0 = report.legs.iloc[0]
    assert sea_popup.startswith(f"<b>{maps.esc(XSS_IMG + XSS_SCRIPT)}</b> (RUS, warship)")
    assert "<td>depart</td><td>2026-03-01 00:00Z</td>" in sea_popup
    assert f"{round(leg0.route.distance_nm):,} nm" in sea_popup
    assert "malacca" in sea_popup and "IDN" in sea_popup
    names = facilities()["name"]  # the tooltip names the places as the catalogue does
    assert sea_tip.endswith(f": {names['vladivostok']} \u2192 {names['visakhapatnam']}")
    assert air_popup.count("<tr>") == 6  # leg, mode, depart, arrive, distance, countries
    assert r.checks["markers"] >= len(facilities())
    lon, lat, _ = geometry.midpoint_bearing(report.legs.iloc[0].route.lons,
                                        report.legs.iloc[0].route.lats)
    assert r.checks["halfway"] == pytest.approx([lat, lon], abs=1.0)  # along the drawn leg
    before, after = r.checks["slider"]
    assert before.startswith("2026-03-01 00:00") and after.startswith("2026-03-18 10:00")
    variance, colours = browser.pixel_stats(r.screenshot)
    assert variance > 50 and colours > 20  # land, sea, legs: not a blank page


@pytest.mark.browser
@needs_chromium
def test_reach_map_in_chromium(tmp_path):
    reach = facilities(kind="port").iloc[:5][["name", "kind", "country", "geometry"]]
    area = split_antimeridian(*geodesic_points(10, 80, 10, 90)).buffer(5)
    path = tmp_path / "reach.html"
    maps.save_map(maps.reach_map("visakhapatnam", reach, area, offline=True), path)
    r = browser.open_page(path, CHECKS)
    assert r.console_errors == [] and r.requests == []
    assert {"Reach area", "Reachable facilities (5)", "Origin"} <= set(r.checks["layers"])
    assert browser.pixel_stats(r.screenshot)[0] > 50


# --------------------------------------------------------------------------- the demo plan


@pytest.fixture(scope="module")
def demo():
    from planner.core.paths import geodata_path
    from planner.model.plan import Plan

    plan = Plan.load(geodata_path("demo_plan.yaml"))
    return plan, plan.check()


def test_demo_plan_map_layers(demo):
    plan, report = demo
    text = maps.map_html(maps.plan_map(plan, report, offline=True))
    p = payloads(text)
    sea = p["Sea legs"]["fc"]["features"]
    air = p["Air legs"]["fc"]["features"]
    assert len(sea) + len(air) == len(report.legs)
    assert {f["properties"]["i"] for f in sea + air} == set(range(len(report.legs)))
    terr = {f["properties"]["t"][-4:-1]
            for f in p["Sovereign territory and 12 nm territorial seas"]["fc"]["features"]}
    crossed = {c for cc in report.legs["countries_crossed"] for c in cc}
    assert {"IND", "RUS"} | crossed <= terr
    fnd = p[f"Findings ({len(report.findings)})"]
    assert len(fnd["lines"]["features"]) + len(fnd["pts"]) == len(report.findings)
    assert maps.map_html(maps.plan_map(plan, report, offline=True)) == text


def test_clearance_findings_sit_mid_leg(demo):
    plan, report = demo
    f = report.findings
    clear = f[(f["code"] == "CLEARANCE") & f["leg"].notna() & f["segment"].isna()]
    if clear.empty:
        pytest.skip("the demo plan has no leg clearance without a segment")
    lines, points, _ = maps.finding_features(clear, report.legs, -180.0, 0.0)
    assert lines == [] and len(points) == len(clear)
    assert all(p["z"] == 12 for p in points)


@pytest.mark.browser
@needs_chromium
def test_demo_plan_map_in_chromium(demo, tmp_path):
    plan, report = demo
    path = tmp_path / "demo.html"
    maps.save_map(maps.plan_map(plan, report), path, offline=True)
    r = browser.open_page(path, CHECKS)
    assert r.console_errors == [] and r.requests == []
    assert "Sea legs" in r.checks["layers"] and "Air legs" in r.checks["layers"]
    assert browser.pixel_stats(r.screenshot)[0] > 50
