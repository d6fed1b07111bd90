"""The KML document and the iCalendar of an export (:mod:`planner.render.export`).

KML is written with :mod:`xml.etree.ElementTree`, which escapes every text and attribute, so
a name from a plan never becomes markup; the calendar with ``icalendar`` (RFC 5545), which
escapes commas, semicolons and line breaks in text values.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

import geopandas as gpd
import pandas as pd

from planner.core.units import fmt_minute, to_timestamp
from planner.render.brief import clearance_text, country_name
from planner.render.maps.style import FINDING, nation_colours

KML_NS = "http://www.opengis.net/kml/2.2"


def _kml_colour(hex_rgb: str, alpha: str = "ff") -> str:
    """``#rrggbb`` as KML's ``aabbggrr``."""
    h = hex_rgb.lstrip("#")
    return f"{alpha}{h[4:6]}{h[2:4]}{h[0:2]}"


def _sub(parent: ET.Element, tag: str, text: Any = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = str(text)
    return el


def _coords(xy) -> str:
    return " ".join(f"{x:.5f},{y:.5f}" for x, y in xy)


def _geometry(parent: ET.Element, g) -> None:
    if g is None or g.is_empty:
        return
    kind = g.geom_type
    if kind == "Point":
        _sub(_sub(parent, "Point"), "coordinates", _coords([(g.x, g.y)]))
    elif kind == "LineString":
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", 1)
        _sub(line, "coordinates", _coords(g.coords))
    elif kind.startswith("Multi") or kind == "GeometryCollection":
        multi = _sub(parent, "MultiGeometry")
        for part in g.geoms:
            _geometry(multi, part)


def _extended(parent: ET.Element, row: Mapping[str, Any]) -> None:
    data = _sub(parent, "ExtendedData")
    for k, v in row.items():
        if k == "geometry" or v is None or (not isinstance(v, str) and pd.isna(v)):
            continue
        d = _sub(data, "Data")
        d.set("name", str(k))
        _sub(d, "value", v)


def kml_text(layers: Mapping[str, gpd.GeoDataFrame], name: str) -> str:
    """A KML document: folders ``legs`` (lines coloured by nation), ``calls`` and ``findings``
    (placemarks); every field in each placemark's ExtendedData."""
    ET.register_namespace("", KML_NS)
    root = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(root, "Document")
    _sub(doc, "name", name)
    nations = set(layers["legs"].get("nation", [])) | set(layers["calls"].get("nation", []))
    colours = nation_colours(sorted(str(n) for n in nations))
    for n, c in colours.items():
        st = _sub(doc, "Style")
        st.set("id", f"nation-{n}")
        ls = _sub(st, "LineStyle")
        _sub(ls, "color", _kml_colour(c))
        _sub(ls, "width", 3)
        _sub(_sub(st, "IconStyle"), "color", _kml_colour(c))
    st = _sub(doc, "Style")
    st.set("id", "finding")
    _sub(_sub(st, "IconStyle"), "color", _kml_colour(FINDING))
    for layer, gdf in layers.items():
        folder = _sub(doc, "Folder")
        _sub(folder, "name", layer)
        for row in gdf.to_dict("records"):
            pm = _sub(folder, "Placemark")
            if layer == "legs":
                title = f"{row['asset']}: {row['from']} -> {row['to']} ({row['mode']})"
                desc = (f"{row['distance_nm']:,.0f} nm, depart {row['depart']}, arrive "
                        f"{row['arrive']}")
                style = f"nation-{row['nation']}"
            elif layer == "calls":
                title = f"{row['asset']} at {row['name'] or row['at']}"
                desc = f"arrive {row['arrive']}, depart {row['depart']}"
                style = f"nation-{row['nation']}"
            else:
                title = f"{row['code']} ({row['severity']})"
                desc = str(row["message"])
                style = "finding"
            _sub(pm, "name", title)
            _sub(pm, "description", desc)
            _sub(pm, "styleUrl", f"#{style}")
            _extended(pm, row)
            _geometry(pm, row.get("geometry"))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") \
        + "\n"


def event_uid(*parts: Any) -> str:
    """A stable UID for a calendar event from what identifies it."""
    digest = hashlib.sha256("|".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{digest[:32]}@relos-planner"


def calendar_bytes(report, name: str, *, remind_days: int = 7,
                   stamp: dt.datetime | None = None) -> bytes:
    """An iCalendar with one all-day event per ``CLEARANCE`` finding (an NSR permission is
    one too) on its file-by date (UTC), a display reminder ``remind_days`` days before, and
    the country, authority, asset, event, entry time and file-by time in the description.
    ``stamp`` is the DTSTAMP (default: the latest file-by date, so the same plan gives the same
    bytes)."""
    from icalendar import Alarm, Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//relos-planner//clearances//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{name}: clearances")
    clearances = [f for f in report.finding_list if f.code == "CLEARANCE"]
    bys = [to_timestamp((f.extra or {}).get("file_by")) for f in clearances]
    known = [b for b in bys if b is not None]
    stamp = stamp or (max(known).to_pydatetime() if known else
                      dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
    for f, by in zip(clearances, bys, strict=True):
        if by is None:
            continue
        e = f.extra or {}
        iso = str(e.get("country") or f.host or "")
        event = str(e.get("event") or "notice").replace("_", " ")
        assets = ", ".join(f.assets)
        ev = Event()
        ev.add("uid", event_uid(name, iso, e.get("event"), assets, f.start, e.get("file_by")))
        ev.add("dtstamp", stamp)
        ev.add("dtstart", by.date())
        ev.add("dtend", by.date() + dt.timedelta(days=1))
        ev.add("summary", f"File {event} clearance with {country_name(iso)} ({iso}) for "
                          f"{assets}")
        ev.add("location", f"{country_name(iso)} ({iso})")
        ev.add("categories", ["RELOS", "CLEARANCE", event])
        ev.add("description", "\n".join([
            f"Plan: {name}",
            f"Country: {country_name(iso)} ({iso})",
            f"Authority: {e.get('authority') or '?'}",
            f"Clearance: {clearance_text(f)}",
            f"Asset: {assets} ({f.nation})",
            f"Event: {event}, entering {fmt_minute(f.start)}",
            f"File by: {fmt_minute(by)} ({e.get('lead_days')} days before"
            f"{'; planner default lead time' if e.get('default_lead_time') else ''})",
            f"Source: {e.get('source') or '?'}",
            "",
            f.message]))
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"In {remind_days} days: file {event} clearance with "
                                 f"{country_name(iso)} ({iso}) for {assets}")
        alarm.add("trigger", dt.timedelta(days=-remind_days))
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()
