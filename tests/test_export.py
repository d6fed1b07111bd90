"""Exports read back by independent readers (json, pyogrio, xml.etree, pandas, icalendar) with
the same legs, calls, findings and file-by dates as ``relos check --format json``; names from
plans escaped; written atomically."""

from __future__ import annotations

import collections
import datetime as dt
import json
import xml.etree.ElementTree as ET

import pandas as pd
import pyogrio
import pytest
import yaml
from icalendar import Calendar

from planner.core.paths import geodata_path
from planner.model.plan import Plan

KML = "{http://www.opengis.net/kml/2.2}"
XSS = "<img src=x onerror=alert(1)> & \"quotes\", commas; semis"


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory):
    """The demo plan checked as JSON and exported to every format by the CLI."""
    from conftest import run_relos

    out = tmp_path_factory.mktemp("export")
    plan = str(geodata_path("demo_plan.yaml"))
    doc = json.loads(run_relos("check", plan, "--format", "json").stdout)
    files = {}
    for ext in ("geojson", "gpkg", "kml", "csv", "ics"):
        path = out / f"demo.{ext}"
        res = run_relos("export", plan, "-o", str(path))
        assert res.returncode == 0, res.stderr
        files[ext] = path
    source = yaml.safe_load(geodata_path("demo_plan.yaml").read_text(encoding="utf-8"))
    n_calls = sum(len(a["itinerary"]) for a in source["assets"])
    return doc, files, n_calls


def _legs_key(rows) -> list[tuple]:
    return [(r["asset"], r["from"], r["to"], r["mode"], r["depart"], r["arrive"]) for r in rows]


def _text(v):
    """A reader's missing value (None, NaN, "") as None."""
    return v if isinstance(v, str) and v else None


def _findings_key(rows) -> collections.Counter:
    return collections.Counter((r["code"], r["severity"], _text(r["host"]), _text(r["start"]),
                                r["message"]) for r in rows)


def _json_findings(doc) -> collections.Counter:
    return _findings_key([{**f, "start": f["start"]} for f in doc["findings"]])


def test_geojson_one_feature_collection(demo_out):
    doc, files, n_calls = demo_out
    gj = json.loads(files["geojson"].read_text(encoding="utf-8"))
    assert gj["type"] == "FeatureCollection"
    by = collections.defaultdict(list)
    for f in gj["features"]:
        by[f["properties"]["layer"]].append(f)
    assert _legs_key([f["properties"] for f in by["legs"]]) == _legs_key(doc["legs"])
    assert {f["geometry"]["type"] for f in by["legs"]} <= {"LineString", "MultiLineString"}
    assert len(by["calls"]) == n_calls
    assert {f["geometry"]["type"] for f in by["calls"]} == {"Point"}
    assert _findings_key([f["properties"] for f in by["findings"]]) == _json_findings(doc)
    # every finding of the demo has a position (a segment, a leg or a facility)
    assert all(f["geometry"] is not None for f in by["findings"])


def test_gpkg_layers_read_by_pyogrio(demo_out):
    doc, files, n_calls = demo_out
    layers = {name: kind for name, kind in pyogrio.list_layers(files["gpkg"])}
    assert layers == {"legs": "MultiLineString", "calls": "Point", "findings": "Point"}
    legs = pyogrio.read_dataframe(files["gpkg"], layer="legs")
    assert _legs_key(legs.to_dict("records")) == _legs_key(doc["legs"])
    assert legs.crs.to_epsg() == 4326
    nm = [round(float(x), 1) for x in legs["distance_nm"]]
    assert nm == [leg["distance_nm"] for leg in doc["legs"]]
    calls = pyogrio.read_dataframe(files["gpkg"], layer="calls")
    assert len(calls) == n_calls
    vizag = calls[calls["at"] == "visakhapatnam"].geometry.iloc[0]
    assert (vizag.y, vizag.x) == pytest.approx((17.69, 83.28), abs=0.05)  # the port
    fnd = pyogrio.read_dataframe(files["gpkg"], layer="findings")
    rows = fnd.to_dict("records")
    assert _findings_key(rows) == _json_findings(doc)
    json_by = sorted(f["file_by"] for f in doc["findings"] if f["code"] == "CLEARANCE")
    assert sorted(fnd.loc[fnd["code"] == "CLEARANCE", "file_by"]) == json_by


def test_kml_placemarks_parsed_by_xml_etree(demo_out):
    doc, files, n_calls = demo_out
    root = ET.parse(files["kml"]).getroot()
    folders = {f.find(f"{KML}name").text: f for f in root.iter(f"{KML}Folder")}
    assert set(folders) == {"legs", "calls", "findings"}

    def data(pm):
        return {d.get("name"): d.find(f"{KML}value").text
                for d in pm.iter(f"{KML}Data")}

    legs = [data(pm) for pm in folders["legs"].iter(f"{KML}Placemark")]
    assert _legs_key(legs) == _legs_key(doc["legs"])
    for pm in folders["legs"].iter(f"{KML}Placemark"):
        assert pm.find(f".//{KML}LineString/{KML}coordinates") is not None
    assert len(list(folders["calls"].iter(f"{KML}Placemark"))) == n_calls
    fnd = [data(pm) for pm in folders["findings"].iter(f"{KML}Placemark")]
    rows = [{k: r.get(k) for k in ("code", "severity", "host", "start", "message")}
            for r in fnd]
    assert _findings_key(rows) == _json_findings(doc)


def test_csv_legs_and_findings(demo_out):
    doc, files, _ = demo_out
    df = pd.read_csv(files["csv"], dtype=str, keep_default_na=False)
    assert set(df["record"]) == {"leg", "finding"}
    legs = df[df["record"] == "leg"].to_dict("records")
    assert _legs_key(legs) == _legs_key(doc["legs"])
    rows = df[df["record"] == "finding"].to_dict("records")
    assert _findings_key(rows) == _json_findings(doc)


def test_ics_one_event_per_clearance_on_its_file_by_date(demo_out):
    doc, files, _ = demo_out
    cal = Calendar.from_ical(files["ics"].read_bytes())
    events = list(cal.walk("VEVENT"))
    clearances = [f for f in doc["findings"] if f["code"] == "CLEARANCE"]
    assert len(events) == len(clearances) > 0
    got = sorted(ev.decoded("dtstart").isoformat() for ev in events)
    assert got == sorted(f["file_by"][:10] for f in clearances)
    for ev in events:
        alarms = list(ev.walk("VALARM"))
        assert len(alarms) == 1 and alarms[0].decoded("trigger") == -dt.timedelta(days=7)
    kaz = [ev for ev in events if "Kazakhstan (KAZ)" in str(ev["summary"])]
    assert len(kaz) == 2  # out and back over Kazakhstan
    desc = str(kaz[0]["description"])
    assert "Country: Kazakhstan (KAZ)" in desc
    assert "Authority: state overflown (diplomatic clearance)" in desc
    assert "Asset: il76-spares (RUS)" in desc and "Event: overflight" in desc
    assert len({str(ev["uid"]) for ev in events}) == len(events)


def test_nsr_permission_is_an_event(tmp_path):
    # a foreign warship entering the NSR's internal waters needs Russia's permission 90 days
    # ahead (510-FZ; register row RUS,warship,nsr_transit): the what-if Arc4 pair, escorted
    plan = Plan.load("examples/indian_frigates_nsr_pair_whatif.yaml")
    doc = json.loads(plan.check().to_json())
    nsr = [f for f in doc["findings"] if f["code"] == "CLEARANCE" and f.get("event")
           == "nsr_transit"]
    assert nsr
    path = plan.export(tmp_path / "nsr.ics", remind_days=14)
    events = [ev for ev in Calendar.from_ical(path.read_bytes()).walk("VEVENT")
              if "nsr transit" in str(ev["summary"])]
    assert len(events) == len(nsr)
    entering = dt.datetime.fromisoformat(nsr[0]["start"].replace("Z", "+00:00"))
    assert events[0].decoded("dtstart") == (entering - dt.timedelta(days=90)).date()
    desc = str(events[0]["description"])
    assert "Authority: Government of the Russian Federation, requested through diplomatic " \
        "channels" in desc
    assert "pilotage" in desc
    alarm = next(iter(events[0].walk("VALARM")))
    assert alarm.decoded("trigger") == -dt.timedelta(days=14)


def test_plan_names_escaped_and_read_back_verbatim(tmp_path, base_plan):
    base_plan["name"] = XSS
    base_plan["assets"][0]["name"] = XSS
    plan = Plan.from_dict(base_plan)
    root = ET.parse(plan.export(tmp_path / "x.kml")).getroot()
    assert root.find(f"{KML}Document/{KML}name").text == XSS
    names = {d.find(f"{KML}value").text for d in root.iter(f"{KML}Data")
             if d.get("name") == "asset_name"}
    assert names == {XSS}
    cal = Calendar.from_ical(plan.export(tmp_path / "x.ics").read_bytes())
    assert str(cal["x-wr-calname"]) == f"{XSS}: clearances"
    gj = json.loads(plan.export(tmp_path / "x.geojson").read_text(encoding="utf-8"))
    assert gj["name"] == XSS


def test_bad_extension_exit_2_and_nothing_written(tmp_path, relos):
    out = tmp_path / "plan.shp"
    res = relos("export", str(geodata_path("demo_plan.yaml")), "-o", str(out))
    assert res.returncode == 2 and ".geojson" in res.stderr and "Traceback" not in res.stderr
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(ValueError, match="unknown export format"):
        Plan.load(geodata_path("demo_plan.yaml")).export(tmp_path / "plan.txt")
    assert list(tmp_path.iterdir()) == []


def test_export_replaces_atomically(tmp_path, base_plan, monkeypatch):
    from planner.render import export

    plan = Plan.from_dict(base_plan)
    path = tmp_path / "plan.gpkg"
    plan.export(path)
    before = path.read_bytes()

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(export.gpd.GeoDataFrame, "to_file", boom)
    with pytest.raises(OSError):
        plan.export(path)
    assert path.read_bytes() == before  # the old file stands
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.gpkg"]  # no temp left
